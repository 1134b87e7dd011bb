# Copyright (c) mmslkd contributors. All rights reserved.
"""Startup hook of mmslkd, run by ``mmslkd-startup.pth`` in site-packages.

It makes entry points that never import mmslkd work with it, at no cost to
processes that do not touch OpenMMLab (it only installs an import hook):

- ``import mmrazor`` (MMRazor's ``tools/train.py``, ``mim train mmrazor``)
  first imports mmslkd, whose fixes (:mod:`mmslkd.compat`) MMRazor needs on
  torch 2.13 before it is imported;
- a config naming an ``mmslkd::`` base imports mmslkd before MMEngine
  resolves it, so plain MMEngine / MMPretrain tools read such configs;
- ``mim`` finds packages installed in editable mode (PEP 660), whose
  distribution location holds no package folder (``mim list``/``search``/
  ``train``... look for ``<site-packages>/<package>/.mim``).

Set ``MMSLKD_NO_STARTUP_HOOK=1`` to switch it off.
"""
import importlib.util
import os
import os.path as osp
import sys
import warnings

__all__ = ['install']


class _AlreadyLoaded:
    """Loader of a module that an import hook has loaded already."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec


class _Finder:
    """Runs the hooks around the first import of a few modules."""

    def __init__(self):
        self._busy = set()

    def find_spec(self, name, path=None, target=None):
        if name in self._busy:
            return None
        if name == 'mmrazor' and 'mmslkd' not in sys.modules:
            return self._import_mmslkd_first(name)
        after = _AFTER.get(name)
        if after is None:
            return None
        self._busy.add(name)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._busy.discard(name)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            try:
                after(module)
            except Exception as err:  # never break the import itself
                warnings.warn(f'mmslkd startup hook on {name}: {err!r}')

        spec.loader = _Wrapped(loader, exec_then_patch)
        return spec

    def _import_mmslkd_first(self, name):
        self._busy.add(name)
        try:
            import mmslkd  # noqa: F401  (imports mmrazor with its fixes)
        except Exception as err:
            warnings.warn(f'mmslkd startup hook: importing mmslkd before '
                          f'{name} failed ({err!r}); {name} is imported '
                          'without its fixes.')
            return None
        finally:
            self._busy.discard(name)
        module = sys.modules.get(name)
        if module is None:
            return None
        return importlib.util.spec_from_loader(
            name, _AlreadyLoaded(module), origin=module.__spec__.origin)


class _Wrapped:
    """A loader whose ``exec_module`` is replaced."""

    def __init__(self, loader, exec_module):
        self._loader = loader
        self.exec_module = exec_module

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)


def _package_dir(package: str, path: str) -> str:
    """``path`` if it exists, else where Python imports ``package`` from."""
    if osp.isdir(path):
        return path
    spec = importlib.util.find_spec(package.replace('-', '_'))
    if spec is not None and spec.origin is not None:
        return osp.dirname(spec.origin)
    return path


def _patch_mmengine_config(module):
    """Import mmslkd (its fixes register ``mmslkd::``) when a config names
    an ``mmslkd::`` path before anything imported mmslkd."""
    original = module.Config._get_cfg_path

    def _get_cfg_path(cfg_path, filename):
        if cfg_path.startswith('mmslkd::') and 'mmslkd' not in sys.modules:
            import mmslkd  # noqa: F401
        return original(cfg_path, filename)

    module.Config._get_cfg_path = staticmethod(_get_cfg_path)


def _patch_mim_utils(module):
    """mim's package paths for editable installs."""
    original = module.get_installed_path

    def get_installed_path(package):
        return _package_dir(package, original(package))

    for target in (module, sys.modules.get('mim.utils.utils')):
        if target is not None and getattr(target, 'get_installed_path',
                                          None) is original:
            target.get_installed_path = get_installed_path


def _patch_mim_list(module):
    """``mim list``: also the editable installs that have a ``.mim``."""
    original = module.list_package

    def list_package(all=False):
        packages = original(all)
        if all:
            return packages
        import pkg_resources
        listed = {p[0] for p in packages}
        for dist in pkg_resources.working_set:
            name = dist.project_name
            if name in listed:
                continue
            path = _package_dir(name, osp.join(dist.location, name))
            if osp.exists(osp.join(path, '.mim', 'model-index.yml')):
                packages.append((name, dist.version, dist.location))
        return sorted(packages, key=lambda p: p[0])

    module.list_package = list_package


def _patch_mim_cli(module):
    """mim's CLI runs each command file's source in a fresh namespace;
    take ``list`` from the imported (patched) module instead."""
    original = module.MIM.get_command

    def get_command(self, ctx, name):
        if name == 'list':
            from mim.commands import list as list_command
            return list_command.cli
        return original(self, ctx, name)

    module.MIM.get_command = get_command


_AFTER = {
    'mim.cli': _patch_mim_cli,
    'mmengine.config.config': _patch_mmengine_config,
    'mim.utils': _patch_mim_utils,
    'mim.commands.list': _patch_mim_list,
}


def install():
    """Add the import hook (once; not with ``MMSLKD_NO_STARTUP_HOOK=1``)."""
    if os.environ.get('MMSLKD_NO_STARTUP_HOOK') == '1':
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
