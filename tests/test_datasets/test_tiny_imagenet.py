# Copyright (c) mmslkd contributors. All rights reserved.
"""Tiny ImageNet from the official folder layout: labels, class names,
greyscale images, clear layout errors, and a config that trains and
validates through the Runner."""
import os
import os.path as osp
import uuid

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmslkd.datasets import TinyImageNet

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def write_tiny_imagenet(root, num_classes=200, train_per_class=1, seed=0):
    """A generated tiny-imagenet-200 folder in the official layout: wnids in
    unsorted order, words.txt with extra ids, one greyscale JPEG, val
    images listed in val_annotations.txt."""
    rng = np.random.RandomState(seed)
    wnids = [f'n{9000000 - 7 * i:08d}' for i in range(num_classes)]
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'wnids.txt'), 'w') as f:
        f.writelines(w + '\n' for w in wnids)
    with open(osp.join(root, 'words.txt'), 'w') as f:
        f.write('n00000001\tentity\n')
        f.writelines(f'{w}\tthing {w}, other name\n' for w in wnids)
    for c, wnid in enumerate(wnids):
        folder = osp.join(root, 'train', wnid, 'images')
        os.makedirs(folder)
        with open(osp.join(root, 'train', wnid, f'{wnid}_boxes.txt'),
                  'w') as f:
            f.write('')
        for i in range(train_per_class):
            img = rng.randint(0, 256, (64, 64, 3), dtype=np.uint8)
            if c == 0 and i == 0:
                img = img[..., 0]  # greyscale
            cv2.imwrite(osp.join(folder, f'{wnid}_{i}.JPEG'), img)
    os.makedirs(osp.join(root, 'val', 'images'))
    os.makedirs(osp.join(root, 'test', 'images'))
    with open(osp.join(root, 'val', 'val_annotations.txt'), 'w') as f:
        for i, wnid in enumerate(wnids):
            name = f'val_{i}.JPEG'
            cv2.imwrite(
                osp.join(root, 'val', 'images', name),
                rng.randint(0, 256, (64, 64, 3), dtype=np.uint8))
            f.write(f'{name}\t{wnid}\t0\t0\t63\t63\n')
    return wnids


def test_labels_names_and_greyscale(tmp_path):
    root = str(tmp_path / 'tiny-imagenet-200')
    wnids = write_tiny_imagenet(root, num_classes=5, train_per_class=2)
    pipeline = [dict(type='mmpretrain.LoadImageFromFile'),
                dict(type='mmpretrain.PackInputs')]
    train = TinyImageNet(data_root=root, split='train', pipeline=pipeline)
    assert len(train) == 10
    assert train.metainfo['wnids'] == sorted(wnids)
    assert train.CLASSES[0] == f'thing {sorted(wnids)[0]}'
    for i in range(len(train)):
        info = train.get_data_info(i)
        wnid = osp.basename(info['img_path']).split('_')[0]
        assert info['gt_label'] == sorted(wnids).index(wnid)
        assert train[i]['inputs'].shape == (3, 64, 64)
    grey = [
        train[i]['inputs'] for i in range(len(train))
        if train.get_data_info(i)['img_path'].endswith(f'{wnids[0]}_0.JPEG')
    ][0]
    assert (grey[0] == grey[1]).all() and (grey[1] == grey[2]).all()
    val = TinyImageNet(data_root=root, split='val')
    assert len(val) == 5
    for i in range(len(val)):
        info = val.get_data_info(i)
        index = int(osp.basename(info['img_path'])[4:-5])
        assert info['gt_label'] == sorted(wnids).index(wnids[index])
    one = TinyImageNet(data_root=root, split='train', samples_per_class=1)
    assert sorted(one.get_data_info(i)['gt_label']
                  for i in range(len(one))) == list(range(5))
    with pytest.raises(ValueError, match='samples_per_class must be > 0'):
        TinyImageNet(data_root=root, split='train', samples_per_class=0)


@pytest.mark.parametrize('breakage, error, match', [
    ('root', FileNotFoundError, 'does not exist.*tiny-imagenet-200'),
    ('wnids', FileNotFoundError, r"lacks \['wnids.txt'\]"),
    ('class folder', FileNotFoundError, 'lacks the class folders'),
    ('val annotations', FileNotFoundError, 'val_annotations.txt'),
    ('unknown val id', ValueError, 'line 1 of .* WordNet ids'),
    ('test split', ValueError, 'test split has no labels'),
    ('no name', ValueError, 'has no names for'),
])
def test_bad_layouts(tmp_path, breakage, error, match):
    root = str(tmp_path / 'tiny-imagenet-200')
    wnids = write_tiny_imagenet(root, num_classes=3)
    split = 'train'
    if breakage == 'root':
        root = str(tmp_path / 'nothing')
    elif breakage == 'wnids':
        os.remove(osp.join(root, 'wnids.txt'))
    elif breakage == 'class folder':
        os.rename(osp.join(root, 'train', wnids[1]),
                  osp.join(root, 'train', 'other'))
    elif breakage == 'val annotations':
        os.remove(osp.join(root, 'val', 'val_annotations.txt'))
        split = 'val'
    elif breakage == 'unknown val id':
        with open(osp.join(root, 'val', 'val_annotations.txt'), 'w') as f:
            f.write('val_0.JPEG\tn123\t0\t0\t1\t1\n')
        split = 'val'
    elif breakage == 'test split':
        split = 'test'
    elif breakage == 'no name':
        with open(osp.join(root, 'words.txt'), 'w') as f:
            f.write('n00000001\tentity\n')
    with pytest.raises(error, match=match):
        TinyImageNet(data_root=root, split=split)


def test_tiny_imagenet_config_trains_and_validates(tmp_path):
    """The shipped ShuffleNetV2 Tiny ImageNet config, on a generated folder
    in the official layout: it trains (CIFAR stem at 64x64, declared to
    InputSizeCheckHook) and validates on the val split."""
    root = str(tmp_path / 'tiny-imagenet-200')
    write_tiny_imagenet(root)
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/teachers/shufflev2_tinyimagenet.py'))
    cfg.work_dir = str(tmp_path / 'work')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = root
        cfg[key].batch_size = 100
        cfg[key].num_workers = 0
        cfg[key].persistent_workers = False
    cfg.train_dataloader.dataset.samples_per_class = 1
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.log_level = 'WARNING'
    cfg.experiment_name = f'tiny_imagenet_{uuid.uuid4().hex}'
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    metrics = runner.val_loop.run()
    assert 0 <= metrics['accuracy/top1'] <= 100
    assert osp.isfile(osp.join(cfg.work_dir, 'epoch_1.pth'))
