# Copyright (c) mmslkd contributors. All rights reserved.
"""The default AMTML-KD and AvgMKD configs compute, term by term, the
losses of the official code (FLHonker/AMTML-KD-code, LR_adaptive_learning
and multi_teacher_avg_distill notebooks).

The reference below is written from the formulas (docs/multi_teacher.md),
in float64, on the networks the configs build; the model runs in float64 as
well so that |delta| <= 1e-6 tests the formulas, not float32 rounding."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmpretrain.structures import DataSample

from mmslkd.engine.hooks import LossWeightPhaseHook
from mmslkd.models.losses import teacher_ordered_triplet
from mmslkd.registry import MODELS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
AMTML = 'configs/amtml/amtml_r56+r110_r20_cifar100.py'
AVGMKD = 'configs/amtml/avgmkd_r56+r110_r20_cifar100.py'
B, T, TOL = 8, 5.0, 1e-6


def build(config):
    cfg = Config.fromfile(osp.join(REPO, config))
    model_cfg = cfg.model.to_dict()
    # smaller networks keep the test fast; the recipe is unchanged.
    # Teachers are passed built (random weights: only the arithmetic counts)
    torch.manual_seed(0)
    for spec in model_cfg['teachers'].values():
        spec['model']['backbone']['arch'] = 'resnet14'
        spec['model'] = MODELS.build(spec['model'])
        spec.pop('ckpt')
    model_cfg['architecture']['backbone']['arch'] = 'resnet8'
    model_cfg['data_preprocessor'] = dict(
        type='mmpretrain.ClsDataPreprocessor')
    model = MODELS.build(model_cfg)
    model.init_weights()
    return cfg, model.double().train()


def batch(seed=1):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(B, 3, 32, 32, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 100, (B, ), generator=gen)
    return x, y, [DataSample().set_gt_label(int(v)) for v in y]


def forward(net, x):
    """Every stage output and the logits of a classifier."""
    stages = net.backbone.forward_stages(x)
    return stages, net(x, mode='tensor')


def smooth_l1(d):
    d = d.abs()
    return torch.where(d < 1, 0.5 * d**2, d - 0.5).mean()


def angle_term(student, target):
    """RKD angle: smooth-L1 between the cosines of the angle at vertex i of
    every triple (i, j, l), student vs target (B^3 entries, the degenerate
    ones counting as cosine 0)."""

    def cosines(e):
        diff = e[None, :, :] - e[:, None, :]  # [i, j] = e_j - e_i
        norm = diff.norm(dim=2, keepdim=True)
        unit = torch.where(norm > 0, diff / norm.clamp_min(1e-300), 0.0)
        return torch.einsum('ijd,ild->ijl', unit, unit)

    return smooth_l1(cosines(student) - cosines(target))


def distance_term(student, target):
    """RKD distance: pairwise Euclidean distances over their mean (off the
    diagonal), smooth-L1 over all B^2 pairs."""

    def distances(e):
        d = (e[:, None, :] - e[None, :, :]).norm(dim=2)
        return d / d[~torch.eye(len(e), dtype=torch.bool)].mean()

    return smooth_l1(distances(student) - distances(target))


def kldiv_mean(log_p, q):
    """nn.KLDivLoss() of the notebooks: mean over batch AND classes."""
    return (q * (q.log() - log_p)).mean()


def fitnet(connector_weight, student_map, teacher_map):
    """The notebooks' FitNet: 1x1 conv of the channel-normalised student
    map, MSE to the channel-normalised teacher map."""
    s = student_map / student_map.norm(dim=1, keepdim=True).clamp_min(1e-12)
    t = teacher_map / teacher_map.norm(dim=1, keepdim=True).clamp_min(1e-12)
    w = connector_weight[:, :, 0, 0]
    return ((torch.einsum('oc,bchw->bohw', w, s) - t)**2).mean()


def official_amtml_terms(model, x, y, phase):
    """One iteration of LR_adaptive_learning's loss, by term."""
    teachers = [forward(t, x) for t in model.teachers.values()]
    s_stages, z_s = forward(model.student, x)
    rule = model.teacher_weighting
    beta = s_stages[-1].mean((2, 3))  # the student's pooled feature
    scores = torch.stack([(beta * theta) @ rule.w for theta in rule.theta], 1)
    alpha = scores.softmax(1)  # (B, K)
    q = sum(alpha[:, k:k + 1] * (z / T).softmax(1)
            for k, (_, z) in enumerate(teachers))
    log_p = (z_s / T).log_softmax(1)
    terms = {
        # F.cross_entropy(log_softmax(z/T), y): the CE at temperature T
        'student.loss': 0.3 * -log_p[torch.arange(B), y].mean(),
        'distill.loss_kd': kldiv_mean(log_p, q) * T * T * 2.0 * 0.7,
        'distill.loss_angle': angle_term(log_p, q),
        'distill.loss_dist': distance_term(log_p, q),
    }
    hints = sum(
        fitnet(model.distiller.connectors[f'hint2_{name}'].transform.weight,
               s_stages[2], t_stages[2])
        for name, (t_stages, _) in zip(model.teachers, teachers))
    if phase == 1:
        terms['distill.loss_hint2'] = hints
        terms['teacher_weighting.loss_l2'] = 0.1 * (
            rule.w.pow(2).sum() + rule.theta.pow(2).sum())
    else:  # the notebook's train(): no hints, no adapter penalty
        terms['distill.loss_hint2'] = 0 * hints
    return terms


def enter_phase_2(cfg, model):
    """What the config's hooks do from epoch 80 on."""
    assert cfg.default_hooks.freeze_adapter.epoch == 80
    model.teacher_weighting.requires_grad_(False)
    hook_cfg = dict(cfg.default_hooks.hints_phase)
    assert hook_cfg.pop('type') == 'LossWeightPhaseHook'
    hook = LossWeightPhaseHook(**hook_cfg)
    hook.configured = dict(loss_hint2=1.0)
    assert hook.weights_at(79) == dict(loss_hint2=1.0)
    for name, weight in hook.weights_at(80).items():
        model.distiller.distill_losses[name].loss_weight = weight


@pytest.mark.parametrize('phase', [1, 2])
def test_amtml_default_equals_official_terms(phase):
    cfg, model = build(AMTML)
    if phase == 2:
        enter_phase_2(cfg, model)
    x, y, samples = batch()
    ours = {k: v for k, v in model.loss(x, samples).items() if 'loss' in k}
    with torch.no_grad():
        official = official_amtml_terms(model, x, y, phase)
    assert set(ours) == set(official)  # every term, and no other
    for key, value in official.items():
        delta = abs(ours[key].item() - value.item())
        assert delta <= TOL, (key, ours[key].item(), value.item())
    assert official['distill.loss_dist'] > 0 and official[
        'distill.loss_angle'] > 0
    # the KD is nn.KLDivLoss()'s B*C mean: a per-sample weight 1.4 T^2 / C
    assert cfg.model.distiller.distill_losses.loss_kd.reduction == 'mean'
    # the notebook never steps the hint connectors
    assert not any(p.requires_grad
                   for p in model.distiller.connectors.parameters())


def test_amtml_float32_terms_are_close():
    """The shipped float32 arithmetic stays within float32 rounding of the
    float64 formulas."""
    cfg, model = build(AMTML)
    model.float()
    x, y, samples = batch()
    ours = model.loss(x.float(), samples)
    with torch.no_grad():
        official = official_amtml_terms(model.double(), x, y, 1)
    for key, value in official.items():
        assert abs(ours[key].item() - value.item()) <= 1e-4 * max(
            1.0, abs(value.item())), key


def official_triplet(s_map, t_map, triplets, margin=0.2):
    """multi_teacher_avg_distill's triplet term: the teacher map orders each
    triplet (swap when d(a, first) > d(a, second)); the tensor swap of the
    notebook leaves (a, second, second); nn.TripletMarginLoss(margin, p=2)
    on (B, C, H, W) maps measures along the last axis, mean over the rest.
    """
    per_triplet = []
    for a, i, j in triplets.tolist():
        d1 = ((t_map[a] - t_map[i])**2).sum()
        d2 = ((t_map[a] - t_map[j])**2).sum()
        pos, neg = (j, j) if d1 > d2 else (i, j)
        dp = (s_map[a] - s_map[pos] + 1e-6).norm(dim=-1)
        dn = (s_map[a] - s_map[neg] + 1e-6).norm(dim=-1)
        per_triplet.append((dp - dn + margin).clamp_min(0))
    return torch.stack(per_triplet).mean()


def test_avgmkd_default_equals_official_terms(monkeypatch):
    cfg, model = build(AVGMKD)
    gen = torch.Generator().manual_seed(3)
    triplets = torch.stack([torch.randperm(B, generator=gen)[:3]
                            for _ in range(B)])
    monkeypatch.setattr(teacher_ordered_triplet, 'sample_triplets',
                        lambda size, device=None: triplets)
    x, y, samples = batch()
    ours = {k: v for k, v in model.loss(x, samples).items() if 'loss' in k}
    with torch.no_grad():
        teachers = [forward(t, x) for t in model.teachers.values()]
        s_stages, z_s = forward(model.student, x)
        q = sum((z / T).softmax(1) for _, z in teachers) / len(teachers)
        log_p = (z_s / T).log_softmax(1)
        last_teacher_map = teachers[-1][0][2]
        official = {
            'student.loss': 0.3 * -z_s.log_softmax(1)[torch.arange(B),
                                                      y].mean(),
            'distill.loss_kd': kldiv_mean(log_p, q) * T * T * 2.0 * 0.7,
            'distill.loss_triplet': official_triplet(s_stages[2],
                                                     last_teacher_map,
                                                     triplets),
        }
    assert set(ours) == set(official)
    for key, value in official.items():
        delta = abs(ours[key].item() - value.item())
        assert delta <= TOL, (key, ours[key].item(), value.item())
    # both kinds of triplets occurred: kept and collapsed
    t = last_teacher_map.flatten(1)
    d1 = (t[triplets[:, 0]] - t[triplets[:, 1]]).pow(2).sum(1)
    d2 = (t[triplets[:, 0]] - t[triplets[:, 2]]).pow(2).sum(1)
    assert (d1 > d2).any() and (d1 <= d2).any()
    # no angle loss, no hints, no adapter; 200 epochs
    assert cfg.train_cfg.max_epochs == 200
    assert 'group_hints' not in cfg.model.distiller
    assert cfg.model.teacher_weighting.type == 'UniformTeacherWeighting'
