# Copyright (c) mmslkd contributors. All rights reserved.
"""The CIFAR model zoo against the KD literature (spec slkd.md section 6.1).

Parameter counts are those of mdistiller's ``models/cifar`` with 100 classes
(exact integers; the spec's table rounds them to 0.001 M), stage shapes are
the spec's ``feats`` column for a 32x32 input.
"""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmslkd.models import CIFARResNet, CIFARShuffleNetV2, CIFARStemResNet
from mmslkd.registry import MODELS

# name: (parameters with 100 classes, stage shapes C@HxW,
#        number of literature "feats" stages)
ZOO = {
    'resnet8': (83892, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet14': (181108, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet20': (278324, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet32': (472756, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet44': (667188, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet56': (861620, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet110': (1736564, ['16@32', '16@32', '32@16', '64@8'], 4),
    'resnet8x4': (1233540, ['32@32', '64@32', '128@16', '256@8'], 4),
    'resnet32x4': (7433860, ['32@32', '64@32', '128@16', '256@8'], 4),
    'wrn_16_1': (180916, ['16@32', '16@32', '32@16', '64@8', '64@8'], 4),
    'wrn_16_2': (703284, ['16@32', '32@32', '64@16', '128@8', '128@8'], 4),
    'wrn_40_1': (569780, ['16@32', '16@32', '32@16', '64@8', '64@8'], 4),
    'wrn_40_2': (2255156, ['16@32', '32@32', '64@16', '128@8', '128@8'], 4),
    'wrn_28_4': (5872180, ['16@32', '64@32', '128@16', '256@8', '256@8'], 4),
    'vgg8': (3965028, ['64@32', '128@16', '256@8', '512@4', '512@4'], 5),
    'vgg11': (9277284, ['64@32', '128@16', '256@8', '512@4', '512@4'], 5),
    'vgg13': (9462180, ['64@32', '128@16', '256@8', '512@4', '512@4'], 5),
    'vgg16': (14774436, ['64@32', '128@16', '256@8', '512@4', '512@4'], 5),
    'vgg19': (20086692, ['64@32', '128@16', '256@8', '512@4', '512@4'], 5),
    'mobilenetv2':
    (812836, ['16@16', '12@16', '16@8', '48@4', '160@2', '1280@2'], 5),
    'shufflev1': (949258, ['24@32', '240@16', '480@8', '960@4'], 4),
    'shufflev2': (1355528, ['24@32', '116@16', '232@8', '464@4', '1024@4'], 4),
    # mdistiller ShuffleV2(net_size=0.5)
    'shufflev2_0_5': (443716, ['24@32', '48@16', '96@8', '192@4',
                               '1024@4'], 4),
    'resnet18': (11220132, ['64@32', '64@32', '128@16', '256@8', '512@4'], 5),
    'resnet34': (21328292, ['64@32', '64@32', '128@16', '256@8', '512@4'], 5),
    'resnet50': (23705252, ['64@32', '256@32', '512@16', '1024@8',
                            '2048@4'], 5),
}


def build_zoo_classifier(repo_root, name, num_classes=100):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs', '_base_', 'models', 'cifar',
                 f'{name}.py'))
    model_cfg = cfg[name]
    model_cfg.head.num_classes = num_classes
    with DefaultScope.overwrite_default_scope('mmslkd'):
        return MODELS.build(model_cfg)


def shape_str(tensor):
    return f'{tensor.shape[1]}@{tensor.shape[2]}'


def test_zoo_has_every_config(repo_root):
    import glob
    names = {
        osp.basename(p)[:-3]
        for p in glob.glob(
            osp.join(repo_root, 'configs', '_base_', 'models', 'cifar',
                     '*.py'))
    }
    # + the half-width ResNet-8 of the real-data studies (not a literature
    # network, so not in the parameter-count table)
    assert names == set(ZOO) | {'resnet8_half'}


@pytest.mark.parametrize('name', sorted(ZOO))
def test_zoo_network(repo_root, name):
    num_params, shapes, num_feats = ZOO[name]
    model = build_zoo_classifier(repo_root, name).eval()
    assert sum(p.numel() for p in model.parameters()) == num_params

    backbone = model.backbone
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        stages = backbone.forward_stages(x)
        logits = model(x, mode='tensor')
    assert [shape_str(s) for s in stages] == shapes
    assert list(
        backbone.stage_channels) == [int(s.split('@')[0]) for s in shapes]
    assert logits.shape == (2, 100)
    # the classifier pools the last stage
    assert backbone(x)[0].shape == stages[-1].shape
    assert num_feats in (len(stages), len(stages) - 1)

    # every stage is the output of a named module, readable by a recorder
    from mmrazor.models.task_modules import RecorderManager
    manager = RecorderManager({
        f's{i}':
        dict(type='ModuleOutputs', source=f'backbone.{stage}')
        for i, stage in enumerate(backbone.stage_names)
    })
    manager.initialize(model)
    with manager, torch.no_grad():
        model(x, mode='tensor')
    for i, expected in enumerate(stages):
        recorded = manager.get_recorder(f's{i}').get_record_data()
        torch.testing.assert_close(recorded, expected, rtol=0, atol=0)


def test_out_indices_select_stages():
    backbone = CIFARResNet('resnet8', out_indices=(0, 2, -1))
    assert backbone.out_indices == (0, 2, 3)
    outs = backbone(torch.randn(1, 3, 32, 32))
    assert [shape_str(o) for o in outs] == ['16@32', '32@16', '64@8']
    with pytest.raises(ValueError, match=r'4 stages .*out_indices=\(4,\)'):
        CIFARResNet('resnet8', out_indices=(4, ))


def test_unknown_arch_is_a_clear_error():
    with pytest.raises(
            ValueError, match="Unknown CIFARResNet arch 'resnet33'"
            ".*resnet32x4"):
        CIFARResNet('resnet33')
    with pytest.raises(ValueError, match='6n\\+2'):
        CIFARResNet(dict(depth=9, widths=(16, 16, 32, 64)))
    with pytest.raises(ValueError, match='widen_factor must be one of'):
        CIFARShuffleNetV2(widen_factor=0.7)
    with pytest.raises(KeyError, match='CIFARResnet is not in the'):
        MODELS.build(dict(type='CIFARResnet', arch='resnet8'))


def test_custom_arch_and_width_variants():
    net = CIFARResNet(dict(depth=14, widths=(8, 8, 16, 32)))
    assert net.stage_channels == (8, 8, 16, 32)
    # ShuffleNetV2 widths of the original paper (mdistiller's net_size)
    for width, num_params in ((0.5, 443716), (1.5, 2580548), (2.0, 5521860)):
        backbone = CIFARShuffleNetV2(widen_factor=width)
        channels = backbone.stage_channels[-1]
        total = sum(p.numel() for p in backbone.parameters())
        assert total + channels * 100 + 100 == num_params
    assert CIFARStemResNet('ResNet34').stage_channels[-1] == 512


def test_literature_initialisation():
    backbone = CIFARResNet('resnet32x4')
    backbone.init_weights()
    conv = backbone.layer3[0].conv1  # 3x3, 256 outputs: N(0, 2/fan_out)
    expected_std = (2.0 / (3 * 3 * conv.out_channels))**0.5
    assert abs(conv.weight.std().item() / expected_std - 1) < 0.05
    assert torch.all(backbone.layer3[0].bn1.weight == 1)
    assert torch.all(backbone.layer3[0].bn1.bias == 0)


def test_train_returns_self():
    backbone = CIFARResNet('resnet8')
    assert backbone.train() is backbone
    assert backbone.eval() is backbone and not backbone.training
