# Copyright (c) mmslkd contributors. All rights reserved.
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmslkd.registry import HOOKS


@HOOKS.register_module()
class TrajectoryCheckHook(Hook):
    """Check, before training starts, that a replayed trajectory fits the
    run: teacher, architecture, class count, schedule and files
    (:meth:`TrajectoryDistill.check_trajectory`). Without this hook the
    algorithm checks at its first training step instead.
    """

    priority = 'LOW'  # after RuntimeInfoHook and checkpoint loading

    def before_train(self, runner) -> None:
        """Check the trajectory against the run's schedule."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if hasattr(model, 'check_trajectory'):
            model.check_trajectory(runner.max_epochs)
