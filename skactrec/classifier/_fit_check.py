"""Whether a fit learned anything: its final training loss against the loss of guessing."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

# A fit whose final training loss is above this share of the loss of guessing the class
# frequencies has learned little of its training videos. Fits that fit end far below it
# (0.004-0.014 against 1.1-1.6 on ImageNet's features of real clips); the paper's learning
# rate stalled at 0.69-0.88 of it on videos panning slightly over real clips, training
# accuracy 0.67-0.92 (benchmarks/RESULTS.md).
NOT_FITTED_SHARE = 0.5


def guessing_loss(class_counts, output_activation):
    """The training loss of a model that answers the class frequencies for every video."""
    p = np.asarray(class_counts, float) / np.sum(class_counts)
    p = p[p > 0]
    if output_activation == "softmax":  # categorical cross-entropy
        return float(-(p * np.log(p)).sum())
    q = p[p < 1]  # binary cross-entropy, averaged over the outputs
    return float(-(p * np.log(p)).sum() - ((1 - q) * np.log(1 - q)).sum()) / len(class_counts)


def unfitted_loss(estimator, Y, sample_weight=None):
    """``(final, guess)``: the last epoch's training loss of ``estimator`` fitted on the
    one-hot ``Y`` (each video weighing ``sample_weight``, None: 1) and the loss of guessing
    the class frequencies, when the first is more than half the second (the fit did not
    fit); None otherwise, or when there is no finite loss to judge."""
    losses = estimator.history_.get("loss") or []
    if not losses or not np.isfinite(losses[-1]):
        return None
    weights = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
    # Keras averages the weighted losses over the videos: guessing the weighted class
    # frequencies costs their entropy times the mean weight.
    guess = weights.mean() * guessing_loss(weights @ Y, estimator.output_activation)
    return (float(losses[-1]), guess) if losses[-1] > NOT_FITTED_SHARE * guess else None


def warn_if_not_fitted(estimator, Y, sample_weight=None):
    """Warn (``ConvergenceWarning``) when ``estimator``'s last epoch's training loss is
    more than half the loss of guessing: the fit did not fit its training videos."""
    unfitted = unfitted_loss(estimator, Y, sample_weight)
    if unfitted is None:
        return
    final, guess = unfitted
    warnings.warn(
        f"{type(estimator).__name__} did not fit its training videos: its final "
        f"training loss {final:.3f} is more than half of {guess:.3f}, the loss of "
        f"guessing the class frequencies{_accuracy_text(estimator)}. On raw features "
        f"of real frames (VGG16's reach the hundreds), "
        f"learning_rate={estimator.learning_rate:g} may be too high: try a tenth of it, "
        f"with more epochs (epochs={estimator.epochs} now). If history_['loss'] was "
        f"still falling at the end, more epochs alone may do.",
        ConvergenceWarning,
        stacklevel=5,  # the caller of fit (through fit_classifier and _fit_context)
    )


def _accuracy_text(estimator):
    accuracy = estimator.history_.get("accuracy") or []
    return f" (training accuracy {accuracy[-1]:.2f})" if accuracy else ""
