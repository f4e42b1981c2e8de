"""skactrec fit's choice: LSTM settings and the pooling head, cross-validated side by side."""

import logging

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import FunctionTransformer

from skactrec import LSTMVideoClassifier, TemporalPooling
from skactrec.experiments._candidates import (
    POOLING_HEAD,
    default_candidates,
    flat_pipeline,
    pooling_head,
    search_candidates,
)


class FirstClass(ClassifierMixin, BaseEstimator):
    """Always the first class, with a training loss of guessing (as a failed LSTM fit)."""

    output_activation = "softmax"

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.history_ = {"loss": [np.log(len(self.classes_))]}
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _videos(n=16, n_frames=3, n_features=4):
    """Class told by the mean of the first feature over the frames."""
    rng = np.random.RandomState(0)
    y = np.array(["a", "b"])[np.arange(n) % 2]
    X = rng.normal(0, 0.1, (n, n_frames, n_features)).astype(np.float32)
    X[:, :, 0] += 2.0 * (y == "b")[:, None]
    return X, y


def test_default_candidates_come_cheapest_first():
    heads = default_candidates(LSTMVideoClassifier(epochs=7), units=[128, 64],
                               learning_rates=[1e-3, 1e-4, 1e-3])
    assert list(heads) == [POOLING_HEAD, "LSTM 64 units, lr 0.001", "LSTM 64 units, lr 0.0001",
                           "LSTM 128 units, lr 0.001", "LSTM 128 units, lr 0.0001"]
    lstm = heads["LSTM 128 units, lr 0.0001"]
    assert (lstm.n_units, lstm.learning_rate, lstm.epochs) == (128, 1e-4, 7)
    assert isinstance(heads[POOLING_HEAD][0], TemporalPooling)
    assert list(default_candidates(LSTMVideoClassifier(), units=[], learning_rates=[1e-3])) \
        == [POOLING_HEAD]
    with pytest.raises(ValueError, match="no candidate"):
        default_candidates(LSTMVideoClassifier(), units=[], learning_rates=[1e-3],
                           pooling=False)


def test_each_candidate_is_scored_held_out_and_on_its_training_folds(caplog):
    X, y = _videos()
    heads = {"first class": FirstClass(), POOLING_HEAD: pooling_head()}
    with caplog.at_level(logging.INFO, logger="skactrec"):
        result = search_candidates(FunctionTransformer(), heads, X, y,
                                   cv=StratifiedKFold(4), verbose=1)
    assert result.names == ["first class", POOLING_HEAD] and result.n_splits == 4
    np.testing.assert_allclose(result.mean, [0.5, 1.0])
    np.testing.assert_allclose(result.train, [0.5, 1.0])
    assert result.folds.shape == (2, 4)
    # The failed fits are counted on the training folds, where their loss was judged.
    np.testing.assert_array_equal(result.unfitted, [4, 0])
    assert result.best == 1 and result.best_name == POOLING_HEAD
    # The refitted model is flat: the featurizer, then the head's own steps.
    assert [type(step).__name__ for _, step in result.model.steps] == [
        "FunctionTransformer", "TemporalPooling", "StandardScaler", "LogisticRegression"]
    assert result.model.score(X, y) == 1.0
    fits = [r.getMessage() for r in caplog.records if "fits (candidates x folds)" in
            r.getMessage()]
    assert fits and "8/8 fits" in fits[-1]  # fits, not the 16 scorings


def test_equal_candidates_go_to_the_first():
    X, y = _videos()
    result = search_candidates(FunctionTransformer(), {"one": FirstClass(), "two": FirstClass()},
                               X, y, cv=StratifiedKFold(2))
    assert result.best_name == "one" and isinstance(result.model[-1], FirstClass)


def test_an_lstm_that_did_not_fit_is_flagged_on_each_fold():
    X = np.zeros((12, 3, 4), np.float32)  # nothing to learn but the class frequencies
    y = np.arange(12) % 3
    heads = {"LSTM": LSTMVideoClassifier(n_units=4, epochs=2, random_state=0)}
    with pytest.warns(ConvergenceWarning, match="did not fit"):
        result = search_candidates(FunctionTransformer(), heads, X, y, cv=StratifiedKFold(2))
    np.testing.assert_array_equal(result.unfitted, [2])
    assert result.train[0] == pytest.approx(1 / 3)


def test_flat_pipeline_of_a_single_estimator():
    model = flat_pipeline(FunctionTransformer(), FirstClass())
    assert [name for name, _ in model.steps] == ["functiontransformer", "firstclass"]
