"""What a video file holds, read from the header ffmpeg prints: frame size, frame rate,
duration and, on request, the number of frames.

The probe is an ordinary run of ffmpeg (``_ffmpeg.run_to_end``: same deadline, same
clean-up) that decodes one frame of the first video stream to the ``null`` muxer at the
``info`` log level. ffmpeg then prints the input's header (``Duration:``, the stream's
``fps``) and the output's, whose size is the size of the decoded frames (after any
rotation ffmpeg applies), which the raw frames of ``_decode`` are cut by. Counting the
frames decodes all of them the same way and reads the count from ffmpeg's last progress
line (``frame=``); it is only needed when the header gives no duration or frame rate.
The duration and frame rate are read as imageio-ffmpeg reads them, so the estimated
lengths of ``sampling="uniform"`` are the ones it gave.
"""

import logging
import os
import re
from collections import namedtuple

from ._errors import VideoReadError
from ._ffmpeg import DEFAULT_TIMEOUT, FFmpegError, ffmpeg_lines, ffmpeg_reason, run_to_end

__all__ = ["VideoInfo", "estimate_n_frames", "ffmpeg_input", "probe"]

logger = logging.getLogger(__name__)

VideoInfo = namedtuple("VideoInfo", ["size", "fps", "duration", "n_frames"])
VideoInfo.__doc__ = """What ffmpeg says of a video file.

size : tuple of (int, int)
    ``(height, width)`` of the decoded frames.
fps : float
    Frame rate; 0 if unknown.
duration : float
    Seconds; 0 if unknown.
n_frames : int or None
    Frames decoded, if they were counted.
"""

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d\.\d+)")
_FPS = re.compile(r" ([0-9]+\.?[0-9]*) fps")
_SIZE = re.compile(r" (\d+)x(\d+)[, ]")
_FRAME = re.compile(r"frame=\s*(\d+)")


def ffmpeg_input(path):
    """ffmpeg's name of the file ``path``."""
    # "file:" stops ffmpeg from reading a name with a colon as a protocol (e.g. "a:b.mp4").
    return "file:" + os.path.abspath(path)


def _video_streams(lines):
    return [line for line in lines
            if line.lstrip().startswith("Stream #") and " Video: " in line]


def _output_lines(lines):
    """The lines from the output's header on."""
    for i, line in enumerate(lines):
        if line.startswith("Output #"):
            return lines[i:]
    return []


def _seconds(text):
    duration = _DURATION.search(text)
    if duration is None:  # "Duration: N/A"
        return 0.0
    hours, minutes, seconds = duration.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _parse(lines):
    """``VideoInfo`` from the ``[info]`` lines, or None if they describe no output frames."""
    outputs = _video_streams(_output_lines(lines))
    size = _SIZE.search(outputs[0]) if outputs else None
    if size is None:
        return None
    fps = _FPS.search(_video_streams(lines)[0])  # the input's stream comes first
    counts = _FRAME.findall("\n".join(lines))
    return VideoInfo(
        size=(int(size.group(2)), int(size.group(1))),
        fps=float(fps.group(1)) if fps else 0.0,
        duration=_seconds("\n".join(lines)),
        n_frames=int(counts[-1]) if counts else None,
    )


def probe(path, *, count_frames=False, timeout=DEFAULT_TIMEOUT):
    """What ffmpeg says of the first video stream of the file ``path``.

    Parameters
    ----------
    path : str
        An existing file.
    count_frames : bool, default=False
        Whether to decode every frame to count them (else one is decoded).
    timeout : float, default=DEFAULT_TIMEOUT
        Seconds ffmpeg may take before it is stopped.

    Returns
    -------
    info : VideoInfo

    Raises
    ------
    VideoReadError
        If ffmpeg cannot read a video stream from the file, or takes too long.
    """
    args = ["-i", ffmpeg_input(path), "-map", "0:v:0", "-an", "-sn", "-dn",
            "-fps_mode", "passthrough", *([] if count_frames else ["-frames:v", "1"]),
            "-f", "null", "-"]
    try:
        messages = run_to_end(args, timeout=timeout)
    except FFmpegError as exc:
        raise VideoReadError(path, exc.reason) from exc
    info = _parse(ffmpeg_lines(messages, ["info"]))
    if info is None:
        raise VideoReadError(path, ffmpeg_reason(messages) or "no frame could be decoded")
    return info


def estimate_n_frames(path, info, *, timeout=DEFAULT_TIMEOUT):
    """Frames of the video ``path``: from its ``info`` (duration x frame rate), else
    counted by ffmpeg."""
    if info.duration > 0 and info.fps > 0:
        return max(1, int(round(info.duration * info.fps)))
    logger.debug("no duration or frame rate in the header of %s: counting its frames", path)
    n_frames = probe(path, count_frames=True, timeout=timeout).n_frames
    if not n_frames:
        raise VideoReadError(path, "no frame could be decoded")
    return n_frames
