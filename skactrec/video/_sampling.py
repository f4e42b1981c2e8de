"""Which frames a video is read as: the checks of ``read_video``'s arguments, and the
indices of the frames kept.

Both readers (files in ``_decode``, arrays in ``_arrays``) take the same checked
arguments and sample with :func:`sample_frame_indices`, so a file and the array of its
frames give the same frames. :func:`check_frame_size` is also the featurizer's check of
its ``frame_size`` (with VGG16's minimum).
"""

import numbers

import numpy as np

__all__ = ["check_frame_size", "check_n_frames", "check_sampling", "check_timeout",
           "sample_frame_indices"]

SAMPLINGS = ("first", "uniform")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_n_frames(n_frames):
    """``n_frames`` as an int >= 1, or None."""
    if n_frames is None:
        return None
    if not _is_int(n_frames):
        raise TypeError(f"n_frames must be an int >= 1 or None, got {n_frames!r}")
    if n_frames < 1:
        raise ValueError(f"n_frames must be an int >= 1 or None, got {n_frames!r}")
    return int(n_frames)


def check_frame_size(frame_size, *, minimum=1, allow_none=True, minimum_is=""):
    """``frame_size`` as ``(height, width)``, or None (where ``allow_none``).

    Parameters
    ----------
    frame_size : int, tuple of (int, int) or None
        An int for square frames, or ``(height, width)``.
    minimum : int, default=1
        The smallest height and width allowed.
    allow_none : bool, default=True
        Whether None (the video's own size) is allowed.
    minimum_is : str, default=""
        What the minimum is, for the error message (e.g. ``"VGG16's smallest input"``).

    Returns
    -------
    size : tuple of (int, int) or None

    Raises
    ------
    TypeError
        If ``frame_size`` is neither an int nor a pair of ints (nor an allowed None).
    ValueError
        If its height or width is below ``minimum``.

    Examples
    --------
    >>> from skactrec.video._sampling import check_frame_size
    >>> check_frame_size(224), check_frame_size((120, 160)), check_frame_size(None)
    ((224, 224), (120, 160), None)
    """
    if frame_size is None and allow_none:
        return None
    if _is_int(frame_size):
        size = (int(frame_size), int(frame_size))
    elif (isinstance(frame_size, (tuple, list)) and len(frame_size) == 2
          and all(_is_int(s) for s in frame_size)):
        size = (int(frame_size[0]), int(frame_size[1]))
    else:
        raise TypeError(
            "frame_size must be an int, a (height, width) tuple of ints"
            f"{' or None' if allow_none else ''}, got {frame_size!r}"
        )
    if min(size) < minimum:
        why = f" ({minimum_is})" if minimum_is else ""
        raise ValueError(f"frame_size must be at least {minimum}{why} in height and width, "
                         f"got {frame_size!r}")
    return size


def check_sampling(sampling):
    """``sampling``, one of :data:`SAMPLINGS`."""
    if not isinstance(sampling, str) or sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    return sampling


def check_timeout(timeout):
    """``timeout``, a positive number of seconds."""
    if not (isinstance(timeout, numbers.Real) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    return timeout


def sample_frame_indices(n_available, n_frames, sampling):
    """Indices of the frames to keep from a video of ``n_available`` frames.

    Parameters
    ----------
    n_available : int
        Number of frames in the video, >= 1.
    n_frames : int or None
        Number of frames wanted, >= 1; None keeps every frame.
    sampling : {"first", "uniform"}
        ``"first"``: the first ``n_frames`` frames, a shorter video padded by
        repeating its last frame. ``"uniform"``: the frames at the centres of
        ``n_frames`` equal segments of the video,
        ``floor((arange(n_frames) + 0.5) * n_available / n_frames)``; a video shorter
        than ``n_frames`` repeats frames.

    Returns
    -------
    indices : ndarray of shape (n_frames,), dtype intp
        Non-decreasing indices in ``[0, n_available)``.

    Examples
    --------
    >>> from skactrec.video._sampling import sample_frame_indices
    >>> sample_frame_indices(5, 8, "first")
    array([0, 1, 2, 3, 4, 4, 4, 4])
    >>> sample_frame_indices(100, 4, "uniform")
    array([12, 37, 62, 87])
    """
    if not _is_int(n_available):
        raise TypeError(f"n_available must be an int, got {n_available!r}")
    if n_available < 1:
        raise ValueError(f"n_available must be >= 1, got {n_available!r}")
    n_frames = check_n_frames(n_frames)
    sampling = check_sampling(sampling)
    n_available = int(n_available)
    if n_frames is None:
        return np.arange(n_available, dtype=np.intp)
    steps = np.arange(n_frames, dtype=np.int64)
    if sampling == "first":
        indices = np.minimum(steps, n_available - 1)
    else:
        # floor((i + 0.5) * T / n) in exact integer arithmetic.
        indices = ((2 * steps + 1) * n_available) // (2 * n_frames)
    return indices.astype(np.intp)
