# Copyright (c) mmslkd contributors. All rights reserved.
"""The one dependency that a plain ``pip install`` leaves to the user: mmcv.

As in MMPretrain and MMRazor, mmcv is not an install requirement of the
package: users bring either ``mmcv-lite`` (pure Python, all mmslkd needs) or
a full, compiled ``mmcv`` of the same version, and the two must never be
installed together, so neither can be forced on them by ``pip install .``.
Without either, MMRazor's import fails deep inside its own modules; this
check fails first, naming both fixes.
"""
import importlib.util

__all__ = ['MMCV_VERSION', 'check_mmcv']

#: the mmcv version MMRazor 1.0.0 accepts (it asserts mmcv <= 2.1.0) and
#: MMPretrain 1.2.0 accepts (mmcv < 2.4)
MMCV_VERSION = '2.1.0'


def check_mmcv() -> None:
    """Check that mmcv can be imported (without importing it, so that the
    upstream fixes still come before it), or fail with the commands that
    install it.

    Raises:
        ImportError: mmcv is not installed; the message says how to install
            ``mmcv-lite`` or a full ``mmcv``, and never both.
    """
    try:
        found = importlib.util.find_spec('mmcv') is not None
    except (ImportError, ValueError):  # a finder refusing it, a broken entry
        found = False
    if not found:
        raise ImportError(
            'mmslkd needs mmcv, which is installed on its own as in every '
            'OpenMMLab project (it is not an install requirement, because '
            'its two builds must never be installed together). Install '
            f'one: `pip install mmcv-lite=={MMCV_VERSION}` (pure Python, '
            'no compiled ops, all mmslkd needs; what requirements.txt '
            f'installs) or `mim install mmcv=={MMCV_VERSION}` (full build '
            'with compiled ops, for MMDetection and others; compiles from '
            'source where no wheel matches your torch).')
