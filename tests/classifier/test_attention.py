"""LSTMVideoClassifier(temporal_pooling="attention"): attention over the LSTM's states."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from skactrec import LSTMVideoClassifier


def _data(n_videos=24, n_frames=6, n_features=5, seed=0):
    """Classes told apart by frame 2 alone: the other frames are noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_videos, n_frames, n_features)).astype(np.float32)
    y = np.arange(n_videos) % 2
    X[:, 2, 0] += np.where(y == 1, 3.0, -3.0)
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    clf = LSTMVideoClassifier(n_units=8, epochs=40, batch_size=8, learning_rate=0.01,
                              temporal_pooling="attention", random_state=0).fit(X, y)
    return clf, X, y


def test_attention_learns_and_weighs_every_frame(fitted):
    clf, X, y = fitted
    assert clf.score(X, y) >= 0.9
    importances = clf.frame_importances(X)
    assert importances.shape == (24, 6)
    np.testing.assert_allclose(importances.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(importances > 0)
    # Any number of frames at predict time, no mask.
    longer = np.concatenate([X, X[:, :3]], axis=1)
    assert clf.frame_importances(longer).shape == (24, 9)
    assert clf.predict_proba(longer).shape == (24, 2)


def test_the_model_reads_the_attention_weighted_sum(fitted):
    """predict_proba equals the dense layer applied to the importance-weighted states."""
    import keras

    clf, X, _ = fitted
    states = keras.Model(clf.model_.input, clf.model_.get_layer("lstm").output)(X)
    pooled = np.einsum("vf,vfu->vu", clf.frame_importances(X), np.asarray(states))
    proba = np.asarray(clf.model_.get_layer("output")(pooled.astype(np.float32)))
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-4, atol=1e-6)


def test_last_is_the_papers_model_and_has_no_importances():
    X, y = _data()
    last = LSTMVideoClassifier(n_units=4, epochs=1, random_state=0).fit(X, y)
    assert [layer.name for layer in last.model_.layers] == ["lstm", "output"]
    assert not hasattr(last, "frame_importances")
    with pytest.raises(AttributeError, match="has no attribute 'frame_importances'") as info:
        last.frame_importances(X)
    # scikit-learn's available_if words the error; the reason is its cause, in the traceback.
    assert "temporal_pooling='attention' only" in str(info.value.__cause__)


def test_seeded_fits_are_equal_and_pickle_keeps_the_importances(fitted):
    clf, X, y = fitted
    again = clone(clf).fit(X, y)
    np.testing.assert_array_equal(again.frame_importances(X), clf.frame_importances(X))
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.frame_importances(X), clf.frame_importances(X))


@pytest.mark.parametrize("compute_dtype", ["bfloat16", "float16"])
def test_attention_in_mixed_precision(compute_dtype):
    X, y = _data()
    clf = LSTMVideoClassifier(n_units=4, epochs=2, temporal_pooling="attention",
                              compute_dtype=compute_dtype, random_state=0).fit(X, y)
    importances = clf.frame_importances(X)
    np.testing.assert_allclose(importances.sum(axis=1), 1.0, rtol=1e-3)
    assert clf.model_.get_layer("attention_weights").compute_dtype == "float32"


def test_a_pipeline_gives_its_importances(synthetic_videos):
    from sklearn.pipeline import make_pipeline

    from skactrec import VGG16FrameFeaturizer

    data = synthetic_videos
    pipe = make_pipeline(
        VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block2_pool", weights=None,
                             pooling="avg"),
        LSTMVideoClassifier(n_units=4, epochs=1, temporal_pooling="attention", random_state=0),
    ).fit(data.filenames, data.target)
    importances = pipe[-1].frame_importances(pipe[:-1].transform(data.filenames[:3]))
    assert importances.shape == (3, 4)


def test_plot_top_k_shades_each_frame_by_its_importance():
    pytest.importorskip("matplotlib")
    from skactrec import plot_top_k

    video = np.full((8, 16, 16, 3), 200, np.uint8)  # the model read frames 0-3 of 8
    importances = np.array([[0.0, 0.1, 0.3, 0.6]])
    fig = plot_top_k([video], [["a", "b"]], [[0.7, 0.3]], importances=importances)
    strip = fig.axes[0].images[0].get_array()
    # The frames side by side, 16 pixels wide, a 1-pixel white line between two.
    brightness = [int(strip[8, i * 17 + 8, 0]) for i in range(4)]
    assert brightness == [50, 75, 125, 200]  # 200 x (0.25 + 0.75 x importance / max)
    with pytest.raises(ValueError, match=r"importances must be \(n_videos, n_frames\)"):
        plot_top_k([video], [["a", "b"]], [[0.7, 0.3]], importances=[0.5, 0.5])
