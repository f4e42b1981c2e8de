"""Reading videos: decoding with ffmpeg, sampling and resizing frames, streaming a long
video frame by frame."""

from ._reader import VideoReadError, read_video

__all__ = ["VideoReadError", "read_video"]
