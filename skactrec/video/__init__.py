"""Reading videos: decoding with ffmpeg, sampling and resizing frames, streaming a long
video frame by frame.

``_reader`` holds :func:`read_video`, which checks its arguments (``_sampling``, also the
frame indices kept) and hands files to ``_decode`` (ffmpeg: ``_ffmpeg`` runs it and reads
its messages, ``_probe`` reads a file's header) and arrays to ``_arrays`` (resized by
``_resize``); ``_errors`` holds :class:`VideoReadError`.
"""

from ._reader import VideoReadError, read_video

__all__ = ["VideoReadError", "read_video"]
