"""TemporalPooling: each video's frames pooled over time, for any scikit-learn classifier."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skactrec import TemporalPooling


def _sequences(seed=0, n_videos=6, n_frames=5, n_features=4):
    return np.random.RandomState(seed).normal(size=(n_videos, n_frames, n_features))


@pytest.mark.parametrize("statistics", [("mean",), ("max", "mean"), ("mean", "max", "min", "std")])
def test_statistics_are_numpy_s_in_the_order_given(statistics):
    X = _sequences()
    pooled = TemporalPooling(statistics=statistics).fit_transform(X)
    expected = np.concatenate([getattr(np, s)(X, axis=1) for s in statistics], axis=1)
    assert pooled.dtype == np.float32 and pooled.shape == (6, 4 * len(statistics))
    np.testing.assert_allclose(pooled, expected, rtol=1e-6, atol=1e-6)


def test_any_number_of_frames_and_2d_input_as_one_frame():
    pooling = TemporalPooling(statistics=("mean", "std")).fit(_sequences(n_frames=5))
    assert pooling.transform(_sequences(n_frames=9)).shape == (6, 8)
    one_frame = _sequences()[:, 0, :]
    pooled = pooling.transform(one_frame)
    np.testing.assert_allclose(pooled[:, :4], one_frame, rtol=1e-6)
    assert not pooled[:, 4:].any()  # one frame: no deviation


def test_float16_and_memmap_inputs(tmp_path):
    X = _sequences(n_videos=130).astype(np.float16)  # more than one batch of 64 videos
    mapped = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float16,
                                       shape=X.shape)
    mapped[:] = X
    pooled = TemporalPooling().fit_transform(mapped)
    np.testing.assert_allclose(pooled, TemporalPooling().fit_transform(X.astype(np.float32)),
                               rtol=1e-3)
    assert pooled.dtype == np.float32


def test_feature_names_and_errors():
    pooling = TemporalPooling(statistics=("max", "mean")).fit(_sequences(n_features=2))
    assert list(pooling.get_feature_names_out()) == ["max_x0", "max_x1", "mean_x0", "mean_x1"]
    assert list(pooling.get_feature_names_out(["a", "b"])) == ["max_a", "max_b", "mean_a",
                                                                "mean_b"]
    with pytest.raises(ValueError, match="X has 3 features, but TemporalPooling is expecting 2"):
        pooling.transform(_sequences(n_features=3))
    for bad in [("mean", "median"), (), ("max", "max")]:
        with pytest.raises(ValueError, match="statistics must name each of"):
            TemporalPooling(statistics=bad).fit(_sequences())


def test_pipeline_with_a_linear_classifier_learns_what_frames_hold():
    """Class 1's videos show a feature at some frame (not the same frame each time): the
    maximum over frames finds it, the mean hardly does."""
    rng = np.random.RandomState(0)
    X = rng.normal(0, 1, (60, 40, 8))
    y = np.arange(60) % 2
    X[y == 1, rng.randint(0, 40, 30), 3] += 5.0
    scores = {stats: cross_val_score(make_pipeline(TemporalPooling(statistics=stats),
                                                   LogisticRegression()), X, y, cv=3).mean()
              for stats in [("mean",), ("max",)]}
    assert scores[("max",)] > 0.9 > scores[("mean",)] + 0.1, scores
