"""Videos given as numpy arrays: checked, sampled and resized like files, in memory.

A file's frames are sampled and scaled by ffmpeg (``_decode``); an array's are sampled
with the same :func:`~skactrec.video._sampling.sample_frame_indices` and resized by
:func:`~skactrec.video._resize.resize_frames`, an antialiased linear filter like ffmpeg's
bilinear ``scale``, so both give about the same frames. Only the sampled frames are
converted (copied, rounded, made RGB), and the caller's array is never modified.
"""

import warnings

import numpy as np

from ._errors import VideoReadError
from ._resize import resize_frames
from ._sampling import sample_frame_indices

__all__ = ["read_array"]


def _check_shape(video):
    """Whether ``video`` is grayscale without a channel axis; an error for other shapes."""
    if not (video.ndim == 3 or (video.ndim == 4 and video.shape[-1] in (1, 3, 4))):
        raise VideoReadError(
            "array",
            "expected shape (n_frames, height, width, 3) (RGB), (..., 4) (RGBA, alpha "
            "dropped), (..., 1) or (n_frames, height, width) (grayscale), "
            f"got shape {video.shape}",
        )
    if min(video.shape[:3]) == 0:
        raise VideoReadError("array", f"the video is empty: shape {video.shape}")
    return video.ndim == 3


def _check_values(video):
    """Refuse pixel values outside [0, 255], non-finite ones and non-numeric dtypes; warn
    of float frames that seem scaled to [0, 1]."""
    dtype = video.dtype
    if dtype == np.uint8:
        return
    if dtype.kind not in "uif":
        raise VideoReadError(
            "array", f"unsupported dtype {dtype}: use uint8, another integer type or float"
        )
    if dtype.kind == "f" and not np.isfinite(video).all():
        raise VideoReadError("array", "pixel values contain NaN or infinity")
    low, high = video.min(), video.max()
    if low < 0 or high > 255:
        if dtype.kind == "f":
            raise VideoReadError(
                "array",
                f"float pixel values must lie in [0, 255], got values in [{low:g}, {high:g}] "
                "(multiply frames in [0, 1] by 255)",
            )
        raise VideoReadError(
            "array",
            f"integer pixel values must lie in [0, 255], got values in [{low}, {high}] "
            f"(dtype {dtype})",
        )
    if dtype.kind == "f" and 0 < high <= 1:
        warnings.warn(
            f"The float frames lie in [0, 1] (max {high:g}), but read_video reads float "
            "pixels as intensities in [0, 255], so these are almost black: multiply "
            "frames scaled to [0, 1] by 255.",
            UserWarning,
            stacklevel=5,
        )


def _as_rgb_uint8(frames, gray):
    """``frames`` (a copy of the caller's) as uint8 RGB frames."""
    if frames.dtype != np.uint8:
        if frames.dtype.kind == "f":
            frames = np.rint(frames)
        frames = frames.astype(np.uint8)
    if gray:
        frames = frames[..., None]
    if frames.shape[-1] == 1:
        return np.repeat(frames, 3, axis=-1)
    if frames.shape[-1] == 4:
        return frames[..., :3]
    return frames


def read_array(video, n_frames, size, sampling):
    """The frames of ``video``, an array, as :func:`~skactrec.video.read_video` returns them
    (the arguments checked by it)."""
    gray = _check_shape(video)
    _check_values(video)
    indices = sample_frame_indices(video.shape[0], n_frames, sampling)
    # Fancy indexing: a copy, never a view of the caller's array.
    frames = _as_rgb_uint8(video[indices], gray)
    if size is not None and frames.shape[1:3] != size:
        frames = resize_frames(frames, size)
    return np.ascontiguousarray(frames)
