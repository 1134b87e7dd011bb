# Copyright (c) mmslkd contributors. All rights reserved.
"""Export a classifier, or the student of a distillation checkpoint, to ONNX
and check the ONNX model against PyTorch with onnxruntime on real images.

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file student.onnx [--network student] [--opset 18] \
        [--exporter dynamo|torchscript] [--shape 32 32] [--static-batch] \
        [--image-dir DIR | --no-verify] [--num-images 1000] [--atol 1e-4]

CONFIG is the run's config (a distillation config exports its student; a
classifier config, e.g. one written by
tools/model_converters/distill_to_student.py, exports the classifier) and
CHECKPOINT its checkpoint, read with ``torch.load(weights_only=True)`` and
loaded strictly (``--random-init`` instead exports the initial weights).

The ONNX model:

- input ``images``: float32 (N, 3, H, W), RGB, pixel values 0-255. The
  config's ``data_preprocessor`` mean/std are applied inside the graph, so
  raw pixels go in (channel order RGB whatever the training pipeline loaded:
  the Runner's BGR->RGB conversion is the caller's).
- output ``logits``: float32 (N, num_classes), before softmax.
- N is dynamic (``--static-batch`` fixes it to 1); H and W are fixed by
  ``--shape`` (default 32 32, the CIFAR networks' input).
- opset 18 by default; ``--exporter dynamo`` (torch's default, needs
  onnxscript) or ``torchscript`` (torch's legacy exporter, faster).

The check runs PyTorch and onnxruntime (CPU) on the same images: the
config's test set (``--cfg-options`` to point it at your data) or a folder
of images (``--image-dir``, e.g. CIFAR-100's PNGs, class = sub-folder name),
``--num-images`` of them picked with a fixed seed, and prints the maximum
absolute logit difference and the top-1 agreement. It exits with status 1
when a logit differs by more than ``--atol`` or a top-1 prediction differs.
It also checks that the graph's built-in preprocessing gives the logits of
the Runner's path (data preprocessor, then the network).

Needs ``pip install -r requirements/deployment.txt`` (onnx, onnxruntime,
onnxscript).
"""
import argparse
import json
import logging
import os
import os.path as osp
import sys
import time
from typing import Dict, Optional, Sequence, Tuple

# isort: off
# mmslkd first: it applies the upstream fixes before mmrazor is imported
import mmslkd  # noqa: F401
# isort: on
import numpy as np
import torch
from mmengine.config import Config, DictAction
from torch import nn

from mmslkd import compat
from mmslkd.analysis.network_outputs import (build_test_dataloader,
                                             get_network, load_model,
                                             network_names)

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp')
DEPS_HINT = ('ONNX export needs onnx, onnxruntime and (for the default '
             'dynamo exporter) onnxscript: pip install -r '
             'requirements/deployment.txt')


class ExportableClassifier(nn.Module):
    """Raw RGB pixels in, logits out: the data preprocessor's normalisation
    followed by the classifier.

    Args:
        classifier (nn.Module): An MMPretrain ``ImageClassifier``.
        mean (Tensor, optional): Per-channel mean (C,), 0-255 scale.
        std (Tensor, optional): Per-channel std (C,).
    """

    def __init__(self,
                 classifier: nn.Module,
                 mean: Optional[torch.Tensor] = None,
                 std: Optional[torch.Tensor] = None):
        super().__init__()
        self.classifier = classifier
        self.normalize = mean is not None
        if self.normalize:
            self.register_buffer('mean', mean.float().view(1, -1, 1, 1))
            self.register_buffer('std', std.float().view(1, -1, 1, 1))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Logits of a batch of (N, 3, H, W) float RGB images (0-255)."""
        if self.normalize:
            images = (images - self.mean) / self.std
        return self.classifier(images, mode='tensor')


def build_exportable(cfg: Config,
                     checkpoint: Optional[str],
                     network: Optional[str] = None) -> Tuple:
    """Load a run and wrap one of its classifiers for export.

    Args:
        cfg (Config): The run's config.
        checkpoint (str, optional): Its checkpoint; None keeps the initial
            weights.
        network (str, optional): ``student`` (the default for algorithms),
            ``teacher``, ``slt0``...; a classifier config has ``model``.

    Returns:
        tuple: ``(ExportableClassifier, the loaded model, the network's
        name)``.
    """
    model = load_model(cfg, checkpoint)
    names = network_names(model)
    network = network or names[0]
    classifier = get_network(model, network)
    preprocessor = model.data_preprocessor
    mean = std = None
    if getattr(preprocessor, '_enable_normalize', False):
        mean, std = preprocessor.mean.flatten(), preprocessor.std.flatten()
    wrapper = ExportableClassifier(classifier, mean, std).eval()
    return wrapper, model, network


def export_onnx(wrapper: nn.Module,
                output_file: str,
                shape: Sequence[int] = (32, 32),
                opset: int = 18,
                dynamic_batch: bool = True,
                exporter: str = 'dynamo') -> str:
    """Write ``wrapper`` as an ONNX model with input ``images`` and output
    ``logits``.

    Args:
        wrapper (nn.Module): An :class:`ExportableClassifier`.
        output_file (str): Where to write the ``.onnx`` file.
        shape (Sequence[int]): Input height and width.
        opset (int): ONNX opset version.
        dynamic_batch (bool): Leave the batch dimension free.
        exporter (str): ``'dynamo'`` or ``'torchscript'``.

    Returns:
        str: ``output_file``.
    """
    _require_onnx(exporter)
    example = torch.rand(2 if dynamic_batch else 1, 3, *shape) * 255
    os.makedirs(osp.dirname(osp.abspath(output_file)), exist_ok=True)
    kwargs = dict(
        input_names=['images'],
        output_names=['logits'],
        opset_version=opset)
    with _quiet_exporter():
        if exporter == 'dynamo':
            if dynamic_batch:
                kwargs['dynamic_shapes'] = {
                    'images': {
                        0: torch.export.Dim('batch', min=1, max=65536)
                    }
                }
            program = torch.onnx.export(
                wrapper, (example, ), dynamo=True, verbose=False, **kwargs)
            program.save(output_file)
        elif exporter == 'torchscript':
            if dynamic_batch:
                kwargs['dynamic_axes'] = {
                    'images': {
                        0: 'batch'
                    },
                    'logits': {
                        0: 'batch'
                    }
                }
            torch.onnx.export(
                wrapper, (example, ), output_file, dynamo=False, **kwargs)
        else:
            raise ValueError(f'Unknown exporter {exporter!r}: use dynamo or '
                             'torchscript.')
    import onnx
    onnx.checker.check_model(output_file)
    return output_file


class _quiet_exporter:
    """Silence what the exporters print about operators that are none of
    ours (torchvision's, absent here) and the legacy exporter's notice."""

    def __enter__(self):
        import warnings
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter('ignore', DeprecationWarning)
        warnings.simplefilter('ignore', FutureWarning)
        # the tracer's notes on sizes read in Python: the input size is
        # fixed by design (--shape), only the batch is dynamic
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        self._logger = logging.getLogger(
            'torch.onnx._internal.exporter._registration')
        self._level = self._logger.level
        if compat.APPLIED.get('fix_missing_torchvision'):
            self._logger.setLevel(logging.CRITICAL)
        return self

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)
        self._warnings.__exit__(*exc)
        return False


def _require_onnx(exporter: str = 'torchscript') -> None:
    modules = ['onnx', 'onnxruntime']
    if exporter == 'dynamo':
        modules.append('onnxscript')
    missing = []
    for name in modules:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise SystemExit(f'{", ".join(missing)} not installed. {DEPS_HINT}')


def load_image_folder(image_dir: str,
                      num_images: Optional[int] = None,
                      shape: Sequence[int] = (32, 32),
                      seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """Images of a folder (``class/image.png`` or flat) as RGB float arrays.

    Args:
        image_dir (str): The folder, searched recursively.
        num_images (int, optional): Keep this many, picked with ``seed``
            (all by default).
        shape (Sequence[int]): Height and width; other sizes are resized
            (bilinear).
        seed (int): Seed of the pick.

    Returns:
        tuple[ndarray, ndarray]: (N, 3, H, W) float32 pixels 0-255 and (N,)
        labels: the index of each image's top sub-folder among the sorted
        sub-folders (CIFAR's label order for its class-named folders; -1
        for images directly in ``image_dir``).
    """
    from PIL import Image
    files = sorted(
        osp.join(root, name) for root, _, names in os.walk(image_dir)
        for name in names if name.lower().endswith(IMAGE_SUFFIXES))
    if not files:
        raise FileNotFoundError(
            f'No {"/".join(IMAGE_SUFFIXES)} images under {image_dir!r}.')
    if num_images is not None and num_images < len(files):
        keep = np.random.default_rng(seed).choice(
            len(files), num_images, replace=False)
        files = [files[i] for i in sorted(keep)]
    classes = sorted(d for d in os.listdir(image_dir)
                     if osp.isdir(osp.join(image_dir, d)))
    class_index = {c: i for i, c in enumerate(classes)}
    images, labels = [], []
    height, width = shape
    for path in files:
        image = Image.open(path).convert('RGB')
        if image.size != (width, height):
            image = image.resize((width, height), Image.BILINEAR)
        images.append(np.asarray(image, dtype=np.float32).transpose(2, 0, 1))
        top = osp.relpath(path, image_dir).split(os.sep)[0]
        labels.append(class_index.get(top, -1))
    return np.stack(images), np.asarray(labels)


def load_config_images(cfg: Config,
                       model: nn.Module,
                       num_images: Optional[int] = None,
                       seed: int = 0) -> Tuple[np.ndarray, np.ndarray, list]:
    """The config's test images as the graph takes them (RGB, 0-255).

    Args:
        cfg (Config): The run's config.
        model (nn.Module): The loaded model (its data preprocessor says
            whether the pipeline gives BGR).
        num_images (int, optional): A fixed random subset of this size.
        seed (int): Seed of the subset.

    Returns:
        tuple: (N, 3, H, W) float32 images, (N,) labels, and the first
        dataloader batch (to check the Runner's path).
    """
    loader = build_test_dataloader(
        cfg, batch_size=100, max_samples=num_images, seed=seed)
    to_rgb = getattr(model.data_preprocessor, '_channel_conversion', False)
    images, labels, first = [], [], None
    for data in loader:
        first = first or data
        for image, sample in zip(data['inputs'], data['data_samples']):
            image = image.float()
            if to_rgb:
                image = image.flip(0)
            images.append(image.numpy())
            labels.append(int(sample.gt_label[0]))
    if not images:
        raise ValueError('The config\'s test set is empty.')
    return np.stack(images), np.asarray(labels), first


@torch.no_grad()
def check_runner_path(model: nn.Module, network: str,
                      wrapper: ExportableClassifier, batch: dict,
                      images: np.ndarray) -> float:
    """Max |logit difference| between the wrapper on ``images`` and the
    Runner's path (data preprocessor, then the network) on ``batch``."""
    data = model.data_preprocessor(batch, False)
    reference = get_network(model, network)(data['inputs'], mode='tensor')
    ours = wrapper(torch.from_numpy(images[:len(reference)]))
    return float((ours - reference).abs().max())


@torch.no_grad()
def compare_with_onnxruntime(onnx_file: str,
                             wrapper: nn.Module,
                             images: np.ndarray,
                             labels: Optional[np.ndarray] = None,
                             batch_size: int = 100) -> Dict:
    """Run PyTorch and onnxruntime on the same images.

    Args:
        onnx_file (str): The exported model.
        wrapper (nn.Module): The PyTorch model it was exported from.
        images (ndarray): (N, 3, H, W) float32 RGB pixels.
        labels (ndarray, optional): (N,) labels (-1: unknown) for accuracy.
        batch_size (int): Images per run (the last batch may be smaller,
            which exercises a dynamic batch).

    Returns:
        dict: ``num_images``, ``max_abs_logit_diff``,
        ``top1_agreement`` (fraction), ``top1_disagreements`` (count),
        ``torch_top1`` / ``onnx_top1`` accuracies (%) when labels are known.
    """
    import onnxruntime as ort
    session = ort.InferenceSession(
        onnx_file, providers=['CPUExecutionProvider'])
    fixed = session.get_inputs()[0].shape[0]
    if isinstance(fixed, int):
        batch_size = fixed
    torch_logits, onnx_logits = [], []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        if isinstance(fixed, int) and len(batch) != fixed:
            break  # a static batch: drop the remainder
        torch_logits.append(wrapper(torch.from_numpy(batch)).numpy())
        onnx_logits.append(session.run(['logits'], {'images': batch})[0])
    torch_logits = np.concatenate(torch_logits)
    onnx_logits = np.concatenate(onnx_logits)
    torch_top1 = torch_logits.argmax(1)
    onnx_top1 = onnx_logits.argmax(1)
    report = dict(
        num_images=int(len(torch_logits)),
        max_abs_logit_diff=float(np.abs(torch_logits - onnx_logits).max()),
        top1_agreement=float((torch_top1 == onnx_top1).mean()),
        top1_disagreements=int((torch_top1 != onnx_top1).sum()))
    if labels is not None:
        labels = labels[:len(torch_top1)]
        known = labels >= 0
        if known.any():
            report['torch_top1'] = float(
                100 * (torch_top1[known] == labels[known]).mean())
            report['onnx_top1'] = float(
                100 * (onnx_top1[known] == labels[known]).mean())
    return report


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export a classifier or the student of a distillation '
        'checkpoint to ONNX and check it with onnxruntime.')
    parser.add_argument('config', help='the run\'s config')
    parser.add_argument(
        'checkpoint', nargs='?', help='its checkpoint (weights-only)')
    parser.add_argument(
        '--random-init',
        action='store_true',
        help='export the initial weights (no checkpoint)')
    parser.add_argument(
        '--output-file', default='model.onnx', help='the .onnx file')
    parser.add_argument(
        '--network',
        help='which network of an algorithm: student (default), teacher, '
        'teacher.<name>, slt<i>')
    parser.add_argument('--opset', type=int, default=18)
    parser.add_argument(
        '--exporter', choices=['dynamo', 'torchscript'], default='dynamo')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        default=[32, 32],
        metavar=('H', 'W'),
        help='input height and width (default 32 32)')
    parser.add_argument(
        '--static-batch',
        action='store_true',
        help='fix the batch dimension to 1 instead of leaving it dynamic')
    parser.add_argument(
        '--image-dir',
        help='check on the images of this folder (class sub-folders give '
        'labels) instead of the config\'s test set')
    parser.add_argument(
        '--num-images',
        type=int,
        default=1000,
        help='images to check on, picked with a fixed seed (default 1000)')
    parser.add_argument('--batch-size', type=int, default=100)
    parser.add_argument(
        '--atol',
        type=float,
        default=1e-4,
        help='largest allowed |logit difference| (default 1e-4)')
    parser.add_argument(
        '--no-verify', action='store_true', help='export without checking')
    parser.add_argument('--report', help='also write the check as JSON')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. test_dataloader.dataset.'
        'data_root=data/cifar100')
    args = parser.parse_args(argv)
    if (args.checkpoint is None) == (not args.random_init):
        parser.error('give CHECKPOINT, or --random-init to export the '
                     'initial weights (not both)')
    return args


def main(argv=None) -> Dict:
    args = parse_args(argv)
    _require_onnx(args.exporter)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    wrapper, model, network = build_exportable(cfg, args.checkpoint,
                                               args.network)
    start = time.time()
    export_onnx(wrapper, args.output_file, args.shape, args.opset,
                not args.static_batch, args.exporter)
    print(f'{network} of {osp.basename(args.config)} -> {args.output_file} '
          f'(opset {args.opset}, {args.exporter} exporter, input images '
          f'{"N" if not args.static_batch else 1}x3x{args.shape[0]}x'
          f'{args.shape[1]} RGB 0-255, output logits; '
          f'{time.time() - start:.1f} s)')
    report = dict(
        config=args.config,
        checkpoint=args.checkpoint,
        network=network,
        onnx_file=args.output_file,
        opset=args.opset,
        exporter=args.exporter,
        shape=list(args.shape),
        dynamic_batch=not args.static_batch)
    if args.no_verify:
        return report
    if args.image_dir:
        images, labels = load_image_folder(args.image_dir, args.num_images,
                                           args.shape)
        source = args.image_dir
    else:
        images, labels, batch = load_config_images(cfg, model,
                                                   args.num_images)
        source = 'the config\'s test set'
        runner_diff = check_runner_path(model, network, wrapper, batch,
                                        images)
        report['runner_path_max_abs_diff'] = runner_diff
        if runner_diff > args.atol:
            print(f'FAIL: the graph\'s preprocessing differs from the '
                  f'Runner\'s by {runner_diff:.3g}', file=sys.stderr)
            report['passed'] = False
    if images.shape[2:] != tuple(args.shape):
        raise SystemExit(f'The images are {images.shape[2]}x'
                         f'{images.shape[3]}, the model was exported for '
                         f'{args.shape[0]}x{args.shape[1]}: pass --shape.')
    report.update(
        compare_with_onnxruntime(args.output_file, wrapper, images, labels,
                                 args.batch_size))
    report['images'] = source
    passed = (report.get('passed', True)
              and report['max_abs_logit_diff'] <= args.atol
              and report['top1_disagreements'] == 0)
    report['passed'] = passed
    line = (f'onnxruntime vs PyTorch on {report["num_images"]} images of '
            f'{source}: max |logit diff| {report["max_abs_logit_diff"]:.2e} '
            f'(atol {args.atol:g}), top-1 agreement '
            f'{report["num_images"] - report["top1_disagreements"]}/'
            f'{report["num_images"]}')
    if 'onnx_top1' in report:
        line += (f', top-1 accuracy {report["torch_top1"]:.2f}% (PyTorch) '
                 f'/ {report["onnx_top1"]:.2f}% (ONNX)')
    print(line)
    print('PASS' if passed else 'FAIL')
    if args.report:
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)
    if not passed:
        raise SystemExit(1)
    return report


if __name__ == '__main__':
    main()
