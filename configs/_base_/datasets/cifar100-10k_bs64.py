# Real CIFAR-100 with a small, fixed training set for studies that must fit
# a 2-core CPU: the first 100 training images of each class in file order
# (10,000 in all; the converter's fixed shuffle makes them a random
# class-balanced subset), the full official 10,000-image test set.
# Augmentation (random 32x32 crop with 4-pixel zero padding, horizontal flip)
# runs batched in the data preprocessor (same distribution as the per-image
# pipeline), and the images are held in memory, so no worker processes.
_base_ = ['./cifar100_bs64_batch_aug.py']

train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(samples_per_class=100))
val_dataloader = dict(batch_size=250, num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
