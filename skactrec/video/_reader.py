"""Reading videos: files decoded by ffmpeg (see ``_ffmpeg``) or numpy arrays.

Every video comes out as a fixed number of RGB frames of a fixed size, the input of
the VGG16 frame featurizer.
"""

import contextlib
import logging
import numbers
import os
import re
import warnings

import numpy as np

from ._ffmpeg import (
    DEFAULT_TIMEOUT,
    NO_VIDEO_STREAM,
    FFmpegError,
    FrameStream,
    ffmpeg_reason,
    read_rgb_frames,
)
from ._resize import resize_frames

__all__ = ["VideoReadError", "read_video", "sample_frame_indices"]

logger = logging.getLogger(__name__)

_SAMPLINGS = ("first", "uniform")


class VideoReadError(ValueError):
    """A video could not be read.

    Parameters
    ----------
    source : str
        The file path, or a description of the input such as ``"array"``.
    reason : str
        Why it could not be read: ffmpeg's own message, or ours.

    Attributes
    ----------
    source : str
        The file path, or a description of the input such as ``"array"``.
    reason : str
        Why it could not be read.
    """

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = str(reason)
        super().__init__(self.source, self.reason)

    def __str__(self):
        if self.source == "array":
            return f"cannot read video from array: {self.reason}"
        return f"cannot read video {self.source!r}: {self.reason}"

    def __reduce__(self):
        # Picklable across processes (joblib) although __init__ takes two arguments.
        return (type(self), (self.source, self.reason))


# --------------------------------------------------------------------------- parameters


def _check_n_frames(n_frames):
    if n_frames is None:
        return None
    if not isinstance(n_frames, numbers.Integral) or isinstance(n_frames, bool):
        raise TypeError(f"n_frames must be an int >= 1 or None, got {n_frames!r}")
    if n_frames < 1:
        raise ValueError(f"n_frames must be an int >= 1 or None, got {n_frames!r}")
    return int(n_frames)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_frame_size(frame_size):
    """Return ``(height, width)`` or None."""
    if frame_size is None:
        return None
    if _is_int(frame_size):
        size = (int(frame_size), int(frame_size))
    elif (
        isinstance(frame_size, (tuple, list))
        and len(frame_size) == 2
        and all(_is_int(s) for s in frame_size)
    ):
        size = (int(frame_size[0]), int(frame_size[1]))
    else:
        raise TypeError(
            "frame_size must be an int, a (height, width) tuple of ints or None, "
            f"got {frame_size!r}"
        )
    if size[0] < 1 or size[1] < 1:
        raise ValueError(f"frame_size must be positive, got {frame_size!r}")
    return size


def _check_sampling(sampling):
    if not isinstance(sampling, str) or sampling not in _SAMPLINGS:
        raise ValueError(f"sampling must be one of {_SAMPLINGS}, got {sampling!r}")
    return sampling


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
    >>> from skactrec.video._reader import sample_frame_indices
    >>> sample_frame_indices(5, 8, "first")
    array([0, 1, 2, 3, 4, 4, 4, 4])
    >>> sample_frame_indices(100, 4, "uniform")
    array([12, 37, 62, 87])
    """
    if not _is_int(n_available):
        raise TypeError(f"n_available must be an int, got {n_available!r}")
    if n_available < 1:
        raise ValueError(f"n_available must be >= 1, got {n_available!r}")
    n_frames = _check_n_frames(n_frames)
    sampling = _check_sampling(sampling)
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


# --------------------------------------------------------------------------- arrays


def _read_array(video, n_frames, size, sampling):
    if video.ndim == 3:
        gray = True
    elif video.ndim == 4 and video.shape[-1] in (1, 3, 4):
        gray = False
    else:
        raise VideoReadError(
            "array",
            "expected shape (n_frames, height, width, 3) (RGB), (..., 4) (RGBA, alpha "
            "dropped), (..., 1) or (n_frames, height, width) (grayscale), "
            f"got shape {video.shape}",
        )
    if min(video.shape[:3]) == 0:
        raise VideoReadError("array", f"the video is empty: shape {video.shape}")

    dtype = video.dtype
    if dtype == np.uint8:
        pass
    elif dtype.kind in "ui":
        low, high = video.min(), video.max()
        if low < 0 or high > 255:
            raise VideoReadError(
                "array",
                f"integer pixel values must lie in [0, 255], got values in [{low}, {high}] "
                f"(dtype {dtype})",
            )
    elif dtype.kind == "f":
        if not np.isfinite(video).all():
            raise VideoReadError("array", "pixel values contain NaN or infinity")
        low, high = video.min(), video.max()
        if low < 0 or high > 255:
            raise VideoReadError(
                "array",
                f"float pixel values must lie in [0, 255], got values in [{low:g}, {high:g}] "
                "(multiply frames in [0, 1] by 255)",
            )
        if 0 < high <= 1:
            warnings.warn(
                f"The float frames lie in [0, 1] (max {high:g}), but read_video reads float "
                "pixels as intensities in [0, 255], so these are almost black: multiply "
                "frames scaled to [0, 1] by 255.",
                UserWarning,
                stacklevel=4,
            )
    else:
        raise VideoReadError(
            "array", f"unsupported dtype {dtype}: use uint8, another integer type or float"
        )

    indices = sample_frame_indices(video.shape[0], n_frames, sampling)
    frames = video[indices]  # fancy indexing: a copy, never a view of the caller's array
    if dtype != np.uint8:
        if dtype.kind == "f":
            frames = np.rint(frames)
        frames = frames.astype(np.uint8)
    if gray:
        frames = frames[..., None]
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1)
    elif frames.shape[-1] == 4:
        frames = frames[..., :3]
    if size is not None and frames.shape[1:3] != size:
        frames = resize_frames(frames, size)
    return np.ascontiguousarray(frames)


# --------------------------------------------------------------------------- files

_BANNER = re.compile(
    r"^(ffmpeg version|built with|configuration:|lib\w+\s+\d|Input #|Output #|Stream |"
    r"Duration:|Metadata:|Press \[q\]|Stream mapping:|\.\.\. showing only)"
)


def _ffmpeg_reason(error):
    """The meaningful last lines of the ffmpeg stderr inside an imageio-ffmpeg error."""
    head, _, stderr = str(error).partition("=== stderr ===")
    kept = [line for line in stderr.splitlines()
            if line.strip() and not line[:1].isspace() and not _BANNER.match(line)]
    reason = ffmpeg_reason("\n".join(kept))
    if reason:
        return reason
    first = head.strip().splitlines()
    return first[0] if first else type(error).__name__


def _check_path(path):
    if not os.path.exists(path):
        raise VideoReadError(path, "no such file")
    if os.path.isdir(path):
        raise VideoReadError(path, "is a directory, not a video file")
    if not os.path.isfile(path):
        raise VideoReadError(path, "not a regular file")
    if os.path.getsize(path) == 0:
        raise VideoReadError(path, "the file is empty (0 bytes)")


def _ffmpeg_input(path):
    # "file:" stops ffmpeg from reading a name with a colon as a protocol (e.g. "a:b.mp4").
    return "file:" + os.path.abspath(path)


def _estimate_n_frames(path, meta):
    """Frame count from the metadata (duration * fps), else counted by ffmpeg."""
    import imageio_ffmpeg

    duration, fps = meta.get("duration") or 0, meta.get("fps") or 0
    if duration > 0 and fps > 0:
        return max(1, int(round(duration * fps)))
    logger.debug("no duration/fps in the metadata of %s: counting its frames", path)
    try:
        n, _ = imageio_ffmpeg.count_frames_and_secs(_ffmpeg_input(path))
    except (OSError, RuntimeError) as exc:
        raise VideoReadError(path, _ffmpeg_reason(exc)) from exc
    if not n:
        raise VideoReadError(path, "no frame could be decoded")
    return int(n)


def _output_params(size, filters, max_frames):
    """ffmpeg's options to write the first video stream's decoded frames, after
    ``filters``, scaled to ``size`` (None: the source's), at most ``max_frames``."""
    if size is not None:
        filters = [*filters, f"scale={size[1]}:{size[0]}:flags=bilinear"]
    output_params = ["-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough"]
    if filters:
        output_params += ["-vf", ",".join(filters)]
    if max_frames is not None:
        output_params += ["-frames:v", str(max_frames)]
    return output_params


def _no_frame_reason(messages):
    reason = ffmpeg_reason(messages)
    if reason != NO_VIDEO_STREAM:
        reason = "no frame could be decoded" + (f" ({reason})" if reason else "")
    return reason


def _decode(path, size, filters, max_frames, timeout):
    """Decode frames with ffmpeg, scaled to ``size`` (None: the source's) after ``filters``;
    stop after ``max_frames`` (None: all)."""
    output_params = _output_params(size, filters, max_frames)
    if size is None:
        width, height = _probe(path)["size"]
        size = (height, width)
    try:
        frames, messages = read_rgb_frames(_ffmpeg_input(path), output_params, size,
                                           max_frames=max_frames, timeout=timeout)
    except FFmpegError as exc:
        raise VideoReadError(path, exc.reason) from exc
    if not frames:
        raise VideoReadError(path, _no_frame_reason(messages))
    # A bytearray makes the array writable without another copy.
    array = np.frombuffer(bytearray().join(frames), dtype=np.uint8)
    return array.reshape(len(frames), *size, 3)


class _FrameIterator:
    """The frames of a :class:`~skactrec.video._ffmpeg.FrameStream` as uint8 arrays, counted."""

    def __init__(self, stream, size, fps):
        self._stream, self._size, self.fps, self.n_frames = stream, size, fps, 0

    def __iter__(self):
        for data in self._stream:
            self.n_frames += 1
            yield np.frombuffer(data, dtype=np.uint8).reshape(*self._size, 3)


@contextlib.contextmanager
def stream_video(path, frame_size, *, timeout=DEFAULT_TIMEOUT):
    """Every frame of a video file, scaled to ``frame_size``, decoded as it is read.

    A context manager whose value iterates read-only uint8 arrays ``(height, width, 3)``
    (scaled as :func:`read_video` scales; ``frame_size=None`` keeps the video's) and has
    ``fps``, the video's frame rate, and ``n_frames``, the frames read so far. Only the
    frame at hand is in memory; ffmpeg is stopped on leaving.

    Raises
    ------
    VideoReadError
        The file cannot be read, has no frame rate, gives no frame, or stalls.
    """
    path = os.fsdecode(os.fspath(path))
    _check_path(path)
    size = _check_frame_size(frame_size)
    meta = _probe(path)
    output_params = _output_params(size, [], None)
    if size is None:
        size = tuple(meta["size"][::-1])
    fps = float(meta.get("fps") or 0)
    if not fps > 0:
        raise VideoReadError(path, "its metadata gives no frame rate")
    try:
        with FrameStream(_ffmpeg_input(path), output_params, size, timeout=timeout) as stream:
            frames = _FrameIterator(stream, size, fps)
            yield frames
    except FFmpegError as exc:
        raise VideoReadError(path, exc.reason) from exc
    if frames.n_frames == 0:
        raise VideoReadError(path, _no_frame_reason(stream.messages))


def _probe(path):
    """Metadata of the first video stream, without decoding frames."""
    import imageio_ffmpeg

    gen = imageio_ffmpeg.read_frames(
        _ffmpeg_input(path), output_params=["-map", "0:v:0", "-an", "-frames:v", "1"]
    )
    try:
        return next(gen)
    except (OSError, RuntimeError, StopIteration) as exc:
        raise VideoReadError(path, _ffmpeg_reason(exc)) from exc
    finally:
        gen.close()


def _select_expression(indices):
    """An ffmpeg ``select`` expression true for the frame numbers ``indices`` (sorted,
    unique): runs of consecutive frames as ``between(n,a,b)``, single ones as ``eq(n,a)``,
    summed as a balanced tree. A flat sum of more than about a hundred terms makes ffmpeg
    fail to initialize the filter.

    Examples
    --------
    >>> from skactrec.video._reader import _select_expression
    >>> print(_select_expression([0, 1, 2, 5, 9]))
    (between(n\\,0\\,2)+(eq(n\\,5)+eq(n\\,9)))
    """
    runs, start = [], None
    for i, index in enumerate(indices):
        if start is None:
            start = index
        if i + 1 == len(indices) or indices[i + 1] != index + 1:
            runs.append(f"eq(n\\,{index})" if start == index else f"between(n\\,{start}\\,{index})")
            start = None

    def balanced(terms):
        if len(terms) == 1:
            return terms[0]
        middle = len(terms) // 2
        return f"({balanced(terms[:middle])}+{balanced(terms[middle:])})"

    return balanced(runs)


def _read_file(path, n_frames, size, sampling, timeout):
    _check_path(path)
    if n_frames is None or sampling == "first":
        frames = _decode(path, size, [], n_frames, timeout)
        if n_frames is None or len(frames) == n_frames:
            return frames
        # A shorter video: pad by repeating its last frame.
        return frames[sample_frame_indices(len(frames), n_frames, "first")]

    # "uniform": choose the frames from the estimated length, let ffmpeg's select
    # filter pass only those (before scaling), and stop after the last one.
    n_estimated = _estimate_n_frames(path, _probe(path))
    indices = sample_frame_indices(n_estimated, n_frames, "uniform")
    unique, inverse = np.unique(indices, return_inverse=True)
    frames = _decode(path, size, [f"select='{_select_expression(unique)}'"], len(unique),
                     timeout)
    if len(frames) < len(unique):
        logger.debug(
            "%s: metadata suggested %d frames but only %d of the %d selected frames were "
            "decoded; padding with the last decoded frame",
            path, n_estimated, len(frames), len(unique),
        )
    inverse = np.minimum(inverse.ravel(), len(frames) - 1)
    return frames[inverse]


# --------------------------------------------------------------------------- public


def read_video(video, *, n_frames=40, frame_size=224, sampling="first",
               timeout=DEFAULT_TIMEOUT):
    """Read a video as a fixed number of RGB frames of a fixed size.

    Parameters
    ----------
    video : str, os.PathLike or ndarray
        A video file, decoded by ffmpeg (any container and codec it reads), or the
        frames themselves as an array of shape ``(T, H, W, 3)`` (RGB),
        ``(T, H, W, 4)`` (RGBA: the alpha channel is dropped), ``(T, H, W, 1)`` or
        ``(T, H, W)`` (grayscale: repeated to 3 channels). uint8 arrays are used as
        they are; other integer arrays must hold values in [0, 255]; float arrays are
        pixel intensities in [0, 255], rounded to the nearest integer: multiply
        frames scaled to [0, 1] by 255 first (a float array whose values all lie in
        [0, 1], not all 0, gives a ``UserWarning`` saying so). The array is never
        modified.
    n_frames : int or None, default=40
        Number of frames returned; None returns every frame of the video.
    frame_size : int, tuple of (int, int) or None, default=224
        Size of the returned frames: an int for square frames, a
        ``(height, width)`` tuple, or None to keep the video's own size.
    sampling : {"first", "uniform"}, default="first"
        Which frames to keep (see :func:`sample_frame_indices`). ``"first"``: the
        first ``n_frames`` frames, a shorter video padded by repeating its last
        frame (the paper's rule). ``"uniform"``: ``n_frames`` frames spread evenly
        over the whole video.
    timeout : float, default=60
        Seconds to wait for each frame from ffmpeg: a read that stalls longer (a hung
        network drive, a file still being written) is stopped with a
        :class:`VideoReadError`. Files only.

    Returns
    -------
    frames : ndarray of shape (n_frames, height, width, 3), dtype uint8
        RGB frames, C-contiguous; a new array that the caller owns.

    Raises
    ------
    VideoReadError
        If the file cannot be read (missing, a directory, empty, not a video, no
        video stream, no decodable frame; the message gives ffmpeg's reason), if
        ffmpeg stalls for ``timeout`` seconds, or if the array has the wrong shape,
        dtype or values. It is a ``ValueError``.
    TypeError
        If ``video`` is neither a path nor an array, or a parameter has a wrong type.
    ValueError
        If ``n_frames``, ``frame_size`` or ``sampling`` has a wrong value.

    See Also
    --------
    sample_frame_indices : Which frames are kept.

    Notes
    -----
    Orozco et al., "Human Action Recognition in Videos using a Robust CNN LSTM
    Approach", use the first 40 frames of each video, shorter videos padded by
    repeating the last frame, and resize every frame to 224x224 for VGG16: the
    defaults here.

    Files are decoded by ffmpeg (the executable of ``imageio_ffmpeg``, run as a child
    process from an argument list, never a shell; it is always ended before this
    function returns, also on an error or an interrupt), which also resizes
    the frames (``scale`` filter, bilinear with antialiasing), so full-size frames
    never reach Python. A frame is a decoded frame: ffmpeg duplicates or drops no
    frame to keep a constant frame rate (``-fps_mode passthrough``), so the frames
    counted are those of ``imageio_ffmpeg.count_frames_and_secs``. With
    ``"first"`` ffmpeg stops after ``n_frames`` frames. With ``"uniform"`` the
    length is estimated from the metadata (duration x frame rate; counted by ffmpeg
    when missing), ffmpeg's ``select`` filter passes only the chosen frames, and if
    the estimate was too long the missing frames repeat the last decoded one.
    Arrays are sampled with the same rule and resized in numpy by
    :func:`skactrec.video._resize.resize_frames` (antialiased linear filter).

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec import read_video
    >>> video = np.zeros((10, 48, 64, 3), dtype=np.uint8)
    >>> read_video(video, n_frames=4, frame_size=32).shape
    (4, 32, 32, 3)
    >>> read_video(video[..., 0], n_frames=None, frame_size=None).shape
    (10, 48, 64, 3)
    """
    n_frames = _check_n_frames(n_frames)
    size = _check_frame_size(frame_size)
    sampling = _check_sampling(sampling)
    if isinstance(video, np.ndarray):
        return _read_array(video, n_frames, size, sampling)
    if isinstance(video, (str, os.PathLike)):
        if not (isinstance(timeout, numbers.Real) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}.")
        return _read_file(os.fsdecode(os.fspath(video)), n_frames, size, sampling, timeout)
    raise TypeError(
        f"video must be a file path (str or os.PathLike) or a numpy array, "
        f"got {type(video).__name__}"
    )
