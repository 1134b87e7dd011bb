# CIFAR-100 held whole on the training device (DeviceResidentDataset):
# batches are gathered there by index and the data preprocessor crops,
# flips and normalises them batched, so no per-image Python runs per
# iteration. The same augmentation distribution as cifar100_bs64
# (RandomCrop 32 with 4-pixel zero padding, horizontal flip 0.5).
_base_ = ['./cifar100_bs64_batch_aug.py']

train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='mmslkd.batch_collate'),
    dataset=dict(
        _delete_=True,
        type='mmslkd.DeviceResidentDataset',
        dataset=dict(
            type={{_base_.dataset_type}},
            data_root={{_base_.data_root}},
            split='train',
            pipeline=[])))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='mmslkd.batch_collate'),
    dataset=dict(
        _delete_=True,
        type='mmslkd.DeviceResidentDataset',
        dataset=dict(
            type={{_base_.dataset_type}},
            data_root={{_base_.data_root}},
            split='test',
            pipeline=[])))
test_dataloader = val_dataloader
