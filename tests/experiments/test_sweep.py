"""The one unit sweep of the experiments: GridSearchCV over the units, its progress, its rule."""

import logging
import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline

from skactrec.experiments._sweep import (
    UNITS_PARAM,
    CountedScorer,
    fill_store,
    sweep_scores,
    sweep_units,
)
from skactrec.utils._progress import Progress


class UnitsClassifier(ClassifierMixin, BaseEstimator):
    """Right on every sample from 4 units on, else always the first class: no Keras."""

    def __init__(self, n_units=1):
        self.n_units = n_units

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        X = np.asarray(X)
        if self.n_units >= 4:
            return self.classes_[X[:, 0] % 2]
        return np.full(len(X), self.classes_[0])


def _data():
    X = np.arange(12)[:, None]
    return X, np.array(["even", "odd"])[X[:, 0] % 2]


def test_sweep_is_a_grid_search_whose_ties_go_to_the_fewest_units(caplog):
    X, y = _data()
    pipeline = Pipeline([("lstmvideoclassifier", UnitsClassifier())])
    with caplog.at_level(logging.INFO, logger="skactrec"):
        search = sweep_units(pipeline, X, y, units=[8, 4, 2], cv=2, verbose=1)
    assert list(search.cv_results_[f"param_{UNITS_PARAM}"]) == [2, 4, 8]  # increasing
    # 4 and 8 units are both right on every video: the refitted model has the fewer.
    assert search.best_params_ == {UNITS_PARAM: 4}
    assert search.best_estimator_[-1].n_units == 4
    scores = sweep_scores(search)
    assert scores.units == [2, 4, 8] and scores.best_units == 4 and scores.best_score == 1.0
    np.testing.assert_array_equal(scores.folds, [[0.5, 0.5], [1, 1], [1, 1]])
    np.testing.assert_array_equal(scores.mean, [0.5, 1, 1])
    # The progress of the 3 x 2 fits made in this process, through logging off a terminal.
    fits = [r.getMessage() for r in caplog.records if "LSTM fits" in r.getMessage()]
    assert fits and "6/6 fits" in fits[-1]


def test_sweep_says_nothing_when_verbose_is_0(caplog):
    X, y = _data()
    with caplog.at_level(logging.DEBUG, logger="skactrec"):
        sweep_units(Pipeline([("lstmvideoclassifier", UnitsClassifier())]), X, y,
                    units=[2, 4], cv=2, refit=False, verbose=0)
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]


def _one(estimator, X, y):
    return 1.0


def test_a_scorer_sent_to_another_process_leaves_the_bar_behind():
    scorer = CountedScorer(_one)
    with Progress(2, "fits", verbose=0) as progress:
        scorer.progress = progress
        scorer(None, None, None)
        copy = pickle.loads(pickle.dumps(scorer))
    assert progress.done == 1 and copy.progress is None
    assert copy(None, None, None) == 1.0


def test_fill_store_without_a_store_reads_nothing():
    class NoStore:
        memory = None

        def fit(self, X):  # pragma: no cover - must not be reached
            raise AssertionError("a featurizer without a store was run")

    fill_store(NoStore(), ["missing.mp4"], verbose=1)


def test_multimetric_scoring_without_refit_keeps_every_number():
    X, y = _data()

    def scoring(estimator, X, y):
        predicted = estimator.predict(X)
        return {"accuracy": float(np.mean(predicted == y)), "n": len(y)}

    search = sweep_units(Pipeline([("lstmvideoclassifier", UnitsClassifier())]), X, y,
                         units=[2, 4], cv=3, scoring=scoring, refit=False)
    assert sweep_scores(search, "accuracy").best_units == 4
    assert list(search.cv_results_["split2_test_n"]) == [4, 4]
    with pytest.raises(AttributeError):
        search.best_estimator_  # noqa: B018
