"""Tests of skactrec.inspection._top_k.predict_top_k (fast: plain scikit-learn classifiers only)."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactrec import predict_top_k

ACTIONS = np.array(["boxing", "clapping", "jogging", "running", "walking", "waving"])


class _FixedProba(ClassifierMixin, BaseEstimator):
    """A 'classifier' returning given probabilities, to test ordering and ties exactly."""

    def __init__(self, proba=None, classes=None):
        self.proba = proba
        self.classes = classes

    def fit(self, X=None, y=None):
        self.classes_ = np.asarray(self.classes)
        return self

    def predict_proba(self, X):
        return np.asarray(self.proba, dtype=float)


@pytest.fixture
def blobs():
    rng = np.random.RandomState(0)
    centers = rng.normal(scale=5.0, size=(len(ACTIONS), 4))
    y_idx = np.repeat(np.arange(len(ACTIONS)), 10)
    X = centers[y_idx] + rng.normal(size=(len(y_idx), 4))
    return X, ACTIONS[y_idx]


def test_matches_sorted_predict_proba(blobs):
    X, y = blobs
    clf = LogisticRegression(max_iter=500).fit(X, y)
    labels, scores = predict_top_k(clf, X, k=3)
    proba = clf.predict_proba(X)

    assert labels.shape == scores.shape == (len(X), 3)
    assert scores.dtype.kind == "f"
    np.testing.assert_array_equal(labels[:, 0], clf.predict(X))
    np.testing.assert_allclose(scores, -np.sort(-proba, axis=1)[:, :3])
    assert np.all(np.diff(scores, axis=1) <= 0)
    # Each label's score is its column of predict_proba.
    columns = np.searchsorted(clf.classes_, labels)
    np.testing.assert_allclose(np.take_along_axis(proba, columns, axis=1), scores)


def test_string_labels_come_from_classes(blobs):
    X, y = blobs
    labels, _ = predict_top_k(LogisticRegression(max_iter=500).fit(X, y), X[:5], k=6)
    assert set(labels.ravel()) <= set(ACTIONS)
    # k = n_classes: each row is a permutation of all classes.
    for row in labels:
        assert sorted(row) == sorted(ACTIONS)


def test_pipeline(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    labels, scores = predict_top_k(pipe, X, k=2)
    np.testing.assert_array_equal(labels[:, 0], pipe.predict(X))
    np.testing.assert_allclose(scores[:, 0], pipe.predict_proba(X).max(axis=1))


def test_exact_order_and_stable_ties():
    est = _FixedProba(
        proba=[[0.1, 0.6, 0.3], [0.4, 0.2, 0.4], [1 / 3, 1 / 3, 1 / 3]],
        classes=["a", "b", "c"],
    ).fit()
    labels, scores = predict_top_k(est, None, k=3)
    np.testing.assert_array_equal(
        labels, [["b", "c", "a"], ["a", "c", "b"], ["a", "b", "c"]]
    )
    np.testing.assert_allclose(scores[0], [0.6, 0.3, 0.1])
    np.testing.assert_allclose(scores[1], [0.4, 0.4, 0.2])


def test_integer_classes_and_k1():
    est = _FixedProba(proba=[[0.2, 0.8], [0.9, 0.1]], classes=[3, 7]).fit()
    labels, scores = predict_top_k(est, None, k=1)
    np.testing.assert_array_equal(labels, [[7], [3]])
    np.testing.assert_allclose(scores, [[0.8], [0.9]])


def test_default_k_is_3():
    est = _FixedProba(proba=[[0.1, 0.2, 0.3, 0.4]], classes=list("wxyz")).fit()
    labels, _ = predict_top_k(est, None)
    np.testing.assert_array_equal(labels, [["z", "y", "x"]])


def test_k_larger_than_n_classes():
    est = _FixedProba(proba=[[0.5, 0.5]], classes=["a", "b"]).fit()
    with pytest.raises(ValueError, match=r"k=3 .*number of classes.*\(2\)"):
        predict_top_k(est, None, k=3)


@pytest.mark.parametrize("k", [0, -1])
def test_k_below_1(k):
    est = _FixedProba(proba=[[0.5, 0.5]], classes=["a", "b"]).fit()
    with pytest.raises(ValueError, match="at least 1"):
        predict_top_k(est, None, k=k)


@pytest.mark.parametrize("k", [1.5, "2", True])
def test_k_not_an_int(k):
    est = _FixedProba(proba=[[0.5, 0.5]], classes=["a", "b"]).fit()
    with pytest.raises(ValueError, match="integer"):
        predict_top_k(est, None, k=k)


def test_unfitted_estimator():
    with pytest.raises(NotFittedError):
        predict_top_k(LogisticRegression(), [[0.0]], k=1)
