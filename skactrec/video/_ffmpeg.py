"""ffmpeg as a child process that cannot hang its caller, and what its messages say.

Every run of ffmpeg in skactrec goes through :class:`FFmpegProcess`: decoding frames
(:func:`frame_stream`, :func:`read_rgb_frames`) and probing a file (``_probe``, which
reads the header ffmpeg prints). imageio-ffmpeg only provides the executable.

ffmpeg is started from an argument list, never through a shell. A thread reads its
stdout in chunks (one frame each when decoding; when probing, ffmpeg's progress reports)
into a small queue, so that a chunk that does not come within ``timeout`` seconds (a hung
network drive, a pipe that never ends) stops it with :class:`FFmpegError` instead of
blocking forever; the queue's small size keeps a slow reader from piling frames up in
memory. A second thread collects stderr, so that a full stderr pipe never blocks ffmpeg.
The process is always ended and reaped, and both threads joined: after the chunks asked
for, on an error and on a ``KeyboardInterrupt`` (the threads are daemons named
``skactrec-ffmpeg-*``).

ffmpeg runs with ``-loglevel level+<level>``: each line of stderr starts with its level
(``[error]``, ``[info]``...). :func:`ffmpeg_lines` is the one reader of those lines:
:func:`ffmpeg_reason` keeps the errors, the probe the ``[info]`` header.
"""

import collections
import itertools
import queue
import re
import subprocess
import threading

DEFAULT_TIMEOUT = 60.0  # seconds without a frame from ffmpeg before it is stopped
MESSAGE_LINES = 200  # lines of stderr kept from the start, and as many from the end
NO_VIDEO_STREAM = "the file has no video stream"
ERROR_LEVELS = ("error", "fatal", "panic")


class FFmpegError(RuntimeError):
    """ffmpeg stalled: no frame came for ``timeout`` seconds; ``reason`` says so."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class FFmpegProcess:
    """ffmpeg run with ``args``, its stdout read in chunks of ``chunk_bytes`` as they come.

    Iterating gives one ``bytes`` chunk at a time, until ffmpeg's output ends (a last,
    shorter chunk is dropped); a chunk that does not come within ``timeout`` seconds
    raises :class:`FFmpegError`. Use it as a context manager: on leaving, ffmpeg is
    stopped (if still running) and reaped, and ``messages`` holds what it wrote on stderr,
    each line tagged with its level. Only the chunk being handed over is held in memory.

    Parameters
    ----------
    args : list of str
        ffmpeg's arguments after the executable and the logging options.
    chunk_bytes : int
        Bytes per chunk of stdout.
    timeout : float, default=DEFAULT_TIMEOUT
        Seconds to wait for each chunk before ffmpeg is stopped.
    loglevel : str, default="error"
        The least severe messages ffmpeg writes (``"info"`` adds the header).
    """

    def __init__(self, args, *, chunk_bytes, timeout=DEFAULT_TIMEOUT, loglevel="error"):
        import imageio_ffmpeg

        self._chunk_bytes, self._timeout = chunk_bytes, timeout
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats",
                   "-loglevel", f"level+{loglevel}", *args]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # A small queue: the pump waits when the reader is behind, so chunks never pile up.
        self._chunks, self._stderr, self.messages = queue.Queue(maxsize=4), [], ""
        self._stderr_tail, self._closed = collections.deque(maxlen=MESSAGE_LINES), False
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
                data = self._process.stdout.read(self._chunk_bytes)
                self._put(data)
                if len(data) < self._chunk_bytes:
                    return
        except (OSError, ValueError):  # the pipe was closed under us
            self._put(b"")

    def _put(self, data):
        """Queue ``data`` unless the process was closed meanwhile (then nobody reads it)."""
        while not self._closed:
            try:
                self._chunks.put(data, timeout=0.1)
                return
            except queue.Full:
                continue

    def _pump_stderr(self):
        # Line by line, so that the header can be read while ffmpeg runs; the first and the
        # last MESSAGE_LINES lines are kept, so that hours of warnings do not fill memory.
        try:
            for line in iter(self._process.stderr.readline, b""):
                (self._stderr if len(self._stderr) < MESSAGE_LINES else self._stderr_tail
                 ).append(line)
        except (OSError, ValueError):
            pass

    def messages_so_far(self):
        """What ffmpeg has written on stderr until now, while it runs."""
        return b"".join([*self._stderr, *self._stderr_tail]).decode("utf-8", "replace")

    @property
    def returncode(self):
        """ffmpeg's exit status once it has ended (None while it runs)."""
        return self._process.poll()

    def stop(self):
        """Kill ffmpeg, from any thread: the iteration then ends (short of a frame)."""
        if self._process.poll() is None:
            self._process.kill()

    def __iter__(self):
        while True:
            try:
                data = self._chunks.get(timeout=self._timeout)
            except queue.Empty:
                raise FFmpegError(
                    f"ffmpeg produced no frame for {self._timeout:g} s and was stopped "
                    "(a stalled read: is the file complete and its drive responding?)"
                ) from None
            if len(data) < self._chunk_bytes:  # end of the output
                return
            yield data

    def close(self):
        self._closed = True
        process = self._process
        if process.poll() is None:
            process.kill()
        process.wait()
        for pump in self._pumps:
            pump.join()
        process.stdout.close()
        process.stderr.close()
        self.messages = self.messages_so_far()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def frame_stream(source, output_params, frame_size, *, timeout=DEFAULT_TIMEOUT):
    """An :class:`FFmpegProcess` decoding ``source`` into raw RGB frames of ``frame_size``.

    Parameters
    ----------
    source : str
        ffmpeg's input (e.g. ``"file:/abs/path.mp4"``).
    output_params : list of str
        ffmpeg options between the input and the raw output (stream map, filters...).
    frame_size : tuple of int
        ``(height, width)`` of the frames ffmpeg writes.
    timeout : float, default=DEFAULT_TIMEOUT
        Seconds to wait for each frame before ffmpeg is stopped.

    Returns
    -------
    stream : FFmpegProcess
        Iterating gives one ``height * width * 3`` buffer per frame.
    """
    height, width = frame_size
    args = ["-i", source, *output_params, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    return FFmpegProcess(args, chunk_bytes=height * width * 3, timeout=timeout)


def read_rgb_frames(source, output_params, frame_size, *, max_frames=None,
                    timeout=DEFAULT_TIMEOUT):
    """Decode ``source`` with ffmpeg into raw RGB frames of ``frame_size``.

    Parameters
    ----------
    source, output_params, frame_size, timeout
        As for :func:`frame_stream`.
    max_frames : int, default=None
        Stop after this many frames (None: all).

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
    with frame_stream(source, output_params, frame_size, timeout=timeout) as stream:
        frames = list(itertools.islice(stream, max_frames))
    return frames, stream.messages


def run_to_end(args, *, timeout=DEFAULT_TIMEOUT):
    """Run ffmpeg on ``args``, whose output must not be stdout, until it exits.

    ffmpeg writes its progress to stdout (``-progress``, twice a second while it works),
    so a run that makes no progress for ``timeout`` seconds is stopped with
    :class:`FFmpegError`, however long the whole run takes. Returns what ffmpeg wrote
    on stderr at the ``info`` level: the header and the last progress line.
    """
    args = ["-progress", "pipe:1", *args]
    with FFmpegProcess(args, chunk_bytes=64, timeout=timeout, loglevel="info") as process:
        for _ in process:  # the progress reports, until ffmpeg exits
            pass
    return process.messages


_CONTEXT = re.compile(r"^(\[[^\]]*@ ?0x[0-9a-fA-F]+\]\s*)+")
_LEVEL = re.compile(r"^\[(quiet|panic|fatal|error|warning|info|verbose|debug|trace)\] ?")


def ffmpeg_lines(messages, levels):
    """The lines of ffmpeg's ``messages`` logged at one of ``levels``, without their tags.

    The tags are the ``[context @ 0x...]`` and ``[level]`` prefixes. A line without a
    level continues the line before it (or, first, counts as an error).

    Examples
    --------
    >>> from skactrec.video._ffmpeg import ffmpeg_lines
    >>> ffmpeg_lines("[info] Input #0, avi\\n[in#0 @ 0x5f] [error] moov atom not found\\n",
    ...              ["error"])
    ['moov atom not found']
    """
    lines, level = [], "error"
    for raw in messages.splitlines():
        line = _CONTEXT.sub("", raw.rstrip())
        tag = _LEVEL.match(line)
        if tag:
            level, line = tag.group(1), line[tag.end():]
        if level in levels and line.strip():
            lines.append(line)
    return lines


_THREAD_NOISE = ("Task finished with error code", "Terminating thread with return code")


def ffmpeg_reason(messages):
    """The meaningful last error lines of ffmpeg's messages, without repeats or the path.

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
    for line in ffmpeg_lines(messages, ERROR_LEVELS):
        line = line.strip()
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
