# The ImageNet recipe of the SLKD paper (appendix A.3) and mdistiller: SGD,
# lr 0.2 for a total batch of 512, momentum 0.9, weight decay 1e-4, 100
# epochs, lr x0.1 after epochs 30, 60 and 90.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)

train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=1)

# The recipe is a total batch of 512 (8 processes x 64, batch_size per
# process as in MMEngine). Declared, off (MMPretrain's way): tools/train.py
# --auto-scale-lr scales lr linearly for other totals.
auto_scale_lr = dict(enable=False, base_batch_size=512)
