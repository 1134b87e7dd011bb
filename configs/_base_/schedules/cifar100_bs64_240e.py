# The CIFAR-100 recipe of the KD literature (CRD / mdistiller / SLKD):
# SGD, lr 0.05 (0.01 for ShuffleNet / MobileNet students: override
# optim_wrapper.optimizer.lr), momentum 0.9, weight decay 5e-4, 240 epochs,
# lr x0.1 after epochs 150, 180 and 210, batch 64 on one GPU.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[150, 180, 210], gamma=0.1)

train_cfg = dict(by_epoch=True, max_epochs=240, val_interval=1)

# The recipe is a total batch of 64 (CRD / mdistiller: one GPU; the official
# SLKD code: 4 GPUs x 16 under DataParallel). train_dataloader.batch_size is
# that total: mmslkd's tools/train.py gives each of N processes 64 / N
# (tools/dist_train.sh CONFIG 4: 16 each), so any process count trains this
# recipe. False: batch_size per process, as plain MMEngine.
batch_size_is_total = True
# Declared, off (MMPretrain's way): tools/train.py --auto-scale-lr scales lr
# linearly with the total batch (lr 0.05 per 64).
auto_scale_lr = dict(enable=False, base_batch_size=64)
