# Copyright (c) mmslkd contributors. All rights reserved.
"""The trajectory folder: records, manifest, resumed recordings."""
import json
import os.path as osp

import pytest
import torch
from torch import nn

from mmslkd.utils.trajectory import (Trajectory, TrajectoryError,
                                     TrajectoryWriter, network_signature,
                                     weights_sha256)


class Net(nn.Module):

    def __init__(self, width=4):
        super().__init__()
        self.fc = nn.Linear(3, width)
        self.bn = nn.BatchNorm1d(width)
        self.head = nn.Module()
        self.head.num_classes = width


def writer(folder, width=4, max_epochs=4, teacher='abc'):
    nets = [Net(width), Net(width)]
    return TrajectoryWriter(
        str(folder),
        'self_learning_teachers',
        dict(type='Net', width=width),
        nets,
        num_classes=width,
        max_epochs=max_epochs,
        teacher=dict(weights_sha256=teacher)), nets


def test_weights_sha256_is_about_the_weights_only():
    net = Net()
    state = net.state_dict()
    assert weights_sha256(state) == weights_sha256(
        {k: v.clone()
         for k, v in reversed(list(state.items()))})
    changed = dict(state)
    changed['fc.bias'] = state['fc.bias'] + 1e-7
    assert weights_sha256(changed) != weights_sha256(state)
    assert network_signature(net)['fc.weight'] == '4x3'


def test_records_round_trip_weights_only(tmp_path):
    trajectory_writer, nets = writer(tmp_path)
    trajectory_writer.start(0)
    trajectory_writer.record(0, nets)
    trajectory_writer.record(2, nets)
    trajectory = Trajectory(str(tmp_path))
    assert trajectory.epochs == [0, 2]
    assert [trajectory.record_for(e) for e in (1, 2, 3)] == [0, 2, 2]
    for net, state in zip(nets, trajectory.load(2)):
        for key, value in net.state_dict().items():
            assert torch.equal(state[key], value)
    # records hold tensors only: a weights-only load reads them
    torch.load(osp.join(tmp_path, 'epoch_2.pth'), weights_only=True)


def test_a_resumed_recording_drops_later_records(tmp_path):
    first, nets = writer(tmp_path)
    first.start(0)
    for epoch in (0, 1, 2, 3):
        first.record(epoch, nets)
    # the run resumes from its epoch-1 checkpoint: 2 and 3 come again
    resumed, nets = writer(tmp_path)
    resumed.start(1)
    assert Trajectory(str(tmp_path)).epochs == [0, 1]
    resumed.record(2, nets)
    assert Trajectory(str(tmp_path)).epochs == [0, 1, 2]


@pytest.mark.parametrize('change', [
    dict(width=5), dict(max_epochs=10), dict(teacher='other')
])
def test_a_folder_of_another_trajectory_is_refused(tmp_path, change):
    first, nets = writer(tmp_path)
    first.start(0)
    first.record(0, nets)
    other, _ = writer(tmp_path, **change)
    with pytest.raises(TrajectoryError, match='another run'):
        other.start(0)
    manifest = json.load(open(tmp_path / 'trajectory.json'))
    assert [r['epoch'] for r in manifest['records']] == [0]


def test_a_record_that_does_not_match_its_manifest_is_refused(tmp_path):
    trajectory_writer, nets = writer(tmp_path)
    trajectory_writer.start(0)
    trajectory_writer.record(0, nets)
    torch.save(dict(epoch=3, state_dicts=[]), tmp_path / 'epoch_0.pth')
    with pytest.raises(Exception, match='not the record of epoch 0'):
        Trajectory(str(tmp_path)).load(0)
    (tmp_path / 'trajectory.json').write_text('{"format": "other"}')
    with pytest.raises(TrajectoryError, match='not an mmslkd trajectory'):
        Trajectory(str(tmp_path))
