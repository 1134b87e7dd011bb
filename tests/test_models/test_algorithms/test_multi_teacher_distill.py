# Copyright (c) mmslkd contributors. All rights reserved.
"""MultiTeacherDistill and MultiTeacherDistiller."""
import copy

import pytest
import torch
from mmpretrain.structures import DataSample
from mmrazor.models import SingleTeacherDistill

from mmslkd.models import MultiTeacherDistill

NUM_CLASSES = 10


def classifier(arch='resnet8', num_classes=NUM_CLASSES, ce_weight=1.0):
    widths = dict(resnet8=64, resnet14=64, resnet8x4=256)
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmslkd.CIFARResNet', arch=arch),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=num_classes,
            in_channels=widths[arch],
            loss=dict(type='CrossEntropyLoss', loss_weight=ce_weight)))


def distiller(**kwargs):
    cfg = dict(
        type='MultiTeacherDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            pooled=dict(type='PooledOutputs', source='backbone'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='MultiTeacherKDLoss', tau=4, loss_weight=0.9)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'))),
        weighting_inputs=dict(
            teacher_logits=dict(from_student=False, recorder='logits'),
            student_feature=dict(from_student=True, recorder='pooled'),
            gt_labels=dict(
                from_student=True, recorder='gt_labels', data_idx=1)))
    cfg.update(kwargs)
    return cfg


def build(teachers=('resnet14', 'resnet8x4'), **kwargs):
    args = dict(
        architecture=classifier('resnet8', ce_weight=0.1),
        teachers={
            f't{i}': dict(model=classifier(arch), ckpt='random')
            for i, arch in enumerate(teachers)
        },
        distiller=distiller(),
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'))
    args.update(kwargs)
    torch.manual_seed(0)
    model = MultiTeacherDistill(**args)
    model.init_weights()
    return model.train()


def batch(size=6, seed=1):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 3, 32, 32, generator=gen)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=gen)
    return inputs, [DataSample().set_gt_label(int(y)) for y in labels]


def test_one_teacher_equals_single_teacher_distill():
    ours = build(teachers=('resnet14', ))
    theirs = SingleTeacherDistill(
        architecture=classifier('resnet8', ce_weight=0.1),
        teacher=classifier('resnet14'),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(
                logits=dict(type='ModuleOutputs', source='head.fc')),
            teacher_recorders=dict(
                logits=dict(type='ModuleOutputs', source='head.fc')),
            distill_losses=dict(
                loss_kd=dict(type='KLDivergence', tau=4, loss_weight=0.9)),
            loss_forward_mappings=dict(
                loss_kd=dict(
                    preds_S=dict(from_student=True, recorder='logits'),
                    preds_T=dict(from_student=False, recorder='logits')))))
    theirs.student.load_state_dict(ours.student.state_dict())
    theirs.teacher.load_state_dict(ours.teachers['t0'].state_dict())
    theirs.train()
    inputs, samples = batch()
    ours_losses = ours.loss(inputs, samples)
    theirs_losses = theirs.loss(inputs, samples)
    for key in ('student.loss', 'distill.loss_kd'):
        torch.testing.assert_close(ours_losses[key], theirs_losses[key])
    assert ours_losses['teacher_weight.t0'] == 1


def test_losses_statistics_and_gradients():
    model = build(teacher_weighting=dict(type='LatentAdapterWeighting'))
    assert model.teacher_weighting.theta.shape == (2, 64)  # student width
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert {
        'student.loss', 'distill.loss_kd', 'teacher_weighting.loss_l2',
        'teacher_weight.t0', 'teacher_weight.t1', 'teacher_weight_entropy'
    } <= set(losses)
    assert (losses['teacher_weight.t0'] +
            losses['teacher_weight.t1']).item() == pytest.approx(1.0)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert all(p.grad is None for p in model.teachers.parameters())
    assert model.teacher_weighting.theta.grad.abs().sum() > 0
    assert model.student.head.fc.weight.grad.abs().sum() > 0


def test_predict_teacher_weights_are_the_training_weights():
    model = build(teacher_weighting=dict(type='LatentAdapterWeighting'))
    model.eval()  # BatchNorm in eval mode: both passes see the same student
    inputs, samples = batch()
    weights = model.predict_teacher_weights(inputs)
    assert weights.shape == (6, 2) and not weights.requires_grad
    torch.testing.assert_close(weights.sum(1), torch.ones(6))
    assert not torch.allclose(weights[:, 0], weights[0, 0])  # per instance
    losses = model.loss(inputs, samples)
    torch.testing.assert_close(losses['teacher_weight.t0'], weights[:,
                                                                    0].mean())
    with pytest.raises(ValueError, match='no teacher weighting'):
        build(teacher_weighting=None).predict_teacher_weights(inputs)


def test_group_hints_round_robin():
    model = build(
        teachers=('resnet14', 'resnet8x4'),
        distiller=distiller(
            group_hints=dict(
                student_stages=(1, 2, 3),
                connector=dict(type='NormalizedConvConnector'),
                loss=dict(type='NormalizedHintLoss'))))
    mappings = model.distiller.loss_forward_mappings
    # stage g of the student <- teacher (i mod K), same stage
    assert [
        mappings[f'loss_hint{g}']['t_feature']['teacher'] for g in (1, 2, 3)
    ] == ['t0', 't1', 't0']
    # channels: student stage 2 is 32 wide, resnet8x4's stage 2 is 128
    assert model.distiller.connectors['hint2'].transform.weight.shape == (128,
                                                                          32,
                                                                          1, 1)
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert all(losses[f'distill.loss_hint{g}'] > 0 for g in (1, 2, 3))


def test_group_hints_from_one_teacher_without_connector():
    """The two-teacher framework: one teacher's features (attention
    transfer, no connector), the other's logits, no weighting rule."""
    from mmrazor.models.losses import ATLoss
    dist = distiller(
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=4, loss_weight=0.9)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(
                    from_student=False, recorder='logits', teacher='t1'))),
        group_hints=dict(
            name='at',
            teacher='t0',
            student_stages=(1, 2, 3),
            loss=dict(type='ATLoss', loss_weight=500.0)))
    model = build(distiller=dist, teacher_weighting=None)
    mappings = model.distiller.loss_forward_mappings
    assert [
        mappings[f'loss_at{g}']['t_feature']['teacher'] for g in (1, 2, 3)
    ] == ['t0'] * 3
    assert 'connector' not in mappings['loss_at1']['s_feature']
    assert not len(model.distiller.connectors)

    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == {
        'student.loss', 'distill.loss_kd', 'distill.loss_at1',
        'distill.loss_at2', 'distill.loss_at3'
    }  # no teacher-weight statistics without a rule
    # each AT term is MMRazor's ATLoss on the recorded stage outputs
    s_rec = model.distiller.student_recorders.get_recorder('at2')
    t_rec = model.distiller.teacher_recorders['t0'].get_recorder('at2')
    expected = ATLoss(500.0)(s_rec.get_record_data(), t_rec.get_record_data())
    assert losses['distill.loss_at2'].item() == pytest.approx(expected.item())
    sum(losses.values()).backward()
    assert model.student.backbone.layer1[0].conv1.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.teachers.parameters())


def test_group_hints_with_an_mmrazor_connector():
    """MMRazor's connectors spell their widths in_channel/out_channel."""
    model = build(
        distiller=distiller(
            group_hints=dict(
                teacher='t1',
                student_stages=(2, ),
                connector=dict(
                    type='ConvModuleConnector',
                    kernel_size=3,
                    padding=1,
                    norm_cfg=dict(type='BN')),
                loss=dict(type='L2Loss', normalize=False))),
        teacher_weighting=None)
    conv = model.distiller.connectors['hint2'].conv_module.conv
    assert conv.weight.shape == (128, 32, 3, 3)  # resnet8 -> resnet8x4
    losses = model.loss(*batch())
    assert losses['distill.loss_hint2'] > 0


@pytest.mark.parametrize('kwargs,error,message', [
    (dict(
        teachers=dict(
            t0=dict(
                model=classifier('resnet14', num_classes=100),
                ckpt='random'))), ValueError, "Class-count mismatch.*teacher 't0': 100"),
    (dict(
        distiller=distiller(
            loss_forward_mappings=dict(
                loss_kd=dict(
                    preds_S=dict(from_student=True, recorder='logits'),
                    preds_T=dict(
                        from_student=False,
                        recorder='logits',
                        teacher='resnet57'))))), KeyError,
     "unknown teacher 'resnet57'; the teachers are"),
    (dict(
        distiller=distiller(
            loss_forward_mappings=dict(
                loss_kd=dict(
                    preds_S=dict(from_student=True, recorder='logitz'),
                    preds_T=dict(from_student=False, recorder='logits'))))),
     KeyError, "student has no recorder 'logitz'"),
    (dict(
        distiller=distiller(
            group_hints=dict(
                student_stages=(1, 4),
                connector=dict(type='NormalizedConvConnector'),
                loss=dict(type='NormalizedHintLoss')))), ValueError,
     'stage 4 of the student.*has 4 stages'),
    (dict(
        distiller=distiller(
            per_teacher_recorders=dict(
                t9=dict(x=dict(type='ModuleOutputs', source='head.fc'))))),
     KeyError, 'unknown teachers'),
    (dict(
        distiller=distiller(
            student_recorders=dict(
                logits=dict(type='ModuleOutputs', source='head.fcc')))),
     ValueError, "'head.fcc', which is not a module of the student"),
    (dict(
        distiller=distiller(weighting_inputs=dict()),
        teacher_weighting=dict(type='ConfidenceTeacherWeighting')), KeyError,
     'map no'),
    (dict(teachers=dict(t0=dict(model=classifier(), ckpt='random', lr=1))),
     KeyError, "unknown keys \\['lr'\\]"),
    (dict(
        distiller=distiller(
            group_hints=dict(
                teacher='strict',
                student_stages=(1, ),
                loss=dict(type='ATLoss'))),
        teacher_weighting=None), KeyError,
     "group_hints.teacher 'strict' is not a teacher"),
    (dict(
        distiller=distiller(
            group_hints=dict(
                student_stages=(1, ),
                loss=dict(type='ATLoss'),
                teachers=('t0', )))), KeyError,
     "group_hints has unknown keys \\['teachers'\\]"),
])
def test_bad_configs_fail_at_build(kwargs, error, message):
    args = dict(
        architecture=classifier('resnet8'),
        teachers=dict(t0=dict(model=classifier('resnet14'), ckpt='random')),
        distiller=distiller())
    args.update(kwargs)
    with pytest.raises(error, match=message):
        MultiTeacherDistill(**args)


def test_teacher_from_cfg_path_and_checkpoint(tmp_path):
    from mmslkd.registry import MODELS
    teacher = MODELS.build(copy.deepcopy(classifier('resnet14')))
    path = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), path)
    model = MultiTeacherDistill(
        architecture=classifier('resnet8', num_classes=100),
        teachers=dict(
            # an MMRazor-style reference to a shipped config
            resnet56=dict(
                model=dict(
                    cfg_path='mmslkd::teachers/resnet56_cifar100.py',
                    pretrained=False),
                ckpt='random'),
            resnet14=dict(
                model=classifier('resnet14', num_classes=100),
                ckpt='random')),
        distiller=distiller())
    assert len(model.teachers.resnet56.backbone.layer1) == 9
    with pytest.raises(Exception, match='does not match'):
        MultiTeacherDistill(
            architecture=classifier('resnet8'),
            teachers=dict(t0=dict(model=classifier('resnet8'), ckpt=path)),
            distiller=distiller())
