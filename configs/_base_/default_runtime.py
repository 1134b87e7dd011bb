default_scope = 'mmslkd'

# validation / test loops (distillation bases replace val_cfg with loops that
# also evaluate the teachers)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # crash-safe: written to <file>.partial, then renamed into place
    checkpoint=dict(
        type='CheckpointHook',
        interval=10,
        max_keep_ckpts=3,
        save_best='auto',
        backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # fail before training when networks and data disagree on classes
    num_classes_check=dict(type='NumClassesCheckHook'),
    # ... and when the images do not have the size the backbones are for
    input_size_check=dict(type='InputSizeCheckHook'),
    # skip updates on NaN/Inf losses, stop after 3 in a row, and never save
    # non-finite weights
    non_finite_guard=dict(type='NonFiniteGuardHook', max_consecutive=3),
    # each epoch's random streams depend on (seed, epoch) only: a resumed
    # run continues exactly as the uninterrupted one
    reseed=dict(type='EpochReseedHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # nccl on GPUs; mmslkd switches to gloo on machines without CUDA
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)

log_processor = dict(by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=None, deterministic=False)
