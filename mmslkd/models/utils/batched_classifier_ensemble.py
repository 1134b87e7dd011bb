# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Dict, List

import torch
from torch.func import functional_call, vmap

from mmslkd.registry import MODELS
from .classifier_ensemble import ClassifierEnsemble


@MODELS.register_module()
class BatchedClassifierEnsemble(ClassifierEnsemble):
    """:class:`ClassifierEnsemble` whose members, all of one architecture,
    run as one vectorised call instead of N separate passes.

    Each forward stacks the members' parameters and buffers (N, ...) and
    maps the first member's forward over them with ``torch.func.vmap``:
    convolutions of the N members become one (grouped) convolution.
    Gradients flow through the stacking into each member's own parameters,
    and updated BN running statistics are written back, so members,
    ``state_dict`` and checkpoints are exactly those of
    :class:`ClassifierEnsemble` and the two are interchangeable. Outputs
    equal the separate passes' up to floating-point summation order.

    Whether it is faster depends on the device; ``docs/benchmark.md`` has
    the measurements (on CPU it is slower, so the default stays
    :class:`ClassifierEnsemble`).

    Args:
        networks (Sequence[dict | nn.Module]): Member configs or modules.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self, networks, init_cfg=None):
        super().__init__(networks, init_cfg=init_cfg)
        template = self._shapes(self.networks[0])
        for i, net in enumerate(self.networks):
            if self._shapes(net) != template:
                raise ValueError(
                    'BatchedClassifierEnsemble stacks members of one '
                    f'architecture, but member {i} has other parameters or '
                    f'buffers than member 0; use ClassifierEnsemble.')

    @staticmethod
    def _shapes(net) -> List[tuple]:
        return [(n, tuple(t.shape), t.dtype)
                for n, t in list(net.named_parameters()) +
                list(net.named_buffers())]

    def _stacked(self) -> Dict[str, torch.Tensor]:
        members = [dict(net.named_parameters()) for net in self.networks]
        return {
            name: torch.stack([m[name] for m in members])
            for name in members[0]
        }

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits of every member.

        Args:
            inputs (Tensor): Images, shape (B, 3, H, W).

        Returns:
            Tensor: Shape (N, B, num_classes).
        """
        template = self.networks[0]
        params = self._stacked()
        members = [dict(net.named_buffers()) for net in self.networks]
        buffers = {
            name: torch.stack([m[name] for m in members])
            for name in members[0]
        }

        def member(p, b):
            return functional_call(template, (p, b), (inputs, ),
                                   dict(mode='tensor'))

        logits = vmap(member)(params, buffers)
        if template.training:  # BN updated the stacked running statistics
            with torch.no_grad():
                for name, stacked in buffers.items():
                    for i, m in enumerate(members):
                        m[name].copy_(stacked[i])
        return logits
