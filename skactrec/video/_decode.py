"""Video files decoded by ffmpeg: a fixed number of frames, or a stream of all of them.

ffmpeg does the sampling and the resizing, so that only the frames asked for, at their
final size, reach Python: it scales with its ``scale`` filter (bilinear, antialiased),
stops after the frames asked for (``-frames:v``), and for ``sampling="uniform"`` its
``select`` filter passes only the chosen frames, before they are scaled. A frame is a
decoded frame: ffmpeg neither duplicates nor drops frames to keep a constant frame rate
(``-fps_mode passthrough``). ``"uniform"`` chooses its frames from the length estimated
by ``_probe`` (duration x frame rate, which may be off by a frame or two); the frames
missing when the estimate was too long repeat the last decoded one.

A file is checked in Python first (missing, a directory, empty), for errors clearer than
ffmpeg's; every other error is ffmpeg's reason, as ``_ffmpeg.ffmpeg_reason`` gives it.
"""

import contextlib
import logging
import os

import numpy as np

from ._errors import VideoReadError
from ._ffmpeg import (
    DEFAULT_TIMEOUT,
    NO_VIDEO_STREAM,
    FFmpegError,
    ffmpeg_reason,
    frame_stream,
    read_rgb_frames,
)
from ._probe import estimate_n_frames, ffmpeg_input, probe
from ._sampling import check_frame_size, check_timeout, sample_frame_indices

__all__ = ["read_file", "stream_video"]

logger = logging.getLogger(__name__)


def _check_path(path):
    if not os.path.exists(path):
        raise VideoReadError(path, "no such file")
    if os.path.isdir(path):
        raise VideoReadError(path, "is a directory, not a video file")
    if not os.path.isfile(path):
        raise VideoReadError(path, "not a regular file")
    if os.path.getsize(path) == 0:
        raise VideoReadError(path, "the file is empty (0 bytes)")


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


def _decode(path, size, filters, max_frames, timeout, info=None):
    """Decode frames with ffmpeg, scaled to ``size`` (None: the source's, from ``info`` or
    a probe) after ``filters``; stop after ``max_frames`` (None: all)."""
    output_params = _output_params(size, filters, max_frames)
    if size is None:
        size = (info or probe(path, timeout=timeout)).size
    try:
        frames, messages = read_rgb_frames(ffmpeg_input(path), output_params, size,
                                           max_frames=max_frames, timeout=timeout)
    except FFmpegError as exc:
        raise VideoReadError(path, exc.reason) from exc
    if not frames:
        raise VideoReadError(path, _no_frame_reason(messages))
    # A bytearray makes the array writable without another copy.
    array = np.frombuffer(bytearray().join(frames), dtype=np.uint8)
    return array.reshape(len(frames), *size, 3)


def _select_expression(indices):
    """An ffmpeg ``select`` expression true for the frame numbers ``indices`` (sorted,
    unique): runs of consecutive frames as ``between(n,a,b)``, single ones as ``eq(n,a)``,
    summed as a balanced tree. A flat sum of more than about a hundred terms makes ffmpeg
    fail to initialize the filter.

    Examples
    --------
    >>> from skactrec.video._decode import _select_expression
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


def _read_first(path, n_frames, size, timeout):
    """The first ``n_frames`` frames (None: all), a shorter video padded with its last."""
    frames = _decode(path, size, [], n_frames, timeout)
    if n_frames is None or len(frames) == n_frames:
        return frames
    return frames[sample_frame_indices(len(frames), n_frames, "first")]


def _read_uniform(path, n_frames, size, timeout):
    """``n_frames`` frames spread over the video's estimated length."""
    info = probe(path, timeout=timeout)
    n_estimated = estimate_n_frames(path, info, timeout=timeout)
    indices = sample_frame_indices(n_estimated, n_frames, "uniform")
    unique, inverse = np.unique(indices, return_inverse=True)
    frames = _decode(path, size, [f"select='{_select_expression(unique)}'"], len(unique),
                     timeout, info)
    if len(frames) < len(unique):
        logger.debug(
            "%s: metadata suggested %d frames but only %d of the %d selected frames were "
            "decoded; padding with the last decoded frame",
            path, n_estimated, len(frames), len(unique),
        )
    return frames[np.minimum(inverse.ravel(), len(frames) - 1)]


def read_file(path, n_frames, size, sampling, timeout):
    """The frames of the video file ``path`` as :func:`~skactrec.video.read_video`
    returns them (the arguments checked by it)."""
    _check_path(path)
    if n_frames is None or sampling == "first":
        return _read_first(path, n_frames, size, timeout)
    return _read_uniform(path, n_frames, size, timeout)


class _FrameIterator:
    """The frames of an ffmpeg frame stream as uint8 arrays, counted."""

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
    (scaled as :func:`~skactrec.video.read_video` scales; ``frame_size=None`` keeps the
    video's) and has ``fps``, the video's frame rate, and ``n_frames``, the frames read
    so far. Only the frame at hand is in memory; ffmpeg is stopped on leaving.

    Raises
    ------
    VideoReadError
        The file cannot be read, has no frame rate, gives no frame, or stalls.
    """
    path = os.fsdecode(os.fspath(path))
    size, timeout = check_frame_size(frame_size), check_timeout(timeout)
    _check_path(path)
    info = probe(path, timeout=timeout)
    if not info.fps > 0:
        raise VideoReadError(path, "its metadata gives no frame rate")
    output_params = _output_params(size, [], None)  # no scale filter for size None
    size = size or info.size
    try:
        with frame_stream(ffmpeg_input(path), output_params, size, timeout=timeout) as stream:
            frames = _FrameIterator(stream, size, info.fps)
            yield frames
    except FFmpegError as exc:
        raise VideoReadError(path, exc.reason) from exc
    if frames.n_frames == 0:
        raise VideoReadError(path, _no_frame_reason(stream.messages))
