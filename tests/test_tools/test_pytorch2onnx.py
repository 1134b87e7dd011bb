# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/deployment/pytorch2onnx.py: one zoo network of each family, and the
student of a distillation checkpoint, exported to ONNX and checked with
onnxruntime against PyTorch on the embedded MNIST digits."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch

pytest.importorskip('onnxruntime')
onnx = pytest.importorskip('onnx')

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'deployment', 'pytorch2onnx.py')
BASES = osp.join(REPO, 'configs', '_base_')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('pytorch2onnx', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digits_config(tmp_path, network):
    """A classifier config of a zoo network on the embedded digits."""
    path = tmp_path / f'{network}_digits.py'
    path.write_text(
        f"_base_ = ['{BASES}/models/cifar/{network}.py',\n"
        f"          '{BASES}/datasets/mnist5k_bs64.py',\n"
        f"          '{BASES}/default_runtime.py']\n"
        f'model = dict(_base_.{network},\n'
        f'             head=dict(_base_.{network}.head, num_classes=10))\n')
    return str(path)


def input_dims(onnx_file):
    dims = onnx.load(onnx_file).graph.input[0].type.tensor_type.shape.dim
    return [d.dim_param or d.dim_value for d in dims]


# one network of each family of the zoo
@pytest.mark.parametrize('network', [
    'resnet8', 'wrn_16_1', 'vgg8', 'mobilenetv2', 'shufflev1', 'shufflev2',
    'resnet18'
])
def test_each_family_exports_and_matches(tool, tmp_path, network):
    onnx_file = str(tmp_path / f'{network}.onnx')
    report = tool.main([
        digits_config(tmp_path, network), '--random-init', '--output-file',
        onnx_file, '--exporter', 'torchscript', '--num-images', '64',
        '--batch-size', '25'
    ])
    assert report['passed']
    assert report['num_images'] == 64  # batches of 25, 25 and 14
    assert report['max_abs_logit_diff'] < 1e-4
    assert report['top1_agreement'] == 1.0
    # the graph's normalisation is the Runner's data preprocessor
    assert report['runner_path_max_abs_diff'] < 1e-5
    assert input_dims(onnx_file)[1:] == [3, 32, 32]
    assert isinstance(input_dims(onnx_file)[0], str)  # dynamic batch
    assert 0 <= report['onnx_top1'] <= 100


def test_dynamo_exporter_and_static_batch(tool, tmp_path):
    config = digits_config(tmp_path, 'resnet8')
    dynamic = str(tmp_path / 'dynamic.onnx')
    report = tool.main([
        config, '--random-init', '--output-file', dynamic, '--num-images',
        '30', '--batch-size', '16'
    ])
    assert report['passed'] and report['exporter'] == 'dynamo'
    assert report['num_images'] == 30
    assert isinstance(input_dims(dynamic)[0], str)
    static = str(tmp_path / 'static.onnx')
    report = tool.main([
        config, '--random-init', '--output-file', static, '--exporter',
        'torchscript', '--static-batch', '--num-images', '5'
    ])
    assert input_dims(static) == [1, 3, 32, 32]
    assert report['passed'] and report['num_images'] == 5


def test_student_of_a_distillation_checkpoint(tool, tmp_path):
    """The exported graph is the checkpoint's student, not its teacher."""
    from mmslkd.analysis.network_outputs import load_model
    config = osp.join(REPO, 'configs', 'demo', 'kd_r20_r8_mnist5k.py')
    model = load_model(config)
    torch.manual_seed(0)
    with torch.no_grad():  # weights that no fresh model has
        for param in model.architecture.parameters():
            param.add_(0.05 * torch.randn_like(param))
    checkpoint = str(tmp_path / 'kd.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, checkpoint)

    onnx_file = str(tmp_path / 'student.onnx')
    report = tool.main([
        config, checkpoint, '--output-file', onnx_file, '--exporter',
        'torchscript', '--num-images', '20'
    ])
    assert report['network'] == 'student' and report['passed']

    import onnxruntime as ort
    images, _, batch = tool.load_config_images(
        tool.Config.fromfile(config), model, 20)
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        student = model.architecture(data['inputs'], mode='tensor').numpy()
        teacher = model.teacher(data['inputs'], mode='tensor').numpy()
    session = ort.InferenceSession(onnx_file)
    exported = session.run(['logits'], {'images': images[:len(student)]})[0]
    np.testing.assert_allclose(exported, student, atol=1e-4)
    assert np.abs(exported - teacher).max() > 0.1

    teacher_file = str(tmp_path / 'teacher.onnx')
    report = tool.main([
        config, checkpoint, '--output-file', teacher_file, '--network',
        'teacher', '--exporter', 'torchscript', '--no-verify'
    ])
    exported = ort.InferenceSession(teacher_file).run(
        ['logits'], {'images': images[:len(teacher)]})[0]
    np.testing.assert_allclose(exported, teacher, atol=1e-4)


def test_image_folder(tool, tmp_path):
    from PIL import Image
    rng = np.random.default_rng(0)
    for cls, size in (('b_cls', 32), ('a_cls', 40)):
        (tmp_path / 'imgs' / cls).mkdir(parents=True)
        for i in range(2):
            Image.fromarray(rng.integers(0, 255, (size, size, 3),
                                         dtype=np.uint8)).save(
                                             tmp_path / 'imgs' / cls /
                                             f'{i}.png')
    images, labels = tool.load_image_folder(str(tmp_path / 'imgs'))
    assert images.shape == (4, 3, 32, 32) and images.dtype == np.float32
    assert labels.tolist() == [0, 0, 1, 1]  # sorted class folders
    images, labels = tool.load_image_folder(
        str(tmp_path / 'imgs'), num_images=3)
    assert len(images) == 3
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError, match='No .png'):
        tool.load_image_folder(str(tmp_path / 'empty'))


def test_needs_checkpoint_or_explicit_random_init(tool, tmp_path):
    with pytest.raises(SystemExit):
        tool.parse_args([digits_config(tmp_path, 'resnet8')])
