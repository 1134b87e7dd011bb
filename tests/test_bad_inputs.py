# Copyright (c) mmslkd contributors. All rights reserved.
"""The catalogue of bad inputs (docs/bad_inputs.md): each one, given to
``tools/train.py`` as a user would, fails before training starts with a
message that names the problem and the fix, and leaves nothing but logs
(and the dumped config) in the work dir."""
import importlib.util
import os
import os.path as osp
import pickle
import re
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
KD = 'configs/kd/kd_r56_r8_cifar100.py'
SLKD = 'configs/slkd/slkd_r56_r8_cifar100.py'
AMTML = 'configs/amtml/amtml_r56+r110_r20_cifar100.py'
STUDENT = 'configs/students/resnet8_cifar100.py'


def _train_main():
    spec = importlib.util.spec_from_file_location(
        'train_tool_catalogue', osp.join(REPO, 'tools', 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def _teacher_ckpt(tmp, arch='resnet56', num_classes=100, layout='mmslkd'):
    """A checkpoint of a CIFAR classifier with the given backbone."""
    from mmslkd.registry import MODELS
    model = MODELS.build(
        dict(
            type='mmpretrain.ImageClassifier',
            data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'),
            backbone=dict(type='mmslkd.CIFARResNet', arch=arch),
            neck=dict(type='mmpretrain.GlobalAveragePooling'),
            head=dict(
                type='mmpretrain.LinearClsHead',
                num_classes=num_classes,
                in_channels=64)))
    path = str(tmp / f'{arch}_{num_classes}_{layout}.pth')
    state = model.state_dict()
    torch.save(
        dict(model=state) if layout == 'crd' else dict(state_dict=state), path)
    return path


# ---------------------------------------------------------------- cases
# Each case: (config, change(cfg, tmp) -> extra argv or None, [regexes the
# message must match: the problem, then the fix]).
def unknown_type(cfg, tmp):
    cfg.model.architecture.backbone.type = 'mmslkd.CIFARResNett'


def unknown_backbone_arch(cfg, tmp):
    cfg.model.architecture.backbone.arch = 'resnet9'


def unknown_algorithm_key(cfg, tmp):
    cfg.model.num_self_learning_teacher = 3  # missing "s"


def misspelled_recorder_source(cfg, tmp):
    cfg.model.distiller.student_recorders.logits.source = 'head.fcc'


def mapping_to_missing_recorder(cfg, tmp):
    mapping = cfg.model.distiller.loss_forward_mappings.loss_kd
    mapping.preds_S.recorder = 'logitz'


def mapping_to_missing_teacher(cfg, tmp):
    mapping = cfg.model.distiller.loss_forward_mappings
    first = next(iter(mapping.values()))
    for spec in first.values():
        if not spec.get('from_student', True):
            spec['teacher'] = 'resnet999'


def unknown_teacher_key(cfg, tmp):
    name = next(iter(cfg.model.teachers))
    cfg.model.teachers[name].checkpoint = 'x.pth'


def teacher_student_class_mismatch(cfg, tmp):
    cfg.model.architecture.head.num_classes = 10


def slt_class_mismatch(cfg, tmp):
    slt = cfg.model.teacher.copy()
    slt.head = dict(slt.head, num_classes=10)
    cfg.model.self_learning_teacher = slt


def data_model_class_mismatch(cfg, tmp):
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.type = 'CIFAR10Format'
        cfg[key].dataset.data_root = str(tmp / 'cifar10')
    _write_cifar10(str(tmp / 'cifar10'))


def _write_cifar10(root):
    import numpy as np
    folder = osp.join(root, 'cifar-10-batches-py')
    os.makedirs(folder)
    for name in ['data_batch_%d' % i for i in range(1, 6)] + ['test_batch']:
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(
                dict(data=np.zeros((4, 3072), np.uint8), labels=[0, 1, 2, 3]),
                f)
    with open(osp.join(folder, 'batches.meta'), 'wb') as f:
        pickle.dump(dict(label_names=[f'c{i}' for i in range(10)]), f)


def invalid_fusion(cfg, tmp):
    cfg.model.fusion_weights = [0.7, 0.7]


def invalid_training_mode(cfg, tmp):
    cfg.model.training_mode = 'paralel'


def zero_self_learning_teachers(cfg, tmp):
    cfg.model.num_self_learning_teachers = 0


def invalid_fixed_teacher_weights(cfg, tmp):
    cfg.model.teacher_weighting = dict(
        type='FixedTeacherWeighting', weights=[0.5, 0.2, 0.3])


def unknown_weighting_rule(cfg, tmp):
    cfg.model.teacher_weighting = dict(type='EntropyTeacherWeightin')


def teacher_ckpt_missing(cfg, tmp):
    cfg.model.teacher_ckpt = str(tmp / 'no_such_teacher.pth')


def teacher_ckpt_wrong_arch(cfg, tmp):
    cfg.model.teacher_ckpt = _teacher_ckpt(tmp, arch='resnet20')


def teacher_ckpt_crd_layout(cfg, tmp):
    cfg.model.teacher_ckpt = _teacher_ckpt(tmp, layout='crd')


def teacher_ckpt_corrupt(cfg, tmp):
    path = tmp / 'teacher.pth'
    path.write_bytes(b'PK\x03\x04 this is not a checkpoint')
    cfg.model.teacher_ckpt = str(path)


def teacher_ckpt_pickled_objects(cfg, tmp):
    from argparse import Namespace
    path = str(tmp / 'teacher.pth')
    torch.save(dict(state_dict={}, meta=Namespace(x=1)), path)
    cfg.model.teacher_ckpt = path


def load_from_missing(cfg, tmp):
    cfg.load_from = str(tmp / 'pretrained.pth')


def missing_data_folder(cfg, tmp):
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = str(tmp / 'no_data_here')


def corrupt_data_file(cfg, tmp):
    from conftest import write_cifar100_folder
    root = write_cifar100_folder(str(tmp / 'broken'))
    with open(osp.join(root, 'cifar-100-python', 'train'), 'wb') as f:
        f.write(b'garbage, not a pickle')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = root


def empty_dataset(cfg, tmp):
    from conftest import write_cifar100_folder
    root = write_cifar100_folder(str(tmp / 'empty'), num_train=0, num_test=0)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = root


def wrong_image_size(cfg, tmp):
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='mmpretrain.Resize', scale=224),
        dict(type='mmpretrain.PackInputs')
    ]


def launcher_without_torchrun(cfg, tmp):
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        os.environ.pop(key, None)
    return ['--launcher', 'pytorch']


def amp_with_separate_optimizers(cfg, tmp):
    return ['--amp']


def resume_missing_checkpoint(cfg, tmp):
    return ['--resume', str(tmp / 'epoch_3.pth')]


def resume_truncated_checkpoint(cfg, tmp):
    path = tmp / 'epoch_1.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(1000))), path)
    path.write_bytes(path.read_bytes()[:200])
    return ['--resume', str(path)]


def bad_group_hint_key(cfg, tmp):
    cfg.model.distiller.group_hints.student_stage = [1, 2]


CASES = {
    'unknown type name':
    (KD, unknown_type, [r'CIFARResNett',
                        r"Did you mean 'mmslkd.CIFARResNet'"]),
    'unknown backbone arch':
    (KD, unknown_backbone_arch, [r'resnet9', r'resnet8']),
    'unknown algorithm key': (SLKD, unknown_algorithm_key, [
        r"no argument 'num_self_learning_teacher'",
        r"Did you mean 'num_self_learning_teachers'"
    ]),
    'misspelled recorder source':
    (KD, misspelled_recorder_source, [r'head\.fcc', r'Fix `source`']),
    'loss mapping to a missing recorder':
    (KD, mapping_to_missing_recorder, [r"'logitz'", r'Add a recorder named']),
    'loss mapping to a missing teacher': (AMTML, mapping_to_missing_teacher,
                                          [r'resnet999', r'teachers?']),
    'unknown teacher key': (AMTML, unknown_teacher_key,
                            [r'checkpoint', r'ckpt']),
    'teacher/student class mismatch': (KD, teacher_student_class_mismatch,
                                       [r'10', r'num_classes']),
    'SL-T class mismatch': (SLKD, slt_class_mismatch,
                            [r'self-learning teacher', r'num_classes']),
    'data/model class mismatch': (STUDENT, data_model_class_mismatch,
                                  [r'10', r'num_classes']),
    'invalid fusion weights': (SLKD, invalid_fusion,
                               [r'sum to 1', r'fusion_weights']),
    'invalid training mode': (SLKD, invalid_training_mode,
                              [r'paralel', r'parallel']),
    'no self-learning teachers': (SLKD, zero_self_learning_teachers,
                                  [r'num_self_learning_teachers', r'>= 1']),
    'invalid fixed teacher weights':
    (AMTML, invalid_fixed_teacher_weights,
     [r'3 weights for 2', r'one weight per teacher']),
    'unknown weighting rule':
    (AMTML, unknown_weighting_rule,
     [r'EntropyTeacherWeightin', r'EntropyTeacherWeighting']),
    'teacher checkpoint missing': (KD, teacher_ckpt_missing,
                                   [r'no_such_teacher', r'does not exist']),
    'teacher checkpoint of another arch': (KD, teacher_ckpt_wrong_arch,
                                           [r'does not match', r'arch']),
    'teacher checkpoint in CRD layout': (KD, teacher_ckpt_crd_layout,
                                         [r'CRD', r'mdistiller_to_mmslkd']),
    'corrupt teacher checkpoint': (KD, teacher_ckpt_corrupt,
                                   [r'teacher\.pth', r'corrupt']),
    'teacher checkpoint with pickled objects':
    (KD, teacher_ckpt_pickled_objects,
     [r'pickled Python objects', r'--trust-pickled-checkpoints']),
    'load_from missing': (STUDENT, load_from_missing,
                          [r'pretrained\.pth', r'does not exist']),
    'missing data folder': (STUDENT, missing_data_folder,
                            [r'no_data_here', r'data_root']),
    'corrupt data file':
    (STUDENT, corrupt_data_file,
     [r'cifar-100-python/train.*not a CIFAR batch', r're-extract']),
    'empty dataset': (STUDENT, empty_dataset, [r'no images', r'data_root']),
    'wrong image size for a CIFAR stem': (STUDENT, wrong_image_size,
                                          [r'224', r'32x32']),
    '--launcher pytorch without torchrun': (STUDENT, launcher_without_torchrun,
                                            [r'WORLD_SIZE',
                                             r'dist_train\.sh']),
    '--amp with separate optimizers': (AMTML, amp_with_separate_optimizers, [
        r'separate optimizers', r'without --amp'
    ]),
    '--resume missing checkpoint': (STUDENT, resume_missing_checkpoint,
                                    [r'epoch_3\.pth', r'does not exist']),
    '--resume truncated checkpoint': (STUDENT, resume_truncated_checkpoint, [
        r'epoch_1\.pth', r'truncated or corrupt'
    ]),
    'bad group hints key': (AMTML, bad_group_hint_key,
                            [r'student_stage', r'student_stages']),
}


def _only_logs_left(work_dir):
    left = []
    for root, _, files in os.walk(work_dir):
        for name in files:
            if not name.endswith(('.log', '.json', '.py')):
                left.append(osp.join(root, name))
    return left


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_fails_early_and_clearly(case, tmp_path, tiny_cfg,
                                           cifar100_root, monkeypatch):
    config, change, patterns = CASES[case]
    monkeypatch.syspath_prepend(osp.join(REPO, 'tests'))
    work_dir = str(tmp_path / 'work')
    cfg = tiny_cfg(config, cifar100_root, work_dir)
    if cfg.model.get('teacher_ckpt'):
        cfg.model.teacher_ckpt = None
    for spec in (cfg.model.get('teachers') or {}).values():
        spec.ckpt = None
    monkeypatch.setattr(os, 'environ', dict(os.environ))
    argv = change(cfg, tmp_path) or []
    config_file = str(tmp_path / 'config.py')
    cfg.dump(config_file)
    monkeypatch.setattr(
        sys, 'argv', ['train.py', config_file, '--work-dir', work_dir] + argv)

    class NoTraining(Exception):
        pass

    from mmengine.runner import EpochBasedTrainLoop

    def train_started(self):
        raise NoTraining('training started')

    monkeypatch.setattr(EpochBasedTrainLoop, 'run_epoch', train_started)
    with pytest.raises((Exception, SystemExit)) as err:
        _train_main()()
    assert not isinstance(err.value, NoTraining), \
        f'{case}: training started'
    message = str(err.value)
    print(f'\n[{case}] {type(err.value).__name__}: {message}')  # the doc
    for pattern in patterns:
        assert re.search(pattern, message), \
            f'{case}: {pattern!r} not in {message!r}'
    assert not osp.exists(work_dir) or not _only_logs_left(work_dir), \
        _only_logs_left(work_dir)


def test_the_catalogue_is_complete():
    assert len(CASES) >= 25
