# Copyright (c) mmslkd contributors. All rights reserved.
"""Time a config's training step beside the plain PyTorch reference."""
import statistics
import time
from typing import Dict

import torch
from mmengine.config import Config
from torch.utils.flop_counter import FlopCounterMode

from .builders import (build_model_and_optimizer, random_batch,
                       scale_learning_rates)
from .memory import PeakMemory
from .phase_hooks import time_phases
from .reference_step import (PHASES, PhaseClock, ReferenceStep,
                             UnsupportedConfigError)


def _flops(step) -> int:
    with FlopCounterMode(display=False) as counter:
        step()
    return counter.get_total_flops()


def benchmark_step(cfg: Config,
                   batch_size: int = 64,
                   iters: int = 20,
                   warmup: int = 3,
                   device: str = 'cpu',
                   image_size: int = 32,
                   seed: int = 0,
                   lr_scale: float = 1e-3) -> Dict:
    """Measure one config's training step with the data in memory.

    Ours is ``model.train_step`` (data preprocessor, algorithm, optimizer
    wrapper) as the Runner calls it; the reference is
    :class:`ReferenceStep` on a copy of the same networks. Both take the
    same batch; their iterations alternate (and which goes first) so drifts
    of the machine hit both alike. Phase times come from separate,
    instrumented iterations (on CUDA they synchronise at every phase
    boundary, which the plain timings do not).

    Args:
        cfg (Config): The training config.
        batch_size (int): Images per step. Defaults to 64.
        iters (int): Timed iterations of each. Defaults to 20.
        warmup (int): Untimed iterations first. Defaults to 3.
        device (str): ``'cpu'`` or ``'cuda'``. Defaults to ``'cpu'``.
        image_size (int): Image side. Defaults to 32.
        seed (int): Seed of weights and batch. Defaults to 0.
        lr_scale (float): Factor of the config's learning rates (see
            :func:`scale_learning_rates`). Defaults to 1e-3.

    Returns:
        dict: ``ours`` and ``reference`` (``seconds_per_iter``,
        ``images_per_second``, ``phases``, ``peak_memory_mb``,
        ``flops_per_iter``, ``final_loss``), ``time_ratio`` (ours /
        reference) and the reference's absence reason, if any.
    """
    torch.manual_seed(seed)
    on_gpu = device.startswith('cuda')
    model, optim_wrapper = build_model_and_optimizer(
        scale_learning_rates(cfg, lr_scale), device)
    try:
        reference = ReferenceStep(model, optim_wrapper)
        missing = None
    except UnsupportedConfigError as error:
        reference, missing = None, str(error)
    num_classes = getattr(model.data_preprocessor, 'num_classes', None) or 100
    data = random_batch(batch_size, num_classes, image_size, seed)
    labels = torch.cat([s.gt_label for s in data['data_samples']])

    def sync():
        if on_gpu:
            torch.cuda.synchronize()

    last = {}

    def ours():
        last['ours'] = model.train_step(data, optim_wrapper)['loss']
        sync()

    def ref():
        last['reference'] = reference(data['inputs'], labels)
        sync()

    runners = dict(ours=ours)
    if reference is not None:
        runners['reference'] = ref
    for _ in range(warmup):
        for run in runners.values():
            run()

    times = {name: [] for name in runners}
    for i in range(iters):
        order = list(runners) if i % 2 == 0 else list(runners)[::-1]
        for name in order:
            start = time.perf_counter()
            runners[name]()
            times[name].append(time.perf_counter() - start)

    phases = {}
    clock = PhaseClock(synchronize=on_gpu)
    with time_phases(model, clock):
        for _ in range(iters):
            clock.start()
            model.train_step(data, optim_wrapper)
            clock.lap('other')
    phases['ours'] = clock.totals
    if reference is not None:
        clock = PhaseClock(synchronize=on_gpu)
        for _ in range(iters):
            reference(data['inputs'], labels, clock)
        phases['reference'] = clock.totals

    result = dict(
        config=cfg.filename,
        device=device,
        batch_size=batch_size,
        iters=iters,
        lr_scale=lr_scale,
        threads=torch.get_num_threads(),
        reference_missing=missing)
    for name, run in runners.items():
        peak = PeakMemory(device)
        with peak:
            run()
            run()
        per_iter = statistics.median(times[name])
        result[name] = dict(
            seconds_per_iter=per_iter,
            images_per_second=batch_size / per_iter,
            phases={p: phases[name].get(p, 0.0) / iters
                    for p in PHASES},
            peak_memory_mb=peak.megabytes,
            flops_per_iter=_flops(run),
            final_loss=float(last[name]))
    result['trainable_params'] = sum(p.numel() for p in model.parameters()
                                     if p.requires_grad)
    result['time_ratio'] = None if reference is None else (
        result['ours']['seconds_per_iter'] /
        result['reference']['seconds_per_iter'])
    return result
