# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmslkd.registry import HOOKS


def find_sized_backbones(model: nn.Module) -> List[Tuple[str, int]]:
    """Backbones designed for one image size, and that size.

    Args:
        model (nn.Module): A classifier or a distillation algorithm.

    Returns:
        list[tuple[str, int]]: ``(module path, input_size)``, e.g.
        ``('architecture.backbone', 32)``.
    """
    return [(name, module.input_size)
            for name, module in model.named_modules()
            if isinstance(getattr(module, 'input_size', None), int)]


@HOOKS.register_module()
class InputSizeCheckHook(Hook):
    """Fail fast when the training images do not have the size the
    backbones are built for.

    A CIFAR-stem backbone (3x3 first convolution, no early downsampling)
    runs on any image size, so an ImageNet pipeline (``Resize`` to 224) in a
    CIFAR config would not fail: it would train very slowly and badly.
    Before training, the hook runs the training pipeline on the first sample
    and compares its height and width with ``input_size`` of every backbone
    that declares one (mmslkd's CIFAR zoo: 32).
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        backbones = find_sized_backbones(model)
        if not backbones:
            return
        dataset = runner.train_dataloader.dataset
        if len(dataset) == 0:
            return  # the dataset reports that itself
        inputs = dataset[0].get('inputs')
        if inputs is None or getattr(inputs, 'ndim', 0) != 3:
            return
        height, width = int(inputs.shape[-2]), int(inputs.shape[-1])
        wrong = [(name, size) for name, size in backbones
                 if (height, width) != (size, size)]
        if wrong:
            listing = ', '.join(f'{name} ({size}x{size})'
                                for name, size in wrong)
            raise ValueError(
                f'The training pipeline gives {height}x{width} images, but '
                f'these backbones are built for other sizes: {listing}. For '
                'CIFAR-stem networks use a CIFAR pipeline (RandomCrop 32 '
                'with padding 4, no Resize) on 32x32 data; for larger '
                'images use backbones with an ImageNet stem.')
