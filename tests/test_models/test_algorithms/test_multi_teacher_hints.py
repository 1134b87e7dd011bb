# Copyright (c) mmslkd contributors. All rights reserved.
"""MultiTeacherDistiller's records by stage and by teacher index, and hints
from every teacher (AMTML-KD's LR_adaptive_learning)."""
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from mmslkd.models import MultiTeacherDistill
from mmslkd.registry import MODELS

NUM_CLASSES = 10
WIDTHS = dict(resnet8=64, resnet14=64, resnet8x4=256)


def classifier(arch):
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmslkd.CIFARResNet', arch=arch),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=NUM_CLASSES,
            in_channels=WIDTHS[arch],
            loss=dict(type='CrossEntropyLoss')))


def build(**distiller):
    cfg = dict(
        type='MultiTeacherDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')))
    cfg.update(distiller)
    torch.manual_seed(0)
    model = MultiTeacherDistill(
        architecture=classifier('resnet8'),
        # built teachers (random weights: only shapes and sums count)
        teachers=dict(
            t0=dict(model=MODELS.build(classifier('resnet14'))),
            t1=dict(model=MODELS.build(classifier('resnet8x4')))),
        distiller=cfg,
        teacher_weighting=None,
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'))
    model.init_weights()
    return model.train()


def batch(size=4):
    gen = torch.Generator().manual_seed(1)
    inputs = torch.randn(size, 3, 32, 32, generator=gen)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=gen)
    return inputs, [DataSample().set_gt_label(int(y)) for y in labels]


def test_stage_recorders_and_teacher_index():
    """``stage=i`` reads stage i of each network; ``teacher=-1`` is the
    last teacher."""
    model = build(
        student_recorders=dict(stage2=dict(type='ModuleOutputs', stage=2)),
        teacher_recorders=dict(stage2=dict(type='ModuleOutputs', stage=2)),
        distill_losses=dict(
            loss_triplet=dict(type='TeacherOrderedTripletLoss')),
        loss_forward_mappings=dict(
            loss_triplet=dict(
                s_feature=dict(from_student=True, recorder='stage2'),
                t_feature=dict(
                    from_student=False, recorder='stage2', teacher=-1))))
    distiller = model.distiller
    assert distiller.student_recorders.recorders['stage2'].source == \
        'backbone.layer2'
    assert distiller.loss_forward_mappings['loss_triplet']['t_feature'][
        'teacher'] == 't1'
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert losses['distill.loss_triplet'] >= 0
    t_map = distiller.get_record('stage2', False, 't1')
    assert t_map.shape == (4, 128, 16, 16)  # resnet8x4's layer2


def test_every_teacher_hints_with_frozen_connectors():
    model = build(
        group_hints=dict(
            student_stages=(2, ),
            every_teacher=True,
            train_connectors=False,
            connector=dict(type='NormalizedConvConnector'),
            loss=dict(type='NormalizedHintLoss', loss_weight=2.0)))
    distiller = model.distiller
    assert set(distiller.connectors) == {'hint2_t0', 'hint2_t1'}
    assert distiller.connectors['hint2_t1'].transform.weight.shape == (128,
                                                                      32, 1,
                                                                      1)
    assert not any(p.requires_grad for p in distiller.connectors.parameters())
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == {'student.loss', 'distill.loss_hint2'}
    # one term per teacher, summed
    s_map = distiller.student_recorders.get_recorder(
        'hint2').get_record_data()
    expected = 0
    for name in ('t0', 't1'):
        t_map = distiller.teacher_recorders[name].get_recorder(
            'hint2').get_record_data()
        weight = distiller.connectors[f'hint2_{name}'].transform.weight
        connected = F.conv2d(F.normalize(s_map, dim=1), weight)
        expected = expected + 2.0 * (connected - F.normalize(
            t_map, dim=1)).pow(2).mean()
    torch.testing.assert_close(losses['distill.loss_hint2'], expected)
    # the student learns from them, the frozen connectors do not
    losses['distill.loss_hint2'].backward()
    assert model.student.backbone.layer2[0].conv1.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in distiller.connectors.parameters())


@pytest.mark.parametrize('distiller,error,message', [
    (dict(
        distill_losses=dict(loss=dict(type='TeacherOrderedTripletLoss')),
        loss_forward_mappings=dict(
            loss=dict(
                s_feature=dict(from_student=True, recorder='logits'),
                t_feature=dict(
                    from_student=False, recorder='logits', teacher=2)))),
     IndexError, 'teacher index 2 is out of range for the 2 teachers'),
    (dict(
        student_recorders=dict(
            x=dict(type='ModuleOutputs', stage=1, source='backbone'))),
     KeyError, 'gives both source and stage'),
    (dict(student_recorders=dict(x=dict(type='ModuleOutputs', stage=7))),
     ValueError, 'stage 7 of the student'),
    (dict(
        group_hints=dict(
            student_stages=(2, ),
            every_teacher=True,
            teacher='t0',
            loss=dict(type='ATLoss'))), ValueError,
     'either teacher .* or every_teacher'),
    (dict(
        distill_losses=dict(loss=dict(type='NormalizedHintLoss')),
        loss_forward_mappings=dict(
            loss=dict(
                s_feature=[dict(from_student=True, recorder='logits')],
                t_feature=[
                    dict(from_student=False, recorder='logits', teacher=0),
                    dict(from_student=False, recorder='logits', teacher=1)
                ]))), ValueError, 'same, non-zero number of records'),
])
def test_bad_records_fail_at_build(distiller, error, message):
    with pytest.raises(error, match=message):
        build(**distiller)
