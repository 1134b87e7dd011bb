# CIFAR-100 held whole on the training device (DeviceResidentDataset):
# batches are gathered there by index and the data preprocessor crops,
# flips and normalises them batched, so no per-image Python runs per
# iteration. The same augmentation distribution as cifar100_bs64
# (RandomCrop 32 with 4-pixel zero padding, horizontal flip 0.5).
# The wrapped datasets are the base's (their pipelines are not used).
_base_ = ['./cifar100_bs64_batch_aug.py']

train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='mmslkd.batch_collate'),
    dataset=dict(
        _delete_=True,
        type='mmslkd.DeviceResidentDataset',
        dataset={{_base_.train_dataloader.dataset}}))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    collate_fn=dict(type='mmslkd.batch_collate'),
    dataset=dict(
        _delete_=True,
        type='mmslkd.DeviceResidentDataset',
        dataset={{_base_.val_dataloader.dataset}}))
test_dataloader = val_dataloader
