# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Optional, Tuple

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

    Args:
        input_size (int, optional): The image side a config runs its sized
            backbones at on purpose, e.g. 64 for CIFAR-stem networks on
            Tiny ImageNet (the stems run at any size; every feature map is
            then 2x larger per side). Defaults to None: each backbone's own
            ``input_size``.
    """

    priority = 'VERY_HIGH'

    def __init__(self, input_size: Optional[int] = None):
        if input_size is not None and (isinstance(input_size, bool)
                                       or not isinstance(input_size, int)
                                       or input_size < 1):
            raise ValueError(
                'InputSizeCheckHook: input_size must be a positive integer '
                f'(the image side) or None, got {input_size!r}.')
        self.input_size = input_size

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
        if self.input_size is not None:
            backbones = [(name, self.input_size) for name, _ in backbones]
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
                'images use backbones with an ImageNet stem, or declare the '
                'size you run CIFAR stems at on purpose (e.g. 64 on Tiny '
                'ImageNet) with default_hooks.input_size_check.input_size.')
