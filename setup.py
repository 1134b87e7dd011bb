# Copyright (c) mmslkd contributors. All rights reserved.
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))


def readme():
    with open(osp.join(HERE, 'README.md'), encoding='utf-8') as f:
        return f.read()


def get_version():
    scope = {}
    with open(osp.join(HERE, 'mmslkd', 'version.py')) as f:
        exec(compile(f.read(), 'version.py', 'exec'), scope)
    return scope['__version__']


def parse_requirements(fname):
    """Requirement lines of a file, following ``-r`` includes.

    mmcv is left out on purpose: users bring either ``mmcv-lite`` (what
    requirements/mminstall.txt installs) or a full ``mmcv`` 2.1.0, and the
    two must never be installed together.
    """
    reqs = []
    with open(osp.join(HERE, fname)) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                # relative to the including file, as pip reads it
                reqs += parse_requirements(
                    osp.join(osp.dirname(fname), line[3:].strip()))
            elif not line.startswith('mmcv'):
                reqs.append(line)
    return reqs


MIM_FILES = ('configs', 'tools', 'model-index.yml')


def link_mim_extension():
    """Editable installs: ``mmslkd/.mim/{configs,tools,model-index.yml}``
    as symlinks into the repository (OpenMMLab convention), so that
    ``mmslkd::`` configs and ``mim train/test/run mmslkd`` see your edits."""
    mim_path = osp.join(HERE, 'mmslkd', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(HERE, name), osp.join(mim_path, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        os.symlink(
            osp.relpath(src, mim_path),
            dst,
            target_is_directory=osp.isdir(src))


#: run at interpreter start-up from site-packages (see _mmslkd_startup.py)
STARTUP_PTH = ('mmslkd-startup.pth',
               'import _mmslkd_startup; _mmslkd_startup.install()\n')


class build_py_with_mim(build_py):
    """Writes ``mmslkd-startup.pth`` beside the package, and, for
    non-editable builds (``pip install .``, ``pip wheel .``, ``mim install
    .``), copies configs/, tools/ and model-index.yml into the built
    package's ``.mim`` folder (never into the source tree)."""

    def run(self):
        super().run()
        with open(osp.join(self.build_lib, STARTUP_PTH[0]), 'w') as f:
            f.write(STARTUP_PTH[1])
        if getattr(self, 'editable_mode', False):
            return
        mim_path = osp.join(self.build_lib, 'mmslkd', '.mim')
        if osp.islink(mim_path):
            os.remove(mim_path)
        elif osp.isdir(mim_path):
            shutil.rmtree(mim_path)
        os.makedirs(mim_path)
        ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
        for name in MIM_FILES:
            src, dst = osp.join(HERE, name), osp.join(mim_path, name)
            if osp.isdir(src):
                shutil.copytree(src, dst, ignore=ignore)
            else:
                shutil.copyfile(src, dst)


try:  # editable installs (PEP 660): the .pth goes into the editable wheel
    from setuptools.command.editable_wheel import editable_wheel

    class editable_wheel_with_startup(editable_wheel):
        """Adds ``mmslkd-startup.pth`` to the editable wheel's files."""

        def _run_build_commands(self, dist_name, unpacked_wheel, build_lib,
                                tmp_dir):
            result = super()._run_build_commands(dist_name, unpacked_wheel,
                                                 build_lib, tmp_dir)
            with open(osp.join(unpacked_wheel, STARTUP_PTH[0]), 'w') as f:
                f.write(STARTUP_PTH[1])
            return result

    EDITABLE = {'editable_wheel': editable_wheel_with_startup}
except ImportError:  # setuptools without PEP 660 support
    EDITABLE = {}

if __name__ == '__main__':
    if {'develop', 'editable_wheel'} & set(sys.argv):
        link_mim_extension()
    setup(
        name='mmslkd',
        version=get_version(),
        description='Multi-teacher and self-learning-teacher knowledge '
        'distillation for MMRazor',
        long_description=readme(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        python_requires='>=3.10',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs')),
        py_modules=['_mmslkd_startup'],
        cmdclass={'build_py': build_py_with_mim, **EDITABLE},
        install_requires=parse_requirements('requirements/runtime.txt') +
        parse_requirements('requirements/mminstall.txt'),
        extras_require={
            'tests': parse_requirements('requirements/tests.txt'),
            'deployment': parse_requirements('requirements/deployment.txt'),
        },
        keywords='knowledge distillation, self-learning teacher, '
        'multi-teacher, MMRazor, OpenMMLab',
        classifiers=[
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False)
