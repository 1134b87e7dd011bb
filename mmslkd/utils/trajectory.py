# Copyright (c) mmslkd contributors. All rights reserved.
"""Recorded training trajectories: the weights of one or more networks at
chosen epochs of a training run, in a folder with a JSON manifest.

A trajectory is written by :class:`~mmslkd.engine.hooks.
TrajectoryRecorderHook` (the self-learning teachers of an SLKD run, or a
classifier being trained, e.g. a teacher) and replayed by
:class:`~mmslkd.models.algorithms.TrajectoryDistill`. Layout::

    trajectory/
        trajectory.json     the manifest (plain JSON)
        epoch_0.pth         {'epoch': 0, 'state_dicts': [sd_0, sd_1, ...]}
        epoch_1.pth         ...

``epoch_e.pth`` holds the weights at the *end* of training epoch ``e``
(1-based, as MMEngine's ``epoch_e.pth`` checkpoints); ``epoch_0.pth`` holds
the initial weights. Record files are read with ``weights_only=True`` (they
hold tensors only). The manifest names what the trajectory belongs to: the
kind (``'self_learning_teachers'`` or ``'teacher'``), the networks' config,
their parameter names and shapes, the class count, the teacher (sha256 of
its weights, and its checkpoint file and that file's sha256), the schedule
length and the recorded epochs, with the sha256 of each record's weights.
"""
import copy
import hashlib
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch
from torch import nn

from .checkpoint import CheckpointError, safe_torch_load

__all__ = [
    'MANIFEST', 'TrajectoryError', 'weights_sha256', 'file_sha256',
    'network_signature', 'TrajectoryWriter', 'Trajectory'
]

#: the manifest's file name inside a trajectory folder
MANIFEST = 'trajectory.json'
_FORMAT = 'mmslkd-trajectory'
_VERSION = 1
KINDS = ('self_learning_teachers', 'teacher')
_RECORD_HINT = {
    'self_learning_teachers':
    'python tools/train.py configs/trajectory/'
    'slt-trajectory-record_r32x4_r8x4_cifar100.py (or the recording config '
    'of your pair) --cfg-options model.teacher_ckpt=TEACHER',
    'teacher':
    'python tools/train.py configs/trajectory/'
    'resnet32x4-trajectory-record_cifar100.py (or your teacher config with '
    "custom_hooks=[dict(type='TrajectoryRecorderHook')])",
}


class TrajectoryError(ValueError):
    """A trajectory is missing, incomplete, or recorded for something else
    than the run that replays it."""


def weights_sha256(state_dict: Dict[str, torch.Tensor]) -> str:
    """sha256 of a state dict's names, dtypes, shapes and values.

    Unlike a file hash it does not change when the same weights are saved
    again (another container, extra metadata).

    Args:
        state_dict (dict[str, Tensor]): The weights.

    Returns:
        str: Hex digest.
    """
    digest = hashlib.sha256()
    for key in sorted(state_dict):
        value = state_dict[key]
        if not torch.is_tensor(value):
            continue
        value = value.detach().to('cpu').contiguous()
        digest.update(f'{key}|{value.dtype}|{tuple(value.shape)}|'.encode())
        digest.update(value.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def file_sha256(filename: str) -> Optional[str]:
    """sha256 of a file's bytes, or None if there is no such file."""
    if not filename or not osp.isfile(filename):
        return None
    digest = hashlib.sha256()
    with open(filename, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def network_signature(network: nn.Module) -> Dict[str, str]:
    """Parameter and buffer names with their shapes.

    Args:
        network (nn.Module): A network.

    Returns:
        dict[str, str]: ``{name: shape}``, shapes written ``'16x3x3x3'``.
    """
    return {
        k: 'x'.join(str(d) for d in v.shape)
        for k, v in network.state_dict().items() if torch.is_tensor(v)
    }


def _describe(network_cfg: Optional[dict]) -> str:
    """A short name of a classifier config, e.g. ``CIFARResNet resnet56``."""
    backbone = (network_cfg or {}).get('backbone') or {}
    if not isinstance(backbone, dict) or not backbone:
        return 'networks'
    kind = str(backbone.get('type', '?')).split('.')[-1]
    arch = backbone.get('arch', backbone.get('depth', ''))
    return f'{kind} {arch}'.strip()


def _to_json(data):
    """A JSON-able copy of a config (ConfigDicts, tuples, odd values)."""
    return json.loads(json.dumps(data, default=str))


def _write_atomically(path: str, write) -> None:
    partial = path + '.partial'
    write(partial)
    os.replace(partial, path)


class TrajectoryWriter:
    """Write a trajectory folder, one record at a time; every record and
    manifest update replaces its file atomically, so a crash leaves the
    trajectory as it was after the last complete record.

    Args:
        folder (str): The trajectory folder (created if needed).
        kind (str): ``'self_learning_teachers'`` or ``'teacher'``.
        network_cfg (dict): Config of one recorded network.
        networks (Sequence[nn.Module]): The recorded networks (all of one
            architecture); their signature and class count go into the
            manifest.
        num_classes (int): Classes they predict.
        max_epochs (int): Length of the recording run's schedule.
        teacher (dict, optional): For self-learning teachers: the teacher
            they learn from, ``weights_sha256``, ``checkpoint`` and
            ``checkpoint_sha256``.
        source (str, optional): What recorded it (e.g. the config file).
    """

    def __init__(self,
                 folder: str,
                 kind: str,
                 network_cfg: dict,
                 networks: Sequence[nn.Module],
                 num_classes: int,
                 max_epochs: int,
                 teacher: Optional[dict] = None,
                 source: Optional[str] = None) -> None:
        if kind not in KINDS:
            raise ValueError(f'kind must be one of {KINDS}, got {kind!r}.')
        self.folder = folder
        self.manifest = dict(
            format=_FORMAT,
            version=_VERSION,
            kind=kind,
            num_networks=len(networks),
            num_classes=int(num_classes),
            network=_to_json(network_cfg),
            signature=network_signature(networks[0]),
            teacher=_to_json(teacher),
            max_epochs=int(max_epochs),
            source=source,
            records=[])

    def start(self, epoch: int) -> None:
        """Open the folder for a run at ``epoch`` (0: a fresh start).

        An existing manifest must describe the same trajectory (kind,
        networks, classes, teacher, schedule); its records after ``epoch``
        are dropped, since the run records them again.

        Args:
            epoch (int): Epochs the run has completed.
        """
        os.makedirs(self.folder, exist_ok=True)
        path = osp.join(self.folder, MANIFEST)
        if osp.isfile(path):
            with open(path) as f:
                old = json.load(f)
            keys = ('kind', 'num_networks', 'num_classes', 'signature',
                    'teacher', 'max_epochs')
            differ = [k for k in keys if old.get(k) != self.manifest[k]]
            if differ:
                raise TrajectoryError(
                    f'{self.folder!r} already holds a trajectory of another '
                    f'run (its {", ".join(differ)} differ from this run\'s). '
                    'Record into another folder (TrajectoryRecorderHook '
                    'out_dir, or another --work-dir), or delete it first.')
            self.manifest['records'] = [
                r for r in old.get('records', []) if r['epoch'] <= epoch
            ]
        self._write_manifest()

    def record(self, epoch: int, networks: Sequence[nn.Module]) -> None:
        """Save the networks' weights as the record of ``epoch``.

        Args:
            epoch (int): Completed epochs (0: the initial weights).
            networks (Sequence[nn.Module]): The networks, in a fixed order.
        """
        state_dicts = [{
            k: v.detach().to('cpu').clone()
            for k, v in net.state_dict().items()
        } for net in networks]
        name = f'epoch_{epoch}.pth'
        path = osp.join(self.folder, name)
        _write_atomically(
            path, lambda p: torch.save(
                dict(epoch=epoch, state_dicts=state_dicts), p))
        records = [r for r in self.manifest['records'] if r['epoch'] != epoch]
        records.append(
            dict(
                epoch=epoch,
                file=name,
                weights_sha256=[weights_sha256(sd) for sd in state_dicts],
                bytes=osp.getsize(path)))
        self.manifest['records'] = sorted(records, key=lambda r: r['epoch'])
        self._write_manifest()

    def _write_manifest(self) -> None:
        path = osp.join(self.folder, MANIFEST)

        def write(partial):
            with open(partial, 'w') as f:
                json.dump(self.manifest, f, indent=1)

        _write_atomically(path, write)


class Trajectory:
    """A recorded trajectory, read from its folder, and the checks that it
    fits a run that replays it.

    Args:
        folder (str): The trajectory folder.

    Raises:
        TrajectoryError: No (readable) manifest in the folder.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        path = osp.join(folder, MANIFEST)
        if not osp.isfile(path):
            raise TrajectoryError(
                f'No trajectory at {folder!r} (no {MANIFEST}). Record one '
                'first (self-learning teachers: '
                f"{_RECORD_HINT['self_learning_teachers']}; a teacher's own "
                f"training: {_RECORD_HINT['teacher']}), then set "
                'model.trajectory to its work_dir/trajectory folder.')
        try:
            with open(path) as f:
                manifest = json.load(f)
        except (OSError, ValueError) as err:
            raise TrajectoryError(
                f'{path!r} is not a readable trajectory manifest ({err}). '
                'Record the trajectory again.') from err
        if manifest.get('format') != _FORMAT or \
                manifest.get('version') != _VERSION:
            raise TrajectoryError(
                f'{path!r} is not an mmslkd trajectory manifest of version '
                f'{_VERSION}. Record the trajectory again with this mmslkd.')
        self.manifest = manifest
        self.records = {r['epoch']: r for r in manifest['records']}

    # ---------------------------------------------------------- properties
    @property
    def kind(self) -> str:
        return self.manifest['kind']

    @property
    def num_networks(self) -> int:
        return self.manifest['num_networks']

    @property
    def num_classes(self) -> int:
        return self.manifest['num_classes']

    @property
    def max_epochs(self) -> int:
        return self.manifest['max_epochs']

    @property
    def epochs(self) -> List[int]:
        """Recorded epochs, ascending."""
        return sorted(self.records)

    @property
    def network_cfg(self) -> dict:
        return copy.deepcopy(self.manifest['network'])

    @property
    def size_bytes(self) -> int:
        return sum(r['bytes'] for r in self.records.values())

    # ------------------------------------------------------------- replay
    def record_for(self, epoch: int) -> int:
        """The record replayed during training epoch ``epoch`` (1-based):
        the latest recorded epoch ``<= epoch`` (causal: never weights from
        after the end of that epoch).

        Args:
            epoch (int): 1-based training epoch.

        Returns:
            int: The recorded epoch.
        """
        earlier = [e for e in self.records if e <= epoch]
        if not earlier:
            raise TrajectoryError(
                f'The trajectory {self.folder!r} has no record at or before '
                f'epoch {epoch} (its first is epoch {min(self.records)}). '
                'Record the initial weights (epoch 0) too: '
                'TrajectoryRecorderHook does.')
        return max(earlier)

    def load(self, epoch: int) -> List[Dict[str, torch.Tensor]]:
        """The state dicts of a recorded epoch, read weights-only.

        Args:
            epoch (int): A recorded epoch.

        Returns:
            list[dict]: One state dict per network.
        """
        path = osp.join(self.folder, self.records[epoch]['file'])
        record = safe_torch_load(path, 'cpu')
        if not isinstance(record, dict) or record.get('epoch') != epoch or \
                len(record.get('state_dicts', [])) != self.num_networks:
            raise CheckpointError(
                f'{path!r} is not the record of epoch {epoch} with '
                f'{self.num_networks} networks that {MANIFEST} lists. '
                'Record the trajectory again.')
        return record['state_dicts']

    # ------------------------------------------------------------- checks
    def check_files(self) -> None:
        """Every record the manifest lists is on disk."""
        missing = [
            r['file'] for r in self.records.values()
            if not osp.isfile(osp.join(self.folder, r['file']))
        ]
        if missing:
            raise TrajectoryError(
                f'The trajectory {self.folder!r} lacks record files '
                f'{missing[:5]} ({len(missing)} in all) that {MANIFEST} '
                'lists. Copy the whole folder, or record it again.')

    def check_teacher(self, teacher: nn.Module,
                      teacher_ckpt: Optional[str]) -> None:
        """The run's teacher is the one the trajectory belongs to.

        Self-learning teachers must have learnt from this teacher (same
        weights); a teacher trajectory must be the training run of this
        teacher (its weights equal one of the records).

        Args:
            teacher (nn.Module): The run's (loaded) teacher.
            teacher_ckpt (str, optional): Its checkpoint, for messages.
        """
        digest = weights_sha256(teacher.state_dict())
        ours = (f'this run\'s teacher (teacher_ckpt={teacher_ckpt!r}, '
                f'weights sha256 {digest[:12]}...)')
        if self.kind == 'self_learning_teachers':
            recorded = self.manifest['teacher'] or {}
            if recorded.get('weights_sha256') == digest:
                return
            raise TrajectoryError(
                f'The trajectory {self.folder!r} was recorded for another '
                'teacher: its self-learning teachers learnt from the teacher '
                f"in {recorded.get('checkpoint') or 'an unnamed checkpoint'} "
                "(weights sha256 "
                f"{str(recorded.get('weights_sha256'))[:12]}...), not from "
                f'{ours}. Fix: record the trajectory of this teacher '
                f"({_RECORD_HINT['self_learning_teachers']}) and point "
                'model.trajectory at it, or set model.teacher_ckpt to '
                'the recorded teacher.')
        recorded = {
            h
            for r in self.records.values() for h in r['weights_sha256']
        }
        if digest not in recorded:
            raise TrajectoryError(
                f'The teacher trajectory {self.folder!r} was recorded for '
                f'another teacher: none of its {len(self.records)} recorded '
                f'epochs has the weights of {ours}. Fix: set '
                'model.teacher_ckpt to a checkpoint of that teacher run '
                '(published from a recorded epoch, e.g. its last), or record '
                "this teacher's training "
                f"({_RECORD_HINT['teacher']}).")

    def check_networks(self, network: nn.Module, network_cfg: dict,
                       num_classes: int) -> None:
        """The run's replay network has the recorded architecture and
        class count.

        Args:
            network (nn.Module): One network built from ``network_cfg``.
            network_cfg (dict): The run's config of a replayed network.
            num_classes (int): Classes the run's student predicts.
        """
        if self.num_classes != num_classes:
            raise TrajectoryError(
                f'The trajectory {self.folder!r} was recorded for '
                f'{self.num_classes} classes, but this run\'s networks '
                f'predict {num_classes}. Fix: record a trajectory on this '
                "run's dataset and classes, or point model.trajectory at "
                f'one recorded for {num_classes} classes.')
        recorded = self.manifest['signature']
        ours = network_signature(network)
        differ = sorted(
            k for k in set(recorded) | set(ours)
            if recorded.get(k) != ours.get(k))
        if differ:
            def shape(signature, key):
                value = signature.get(key)
                return 'absent' if value is None else f'[{value}]'

            examples = ', '.join(f'{k}: recorded {shape(recorded, k)} vs '
                                 f'{shape(ours, k)}' for k in differ[:3])
            raise TrajectoryError(
                f'The trajectory {self.folder!r} was recorded for another '
                f'architecture: it holds {_describe(self.network_cfg)} '
                f'networks, this run replays into {_describe(network_cfg)} '
                f'({len(differ)} weights differ in name or shape, e.g. '
                f'{examples}). Fix: set model.trajectory_network to the '
                "recorded network's config (default: the teacher's), or "
                'record a trajectory of this architecture.')

    def check_schedule(self, max_epochs: int, strict: bool = True) -> None:
        """The trajectory is complete and covers the run's schedule.

        Args:
            max_epochs (int): Epochs of the replaying run.
            strict (bool): Also refuse a longer recorded schedule (the run
                would replay only its beginning). Defaults to True.
        """
        last = max(self.records) if self.records else None
        if last != self.max_epochs:
            raise TrajectoryError(
                f'The trajectory {self.folder!r} is incomplete: its '
                f'recording stopped after epoch {last} of '
                f'{self.max_epochs}. Fix: resume the recording run '
                '(tools/train.py RECORDING_CONFIG --resume) until it '
                'finishes.')
        if max_epochs > self.max_epochs:
            uncovered = f'epoch {max_epochs}' if max_epochs == \
                self.max_epochs + 1 else \
                f'epochs {self.max_epochs + 1}-{max_epochs}'
            raise TrajectoryError(
                f'The trajectory {self.folder!r} was recorded over a '
                f'shorter schedule ({self.max_epochs} epochs) than this run '
                f'({max_epochs} epochs): {uncovered} would have no '
                'trajectory. Fix: record it with '
                f'train_cfg.max_epochs={max_epochs} (the same schedule as '
                'the student), or train for '
                f'train_cfg.max_epochs={self.max_epochs}.')
        if strict and max_epochs < self.max_epochs:
            raise TrajectoryError(
                f'The trajectory {self.folder!r} was recorded over '
                f'{self.max_epochs} epochs, but this run trains '
                f'{max_epochs}: it would replay only the start of the '
                f'trajectory. Fix: train for train_cfg.max_epochs='
                f'{self.max_epochs}, record a {max_epochs}-epoch trajectory, '
                'or set model.strict_schedule=False to replay the first '
                f'{max_epochs} epochs on purpose.')
        first = min(self.records)
        if first > 1:
            self.record_for(1)  # raises, naming the gap
