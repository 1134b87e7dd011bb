# AMTML-KD's schedule (official code, LR_adaptive_*.ipynb): SGD lr 0.1,
# momentum 0.9, weight decay 5e-4, batch 128. Phase 1 (80 epochs) keeps the
# student's lr at 0.1; phase 2 (200 epochs) decays it x0.1 after its epochs
# 100 and 150 (epochs 180 and 230). The student and the distiller's
# connectors have separate optimizers so that a teacher-weighting module can
# have its own (see algorithms/amtml.py).
optim_wrapper = dict(
    constructor='SeparateOptimWrapperConstructor',
    architecture=dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)),
    distiller=dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)))
param_scheduler = dict(
    architecture=dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=80,
        milestones=[100, 150],
        gamma=0.1),
    distiller=dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=80,
        milestones=[100, 150],
        gamma=0.1))
train_cfg = dict(by_epoch=True, max_epochs=280, val_interval=1)

# The recipe is a total batch of 128 (one GPU in the official code);
# tools/train.py splits it over N processes (batch_size_is_total, see
# cifar100_bs64_240e.py). Declared, off: --auto-scale-lr scales lr linearly.
batch_size_is_total = True
auto_scale_lr = dict(enable=False, base_batch_size=128)
# separate optimizers need separately wrapped networks with several
# processes; a frozen module's parameters are then unused
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=True)
