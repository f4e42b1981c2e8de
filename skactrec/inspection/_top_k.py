"""predict_top_k: the k most probable classes of each sample, as in the paper's figure 7."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted


def predict_top_k(estimator, X, *, k=3):
    """Return the ``k`` most probable classes of each sample, with their probabilities.

    Orozco et al. show, for each video, the top-3 classes with their scores (figure 7);
    this computes them for any fitted classifier.

    Parameters
    ----------
    estimator : fitted classifier
        Any fitted estimator with ``predict_proba`` and ``classes_``, e.g.
        ``LSTMVideoClassifier`` or a :class:`~sklearn.pipeline.Pipeline` ending in one.
    X : array-like
        Input accepted by ``estimator.predict_proba``.
    k : int, default=3
        Number of classes to return per sample, between 1 and ``len(estimator.classes_)``.

    Returns
    -------
    labels : ndarray of shape (n_samples, k)
        The ``k`` best classes of each sample, taken from ``estimator.classes_``, best
        first. Equal probabilities keep the order of ``classes_``.
    scores : ndarray of shape (n_samples, k)
        Their probabilities, in decreasing order.

    Raises
    ------
    ValueError
        If ``k`` is not an integer between 1 and the number of classes.

    See Also
    --------
    LSTMVideoClassifier : The video classifier of the paper.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skactrec import predict_top_k
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> y = np.array(["walk", "walk", "jog", "jog", "run", "run"])
    >>> clf = LogisticRegression().fit(X, y)
    >>> labels, scores = predict_top_k(clf, [[0.2], [4.8]], k=2)
    >>> labels
    array([['walk', 'jog'],
           ['run', 'jog']], dtype='<U4')
    >>> scores.shape
    (2, 2)
    >>> bool(np.all(scores[:, 0] >= scores[:, 1]))
    True
    """
    check_is_fitted(estimator)
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"predict_top_k needs an estimator with predict_proba; "
            f"{estimator.__class__.__name__} has none."
        )
    classes = np.asarray(estimator.classes_)
    k = check_k(k, len(classes))
    return top_k_of_proba(classes, np.asarray(estimator.predict_proba(X)), k)


def check_k(k, n_classes):
    """``k`` if it is an integer from 1 to ``n_classes``; else a ValueError saying so."""
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise ValueError(f"k must be an integer, got {k!r}.")
    if k < 1:
        raise ValueError(f"k must be at least 1, got k={k}.")
    if k > n_classes:
        raise ValueError(
            f"k={k} is larger than the number of classes of the estimator ({n_classes})."
        )
    return int(k)


def top_k_of_proba(classes, proba, k):
    """The ``k`` best of ``classes`` per row of ``proba``, with their probabilities."""
    # A stable sort of the negated probabilities: ties keep the order of classes_.
    order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return classes[order], np.take_along_axis(proba, order, axis=1)
