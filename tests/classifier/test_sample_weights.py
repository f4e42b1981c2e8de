"""Sample and class weights: scikit-learn's meaning, through a Pipeline, bad ones named."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.class_weight import compute_sample_weight

from skactrec import LSTMVideoClassifier


@pytest.fixture(scope="module")
def imbalanced():
    """16 videos, 12 of class "a" and 4 of "b", told apart by their first feature."""
    rng = np.random.RandomState(0)
    y = np.array(["a"] * 12 + ["b"] * 4)
    X = rng.normal(0, 1, (16, 3, 4)).astype(np.float32)
    X[:, :, 0] += 1.0 * (y == "b")[:, None]
    return X, y


def _fit(X, y, **kwargs):
    params = {"n_units": 4, "epochs": 3, "batch_size": 5, "learning_rate": 0.01,
              "random_state": 0}
    fit_params = {k: kwargs.pop(k) for k in list(kwargs) if k == "sample_weight"}
    return LSTMVideoClassifier(**params, **kwargs).fit(X, y, **fit_params)


def test_balanced_is_compute_sample_weight_and_ones_are_no_weights(imbalanced):
    X, y = imbalanced
    plain = _fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(_fit(X, y, sample_weight=np.ones(16)).predict_proba(X),
                                  plain)
    balanced = _fit(X, y, class_weight="balanced").predict_proba(X)
    np.testing.assert_allclose(
        _fit(X, y, sample_weight=compute_sample_weight("balanced", y)).predict_proba(X),
        balanced, rtol=1e-6)
    assert np.abs(balanced - plain).max() > 1e-3  # the weights change the fit
    # A dict: classes left out weigh 1; multiplied with sample_weight.
    np.testing.assert_allclose(
        _fit(X, y, class_weight={"b": 3.0}, sample_weight=np.full(16, 2.0)).predict_proba(X),
        _fit(X, y, sample_weight=np.where(y == "b", 6.0, 2.0)).predict_proba(X), rtol=1e-6)


def test_weights_pass_through_a_pipeline_and_score(imbalanced):
    X, y = imbalanced
    weights = np.linspace(0.5, 2, 16)
    pipe = make_pipeline(FunctionTransformer(), LSTMVideoClassifier(
        n_units=4, epochs=3, batch_size=5, learning_rate=0.01, random_state=0))
    pipe.fit(X, y, lstmvideoclassifier__sample_weight=weights)
    np.testing.assert_array_equal(pipe.predict_proba(X),
                                  _fit(X, y, sample_weight=weights).predict_proba(X))
    right = pipe.predict(X) == y
    assert pipe.score(X, y, sample_weight=weights) == pytest.approx(
        np.sum(weights * right) / np.sum(weights))


@pytest.mark.parametrize("kwargs, match", [
    ({"sample_weight": np.ones(15)}, r"sample_weight.shape == \(15,\), expected \(16,\)"),
    ({"sample_weight": np.r_[-1.0, np.ones(15)]}, "Negative values in data passed to "
                                                  "`sample_weight`"),
    ({"sample_weight": np.zeros(16)}, "zero"),
    ({"class_weight": {"a": 1.0, "c": 2.0}}, r"class_weight names classes that are not in "
                                             r"y: \['c'\]"),
    ({"class_weight": {"a": 0.0}, "sample_weight": np.where(np.arange(16) < 12, 1.0, 0.0)},
     "zero for every video"),
])
def test_bad_weights_are_named(imbalanced, kwargs, match):
    X, y = imbalanced
    with pytest.raises(ValueError, match=match):
        _fit(X, y, **kwargs)
