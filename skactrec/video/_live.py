"""Live sources: the latest frames of a network stream, a capture device or a file played in
real time, read by a thread as they arrive, never queued without bound.

:class:`LiveFrames` runs ffmpeg (through :class:`~skactrec.video._ffmpeg.FFmpegProcess`, so
a stalled source is stopped after ``timeout`` seconds) in a thread that keeps only the
latest ``capacity`` frames: when the reader is slower than the source, the oldest frames
are dropped, and counted. The frame rate comes from the header ffmpeg prints (a live
source cannot be probed first: a second connection may not be served). A connection that
fails after frames came is opened again, a few times with backoff; the source's clean end
ends the frames.
"""

import collections
import logging
import os
import re
import threading
import time

import numpy as np

from ._decode import _output_params
from ._errors import VideoReadError
from ._ffmpeg import FFmpegError, FFmpegProcess, ffmpeg_lines, ffmpeg_reason
from ._probe import _FPS, _video_streams, ffmpeg_input

logger = logging.getLogger(__name__)

NETWORK_PROTOCOLS = ("http", "https", "rtsp", "rtsps", "rtmp", "rtmps", "udp", "rtp", "srt",
                     "tcp")
_URL = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


def live_input(source, *, realtime=False):
    """ffmpeg's input options for ``source``, and whether it is a network stream.

    A URL of a network protocol is read as it comes; ``/dev/video*`` is a V4L2 capture
    device; a file must be played at its own frame rate (``realtime=True``), else it is not
    live (:func:`~skactrec.predict_timeline` reads a whole file faster).
    """
    source = os.fspath(source)
    scheme = _URL.match(source)
    if scheme:
        if scheme.group(1).lower() not in NETWORK_PROTOCOLS:
            raise ValueError(f"cannot watch {source!r}: its protocol is not one of "
                             f"{', '.join(NETWORK_PROTOCOLS)}.")
        # One second of the stream to find its codec's parameters (ffmpeg's default, 5 s,
        # would hold the first frames back that long).
        return ["-analyzeduration", "1000000", "-i", source], True
    if source.startswith("/dev/video"):
        return ["-f", "v4l2", "-i", source], False
    if not os.path.isfile(source):
        raise VideoReadError(source, "no such file, device or URL")
    if not realtime:
        raise ValueError(f"{source!r} is a file: watch it with realtime=True (--realtime) to "
                         "play it at its own frame rate as a live source, or classify all of "
                         "it with predict_timeline (skactrec timeline).")
    return ["-re", "-i", ffmpeg_input(source)], False


class LiveFrames:
    """The frames of a live source as they arrive, the latest ``capacity`` of them kept.

    A context manager: entering starts ffmpeg and the reading thread, leaving stops both
    (ffmpeg is killed and reaped: nothing is left running, on Ctrl-C too).

    Parameters
    ----------
    source : str
        A URL ffmpeg reads, a capture device, or a file (with ``realtime=True``).
    frame_size : tuple of int
        ``(height, width)`` the frames are scaled to (as :func:`read_video` scales).
    capacity : int
        Frames kept for the reader; older ones are dropped.
    realtime : bool, default=False
        Play a file at its own frame rate.
    timeout : float, default=10
        Seconds without a frame before the source counts as stalled.
    retries : int, default=3
        Times a network stream that failed after its first frame is opened again.
    backoff : float, default=1.0
        Seconds before the first retry, doubled at each next one.

    Attributes
    ----------
    fps : float
        The source's frame rate (from ffmpeg's header; 0.0 when it gives none).
    n_received, n_dropped : int
        Frames received so far, and those dropped before the reader took them.
    """

    def __init__(self, source, frame_size, capacity, *, realtime=False, timeout=10.0,
                 retries=3, backoff=1.0):
        self.source = os.fspath(source)
        self._input, self._network = live_input(source, realtime=realtime)
        self.frame_size, self.capacity = tuple(frame_size), capacity
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.fps, self.n_received, self.n_dropped = 0.0, 0, 0
        self._frames = collections.deque()  # (index, arrival time, frame)
        self._changed = threading.Condition()
        self._ended, self._error, self._stopping = False, None, threading.Event()
        self._process, self._thread = None, None

    def __enter__(self):
        self._thread = threading.Thread(target=self._read, daemon=True,
                                        name="skactrec-live-reader")
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Stop ffmpeg and the reading thread."""
        self._stopping.set()
        process = self._process
        if process is not None:
            process.stop()
        if self._thread is not None:
            self._thread.join()

    def take(self, until=None):
        """The frames that came since the last call, ``[(index, arrival, frame), ...]`` in
        order (arrival: ``time.monotonic()``); waits for one if there is none, or until frame
        ``until`` has come. An empty list once the source has ended; raises the error that
        ended it."""
        def ready():
            return self._ended or (self._frames and (until is None
                                                     or self._frames[-1][0] >= until))

        with self._changed:
            self._changed.wait_for(ready)
            taken = list(self._frames)
            self._frames.clear()
            if not taken and self._error is not None:
                raise self._error
            return taken

    def waiting(self):
        """Frames received that :meth:`take` has not returned yet."""
        with self._changed:
            return len(self._frames)

    def _read(self):
        """The thread: connect, read, retry a failed network stream, until the end."""
        attempt, first_reason = 0, None
        try:
            while not self._stopping.is_set():
                n_before = self.n_received
                reason = self._read_one_connection()
                if reason is None or self._stopping.is_set():
                    return  # the source's clean end, or close()
                if self.n_received > n_before or first_reason is None:
                    attempt, first_reason = 0, reason  # a new failure: retries start again
                if not self._network or self.n_received == 0 or attempt >= self.retries:
                    raise self._failure(first_reason, reason, attempt)
                delay = self.backoff * 2 ** attempt
                attempt += 1
                logger.warning("%s failed (%s); connecting again in %.1f s (retry %d of %d)",
                               self.source, reason, delay, attempt, self.retries)
                if self._stopping.wait(delay):
                    return
        except BaseException as exc:  # handed to the reader by take()
            self._error = exc
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def _failure(self, first_reason, last_reason, attempts):
        if self.n_received == 0:
            return VideoReadError(self.source, f"no frame came: {last_reason}")
        message = f"the stream failed after {self.n_received} frames ({first_reason})"
        if attempts:
            message += f" and did not come back after {attempts} retries ({last_reason})"
        return VideoReadError(self.source, message)

    def _read_one_connection(self):
        """Read frames until ffmpeg ends; None if it ended cleanly, else why it failed."""
        height, width = self.frame_size
        # The stream, scaling and frame options of every decoding (read_video's).
        args = [*self._input, *_output_params(self.frame_size, [], None),
                "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
        try:
            with FFmpegProcess(args, chunk_bytes=height * width * 3, timeout=self.timeout,
                               loglevel="info") as process:
                self._process = process
                if self._stopping.is_set():
                    return None
                for data in process:
                    self._add(np.frombuffer(data, np.uint8).reshape(height, width, 3),
                              process)
            status = process.returncode
        except FFmpegError:
            return f"nothing came for {self.timeout:g} s"
        finally:
            self._process = None
        if status == 0:
            return None
        return ffmpeg_reason(process.messages) or f"ffmpeg exited with status {status}"

    def _add(self, frame, process):
        if not self.fps:
            self.fps = _header_fps(process.messages_so_far())
        with self._changed:
            self._frames.append((self.n_received, time.monotonic(), frame))
            self.n_received += 1
            if len(self._frames) > self.capacity:
                self._frames.popleft()
                self.n_dropped += 1
            self._changed.notify_all()


def _header_fps(messages):
    """The input's frame rate in ffmpeg's ``[info]`` header, or 0.0."""
    streams = _video_streams(ffmpeg_lines(messages, ("info",)))
    fps = _FPS.search(streams[0]) if streams else None
    return float(fps.group(1)) if fps else 0.0
