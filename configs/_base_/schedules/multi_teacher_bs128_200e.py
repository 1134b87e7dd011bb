# The schedule of the official AMTML-KD code's baselines
# (FLHonker/AMTML-KD-code, multi_teacher_avg_distill.ipynb, original_KD.ipynb):
# SGD lr 0.1, momentum 0.9, weight decay 5e-4, batch 128, 200 epochs, lr x0.1
# after epochs 100 and 150.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[100, 150], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=1)

# The recipe is a total batch of 128 (one GPU in the official code);
# tools/train.py splits it over N processes (batch_size_is_total, see
# cifar100_bs64_240e.py). Declared, off: --auto-scale-lr scales lr linearly.
batch_size_is_total = True
auto_scale_lr = dict(enable=False, base_batch_size=128)
