"""The featurizer's inputs: a sequence of videos and a frame size, checked with clear errors.

The frame size is checked by the video layer's ``check_frame_size`` (the one that
``read_video`` uses), with VGG16's smallest input as the minimum.
"""

import os

import numpy as np

from ..video._sampling import check_frame_size
from ._vgg16 import MIN_FRAME_SIZE


def frame_size_tuple(frame_size):
    """``frame_size`` as ``(height, width)``, each at least VGG16's smallest input."""
    return check_frame_size(frame_size, minimum=MIN_FRAME_SIZE, allow_none=False,
                            minimum_is="VGG16's smallest input")


def check_videos(X):
    """``X`` as a list of videos (paths or arrays), with a clear error for anything else.

    A video is a path (str or os.PathLike) or an array ``(n_frames, height, width)`` or
    ``(n_frames, height, width, channels)``. A numeric array of 4 or 5 dimensions is a
    batch of array videos, one per first-axis index. A single path, a single video, a
    2-D array of numbers (a feature matrix is not a video batch) and sparse input are
    refused.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec.features._video_inputs import check_videos
    >>> len(check_videos(["a.mp4", np.zeros((3, 32, 32, 3), np.uint8)]))
    2
    >>> len(check_videos(np.zeros((5, 3, 32, 32), np.uint8)))  # 5 grayscale videos
    5
    """
    if isinstance(X, (str, bytes, os.PathLike)):
        raise TypeError(
            f"Expected a sequence of videos; got a single path {os.fsdecode(X)!r}. "
            "Wrap it in a list: [path]."
        )
    if hasattr(X, "tocsr") or hasattr(X, "sparse"):  # scipy.sparse, pandas sparse
        raise TypeError("Sparse input is not supported: expected a sequence of videos.")
    if hasattr(X, "columns"):  # a DataFrame would iterate over its column names
        raise TypeError(
            "Expected a sequence of videos; got a DataFrame. Pass the column that holds "
            "the video paths, e.g. df['path']."
        )
    if isinstance(X, np.ndarray) and X.dtype.kind in "biufc" and X.ndim not in (4, 5):
        raise ValueError(
            f"Expected a sequence of videos; got a numeric array of shape {X.shape}. A batch "
            "of array videos has 4 dimensions (n_videos, n_frames, height, width) or 5 "
            "(..., channels); for a list of files or of arrays of different sizes, pass a list."
        )
    if not hasattr(X, "__len__") or not hasattr(X, "__getitem__"):
        raise TypeError(
            "Expected a sequence of videos (a list of paths and/or arrays); got "
            f"{type(X).__name__}."
        )
    videos = list(X)
    if not videos:
        raise ValueError("Expected at least one video; got an empty sequence.")
    for i, video in enumerate(videos):
        if isinstance(video, (str, os.PathLike)):
            continue
        if not isinstance(video, np.ndarray):
            raise TypeError(
                f"Video {i} is a {type(video).__name__}; expected a path (str or os.PathLike) "
                "or a numpy array (n_frames, height, width[, channels])."
            )
        if video.ndim not in (3, 4) or video.size == 0:
            raise ValueError(
                f"Video {i} is an array of shape {video.shape}; expected (n_frames, height, "
                "width) or (n_frames, height, width, channels) with no empty axis."
            )
    return videos
