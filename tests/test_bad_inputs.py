# Copyright (c) mmslkd contributors. All rights reserved.
"""The catalogue of bad inputs (docs/bad_inputs.md): each one, given to
``tools/train.py`` as a user would, fails before training starts with a
message that names the problem and the fix, and leaves nothing but logs
(and the dumped config) in the work dir."""
import copy
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
TRAJECTORY = 'configs/trajectory/slt-trajectory_r56_r8_cifar100.py'
DKD = 'configs/dkd/dkd_r56_r8_cifar100.py'
SLKD_TWO_STAGE = 'configs/slkd/slkd-two-stage_r32x4_r8x4_cifar100.py'


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
# message must match: the problem, then the fix]). Teachers are random
# (the explicit opt-in, teacher_ckpt='random') unless a case changes them;
# an argv that starts with a .py file trains that config instead (a leaf
# written by the case, inheriting the changed config, ./config.py).
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


def resume_a_folder(cfg, tmp):
    return ['--resume', str(tmp)]


def resume_a_text_file(cfg, tmp):
    pointer = tmp / 'last_checkpoint'  # what MMEngine's pointer looks like
    pointer.write_text(str(tmp / 'epoch_3.pth'))
    return ['--resume', str(pointer)]


def resume_a_teacher_checkpoint(cfg, tmp):
    return ['--resume', _teacher_ckpt(tmp, arch='resnet8')]


def teacher_ckpt_a_folder(cfg, tmp):
    cfg.model.teacher_ckpt = str(tmp)


def load_from_a_text_file(cfg, tmp):
    notes = tmp / 'pretrained.pth'
    notes.write_text('see https://example.org/resnet8.pth\n')
    cfg.load_from = str(notes)


def resume_inside_epoch_other_batch(cfg, tmp):
    """A real checkpoint written 4 iterations into an epoch of 6 (batch
    16), resumed with batch 32 (3 iterations per epoch)."""
    import copy
    import uuid

    from mmengine.runner import Runner
    torch.set_num_threads(1)
    saver = copy.deepcopy(cfg)
    saver.work_dir = str(tmp / 'saved')
    saver.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=4, by_epoch=False)
    saver.experiment_name = f'saver_{uuid.uuid4().hex}'
    Runner.from_cfg(saver).train()
    cfg.train_dataloader.batch_size = 32
    return ['--resume', str(tmp / 'saved' / 'iter_4.pth')]


def bad_group_hint_key(cfg, tmp):
    cfg.model.distiller.group_hints.student_stage = [1, 2]


# ------------------------------------ issue 17: replayed trajectories
def _trajectory(cfg, tmp, arch='resnet56', num_classes=100, max_epochs=1,
                same_teacher=True):
    """The run's teacher checkpoint and a trajectory of two random SL-Ts
    (records 0 and max_epochs), recorded for it or for another teacher."""
    from mmslkd.registry import MODELS
    from mmslkd.utils.trajectory import TrajectoryWriter, weights_sha256
    teacher = _teacher_ckpt(tmp)
    state = torch.load(teacher, weights_only=True)['state_dict']
    if not same_teacher:
        state = {k: v + 1 if v.is_floating_point() else v
                 for k, v in state.items()}
    network = copy.deepcopy(cfg.model.teacher.to_dict())
    network['backbone']['arch'] = arch
    network['head']['num_classes'] = num_classes
    networks = [MODELS.build(copy.deepcopy(network)) for _ in range(2)]
    writer = TrajectoryWriter(
        str(tmp / 'trajectory'), 'self_learning_teachers', network,
        networks, num_classes, max_epochs,
        dict(weights_sha256=weights_sha256(state)))
    writer.start(0)
    for epoch in (0, max_epochs):
        writer.record(epoch, networks)
    cfg.model.teacher_ckpt = teacher
    cfg.model.trajectory = str(tmp / 'trajectory')


def trajectory_of_another_teacher(cfg, tmp):
    _trajectory(cfg, tmp, same_teacher=False)


def trajectory_of_another_architecture(cfg, tmp):
    _trajectory(cfg, tmp, arch='resnet20')


def trajectory_of_another_class_count(cfg, tmp):
    _trajectory(cfg, tmp, num_classes=10)


def trajectory_of_a_shorter_schedule(cfg, tmp):
    _trajectory(cfg, tmp, max_epochs=2)
    cfg.train_cfg.max_epochs = 3


# ------------------------------------------------ issue 13: silent runs
def _cfg_options(*options):
    """Values a config file cannot hold (nan, inf) come, as from a user,
    through --cfg-options (MMEngine parses 'nan' and 'inf' as floats)."""
    return ['--cfg-options', *options]


def teacher_ckpt_not_set(cfg, tmp):
    cfg.model.teacher_ckpt = None  # the algorithm bases' default


def multi_teacher_ckpt_not_set(cfg, tmp):
    next(iter(cfg.model.teachers.values())).ckpt = None


def ce_weight_nan(cfg, tmp):
    return _cfg_options('model.ce_weight=nan')


def kd_weight_inf(cfg, tmp):
    return _cfg_options('model.kd_weight=inf')


def weight_as_string(cfg, tmp):
    cfg.model.kd_weight = '0.9'


def fusion_weights_nan(cfg, tmp):
    return _cfg_options('model.fusion_weights=[nan,1.0]')


def fixed_teacher_weights_nan(cfg, tmp):
    cfg.model.teacher_weighting = dict(
        type='FixedTeacherWeighting', weights=[0.5, 0.5])
    return _cfg_options('model.teacher_weighting.weights=[nan,1.0]')


def negative_tau_upstream(cfg, tmp):
    cfg.model.distiller.distill_losses.loss_kd.tau = -4


def zero_tau_slkd(cfg, tmp):
    cfg.model.teacher_loss.tau = 0


def negative_tau_multi_teacher(cfg, tmp):
    cfg.model.distiller.distill_losses.loss_kd.tau = -5


def negative_loss_weight(cfg, tmp):
    cfg.model.distiller.distill_losses.loss_kd.loss_weight = -0.9


def dkd_beta_nan(cfg, tmp):
    return _cfg_options('model.distiller.distill_losses.loss_dkd.beta=nan')


def hint_loss_weight_nan(cfg, tmp):
    return _cfg_options('model.distiller.group_hints.loss.loss_weight=nan')


def entropy_weighting_zero_tau(cfg, tmp):
    cfg.model.teacher_weighting = dict(type='EntropyTeacherWeighting', tau=0)


def adapter_negative_l2(cfg, tmp):
    cfg.model.teacher_weighting.l2_weight = -0.1


def two_stage_never_trains_student(cfg, tmp):
    cfg.model.self_learning_teacher_epochs = cfg.train_cfg.max_epochs


def two_stage_iteration_loop(cfg, tmp):
    cfg.train_cfg = dict(by_epoch=False, max_iters=10, val_interval=5)


def two_stage_fractional_epochs(cfg, tmp):
    cfg.model.self_learning_teacher_epochs = 1.5
    cfg.train_cfg.max_epochs = 3


def load_from_other_model(cfg, tmp):
    cfg.load_from = _teacher_ckpt(tmp, arch='resnet8x4')  # student: resnet8


def load_from_classifier_into_kd(cfg, tmp):
    cfg.load_from = _teacher_ckpt(tmp, arch='resnet8')  # no teacher inside


def top_level_typo(cfg, tmp):
    cfg['train_dataloder'] = dict(batch_size=8)


def top_level_typo_cfg_options(cfg, tmp):
    return _cfg_options('val_evaluater.topk=1')


def mmcv1_key(cfg, tmp):
    cfg['lr_config'] = dict(policy='step', step=[150, 180, 210])


def checkpoint_hook_typo(cfg, tmp):
    cfg.default_hooks.checkpoint.intervall = 1


def freeze_hook_typo(cfg, tmp):
    cfg.default_hooks.freeze_adapter.epochs = 1


def logger_interval_zero(cfg, tmp):
    cfg.default_hooks.logger.interval = 0


def unknown_hook_type(cfg, tmp):
    cfg.custom_hooks = [dict(type='NonFiniteGuardHok')]


def train_cfg_typo(cfg, tmp):
    cfg.train_cfg.max_epoch = 3


def val_interval_zero(cfg, tmp):
    cfg.train_cfg.val_interval = 0


def max_epochs_zero(cfg, tmp):
    cfg.train_cfg.max_epochs = 0


def lr_nan(cfg, tmp):
    return _cfg_options('optim_wrapper.optimizer.lr=nan')


def lr_negative(cfg, tmp):
    cfg.optim_wrapper.optimizer.lr = -0.05


def momentum_as_string(cfg, tmp):
    cfg.optim_wrapper.optimizer.momentum = '0.9'


def clip_grad_nan(cfg, tmp):
    return _cfg_options('optim_wrapper.clip_grad.max_norm=nan')


def unknown_optimizer_type(cfg, tmp):
    cfg.optim_wrapper.optimizer.type = 'SDG'


def batch_larger_than_dataset(cfg, tmp):
    cfg.train_dataloader.batch_size = 128  # the generated split has 96
    cfg.train_dataloader.drop_last = True


def batch_size_zero(cfg, tmp):
    cfg.train_dataloader.batch_size = 0


def duplicate_teacher_names(cfg, tmp):
    leaf = tmp / 'leaf.py'
    name = next(iter(cfg.model.teachers))
    leaf.write_text(
        "_base_ = ['./config.py']\n"
        f"model = dict(teachers={{'{name}': dict(ckpt='random'),\n"
        f"                       '{name}': dict(ckpt='random')}})\n")
    return [str(leaf)]


def num_teachers_mismatch(cfg, tmp):
    cfg.model.teacher_weighting = dict(
        type='UniformTeacherWeighting', num_teachers=3)


def no_teachers(cfg, tmp):
    cfg.model.teachers = dict()


def teacher_name_not_identifier(cfg, tmp):
    teachers = cfg.model.teachers
    first = next(iter(teachers))
    cfg.model.teachers = {
        ('resnet-56' if name == first else name): spec
        for name, spec in teachers.items()
    }


CASES = {
    'trajectory of another teacher':
    (TRAJECTORY, trajectory_of_another_teacher,
     [r'recorded for another\s+teacher', r'model\.teacher_ckpt']),
    'trajectory of another architecture':
    (TRAJECTORY, trajectory_of_another_architecture,
     [r'another architecture', r'model\.trajectory_network']),
    'trajectory of another class count':
    (TRAJECTORY, trajectory_of_another_class_count,
     [r'recorded for 10 classes', r'predict 100']),
    'trajectory of a shorter schedule':
    (TRAJECTORY, trajectory_of_a_shorter_schedule,
     [r'shorter schedule \(2 epochs\)', r'train_cfg\.max_epochs=3']),
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
    '--resume a folder': (STUDENT, resume_a_folder,
                          [r'is a directory', r'--resume without a path']),
    '--resume a text file': (STUDENT, resume_a_text_file, [
        r'last_checkpoint. is not a checkpoint: it is a text file',
        r'--resume without a path'
    ]),
    '--resume a teacher checkpoint':
    (STUDENT, resume_a_teacher_checkpoint,
     [r'cannot be resumed.*message_hub, optimizer', r'load_from']),
    '--resume inside an epoch with another batch size':
    (STUDENT, resume_inside_epoch_other_batch,
     [r'after 4 of its 6 iterations.*has 3 iterations', r'batch size']),
    'teacher checkpoint a folder': (KD, teacher_ckpt_a_folder,
                                    [r'is a directory', r'checkpoint file']),
    'load_from a text file': (STUDENT, load_from_a_text_file,
                              [r'pretrained\.pth. is not a checkpoint',
                               r'torch\.save']),
    'bad group hints key': (AMTML, bad_group_hint_key,
                            [r'student_stage', r'student_stages']),
    # -------------------------------------------- issue 13: silent runs
    'teacher_ckpt not set (KD)': (KD, teacher_ckpt_not_set, [
        r'model\.teacher_ckpt is not set', r"'random'"]),
    'teacher_ckpt not set (SLKD)': (SLKD, teacher_ckpt_not_set, [
        r'model\.teacher_ckpt is not set', r"'random'"]),
    'teacher ckpt not set (multi-teacher)':
    (AMTML, multi_teacher_ckpt_not_set,
     [r'model\.teachers\.\w+\.ckpt is not set', r"'random'"]),
    'ce_weight NaN': (SLKD, ce_weight_nan, [r'ce_weight', r'finite']),
    'kd_weight infinite': (SLKD, kd_weight_inf, [r'kd_weight', r'finite']),
    'weight given as a string': (SLKD, weight_as_string,
                                 [r'kd_weight', r'without quotes']),
    'NaN fusion weights': (SLKD, fusion_weights_nan,
                           [r'fusion_weights', r'finite']),
    'NaN fixed teacher weights': (AMTML, fixed_teacher_weights_nan,
                                  [r'FixedTeacherWeighting', r'finite']),
    'negative tau (KLDivergence)': (KD, negative_tau_upstream,
                                    [r'loss_kd \(KLDivergence\)', r'> 0']),
    'tau = 0 (SLKD teacher_loss)': (SLKD, zero_tau_slkd,
                                    [r'teacher_loss', r'tau must be > 0']),
    'negative tau (MultiTeacherKDLoss)':
    (AMTML, negative_tau_multi_teacher,
     [r'MultiTeacherKDLoss', r'tau must be > 0']),
    'negative distillation loss_weight': (KD, negative_loss_weight,
                                          [r'loss_weight', r'>= 0']),
    'NaN DKD beta': (DKD, dkd_beta_nan, [r'DKDLoss', r'beta']),
    'NaN hint loss weight': (AMTML, hint_loss_weight_nan,
                             [r'NormalizedHintLoss', r'loss_weight']),
    'entropy weighting tau = 0': (AMTML, entropy_weighting_zero_tau,
                                  [r'EntropyTeacherWeighting', r'tau']),
    'negative adapter l2_weight': (AMTML, adapter_negative_l2,
                                   [r'l2_weight', r'>= 0']),
    'two-stage SL-T epochs >= max_epochs':
    (SLKD_TWO_STAGE, two_stage_never_trains_student,
     [r'never starts', r'self_learning_teacher_epochs']),
    'two-stage with an iteration loop': (SLKD_TWO_STAGE,
                                         two_stage_iteration_loop,
                                         [r'by epoch', r'by_epoch=True']),
    'two-stage fractional epochs': (SLKD_TWO_STAGE,
                                    two_stage_fractional_epochs,
                                    [r'self_learning_teacher_epochs',
                                     r'integer']),
    'load_from a checkpoint of another model':
    (STUDENT, load_from_other_model,
     [r'does not fit the model', r'Shape mismatches']),
    'load_from a classifier into a distillation model':
    (KD, load_from_classifier_into_kd,
     [r'does not fit the model', r'Missing in checkpoint: architecture\.']),
    'top-level key typo': (STUDENT, top_level_typo,
                           [r"'train_dataloder'",
                            r"Did you mean 'train_dataloader'"]),
    'top-level key typo in --cfg-options':
    (STUDENT, top_level_typo_cfg_options,
     [r"'val_evaluater'", r"Did you mean 'val_evaluator'"]),
    'MMCV 1.x key': (STUDENT, mmcv1_key, [r'lr_config', r'param_scheduler']),
    'checkpoint hook argument typo': (STUDENT, checkpoint_hook_typo, [
        r"no argument 'intervall'", r"Did you mean 'interval'"]),
    'hook argument typo (FreezeModulesHook)': (AMTML, freeze_hook_typo, [
        r"no argument 'epochs'", r"Did you mean 'epoch'"]),
    'logger interval 0': (STUDENT, logger_interval_zero,
                          [r'interval=0', r'positive interval']),
    'unknown hook type': (STUDENT, unknown_hook_type,
                          [r'NonFiniteGuardHok',
                           r"Did you mean 'NonFiniteGuardHook'"]),
    'train_cfg key typo': (STUDENT, train_cfg_typo,
                           [r"'max_epoch'", r"Did you mean 'max_epochs'"]),
    'val_interval 0': (STUDENT, val_interval_zero,
                       [r'val_interval', r'> 0']),
    'max_epochs 0': (STUDENT, max_epochs_zero, [r'max_epochs', r'> 0']),
    'lr NaN': (STUDENT, lr_nan, [r'optim_wrapper\.optimizer\.lr', r'finite']),
    'negative lr': (STUDENT, lr_negative,
                    [r'optim_wrapper\.optimizer\.lr', r'> 0']),
    'momentum given as a string': (STUDENT, momentum_as_string,
                                   [r'momentum', r'without quotes']),
    'NaN gradient clipping norm': (STUDENT, clip_grad_nan,
                                   [r'clip_grad\.max_norm', r'finite']),
    'unknown optimizer type': (STUDENT, unknown_optimizer_type,
                               [r"'SDG'", r"Did you mean 'SGD'"]),
    'batch larger than the dataset with drop_last':
    (STUDENT, batch_larger_than_dataset,
     [r'0 iterations', r'drop_last=False']),
    'batch_size 0': (STUDENT, batch_size_zero, [r'batch_size', r'> 0']),
    'duplicate teacher names in a dict literal':
    (AMTML, duplicate_teacher_names,
     [r'same key twice', r'leaf\.py:2']),
    'num_teachers disagrees with the teachers':
    (AMTML, num_teachers_mismatch, [r'num_teachers = 3', r'same name']),
    'no teachers': (AMTML, no_teachers, [r'at least one teacher']),
    'teacher name not an identifier': (AMTML, teacher_name_not_identifier,
                                       [r'resnet-56', r'identifiers']),
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
        cfg.model.teacher_ckpt = 'random'
    for spec in (cfg.model.get('teachers') or {}).values():
        spec.ckpt = 'random'
    monkeypatch.setattr(os, 'environ', dict(os.environ))
    argv = change(cfg, tmp_path) or []
    config_file = str(tmp_path / 'config.py')
    cfg.dump(config_file)
    if argv and argv[0].endswith('.py'):
        config_file = argv.pop(0)
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
    assert len(CASES) >= 70


# ------------------------------------------ validated where they are defined
def _losses_and_rules():
    from mmslkd.models.losses import (FeatureGroundedICCRegularizer,
                                      InterClassCorrelationLoss,
                                      MultiTeacherAngleLoss,
                                      MultiTeacherKDLoss, NormalizedHintLoss,
                                      SpreadICCRegularizer,
                                      TolerantCrossEntropyLoss)
    from mmslkd.models.teacher_weighting import (EntropyTeacherWeighting,
                                                 FixedTeacherWeighting,
                                                 LatentAdapterWeighting)
    nan, inf = float('nan'), float('inf')
    return [
        (MultiTeacherKDLoss, dict(tau=0), 'tau must be > 0'),
        (MultiTeacherKDLoss, dict(loss_weight=nan), 'loss_weight'),
        (MultiTeacherAngleLoss, dict(tau=-1), 'tau must be > 0'),
        (NormalizedHintLoss, dict(loss_weight=-1), 'loss_weight must be >= 0'),
        (InterClassCorrelationLoss, dict(tau=inf), 'tau must be a finite'),
        (SpreadICCRegularizer, dict(tau=0), 'tau must be > 0'),
        (FeatureGroundedICCRegularizer,
         dict(num_classes=10, in_channels=4, loss_weight=nan), 'loss_weight'),
        (TolerantCrossEntropyLoss, dict(eta=nan), 'eta'),
        (EntropyTeacherWeighting, dict(num_teachers=2, tau=nan), 'tau'),
        (LatentAdapterWeighting, dict(
            num_teachers=2, in_channels=4, l2_weight=inf), 'l2_weight'),
        (FixedTeacherWeighting, dict(num_teachers=2, weights=[nan, 1.0]),
         'must be finite'),
        (FixedTeacherWeighting, dict(num_teachers=2, weights=[inf, 0.0]),
         'must be finite'),
    ]


@pytest.mark.parametrize('index', range(12))
def test_options_are_validated_where_defined(index):
    """Our losses and weighting rules check their own numeric options, so
    a bad value fails however the module is built (not only in tools)."""
    cls, kwargs, message = _losses_and_rules()[index]
    with pytest.raises((ValueError, TypeError), match=message):
        cls(**kwargs)


def test_number_checks_test_finiteness_first():
    from mmslkd.utils import check_number, check_weights
    nan = float('nan')
    for kwargs in (dict(), dict(positive=True), dict(non_negative=True)):
        with pytest.raises(ValueError, match='finite'):
            check_number('w', nan, **kwargs)
    with pytest.raises(TypeError, match='without quotes'):
        check_number('w', '0.5')
    with pytest.raises(TypeError, match='must be a number'):
        check_number('w', True)
    with pytest.raises(TypeError, match='integer'):
        check_number('epochs', 2.0, integer=True)
    assert check_number('w', 0, non_negative=True) == 0
    assert check_weights('w', [0.25, 0.75], sum_to_one=True).tolist() == [
        0.25, 0.75
    ]


def test_teacher_checkpoint_opt_in_is_explicit(tmp_path):
    """A teacher built from a config needs a checkpoint or the explicit
    'random'; a teacher passed as a built module carries its own weights."""
    from mmslkd.models.algorithms import (MultiTeacherDistill,
                                          SelfLearningTeacherDistill)
    from mmslkd.registry import MODELS
    from mmslkd.utils import load_teacher_checkpoint
    classifier = dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='mmslkd.CIFARResNet', arch='resnet8'),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(
            type='mmpretrain.LinearClsHead', num_classes=10, in_channels=64))
    with pytest.raises(ValueError, match=r"teacher_ckpt is not set.*'random'"):
        SelfLearningTeacherDistill(architecture=classifier, teacher=classifier)
    model = SelfLearningTeacherDistill(
        architecture=classifier, teacher=classifier, teacher_ckpt='random')
    built = MODELS.build(classifier)
    SelfLearningTeacherDistill(
        architecture=classifier,
        teacher=built,
        self_learning_teacher=classifier)  # no checkpoint needed
    distiller = dict(
        type='MultiTeacherDistiller',
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')))
    with pytest.raises(ValueError, match=r'teachers\.t0\.ckpt is not set'):
        MultiTeacherDistill(
            architecture=classifier,
            teachers=dict(t0=dict(model=classifier)),
            distiller=distiller)
    MultiTeacherDistill(
        architecture=classifier,
        teachers=dict(t0=dict(model=built)),
        distiller=distiller,
        teacher_weighting=None)
    # through MMRazor's loader, 'random' reads no file and initialises the
    # network as its config says (MMRazor then marks it initialised)
    assert not model.teacher.is_init
    assert load_teacher_checkpoint(model.teacher, 'random') == {}
    assert model.teacher.is_init
