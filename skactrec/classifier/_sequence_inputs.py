"""The frame-feature sequences a classifier takes: validated as sklearn validates, without
copying a float32 or float16 array (np.memmap included) and without allocating its size."""

import numpy as np
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ._batches import BatchReader

# Dtypes of X used as they are (a float16 or float32 np.memmap is not copied); any other
# dtype is converted to the first one.
_DTYPES = [np.float32, np.float16]

# Number of values of X checked for NaN and infinity at a time (read from the file of a
# memmap X into a buffer of that size).
_FINITE_CHECK_CHUNK = 1 << 21


def _check_finite(X, estimator_name):
    """Raise sklearn's ValueError if X holds NaN or infinity, reading X a chunk of videos
    at a time: one streaming pass, with temporaries of a chunk's size at most."""
    step = max(1, _FINITE_CHECK_CHUNK // max(1, X[:1].size))
    with BatchReader(X) as reader:  # a memmap's file is read, not mapped into RSS
        for chunk in reader.chunks(step):
            assert_all_finite(chunk, estimator_name=estimator_name, input_name="X")
            del chunk  # freed before the next one is read


def validate_sequences(estimator, X, y=None, *, reset):
    """Validate X as float32 or float16, 2-D (one step per video) or 3-D; check y too
    when given (in fit), setting or checking ``estimator``'s ``n_features_in_``.

    Returns ``X`` as a 3-D float32 or float16 array, not copied when it was one (a
    2-D input becomes a view with one time step), and ``y`` validated when given.
    """
    name = estimator.__class__.__name__
    if not (hasattr(X, "ndim") and hasattr(X, "shape")):
        X = np.asarray(X)  # lists and other array-likes, as check_array would
    if X.ndim not in (2, 3):
        raise ValueError(
            f"{name} expects X as a 3-D array (n_videos, n_frames, "
            "n_features) or a 2-D array (n_videos, n_features), read as one frame per "
            f"video; got an array with {X.ndim} dimension(s) instead. Reshape your data "
            "to one of these shapes."
        )
    ndim = X.ndim
    # float32 and float16 arrays are used as they are, np.memmap included (no copy);
    # other dtypes become float32. Finiteness is checked below in chunks, not by
    # check_array: its check of a float16 array whose sum overflows allocates
    # boolean arrays the size of X.
    kwargs = dict(dtype=_DTYPES, ensure_all_finite=False)
    if ndim == 2:
        # validate_data sets/checks n_features_in_ and feature_names_in_ (DataFrames).
        if y is None:
            X = validate_data(estimator, X, reset=reset, **kwargs)
        else:
            X, y = validate_data(estimator, X, y, reset=reset, **kwargs)
        _check_finite(X, name)
        return X[:, np.newaxis, :], y

    # 3-D: validate_data(allow_nd=True) would count axis 1 (frames) as the features,
    # so X is checked here and the feature count is the last axis.
    if y is not None:
        # Validates y only; with reset=True it also drops a stale feature_names_in_.
        y = validate_data(estimator, X="no_validation", y=y, reset=reset)
    X = check_array(X, allow_nd=True, estimator=estimator, input_name="X", **kwargs)
    _check_finite(X, name)
    if X.shape[1] < 1 or X.shape[2] < 1:
        raise ValueError(
            f"Found array with shape {X.shape}, but a minimum of 1 frame and 1 feature "
            f"is required by {name}."
        )
    n_features = X.shape[2]
    if reset:
        estimator.n_features_in_ = n_features
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input (features made with other "
            "featurizer settings than at fit? The layer, frame_size and pooling of "
            "VGG16FrameFeaturizer set the feature count; n_frames may differ)."
        )
    if y is not None:
        check_consistent_length(X, y)
    return X, y
