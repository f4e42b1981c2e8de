"""``read_video``: any video, a file or an array, as a fixed number of RGB frames of a
fixed size, the input of the VGG16 frame featurizer.

The arguments are checked here, before the file is touched (``_sampling``); files are
then decoded by ffmpeg (``_decode``) and arrays read in memory (``_arrays``), with the
same sampling, so that a file and the array of its frames give about the same frames.
"""

import os

import numpy as np

from ._arrays import read_array
from ._decode import read_file
from ._errors import VideoReadError
from ._ffmpeg import DEFAULT_TIMEOUT
from ._sampling import check_frame_size, check_n_frames, check_sampling, check_timeout

__all__ = ["VideoReadError", "read_video"]


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
        Which frames to keep (see
        :func:`~skactrec.video._sampling.sample_frame_indices`). ``"first"``: the
        first ``n_frames`` frames, a shorter video padded by repeating its last
        frame (the paper's rule). ``"uniform"``: ``n_frames`` frames spread evenly
        over the whole video.
    timeout : float, default=60
        Seconds to wait for each frame from ffmpeg: a read that stalls longer (a hung
        network drive, a file still being written) is stopped with a
        :class:`VideoReadError`; the same limit holds for reading the file's header
        (its size, frame rate and duration). Files only.

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
    skactrec.video._sampling.sample_frame_indices : Which frames are kept.

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
    n_frames = check_n_frames(n_frames)
    size = check_frame_size(frame_size)
    sampling = check_sampling(sampling)
    if isinstance(video, np.ndarray):
        return read_array(video, n_frames, size, sampling)
    if isinstance(video, (str, os.PathLike)):
        timeout = check_timeout(timeout)
        return read_file(os.fsdecode(os.fspath(video)), n_frames, size, sampling, timeout)
    raise TypeError(
        f"video must be a file path (str or os.PathLike) or a numpy array, "
        f"got {type(video).__name__}"
    )
