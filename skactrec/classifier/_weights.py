"""Each training video's weight in the loss: ``sample_weight`` times ``class_weight``."""

import numpy as np
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import _check_sample_weight


def video_weights(sample_weight, class_weight, X, y, classes):
    """The float32 weight of each video, or None when every video weighs 1 (the same fit
    as no weights, without weighing each batch).

    Raises a ValueError naming the problem: ``sample_weight`` of the wrong length,
    negative or all zero; a ``class_weight`` naming classes that ``y`` does not hold.
    """
    if isinstance(class_weight, dict):
        known = set(classes.tolist())
        unknown = [c for c in class_weight if c not in known]
        if unknown:
            raise ValueError(f"class_weight names classes that are not in y: {unknown!r}; "
                             f"the classes are {classes.tolist()!r}.")
    if sample_weight is None and class_weight is None:
        return None
    weights = np.ones(len(y)) if sample_weight is None else _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    if class_weight is not None:
        weights = weights * compute_sample_weight(class_weight, y)
    if not weights.any():
        raise ValueError("sample_weight is zero for every video (times class_weight): "
                         "no video would count in the loss.")
    return None if np.all(weights == 1) else weights.astype(np.float32)
