"""ImageNet's VGG16 offline: ONNX files read, the legacy layout written, weights="imagenet"
checked, and the features proven equal to onnxruntime's on real frames."""

import hashlib
import shutil

import numpy as np
import pytest

from skactrec import convert_vgg16_weights
from skactrec.features import (
    ImageNetWeightsError,
    VGG16FrameFeaturizer,
    _weights,
    imagenet_weights_in_cache,
    imagenet_weights_path,
)
from skactrec.features._weights import check_imagenet_file, resolve_weights_file, weights_identity
from skactrec.features._weights_files import (
    VGG16_KERNEL_SHAPES,
    read_vgg16_weights,
    weights_digest,
)

onnx = pytest.importorskip("onnx")

TF2ONNX_NAME = "functional_1/{layer}_1/BiasAdd"  # how tf2onnx names a Keras layer's Conv
TORCH_NAME = "/features/features.{index}/Conv"  # how torch.onnx.export names torchvision's


def _write_onnx(weights, path, node_name):
    """A VGG16-like ONNX graph of Conv + Relu nodes holding ``weights`` (Keras layout)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, initializers, x = [], [], "input"
    for index, (layer, (kernel, bias)) in enumerate(weights.items()):
        name = node_name.format(layer=layer, index=2 * index)
        initializers += [
            numpy_helper.from_array(np.transpose(kernel, (3, 2, 0, 1)).copy(), f"{name}/W"),
            numpy_helper.from_array(bias, f"{name}/b"),
        ]
        nodes += [helper.make_node("Conv", [x, f"{name}/W", f"{name}/b"], [f"{name}:0"],
                                   name=name, pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"{name}:0"], [f"{name}/relu:0"],
                                   name=f"{name}/Relu")]
        x = f"{name}/relu:0"
    graph = helper.make_graph(
        nodes, "vgg16", [helper.make_tensor_value_info("input", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], initializers)
    onnx.save(helper.make_model(graph), str(path))
    return path


@pytest.fixture(scope="module")
def random_weights(vgg16_weights_file):
    return read_vgg16_weights(vgg16_weights_file)


def _assert_same_weights(read, expected):
    assert list(read) == list(VGG16_KERNEL_SHAPES)
    for layer, (kernel, bias) in expected.items():
        np.testing.assert_array_equal(read[layer][0], kernel, err_msg=layer)
        np.testing.assert_array_equal(read[layer][1], bias, err_msg=layer)


def test_onnx_of_a_keras_export_is_read_by_layer_names(tmp_path, random_weights,
                                                       vgg16_weights_file):
    path = _write_onnx(random_weights, tmp_path / "vgg16.onnx", TF2ONNX_NAME)
    _assert_same_weights(read_vgg16_weights(path), random_weights)
    # The same weights in two formats are the same weights, for the feature store too.
    assert weights_identity(path) == weights_identity(vgg16_weights_file)


def test_onnx_without_layer_names_is_converted_by_order(tmp_path, random_weights):
    path = _write_onnx(random_weights, tmp_path / "torch_vgg16.onnx", TORCH_NAME)
    with pytest.raises(ValueError, match="names none of VGG16's layers.*convert_vgg16_weights"):
        read_vgg16_weights(path)
    converted = convert_vgg16_weights(path, tmp_path / "converted.weights.h5")
    _assert_same_weights(read_vgg16_weights(converted), random_weights)


@pytest.mark.parametrize(("node_name", "match"), [
    (TF2ONNX_NAME, "holds block1_conv1, .*but not block4_conv1"),
    (TORCH_NAME, "holds 7 convolutions of VGG16's kernel shapes where VGG16 has 13"),
])
def test_onnx_that_is_not_vgg16_is_refused(tmp_path, random_weights, node_name, match):
    part = dict(list(random_weights.items())[:7])
    path = _write_onnx(part, tmp_path / "part.onnx", node_name)
    with pytest.raises(ValueError, match=match):
        convert_vgg16_weights(path, tmp_path / "out.h5")
    assert not (tmp_path / "out.h5").exists()


def test_unreadable_onnx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"\x08\x07 this is not protobuf \xff\xff")
    with pytest.raises(ValueError, match="broken.onnx.*not a readable ONNX model"):
        read_vgg16_weights(path)


def test_legacy_h5_destination_is_keras_own_layout(tmp_path, random_weights, vgg16_weights_file):
    import keras

    path = convert_vgg16_weights(vgg16_weights_file, tmp_path / "vgg16_notop.h5")
    _assert_same_weights(read_vgg16_weights(path), random_weights)
    # Keras's legacy loader (which matches layers by order, not name) reads it too.
    model = keras.applications.VGG16(include_top=False, weights=str(path),
                                     input_shape=(32, 32, 3))
    for layer, (kernel, bias) in random_weights.items():
        loaded = model.get_layer(layer).get_weights()
        np.testing.assert_array_equal(loaded[0], kernel)
        np.testing.assert_array_equal(loaded[1], bias)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home"


@pytest.fixture
def as_imagenet(monkeypatch, random_weights):
    """Take the random test weights for ImageNet's (their digest pinned instead)."""
    monkeypatch.setattr(_weights, "IMAGENET_DIGEST", weights_digest(random_weights))
    from skactrec.features import _convert_weights

    monkeypatch.setattr(_convert_weights, "IMAGENET_DIGEST", weights_digest(random_weights))


def test_imagenet_cache_takes_a_conversion_of_imagenet(keras_home, vgg16_weights_file,
                                                       as_imagenet, capsys):
    from skactrec.cli._main import main

    assert not imagenet_weights_in_cache()  # no file yet
    assert main(["convert-weights", str(vgg16_weights_file)]) == 0
    out = capsys.readouterr().out
    assert str(imagenet_weights_path()) in out and "weights='imagenet'" in out
    assert resolve_weights_file("imagenet", download=False) == imagenet_weights_path()
    assert check_imagenet_file(imagenet_weights_path()) == "converted"
    assert imagenet_weights_in_cache()


def test_imagenet_cache_takes_keras_file_by_its_md5(keras_home, vgg16_weights_file, monkeypatch):
    target = imagenet_weights_path()
    target.parent.mkdir(parents=True)
    shutil.copy(vgg16_weights_file, target)
    md5 = hashlib.md5(target.read_bytes()).hexdigest()
    monkeypatch.setitem(_weights.IMAGENET_WEIGHTS, "md5", md5)
    assert check_imagenet_file(target) == "keras"
    assert weights_identity("imagenet") == f"imagenet:{md5}"


@pytest.mark.parametrize("content", ["other_vgg16", "not_weights"])
def test_other_file_in_imagenet_cache_is_a_clear_error(keras_home, vgg16_weights_file, content):
    target = imagenet_weights_path()
    target.parent.mkdir(parents=True)
    if content == "other_vgg16":
        shutil.copy(vgg16_weights_file, target)
        held = "VGG16 convolutions' SHA-256 is"
    else:
        target.write_bytes(b"half a download")
        held = "not VGG16's weights"
    for call in (lambda: resolve_weights_file("imagenet"), lambda: weights_identity("imagenet"),
                 lambda: VGG16FrameFeaturizer(frame_size=32, n_frames=2).fit(
                     [np.zeros((2, 32, 32, 3), np.uint8)])):
        with pytest.raises(ImageNetWeightsError) as info:
            call()
        message = str(info.value)
        assert str(target) in message and held in message
        assert "md5" in message and "convert-weights" in message and "weights=<" in message
    assert not imagenet_weights_in_cache()  # there, but not ImageNet's


def test_convert_refuses_other_weights_into_imagenet_cache(keras_home, vgg16_weights_file,
                                                           capsys):
    from skactrec.cli._main import main

    assert main(["convert-weights", str(vgg16_weights_file)]) == 1
    error = capsys.readouterr().err
    assert "does not hold ImageNet's VGG16" in error and len(error.splitlines()) == 1
    assert not imagenet_weights_path().exists()


# On ImageNet's real weights (downloaded once; these skip where they cannot be had).

LAYERS = [f"block{b}_pool" for b in range(1, 6)]


@pytest.fixture(scope="module")
def real_frames(shared_videos):
    from skactrec import read_video

    return np.concatenate([read_video(v, n_frames=1, frame_size=224, sampling="uniform")
                           for v in shared_videos[:3]])


def test_imagenet_onnx_holds_imagenet_digest(imagenet_onnx):
    assert weights_digest(read_vgg16_weights(imagenet_onnx)) == _weights.IMAGENET_DIGEST


def test_features_equal_onnxruntime_on_real_frames(imagenet_onnx, imagenet_weights,
                                                    real_frames):
    from _imagenet import onnx_pool_features

    pytest.importorskip("onnxruntime")
    expected = onnx_pool_features(imagenet_onnx, real_frames, LAYERS)
    for layer in LAYERS:
        featurizer = VGG16FrameFeaturizer(weights=imagenet_weights, layer=layer, pooling=None,
                                          frame_size=224, n_frames=len(real_frames))
        features = featurizer.fit_transform([real_frames])[0]
        error = np.linalg.norm(features - expected[layer]) / np.linalg.norm(expected[layer])
        assert error < 1e-5, (layer, error)
    # The check sees a wrong preprocessing: RGB where VGG16 was trained on BGR.
    swapped = onnx_pool_features(imagenet_onnx, real_frames[..., ::-1], ["block5_pool"])
    error = np.linalg.norm(features - swapped["block5_pool"]) / np.linalg.norm(features)
    assert error > 1e-2


def test_default_pipeline_on_real_clips_with_imagenet_offline(
        imagenet_weights, shared_videos, real_frames, keras_home, monkeypatch, tmp_path):
    import keras
    from sklearn.pipeline import make_pipeline

    from skactrec import LSTMVideoClassifier

    def no_network(*args, **kwargs):
        raise AssertionError("weights='imagenet' went to the network")

    monkeypatch.setattr(keras.utils, "get_file", no_network)
    imagenet_weights_path().parent.mkdir(parents=True)
    shutil.copy(imagenet_weights, imagenet_weights_path())
    # weights="imagenet" loads the cache file: ImageNet's features, with no network.
    settings = {"frame_size": 224, "n_frames": len(real_frames)}
    offline = VGG16FrameFeaturizer(**settings).fit_transform([real_frames])
    from_file = VGG16FrameFeaturizer(weights=imagenet_weights, **settings).fit_transform(
        [real_frames])
    np.testing.assert_array_equal(offline, from_file)
    assert (offline == 0).mean() > 0.5  # ImageNet's block5_pool on real frames: mostly zeros
    # The paper's Pipeline as it comes (ImageNet, 40 frames of 224x224, block5_pool).
    videos, y = [str(v) for v in shared_videos[:2]], ["a", "b"]
    pipeline = make_pipeline(VGG16FrameFeaturizer(memory=tmp_path / "features"),  # read once
                             LSTMVideoClassifier(n_units=8, epochs=2, random_state=0))
    assert pipeline[0].n_frames == 40 and pipeline[0].weights == "imagenet"
    pipeline.fit(videos, y)
    probabilities = pipeline.predict_proba(videos)
    assert probabilities.shape == (2, 2) and np.allclose(probabilities.sum(axis=1), 1)
    assert pipeline[-1].n_features_in_ == 7 * 7 * 512
