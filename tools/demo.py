# Copyright (c) mmslkd contributors. All rights reserved.
"""A real teacher + KD distillation on the embedded MNIST-5k digits.

Runs, through tools/train.py and MMEngine's Runner, on CPU in minutes:
1. trains the teacher (configs/demo/resnet20_mnist5k.py),
2. publishes its best checkpoint to checkpoints/demo/resnet20_mnist5k.pth,
3. distils it into a ResNet-8 with vanilla KD
   (configs/demo/kd_r20_r8_mnist5k.py), which also evaluates the teacher,
4. (unless --no-baseline) trains the same ResNet-8 without a teacher
   (configs/demo/resnet8_mnist5k.py),
and ends with a table of test accuracies.

The console shows one progress line per step and the table; everything the
tools print (MMEngine's environment, config and training logs) goes to
``<work-dir>/<run>/console.log`` beside MMEngine's own log files.
``--verbose`` streams it to the console instead.

    python tools/demo.py [--work-dir work_dirs/demo] [--no-baseline] \
        [--verbose] [--epochs N] [--teacher-ckpt PATH]

``--epochs`` shortens every run (a quick look; the README's numbers are
the configs' 6 epochs).
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from collections import deque

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHER_CFG = 'configs/demo/resnet20_mnist5k.py'
KD_CFG = 'configs/demo/kd_r20_r8_mnist5k.py'
SCRATCH_CFG = 'configs/demo/resnet8_mnist5k.py'
TEACHER_CKPT = 'checkpoints/demo/resnet20_mnist5k.pth'
EPOCH_LINE = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')
BAR = 24


class Step:
    """One tool run: its output goes to a log file, the console gets one
    progress line (redrawn in place on a terminal, printed once when done
    elsewhere, e.g. in CI).

    Args:
        number (str): ``'1/4'``.
        title (str): What the step does.
        log_file (str): Where the tool's output goes.
        epochs (int): Training epochs (0: no progress bar).
        verbose (bool): Stream the tool's output to the console instead.
    """

    def __init__(self, number, title, log_file, epochs=0, verbose=False):
        self.prefix = f'[{number}] {title:<34}'
        self.log_file = log_file
        self.epochs = epochs
        self.verbose = verbose
        self.tty = sys.stdout.isatty() and not verbose
        self.start = time.time()

    def run(self, cmd) -> float:
        """Run ``cmd`` in the repository; return its duration in seconds.
        On failure, show the end of its output and exit with its status."""
        os.makedirs(osp.dirname(self.log_file), exist_ok=True)
        tail = deque(maxlen=25)
        with open(self.log_file, 'w') as log:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1)
            self._draw(0.0, '')
            for line in proc.stdout:
                log.write(line)
                tail.append(line)
                if self.verbose:
                    sys.stdout.write(line)
                match = EPOCH_LINE.search(line)
                if match and self.epochs:
                    epoch, it, iters = map(int, match.groups())
                    done = ((epoch - 1) * iters + it) / (self.epochs * iters)
                    self._draw(done, f'epoch {epoch}/{self.epochs}')
            code = proc.wait()
        seconds = time.time() - self.start
        if code:
            self._finish(f'FAILED (exit {code})')
            print(f'\nLast lines of {osp.relpath(self.log_file, ROOT)}:',
                  file=sys.stderr)
            sys.stderr.write(''.join(tail))
            raise SystemExit(code)
        return seconds

    def _draw(self, done, note):
        if not self.tty:
            return
        filled = int(BAR * min(done, 1.0))
        elapsed = time.time() - self.start
        sys.stdout.write(f'\r{self.prefix} [{"#" * filled}'
                         f'{"." * (BAR - filled)}] {100 * done:3.0f}% '
                         f'{note:<11} {elapsed / 60:4.1f} min')
        sys.stdout.flush()

    def _finish(self, result):
        line = f'{self.prefix} {result}'
        if self.tty:
            line = '\r' + line + ' ' * 30
        print(line, flush=True)

    def done(self, result):
        """Print the step's final line."""
        self._finish(result)


def last_val_metrics(work_dir: str) -> dict:
    """The last validation metrics that MMEngine logged in ``work_dir``."""
    logs = sorted(
        glob.glob(osp.join(ROOT, work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise FileNotFoundError(f'no scalars.json under {work_dir}')
    metrics = {}
    with open(logs[-1]) as f:
        for line in f:
            record = json.loads(line)
            if 'accuracy/top1' in record:
                metrics = record
    return metrics


def max_epochs(config: str) -> int:
    """``train_cfg.max_epochs`` of a config, read without building it."""
    from mmengine.config import Config
    return int(Config.fromfile(osp.join(ROOT, config)).train_cfg.max_epochs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument(
        '--no-baseline',
        action='store_true',
        help='skip training the student without a teacher')
    parser.add_argument(
        '--verbose',
        action='store_true',
        help='stream the tools\' output (MMEngine logs) to the console')
    parser.add_argument(
        '--epochs',
        type=int,
        help='train every network this many epochs (default: the configs\' '
        '6)')
    parser.add_argument(
        '--teacher-ckpt',
        default=TEACHER_CKPT,
        help=f'where to publish the teacher (default {TEACHER_CKPT})')
    args = parser.parse_args()
    start = time.time()
    epochs = args.epochs or max_epochs(TEACHER_CFG)
    epoch_options = ([] if args.epochs is None else
                     [f'train_cfg.max_epochs={args.epochs}'])
    python = sys.executable
    tool = lambda name: osp.join(ROOT, 'tools', name)  # noqa: E731
    steps = 3 if args.no_baseline else 4
    dirs = dict(
        teacher=osp.join(args.work_dir, 'resnet20_mnist5k'),
        kd=osp.join(args.work_dir, 'kd_r20_r8_mnist5k'),
        scratch=osp.join(args.work_dir, 'resnet8_mnist5k'))
    print(f'mmslkd demo: KD on the embedded MNIST-5k digits (4,000 train / '
          f'1,000 test images), logs in {args.work_dir}/')

    def train(number, title, config, work_dir, *options):
        step = Step(number, title, osp.join(ROOT, work_dir, 'console.log'),
                    args.epochs or max_epochs(config), args.verbose)
        cmd = [python, tool('train.py'), config, '--work-dir', work_dir]
        if options or epoch_options:
            cmd += ['--cfg-options', *options, *epoch_options]
        seconds = step.run(cmd)
        metrics = last_val_metrics(work_dir)
        step.done(f'top-1 {metrics["accuracy/top1"]:.2f}%  '
                  f'({seconds / 60:.1f} min)')
        return metrics, seconds

    rows = []
    teacher, seconds = train(f'1/{steps}', 'train the teacher (ResNet-20)',
                             TEACHER_CFG, dirs['teacher'])
    rows.append(('teacher', 'ResNet-20', 'from scratch',
                 teacher['accuracy/top1'], seconds))

    step = Step(f'2/{steps}', 'publish its best checkpoint',
                osp.join(ROOT, dirs['teacher'], 'publish.log'))
    step.run([
        python,
        tool('model_converters/publish_model.py'),
        osp.join(dirs['teacher'], 'best_*.pth'), args.teacher_ckpt
    ])
    step.done(f'-> {args.teacher_ckpt}')

    kd, seconds = train(f'3/{steps}', 'distil it into ResNet-8 (KD)', KD_CFG,
                        dirs['kd'], f'model.teacher_ckpt={args.teacher_ckpt}')
    rows.append(('student', 'ResNet-8', 'KD from the ResNet-20 (T=4)',
                 kd['accuracy/top1'], seconds))
    if not args.no_baseline:
        scratch, seconds = train(f'4/{steps}', 'ResNet-8 without a teacher',
                                 SCRATCH_CFG, dirs['scratch'])
        rows.append(('student', 'ResNet-8', 'without a teacher',
                     scratch['accuracy/top1'], seconds))

    print(f'\nTest top-1 on MNIST-5k (1,000 images), {epochs} epochs, seed 0 '
          f'(the distillation run evaluates its teacher at '
          f'{kd["teacher.accuracy/top1"]:.2f}%):\n')
    print(f'| {"network":<19} | {"training":<27} | top-1 (%) | minutes |')
    print(f'|{"-" * 21}|{"-" * 29}|-----------|---------|')
    for role, network, training, top1, seconds in rows:
        print(f'| {network + " (" + role + ")":<19} | {training:<27} | '
              f'{top1:9.2f} | {seconds / 60:7.1f} |')
    print(f'\nDemo done in {(time.time() - start) / 60:.1f} min; MMEngine '
          f'logs and checkpoints in {args.work_dir}/', flush=True)


if __name__ == '__main__':
    main()
