# Copyright (c) mmslkd contributors. All rights reserved.
import pytest
import torch
from torch import nn

from mmslkd.utils import (CheckpointError, extract_state_dict,
                          load_teacher_checkpoint, safe_torch_load)


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(CheckpointError, match='does not exist.*convert'):
        safe_torch_load(str(tmp_path / 'teacher.pth'))


def test_truncated_file(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(state_dict=nn.Linear(64, 64).state_dict()), path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match='truncated or corrupt'):
        safe_torch_load(str(path))


def test_garbage_file(tmp_path):
    path = tmp_path / 'ckpt.pth'
    path.write_bytes(b'not a checkpoint at all')
    with pytest.raises(CheckpointError, match=str(path)):
        safe_torch_load(str(path))


def test_literature_layout_asks_for_conversion():
    with pytest.raises(CheckpointError, match='mdistiller_to_mmslkd.py'):
        extract_state_dict({'model': {
            'conv1.weight': torch.zeros(1)
        }}, 'ckpt_epoch_240.pth')


def test_module_prefix_is_stripped():
    state = extract_state_dict(
        {'state_dict': {
            'module.fc.weight': torch.zeros(1)
        }})
    assert list(state) == ['fc.weight']


def test_teacher_mismatch_lists_keys_and_shapes(tmp_path):
    path = str(tmp_path / 'teacher.pth')
    saved = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3))
    torch.save(dict(state_dict=saved.state_dict()), path)
    other = nn.Sequential(
        nn.Linear(4, 8), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(CheckpointError) as err:
        load_teacher_checkpoint(other, path)
    message = str(err.value)
    assert '1.weight: (5, 8) vs (3, 8)' in message
    assert 'Missing in checkpoint: 3.weight, 3.bias' in message
    assert 'head.num_classes' in message
    # the matching network loads, strictly
    fresh = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3))
    load_teacher_checkpoint(fresh, path)
    for a, b in zip(fresh.parameters(), saved.parameters()):
        assert torch.equal(a, b)


def _save(path, value, **entries):
    """A checkpoint as training writes it (weights, meta, optimizer, message
    hub), or with ``entries`` instead."""
    checkpoint = dict(
        state_dict=dict(w=torch.full((64, ), value)),
        meta=dict(epoch=int(value), iter=6 * int(value)),
        message_hub=dict(log_scalars={}),
        optimizer=dict(state={}, param_groups=[]))
    checkpoint.update(entries)
    torch.save({k: v for k, v in checkpoint.items() if v is not None}, path)


def test_resumable_checkpoint_skips_a_damaged_newest(tmp_path):
    from mmslkd.utils import find_resumable_checkpoint, is_complete_checkpoint
    assert find_resumable_checkpoint(str(tmp_path)) is None  # fresh run
    for epoch in (1, 2, 10):
        _save(tmp_path / f'epoch_{epoch}.pth', epoch)
    newest = tmp_path / 'epoch_10.pth'  # numeric, not lexical, order
    assert find_resumable_checkpoint(str(tmp_path)) == str(newest)
    # a crash while writing epoch 10 (without the atomic backend)
    data = newest.read_bytes()
    newest.write_bytes(data[:len(data) - 100])
    (tmp_path / 'last_checkpoint').write_text(str(newest))
    assert not is_complete_checkpoint(str(newest))
    with pytest.warns(UserWarning, match='Skipping damaged.*epoch_10'):
        found = find_resumable_checkpoint(str(tmp_path))
    assert found == str(tmp_path / 'epoch_2.pth')
    for epoch in (1, 2):
        (tmp_path / f'epoch_{epoch}.pth').write_bytes(b'garbage')
    with pytest.raises(CheckpointError, match='No complete checkpoint'):
        find_resumable_checkpoint(str(tmp_path))


def test_atomic_backend_keeps_the_old_file_when_writing_fails(
        tmp_path, monkeypatch):
    import os

    from mmengine.fileio import get_file_backend
    from mmengine.runner.checkpoint import save_checkpoint

    path = str(tmp_path / 'epoch_1.pth')
    backend_args = dict(backend='atomic_local')
    assert type(get_file_backend(path, backend_args=backend_args)).__name__ \
        == 'AtomicLocalBackend'
    # MMEngine's own save_checkpoint, through the backend the runtime sets
    save_checkpoint(
        dict(state_dict=dict(w=torch.ones(3))),
        path,
        backend_args=backend_args)
    assert torch.equal(safe_torch_load(path)['state_dict']['w'], torch.ones(3))

    def crash(*args):
        raise KeyboardInterrupt('killed while flushing')

    monkeypatch.setattr(os, 'fsync', crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(
            dict(state_dict=dict(w=torch.zeros(3))),
            path,
            backend_args=backend_args)
    # the previous checkpoint is intact and no partial file is left
    assert torch.equal(safe_torch_load(path)['state_dict']['w'], torch.ones(3))
    assert os.listdir(tmp_path) == ['epoch_1.pth']


class _Exploit:

    def __reduce__(self):
        import os
        return (os.system, ('touch pwned_by_teacher_ckpt', ))


@pytest.mark.parametrize('config', [
    'configs/kd/kd_r56_r8_cifar100.py', 'configs/slkd/slkd_r56_r8_cifar100.py',
    'configs/amtml/amtml_r56+r110_r20_cifar100.py'
])
def test_malicious_teacher_ckpt_runs_no_code(config, tmp_path, monkeypatch,
                                             repo_root):
    import pickle

    from mmengine.config import Config

    from mmslkd.registry import MODELS
    monkeypatch.chdir(tmp_path)
    evil = str(tmp_path / 'teacher.pth')
    with open(evil, 'wb') as f:
        pickle.dump(dict(state_dict={}, meta=_Exploit()), f)
    cfg = Config.fromfile(f'{repo_root}/{config}').model
    if 'teachers' in cfg:
        for spec in cfg.teachers.values():
            spec.ckpt = evil
    else:
        cfg.teacher_ckpt = evil
    with pytest.raises(CheckpointError, match='weights_only.*opt in'):
        MODELS.build(cfg)
    assert not (tmp_path / 'pwned_by_teacher_ckpt').exists()


def test_trusted_pickle_needs_an_explicit_opt_in(tmp_path, monkeypatch):
    from argparse import Namespace
    path = str(tmp_path / 'old.pth')
    torch.save(dict(state_dict={}, meta=Namespace(epoch=3)), path)
    with pytest.raises(CheckpointError, match='--trust-pickled-checkpoints'):
        safe_torch_load(path)
    monkeypatch.setenv('MMSLKD_TRUST_PICKLED_CHECKPOINTS', '1')
    with pytest.warns(UserWarning, match='weights_only=False'):
        assert safe_torch_load(path)['meta'].epoch == 3


def test_text_file_or_folder_given_as_checkpoint(tmp_path):
    text = tmp_path / 'epoch_3.pth'
    text.write_text('/work_dirs/run/epoch_3.pth\n')  # e.g. last_checkpoint
    with pytest.raises(CheckpointError) as err:
        safe_torch_load(str(text))
    assert "is not a checkpoint: it is a text file (it starts with " \
        "'/work_dirs/run/epoch_3.pth')" in str(err.value)
    assert '--resume without a path' in str(err.value)
    binary = tmp_path / 'weights.bin'
    binary.write_bytes(bytes(range(200, 256)) * 4)
    with pytest.raises(CheckpointError, match='neither a torch checkpoint'):
        safe_torch_load(str(binary))
    folder = tmp_path / 'run'
    folder.mkdir()
    _save(folder / 'epoch_1.pth', 1)
    with pytest.raises(CheckpointError) as err:
        safe_torch_load(str(folder))
    assert 'is a directory, not a checkpoint file' in str(err.value)
    assert 'it holds epoch_1.pth' in str(err.value)


def test_weights_only_checkpoint_cannot_be_resumed(tmp_path):
    from mmslkd.utils import (check_resumable_checkpoint,
                              find_resumable_checkpoint)
    trained = tmp_path / 'epoch_1.pth'
    _save(trained, 1)
    check_resumable_checkpoint(str(trained))
    teacher = tmp_path / 'epoch_2.pth'  # e.g. a published teacher
    _save(teacher, 2, message_hub=None, optimizer=None)
    with pytest.raises(CheckpointError) as err:
        check_resumable_checkpoint(str(teacher))
    message = str(err.value)
    assert 'cannot be resumed: it has meta, state_dict but no message_hub, ' \
        'optimizer' in message
    assert f'load_from (--cfg-options load_from={teacher}) without ' \
        '--resume' in message
    # resuming the work dir passes over it to the training checkpoint
    with pytest.warns(UserWarning, match='epoch_2.pth.*weights only'):
        assert find_resumable_checkpoint(str(tmp_path)) == str(trained)


def test_last_checkpoint_in_another_folder(tmp_path):
    import os

    from mmslkd.utils import find_resumable_checkpoint
    other, own = tmp_path / 'other_run', tmp_path / 'this_run'
    other.mkdir()
    own.mkdir()
    _save(other / 'epoch_5.pth', 5)
    # a work dir copied from another run: its pointer names the original
    (own / 'last_checkpoint').write_text(str(other / 'epoch_5.pth'))
    with pytest.warns(UserWarning, match='no complete checkpoint of its own'):
        found = find_resumable_checkpoint(str(own))
    assert found == str(other / 'epoch_5.pth')
    _save(own / 'epoch_6.pth', 6)
    with pytest.warns(UserWarning, match='in another folder'):
        assert find_resumable_checkpoint(str(own)) == str(own / 'epoch_6.pth')
    # epoch and iteration checkpoints in one work dir: the last written
    _save(own / 'iter_40.pth', 7)
    os.utime(own / 'epoch_6.pth', (1e9, 1e9))
    (own / 'last_checkpoint').unlink()
    assert find_resumable_checkpoint(str(own)) == str(own / 'iter_40.pth')


def test_atomic_backend_removes_stale_partial_files(tmp_path):
    import os

    from mmengine.fileio import get_file_backend

    from mmslkd.engine.fileio import AtomicLocalBackend
    stale = tmp_path / 'epoch_3.pth.partial'  # a save killed by SIGKILL
    stale.write_bytes(b'half a checkpoint')
    os.utime(stale, (1e9, 1e9))
    live = tmp_path / 'best.pth.partial'  # another process writing now
    live.write_bytes(b'being written')
    backend = get_file_backend(
        str(tmp_path), backend_args=dict(backend='atomic_local'))
    AtomicLocalBackend._cleaned.discard(str(tmp_path))
    backend.put(b'data', str(tmp_path / 'epoch_4.pth'))
    assert sorted(os.listdir(tmp_path)) == ['best.pth.partial', 'epoch_4.pth']
