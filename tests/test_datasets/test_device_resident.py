# Copyright (c) mmslkd contributors. All rights reserved.
import torch
from mmengine.config import Config

from mmslkd.datasets import (CIFAR100Format, DeviceResidentDataset,
                             batch_collate)


def test_holds_the_wrapped_images_and_labels(cifar100_root):
    inner = CIFAR100Format(data_root=cifar100_root, split='train', pipeline=[])
    dataset = DeviceResidentDataset(
        dict(
            type='CIFAR100Format',
            data_root=cifar100_root,
            split='train',
            pipeline=[]),
        device='cpu')
    assert len(dataset) == len(inner)
    assert dataset.metainfo == inner.metainfo
    batch = dataset.__getitems__([3, 0, 7])
    assert batch['inputs'].shape == (3, 3, 32, 32)
    assert batch['inputs'].dtype == torch.uint8
    for row, index in enumerate([3, 0, 7]):
        info = inner.get_data_info(index)
        assert torch.equal(batch['inputs'][row],
                           torch.from_numpy(info['img']).permute(2, 0, 1))
        assert int(batch['data_samples'][row].gt_label) == info['gt_label']
    # one sample looks like PackInputs' output; collate passes batches on
    single = dataset[5]
    assert single['inputs'].shape == (3, 32, 32)
    assert batch_collate(batch) is batch


def test_device_config_trains_through_the_runner(tmp_path, tiny_cfg,
                                                 cifar100_root, repo_root):
    """The shipped device-resident data config (wrapped dataset, batch
    collate, batched augmentation) drives a distillation run."""
    from mmengine.runner import Runner
    cfg = tiny_cfg('configs/kd/kd_r56_r8_cifar100.py', cifar100_root,
                   str(tmp_path))
    data = Config.fromfile(
        f'{repo_root}/configs/_base_/datasets/cifar100_bs64_device.py')
    cfg.model.teacher_ckpt = 'random'
    cfg.data_preprocessor = data.data_preprocessor
    cfg.model.data_preprocessor = data.data_preprocessor
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = data[key]
        loader.batch_size = 16
        loader.dataset.dataset.type = 'CIFAR100Format'
        loader.dataset.dataset.data_root = cifar100_root
        cfg[key] = loader
    runner = Runner.from_cfg(cfg)
    runner.train()  # validates at the end, through the wrapper as well
    assert runner.iter == 6  # 96 images, batch 16
    assert isinstance(runner.train_dataloader.dataset, DeviceResidentDataset)
    top1 = runner.message_hub.get_scalar('val/accuracy/top1').current()
    assert 0 <= top1 <= 100
