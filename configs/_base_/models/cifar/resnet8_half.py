# A half-width CIFAR ResNet-8 (widths 8, 8, 16, 32; 22,924 parameters with
# 100 classes): not a network of the literature, the student of the
# real-data CIFAR-100 study, where a full ResNet-8 trained on 10,000 images
# for 20 epochs ends within 3.4 points of its ResNet-20 teacher.
resnet8_half = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='mmslkd.CIFARResNet', arch=dict(depth=8, widths=(8, 8, 16, 32))),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=100, in_channels=32, init_cfg=None))
