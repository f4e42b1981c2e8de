"""scikit-learn's common estimator checks on every skactrec estimator.

Each estimator is listed with tiny settings; expected failures are looked up per estimator
class in ``_EXPECTED_FAILED_CHECKS``, each with a one-line reason that names a limitation
that cannot be fixed (not a bug).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skactrec import LSTMVideoClassifier

# Small but enough to learn sklearn's blob data (check_classifiers_train wants > 0.83
# training accuracy); a 2-D X is read as one time step per sample.
ESTIMATORS = [
    LSTMVideoClassifier(
        n_units=8, epochs=15, batch_size=25, learning_rate=0.02, random_state=0
    ),
]

# {estimator class: {check name: reason}}
_EXPECTED_FAILED_CHECKS = {
    LSTMVideoClassifier: {},
}


def _expected_failed_checks(estimator):
    return _EXPECTED_FAILED_CHECKS.get(type(estimator), {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
