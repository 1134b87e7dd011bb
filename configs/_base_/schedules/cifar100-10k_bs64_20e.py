# The CIFAR-100 recipe of the KD literature (SGD, lr 0.05, momentum 0.9,
# weight decay 5e-4, batch 64, lr x0.1 three times), compressed for the
# 10,000-image CIFAR-100 studies: 20 epochs with the milestones at about the
# same fractions of the schedule as 150/180/210 of 240. Validation on the
# full test set every 10 epochs (it costs about a third of a training epoch
# of the small student).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[13, 15, 18], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=10)
auto_scale_lr = dict(enable=False, base_batch_size=64)
