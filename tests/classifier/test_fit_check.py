"""A fit that learned nothing of its training videos says so (ConvergenceWarning)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skactrec import LSTMVideoClassifier
from skactrec.classifier._fit_check import guessing_loss


def test_guessing_loss_is_the_entropy_of_the_class_frequencies():
    assert guessing_loss([5, 5], "softmax") == pytest.approx(np.log(2))
    assert guessing_loss([1, 1, 2], "softmax") == pytest.approx(1.5 * np.log(2))
    # sigmoid: binary cross-entropy of each output, averaged over the outputs
    assert guessing_loss([5, 5], "sigmoid") == pytest.approx(np.log(2))


def test_a_fit_that_did_not_fit_warns_with_the_remedy():
    X = np.zeros((12, 3, 4), np.float32)  # nothing to learn but the class frequencies
    y = np.arange(12) % 3
    classifier = LSTMVideoClassifier(n_units=4, epochs=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="did not fit its training videos") as record:
        classifier.fit(X, y)
    message = str(record[0].message)
    assert "learning_rate=0.001" in message and "epochs=3" in message
    assert f"{np.log(3):.3f}" in message  # the loss of guessing, for 3 balanced classes
    assert len(np.unique(classifier.predict(X))) == 1


def test_a_fit_that_fits_does_not_warn():
    rng = np.random.RandomState(0)
    y = np.arange(40) % 2
    X = rng.normal(0, 1, (40, 3, 4)).astype(np.float32) + 3 * y[:, None, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        classifier = LSTMVideoClassifier(n_units=8, epochs=20, batch_size=8,
                                         learning_rate=0.01, random_state=0).fit(X, y)
    assert classifier.history_["loss"][-1] < 0.5 * np.log(2)
