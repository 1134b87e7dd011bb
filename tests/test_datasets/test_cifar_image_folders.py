# Copyright (c) mmslkd contributors. All rights reserved.
"""CIFAR image folders -> official python layouts: exact pixels, official
class order and coarse labels, read by the official dataset types, clear
errors on bad folders, nothing half-written."""
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from mmslkd.datasets import (CIFAR10, CIFAR100, CIFAR100_CLASSES,
                             CIFAR100_COARSE_CLASSES, CIFAR100_FINE_TO_COARSE,
                             CIFAR10_CLASSES, CIFAR100Format,
                             ImageFolderError, convert_cifar_image_folders)
from mmslkd.datasets import cifar_image_folders

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'dataset_converters',
                'cifar_folders_to_python.py')

#: the official CIFAR-100 fine label names, in the order of the official
#: meta file (written out here, independently of the package's table)
OFFICIAL_FINE = (
    'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl '
    'boy bridge bus butterfly camel can castle caterpillar cattle chair '
    'chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur '
    'dolphin elephant flatfish forest fox girl hamster house kangaroo '
    'keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree '
    'motorcycle mountain mouse mushroom oak_tree orange orchid otter '
    'palm_tree pear pickup_truck pine_tree plain plate poppy porcupine '
    'possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk '
    'skyscraper snail snake spider squirrel streetcar sunflower '
    'sweet_pepper table tank telephone television tiger tractor train trout '
    'tulip turtle wardrobe whale willow_tree wolf woman worm').split()


def write_folder(root, classes, per_class, seed=0, size=(32, 32),
                 mode='RGB'):
    """A CIFAR-style image folder with random PNGs; returns the pixels by
    (split, file name)."""
    rng = np.random.RandomState(seed)
    pixels = {}
    for split, count in per_class.items():
        for cls in classes:
            folder = osp.join(root, split, cls)
            os.makedirs(folder, exist_ok=True)
            for i in range(count):
                name = f'{cls}_s_{i:06d}.png'
                channels = 3 if mode == 'RGB' else 1
                img = rng.randint(0, 256, (size[1], size[0], channels),
                                  dtype=np.uint8)
                Image.fromarray(img if channels == 3 else img[..., 0],
                                mode).save(osp.join(folder, name))
                pixels[(split, name)] = img
    return pixels


@pytest.fixture
def small_counts(monkeypatch):
    """Official counts scaled down to 2 train / 1 test images a class."""
    for layout in cifar_image_folders._LAYOUTS.values():
        monkeypatch.setitem(layout, 'counts', dict(train=2, test=1))


def test_class_tables_are_the_official_ones():
    assert list(CIFAR100_CLASSES) == OFFICIAL_FINE
    assert len(CIFAR100_COARSE_CLASSES) == 20
    assert CIFAR10_CLASSES == ('airplane', 'automobile', 'bird', 'cat',
                               'deer', 'dog', 'frog', 'horse', 'ship',
                               'truck')
    coarse = {
        fine: CIFAR100_COARSE_CLASSES[c]
        for fine, c in zip(CIFAR100_CLASSES, CIFAR100_FINE_TO_COARSE)
    }
    # a few entries of the dataset page's table, and 5 fine classes each
    assert coarse['apple'] == 'fruit_and_vegetables'
    assert coarse['aquarium_fish'] == 'fish'
    assert coarse['maple_tree'] == 'trees'
    assert coarse['lawn_mower'] == 'vehicles_2'
    assert coarse['pickup_truck'] == 'vehicles_1'
    assert coarse['spider'] == 'non-insect_invertebrates'
    assert np.bincount(CIFAR100_FINE_TO_COARSE).tolist() == [5] * 20
    # the official first coarse labels of fine classes 0..4
    assert list(CIFAR100_FINE_TO_COARSE[:5]) == [4, 1, 14, 8, 0]


def test_cifar100_exact_pixels_and_official_reader(tmp_path, small_counts):
    pixels = write_folder(tmp_path / 'src', CIFAR100_CLASSES,
                          dict(train=2, test=1))
    lines = []
    record = convert_cifar_image_folders(
        str(tmp_path / 'src'), str(tmp_path / 'out'), log=lines.append)
    folder = tmp_path / 'out' / 'cifar-100-python'
    assert sorted(os.listdir(folder)) == [
        'meta', 'mmslkd_conversion.json', 'test', 'train'
    ]
    for split in ('train', 'test'):
        with open(folder / split, 'rb') as f:
            entry = pickle.load(f, encoding='latin1')
        data = entry['data'].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        for img, name, fine, coarse in zip(data, entry['filenames'],
                                           entry['fine_labels'],
                                           entry['coarse_labels']):
            assert np.array_equal(img, pixels[(split, name)])
            assert name.startswith(CIFAR100_CLASSES[fine] + '_s_')
            assert coarse == CIFAR100_FINE_TO_COARSE[fine]
    with open(folder / 'meta', 'rb') as f:
        meta = pickle.load(f, encoding='latin1')
    assert meta['fine_label_names'] == OFFICIAL_FINE
    # the mean/std of the converted training images are printed
    train = np.stack([v for (s, _), v in pixels.items() if s == 'train'])
    mean = train.reshape(-1, 3).mean(0) / 255
    assert record['train_mean'] == [round(float(m), 4) for m in mean]
    assert any('mean (R, G, B)' in line and f'{mean[0]:.4f}' in line
               for line in lines)
    # the official type (md5-checked) reads it through the record
    dataset = CIFAR100(data_root=str(tmp_path / 'out'), split='train')
    assert len(dataset) == 200
    assert dataset.CLASSES == tuple(OFFICIAL_FINE)
    # deterministic: a second conversion writes identical files
    convert_cifar_image_folders(
        str(tmp_path / 'src'), str(tmp_path / 'out2'), log=lambda _: None)
    record2 = json.load(
        open(tmp_path / 'out2' / 'cifar-100-python' /
             'mmslkd_conversion.json'))
    assert record2['md5'] == record['md5']


def test_cifar100_edited_file_is_refused(tmp_path, small_counts):
    write_folder(tmp_path / 'src', CIFAR100_CLASSES, dict(train=2, test=1))
    convert_cifar_image_folders(
        str(tmp_path / 'src'), str(tmp_path / 'out'), log=lambda _: None)
    path = tmp_path / 'out' / 'cifar-100-python' / 'test'
    with open(path, 'rb') as f:
        entry = pickle.load(f)
    entry['fine_labels'][0] = (entry['fine_labels'][0] + 1) % 100
    with open(path, 'wb') as f:
        pickle.dump(entry, f, protocol=4)
    with pytest.raises(ValueError, match='damaged or edited after '
                       'conversion.*--overwrite'):
        CIFAR100(data_root=str(tmp_path / 'out'), split='test')


def test_partial_folder(tmp_path, small_counts):
    write_folder(tmp_path / 'src', CIFAR100_CLASSES, dict(train=1, test=1))
    with pytest.raises(ImageFolderError,
                       match='do not have the official 2 images.*'
                       '--allow-partial'):
        convert_cifar_image_folders(
            str(tmp_path / 'src'), str(tmp_path / 'out'), log=print)
    assert not (tmp_path / 'out').exists()
    convert_cifar_image_folders(
        str(tmp_path / 'src'),
        str(tmp_path / 'out'),
        allow_partial=True,
        log=lambda _: None)
    with pytest.raises(ValueError, match="complete=false.*CIFAR100Format"):
        CIFAR100(data_root=str(tmp_path / 'out'), split='train')
    assert len(CIFAR100Format(data_root=str(tmp_path / 'out'))) == 100


def test_cifar10_layout(tmp_path, small_counts):
    pixels = write_folder(tmp_path / 'src', CIFAR10_CLASSES,
                          dict(train=2, test=1))
    convert_cifar_image_folders(
        str(tmp_path / 'src'), str(tmp_path / 'out'), log=lambda _: None)
    folder = tmp_path / 'out' / 'cifar-10-batches-py'
    names = sorted(os.listdir(folder))
    assert names == sorted([f'data_batch_{i}' for i in range(1, 6)] +
                           ['test_batch', 'batches.meta',
                            'mmslkd_conversion.json'])
    dataset = CIFAR10(data_root=str(tmp_path / 'out'), split='train')
    assert len(dataset) == 20
    assert dataset.CLASSES == CIFAR10_CLASSES
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        assert any(
            np.array_equal(info['img'], v) for (s, _), v in pixels.items()
            if s == 'train')


@pytest.mark.parametrize(
    'breakage, match',
    [
        ('missing class', r"train'.*lacks the class folders \['apple'\]"),
        ('unknown class', r"not CIFAR-100 class names: \['apples'\]"),
        ('wrong size', r'is a 28x28 RGB image.*original 32x32 PNG'),
        ('grey image', r'is a 32x32 L image'),
        ('empty split', r"split 'test' in .* has no .png images"),
        ('no train folder', r"train' does not exist.*train/ and test/"),
    ])
def test_bad_folders(tmp_path, small_counts, breakage, match):
    src = tmp_path / 'src'
    write_folder(src, CIFAR100_CLASSES, dict(train=2, test=1))
    if breakage == 'missing class':
        for split in ('train', 'test'):
            for f in os.listdir(src / split / 'apple'):
                os.remove(src / split / 'apple' / f)
            os.rmdir(src / split / 'apple')
    elif breakage == 'unknown class':
        os.rename(src / 'train' / 'apple', src / 'train' / 'apples')
    elif breakage == 'wrong size':
        write_folder(src, ['bed'], dict(train=1), size=(28, 28), seed=1)
    elif breakage == 'grey image':
        write_folder(src, ['bed'], dict(train=1), mode='L', seed=1)
    elif breakage == 'empty split':
        for cls in CIFAR100_CLASSES:
            for f in os.listdir(src / 'test' / cls):
                os.remove(src / 'test' / cls / f)
    elif breakage == 'no train folder':
        os.rename(src / 'train', src / 'training')
    with pytest.raises(ImageFolderError, match=match):
        convert_cifar_image_folders(
            str(src), str(tmp_path / 'out'), dataset='cifar100',
            allow_partial=True, log=lambda _: None)
    # nothing half-written
    assert not (tmp_path / 'out').exists() or not os.listdir(tmp_path /
                                                              'out')


def test_tool_refuses_existing_output_and_overwrites(tmp_path, small_counts):
    # the CLI in a subprocess with the official counts: the folder is
    # partial, so it needs --allow-partial, and an existing output needs
    # --overwrite; errors exit non-zero with the message
    write_folder(tmp_path / 'src', CIFAR10_CLASSES, dict(train=1, test=1))
    cmd = [sys.executable, TOOL, str(tmp_path / 'src'), str(tmp_path / 'out')]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode != 0
    assert '--allow-partial' in result.stderr
    result = subprocess.run(cmd + ['--allow-partial'], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "type 'CIFAR10Format'" in result.stdout
    result = subprocess.run(cmd + ['--allow-partial'], capture_output=True,
                            text=True)
    assert result.returncode != 0 and 'already exists' in result.stderr
    result = subprocess.run(cmd + ['--allow-partial', '--overwrite'],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    leftovers = [n for n in os.listdir(tmp_path / 'out') if 'partial' in n
                 or '.old-' in n]
    assert leftovers == []


def test_samples_per_class(tmp_path, small_counts):
    write_folder(tmp_path / 'src', CIFAR100_CLASSES, dict(train=2, test=1))
    convert_cifar_image_folders(
        str(tmp_path / 'src'), str(tmp_path / 'out'), log=lambda _: None)
    full = CIFAR100(data_root=str(tmp_path / 'out'))
    one = CIFAR100(data_root=str(tmp_path / 'out'), samples_per_class=1)
    labels = [one.get_data_info(i)['gt_label'] for i in range(len(one))]
    assert sorted(labels) == list(range(100))
    # the first image of each class in file order
    first = {}
    for i in range(len(full)):
        info = full.get_data_info(i)
        first.setdefault(info['gt_label'], info['img'])
    for i in range(len(one)):
        info = one.get_data_info(i)
        assert np.array_equal(info['img'], first[info['gt_label']])
    with pytest.raises(ValueError, match='Lower samples_per_class to at '
                       'most 2'):
        CIFAR100(data_root=str(tmp_path / 'out'), samples_per_class=3)
    with pytest.raises(ValueError, match='samples_per_class must be > 0'):
        CIFAR100(data_root=str(tmp_path / 'out'), samples_per_class=0)
    with pytest.raises(TypeError, match='samples_per_class must be an int'):
        CIFAR100(data_root=str(tmp_path / 'out'), samples_per_class=2.0)
