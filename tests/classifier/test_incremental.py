"""partial_fit and warm_start: continued fits train as one uninterrupted fit would."""

import numpy as np
import pytest
from _sequences import FAST, make_sequences

from skactrec import LSTMVideoClassifier

# Dropout draws from the LSTM's seed generator: a continued fit must carry its state over.
SMALL = dict(FAST, epochs=3, dropout=0.2, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_sequences(40)


@pytest.fixture(scope="module")
def five_epochs(data):
    X, y = data
    return LSTMVideoClassifier(**{**SMALL, "epochs": 5}).fit(X, y)


def assert_same_fit(clf, reference, X):
    assert clf.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=1e-6)


def test_partial_fit_epochs_are_a_fits_epochs(data, five_epochs):
    X, y = data
    clf = LSTMVideoClassifier(**SMALL)
    for _ in range(5):
        clf.partial_fit(X, y, classes=["walking", "boxing"])
    assert_same_fit(clf, five_epochs, X)
    np.testing.assert_array_equal(clf.classes_, ["boxing", "walking"])


def test_warm_start_continues_the_fitted_network(data, five_epochs):
    X, y = data
    clf = LSTMVideoClassifier(**SMALL, warm_start=True).fit(X, y)
    assert clf.n_iter_ == 3
    clf.set_params(epochs=2).fit(X, y)
    assert_same_fit(clf, five_epochs, X)
    assert clf.history_["loss"] is clf.loss_curve_ and len(clf.history_["accuracy"]) == 5


def test_without_warm_start_each_fit_starts_anew(data):
    X, y = data
    clf = LSTMVideoClassifier(**SMALL).fit(X, y)
    first = clf.predict_proba(X)
    clf.fit(X, y)
    assert clf.n_iter_ == 3
    np.testing.assert_allclose(clf.predict_proba(X), first, atol=1e-6)


def test_partial_fit_may_see_some_classes_per_call(data):
    X, y = data
    clf = LSTMVideoClassifier(**SMALL).partial_fit(X[y == "boxing"], y[y == "boxing"],
                                                   classes=["boxing", "walking"])
    clf.partial_fit(X[y == "walking"], y[y == "walking"])
    assert clf.n_iter_ == 2 and clf.predict_proba(X).shape == (40, 2)


def test_a_new_learning_rate_applies_to_the_continued_fit(data):
    X, y = data
    clf = LSTMVideoClassifier(**SMALL, warm_start=True).fit(X, y)
    clf.set_params(learning_rate=1e-5).fit(X, y)
    assert float(clf.model_.optimizer.learning_rate) == pytest.approx(1e-5)


@pytest.mark.parametrize("calls, match", [
    ([("partial_fit", {}, {})], "classes must be passed on the first call"),
    ([("partial_fit", {}, {"classes": ["boxing"]})], "at least 2 classes"),
    ([("partial_fit", {}, {"classes": ["boxing", "running"]})],
     r"y has classes that are not in classes: \['walking'\]"),
    ([("partial_fit", {}, {"classes": ["boxing", "walking"]}),
      ("partial_fit", {}, {"classes": ["boxing", "jogging", "walking"]})],
     "not the same as on the first call"),
    ([("partial_fit", {"early_stopping": True}, {"classes": ["boxing", "walking"]})],
     "partial_fit does not support early_stopping"),
    ([("fit", {"warm_start": True}, {}), ("fit", {"n_units": 5}, {})],
     "n_units changed from 8 to 5 since the network was built"),
    ([("fit", {"warm_start": True}, {}), ("fit", {"relabel": True}, {})],
     r"needs y to have the classes it was fitted on: \['boxing', 'walking'\]"),
])
def test_continued_fits_name_what_does_not_match(data, calls, match):
    X, y = data
    clf = LSTMVideoClassifier(**{**SMALL, "epochs": 1})
    with pytest.raises(ValueError, match=match):
        for method, params, kwargs in calls:
            labels = np.where(y == "boxing", "boxing", "running") if params.pop(
                "relabel", False) else y
            getattr(clf.set_params(**params), method)(X, labels, **kwargs)
