"""ffmpeg as a child process that cannot hang its caller: raw RGB frames read against a deadline.

imageio-ffmpeg provides the ffmpeg executable (and, in ``_video``, the probe of a file's
metadata). The frames are read here, so that an ffmpeg that stops producing output (a
hung network drive, a pipe that never ends) is stopped after ``timeout`` seconds, and the
process is always ended and reaped: after the frames asked for, on an error, and on a
``KeyboardInterrupt``. ffmpeg is started from an argument list, never through a shell.
"""

import itertools
import queue
import re
import subprocess
import threading

DEFAULT_TIMEOUT = 60.0  # seconds without a frame from ffmpeg before it is stopped
NO_VIDEO_STREAM = "the file has no video stream"


class FFmpegError(RuntimeError):
    """ffmpeg stalled: no frame came for ``timeout`` seconds; ``reason`` says so."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_rgb_frames(source, output_params, frame_size, *, max_frames=None,
                    timeout=DEFAULT_TIMEOUT):
    """Decode ``source`` with ffmpeg into raw RGB frames of ``frame_size``.

    Parameters
    ----------
    source : str
        ffmpeg's input (e.g. ``"file:/abs/path.mp4"``).
    output_params : list of str
        ffmpeg options between the input and the raw output (stream map, filters...).
    frame_size : tuple of int
        ``(height, width)`` of the frames ffmpeg writes.
    max_frames : int, default=None
        Stop after this many frames (None: all).
    timeout : float, default=DEFAULT_TIMEOUT
        Seconds to wait for each frame before ffmpeg is stopped.

    Returns
    -------
    frames : list of bytes
        One ``height * width * 3`` buffer per frame; may be empty.
    messages : str
        What ffmpeg wrote on stderr (errors only).

    Raises
    ------
    FFmpegError
        If ffmpeg stalled for ``timeout`` seconds.
    """
    with FrameStream(source, output_params, frame_size, timeout=timeout) as stream:
        frames = list(itertools.islice(stream, max_frames))
    return frames, stream.messages


class FrameStream:
    """ffmpeg decoding ``source`` into raw RGB frames of ``frame_size``, read as they come.

    Iterating gives one ``bytes`` buffer per frame; a frame that does not come within
    ``timeout`` seconds raises :class:`FFmpegError`. Use it as a context manager: on
    leaving, ffmpeg is stopped (if still running) and reaped, and ``messages`` holds what
    it wrote on stderr. Only the frame being handed over is held in memory.
    """

    def __init__(self, source, output_params, frame_size, *, timeout=DEFAULT_TIMEOUT):
        import imageio_ffmpeg

        height, width = frame_size
        self._frame_bytes, self._timeout = height * width * 3, timeout
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel",
                   "error", "-i", source, *output_params, "-f", "rawvideo", "-pix_fmt",
                   "rgb24", "pipe:1"]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # A small queue: the pump waits when the reader is behind, so frames never pile up.
        self._chunks, self._stderr, self.messages = queue.Queue(maxsize=4), [], ""
        self._pumps = []
        try:  # an interrupt (Ctrl-C) while the pumps start must not leave ffmpeg running
            for pump in (self._pump_frames, self._pump_stderr):
                self._pumps.append(threading.Thread(target=pump, daemon=True,
                                                    name=f"skactrec-ffmpeg-{pump.__name__}"))
                self._pumps[-1].start()
        except BaseException:
            self.close()
            raise

    def _pump_frames(self):
        try:
            while True:
                data = self._process.stdout.read(self._frame_bytes)
                self._put(data)
                if len(data) < self._frame_bytes:
                    return
        except (OSError, ValueError):  # the pipe was closed under us
            self._put(b"")

    def _put(self, data):
        """Queue ``data`` unless the stream was closed meanwhile (then nobody reads it)."""
        while self._process.returncode is None:
            try:
                self._chunks.put(data, timeout=0.1)
                return
            except queue.Full:
                continue

    def _pump_stderr(self):
        try:
            self._stderr.append(self._process.stderr.read())
        except (OSError, ValueError):
            pass

    def __iter__(self):
        while True:
            try:
                data = self._chunks.get(timeout=self._timeout)
            except queue.Empty:
                raise FFmpegError(
                    f"ffmpeg produced no frame for {self._timeout:g} s and was stopped "
                    "(a stalled read: is the file complete and its drive responding?)"
                ) from None
            if len(data) < self._frame_bytes:  # end of the output
                return
            yield data

    def close(self):
        process = self._process
        if process.poll() is None:
            process.kill()
        process.wait()
        for pump in self._pumps:
            pump.join()
        process.stdout.close()
        process.stderr.close()
        self.messages = b"".join(self._stderr).decode("utf-8", "replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


_PREFIX = re.compile(r"^(\[[^\]]*@ ?0x[0-9a-fA-F]+\]\s*)+")
_THREAD_NOISE = ("Task finished with error code", "Terminating thread with return code")


def ffmpeg_reason(messages):
    """The meaningful last lines of ffmpeg's error messages, without repeats or the path.

    Examples
    --------
    >>> from skactrec.video._ffmpeg import ffmpeg_reason
    >>> ffmpeg_reason("[mov,mp4 @ 0x55d0] moov atom not found\\n"
    ...               "Error opening input file file:/x.mp4.\\n"
    ...               "Error opening input files: Invalid data found when processing input\\n")
    'moov atom not found; Error opening input files: Invalid data found when processing input'
    """
    if "matches no streams" in messages:
        return NO_VIDEO_STREAM
    lines = []
    for raw in messages.splitlines():
        if not raw.strip():
            continue
        line = _PREFIX.sub("", raw.strip())
        if line.startswith("Error opening input file "):  # names the file: the caller does
            continue
        if line.startswith(_THREAD_NOISE):  # ffmpeg's threads reporting the error above
            continue
        # "Error opening input files: X" repeats "Error opening input: X".
        tail = line.split(": ", 1)[-1]
        if any(kept.split(": ", 1)[-1] == tail for kept in lines):
            continue
        lines.append(line)
    return "; ".join(lines[-3:])
