# Tiny ImageNet (200 classes, 64x64; mmslkd.TinyImageNet reads the official
# tiny-imagenet-200 folder: train/<wnid>/images, val/images +
# val_annotations.txt). Evaluation is on the official val split (the test
# split's labels were never released). The usual 64x64 recipe: random 64x64
# crop with 4-pixel zero padding and horizontal flip for training, the
# images as they are for testing, per-channel normalisation with the Tiny
# ImageNet training-set statistics (measured on the 100,000 training images:
# mean 0.4802, 0.4481, 0.3975, std 0.2764, 0.2689, 0.2816). The 1,821
# greyscale training images are decoded to 3 equal channels by
# LoadImageFromFile.
# The CIFAR-stem zoo networks run here at 64x64 on purpose (every feature map
# 2x larger per side than at 32x32, 4x the FLOPs; global average pooling makes
# the head size-independent): a leaf config tells InputSizeCheckHook so with
#   default_hooks = dict(input_size_check=dict(input_size=64))
dataset_type = 'TinyImageNet'
data_root = 'data/tiny-imagenet-200'

data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=200,
    mean=[122.46, 114.26, 101.36],
    std=[70.49, 68.56, 71.81],
    to_rgb=True)  # images are loaded as BGR

train_pipeline = [
    dict(type='mmpretrain.LoadImageFromFile'),
    dict(type='mmpretrain.RandomCrop', crop_size=64, padding=4),
    dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='mmpretrain.LoadImageFromFile'),
    dict(type='mmpretrain.PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
