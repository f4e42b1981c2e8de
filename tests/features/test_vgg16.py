"""The VGG16 extractor: layer geometry, preprocessing, caching, determinism."""

import subprocess
import sys

import numpy as np
import pytest

from skactrec.features._engines import get_extractor
from skactrec.features._vgg16 import (
    VGG16_LAYERS,
    layer_output_shape,
    n_output_features,
)


def test_layer_names_and_shapes_match_keras():
    import keras

    model = keras.applications.VGG16(include_top=False, weights=None, input_shape=(224, 160, 3))
    keras_layers = [layer.name for layer in model.layers[1:]]
    assert list(VGG16_LAYERS) == keras_layers
    for name in VGG16_LAYERS:
        assert layer_output_shape(name, (224, 160)) == tuple(model.get_layer(name).output.shape[1:])


def test_paper_feature_count():
    assert n_output_features("block5_pool", (224, 224), None) == 7 * 7 * 512 == 25088
    assert n_output_features("block5_pool", (224, 224), "avg") == 512
    with pytest.raises(ValueError, match="Unknown VGG16 layer"):
        layer_output_shape("fc1", (224, 224))


def test_features_equal_keras_preprocess_and_predict():
    """Preprocessing inside the graph is exactly Keras's preprocess_input (caffe mode)."""
    import keras

    frames = np.random.RandomState(0).randint(0, 256, (3, 48, 64, 3)).astype(np.uint8)
    original = frames.copy()
    extractor = get_extractor("block3_pool", (48, 64), None, None)
    features = extractor(frames, batch_size=2)
    np.testing.assert_array_equal(frames, original)  # never modified

    base = keras.applications.VGG16(include_top=False, weights=None, input_shape=(48, 64, 3))
    from skactrec.features._vgg16 import _set_random_weights

    _set_random_weights(base)
    cut = keras.Model(base.input, base.get_layer("block3_pool").output)
    pixels = frames.astype(np.float32)
    expected = cut.predict(keras.applications.vgg16.preprocess_input(pixels), verbose=0)
    np.testing.assert_allclose(features, expected.reshape(3, -1), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pooling, reduce", [("avg", np.mean), ("max", np.max)])
def test_pooling_reduces_space(pooling, reduce):
    frames = np.random.RandomState(1).randint(0, 256, (2, 32, 32, 3)).astype(np.uint8)
    flat = get_extractor("block2_pool", (32, 32), None, None)(frames)
    pooled = get_extractor("block2_pool", (32, 32), None, pooling)(frames)
    assert pooled.shape == (2, 128)
    np.testing.assert_allclose(pooled, reduce(flat.reshape(2, 8, 8, 128), axis=(1, 2)), rtol=1e-5)


def test_extractor_is_built_once_and_counts_frames():
    a = get_extractor("block1_pool", (32, 32), None, None)
    b = get_extractor("block1_pool", (32, 32), None, None)
    assert a is b
    before = a.n_frames_processed
    a(np.zeros((5, 32, 32, 3), np.uint8), batch_size=2)
    assert a.n_frames_processed == before + 5


def test_extractor_rejects_wrong_frames():
    extractor = get_extractor("block1_pool", (32, 32), None, None)
    with pytest.raises(ValueError, match="uint8 frames of shape"):
        extractor(np.zeros((1, 32, 32, 3), np.float32))
    with pytest.raises(ValueError, match=r"\(n, 32, 32, 3\)"):
        extractor(np.zeros((1, 64, 64, 3), np.uint8))


def test_random_weights_are_the_same_in_every_process():
    code = (
        "import numpy as np; from skactrec.features._engines import get_extractor; "
        "x = np.arange(2 * 32 * 32 * 3, dtype=np.uint64).reshape(2, 32, 32, 3) % 256; "
        "f = get_extractor('block2_conv1', (32, 32), None, None)(x.astype(np.uint8)); "
        "print(repr(float(f.astype(np.float64).sum())))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.strip()
