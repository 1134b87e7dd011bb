# CIFAR-100 as cifar100_bs64, with the training augmentation (random crop
# with 4-pixel zero padding, horizontal flip) done batched on the model's
# device by the data preprocessor instead of per image in the pipeline: the
# same distribution, for fast GPUs that a per-image Python pipeline cannot
# feed at 32x32.
_base_ = ['./cifar100_bs64.py']

data_preprocessor = dict(
    type='mmslkd.BatchAugmentClsDataPreprocessor',
    crop_padding=4,
    flip_prob=0.5)
train_dataloader = dict(
    dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))
