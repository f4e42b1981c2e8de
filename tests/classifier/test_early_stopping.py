"""Early stopping with MLPClassifier's names: a stratified held-out share, the best epoch kept."""

import numpy as np
import pytest
from _sequences import FAST, make_sequences
from sklearn.metrics import accuracy_score

from skactrec import LSTMVideoClassifier
from skactrec.classifier._early_stopping import stratified_validation

STOPPING = dict(FAST, epochs=40, early_stopping=True, validation_fraction=0.25,
                n_iter_no_change=3, random_state=0)


def held_out(clf, y):
    """The videos a fit of ``clf`` held out: drawn again as the fit draws them."""
    codes = np.searchsorted(clf.classes_, y)
    return stratified_validation(codes, clf.validation_fraction,
                                 np.random.RandomState(clf.random_state))[1]


@pytest.fixture(scope="module")
def stopped():
    X, y = make_sequences(48)
    return LSTMVideoClassifier(**STOPPING).fit(X, y), X, y


def epochs_until_stop(scores, n_iter_no_change, tol):
    """MLPClassifier's rule: stop once the score has not risen by ``tol`` above the best so
    far for ``n_iter_no_change`` epochs in a row."""
    best, without = -np.inf, 0
    for epoch, score in enumerate(scores, start=1):
        without = without + 1 if score < best + tol else 0
        best = max(best, score)
        if without >= n_iter_no_change:
            return epoch
    return None


def test_stops_when_validation_accuracy_stops_improving(stopped):
    clf, X, y = stopped
    scores = clf.validation_scores_
    assert epochs_until_stop(scores, 3, 1e-4) == clf.n_iter_ == len(clf.loss_curve_) < 40
    assert clf.loss_curve_ == clf.history_["loss"]
    assert scores == pytest.approx(clf.history_["val_accuracy"])
    assert clf.best_validation_score_ == max(scores)
    assert clf.best_loss_ is None


def test_keeps_the_weights_of_the_best_epoch(stopped):
    clf, X, y = stopped
    assert int(np.argmax(clf.validation_scores_)) < clf.n_iter_ - 1  # the best came earlier
    validation = held_out(clf, y)
    assert accuracy_score(y[validation], clf.predict(X[validation])) == pytest.approx(
        clf.best_validation_score_)


def test_held_out_videos_are_stratified_and_reproducible():
    y = np.array([0] * 30 + [1] * 10)
    first = stratified_validation(y, 0.2, np.random.RandomState(0))
    again = stratified_validation(y, 0.2, np.random.RandomState(0))
    other = stratified_validation(y, 0.2, np.random.RandomState(1))
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])
    train, validation = first
    assert len(validation) == 8 and np.bincount(y[validation]).tolist() == [6, 2]
    assert sorted(np.concatenate([train, validation]).tolist()) == list(range(40))


def test_weighted_validation_score_counts_each_video_by_its_weight():
    X, y = make_sequences(48)
    weights = np.where(y == "boxing", 3.0, 1.0)
    clf = LSTMVideoClassifier(**STOPPING).fit(X, y, sample_weight=weights)
    validation = held_out(clf, y)
    assert accuracy_score(y[validation], clf.predict(X[validation]),
                          sample_weight=weights[validation]) == pytest.approx(
        clf.best_validation_score_)


def test_without_early_stopping_every_epoch_runs():
    X, y = make_sequences(24)
    clf = LSTMVideoClassifier(**{**FAST, "epochs": 4}, random_state=0).fit(X, y)
    assert clf.n_iter_ == 4 and clf.validation_scores_ is None
    assert clf.best_validation_score_ is None
    assert clf.best_loss_ == min(clf.loss_curve_)


@pytest.mark.parametrize("params, fit_y, match", [
    (dict(validation_fraction=0.03), None, r"validation_fraction=0.03 of 24 videos holds out 1,"),
    (dict(validation_fraction=0.95), None, r"leaves 1 to train on"),
    (dict(validation_split=0.2), None, "validation_split=0.2 would hold out others"),
    ({}, ["a"] + ["b", "c"] * 11 + ["b"], r"classes \['a'\] have a single video"),
])
def test_bad_early_stopping_settings_are_named(params, fit_y, match):
    X, y = make_sequences(24)
    y = y if fit_y is None else np.array(fit_y)
    if "validation_fraction" not in params and "validation_split" not in params:
        params = dict(params, validation_fraction=0.5)
    clf = LSTMVideoClassifier(**FAST, early_stopping=True, **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


@pytest.mark.parametrize("params, match", [
    (dict(n_iter_no_change=0), "n_iter_no_change"),
    (dict(validation_fraction=1.0), "validation_fraction"),
    (dict(validation_fraction=0.0), "validation_fraction"),
    (dict(tol=-1.0), "tol"),
    (dict(early_stopping="yes"), "early_stopping"),
])
def test_bad_parameters_are_named(params, match):
    X, y = make_sequences(8)
    with pytest.raises(ValueError, match=match):
        LSTMVideoClassifier(**params).fit(X, y)
