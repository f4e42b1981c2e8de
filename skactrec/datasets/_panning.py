"""Videos that pan across real footage: real textures, a class that only the motion tells."""

import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..video import read_video
from ._synthetic import _check_int, _write_mp4

__all__ = ["make_panning_videos"]

# (name, (dy, dx)): where the window moves over the footage; rows grow downwards.
PANS = (("left", (0, -1)), ("right", (0, 1)), ("up", (-1, 0)), ("down", (1, 0)),
        ("still", (0, 0)))

_DESCR = """\
.. _panning_videos_dataset:

Panning over real footage
-------------------------

Each video is a square window of {frame_size}x{frame_size} pixels cut from a real clip,
moving over it in the class's direction: "left", "right", "up", "down" (by {pan:.0%} of the
window's size over the video), or standing "still". The footage, and so the textures,
colours and statistics of deep features, are real; what the class is, only the motion of
the window tells. Each source clip is a group: leave-one-group-out cross-validation tests
whether a model tells the motion on footage it has never seen.

Each source clip is read whole, resized to a square of {source_size} pixels (its aspect is
not kept), and each video takes {n_frames} consecutive frames of it from a random first
frame (a clip shorter than that repeats its last frame), with a random start of the window
(at one end of the moving axis, anywhere along the other).

=================   ==========================================
Classes             {n_classes} ({classes})
Groups (clips)      {n_groups}
Videos per group    {n_videos_per_group} per class
Videos in total     {n_videos}
Frames per video    {n_frames}, at {fps} frames per second
=================   ==========================================
"""


def _window_path(rng, direction, n_frames, source_size, frame_size):
    """Top-left corner ``(y, x)`` of the window at each frame."""
    travel = source_size - frame_size
    corners = np.empty((n_frames, 2), int)
    progress = np.linspace(0, 1, n_frames)
    for axis, step in enumerate(direction):
        if step == 0:
            corners[:, axis] = rng.randint(0, travel + 1)
        else:
            start, end = (0, travel) if step > 0 else (travel, 0)
            corners[:, axis] = np.rint(start + (end - start) * progress)
    return corners


def make_panning_videos(source_videos, directory, *, n_videos_per_group=2, n_frames=16,
                        frame_size=112, pan=0.25, fps=10, random_state=None):
    """Write videos panning over real clips, a direction of motion per class, as .mp4 files.

    A task with real footage whose class only motion tells: a square window moves over a
    source clip left, right, up or down, or stands still. Each source clip is a group.
    Deep features of these videos have the statistics of real frames (ImageNet's VGG16
    finds real things in them), unlike those of :func:`make_synthetic_videos`' shapes,
    so a model's behaviour on them says something of its behaviour on real videos.

    Parameters
    ----------
    source_videos : sequence of str or os.PathLike
        The real clips to pan over (any format ffmpeg reads), one group each: 2 or more
        for leave-one-group-out cross-validation.
    directory : str or os.PathLike
        Where to write the videos; created if missing. Files of the same names are
        overwritten.
    n_videos_per_group : int, default=2
        Videos of each class cut from each source clip, >= 1.
    n_frames : int, default=16
        Frames of each video, >= 2.
    frame_size : int, default=112
        Height and width of the videos' frames in pixels: even and >= 32.
    pan : float, default=0.25
        How far the window moves over a video, as a fraction of its size, in (0, 1].
    fps : float, default=10
        Frame rate written in the files.
    random_state : int, RandomState instance or None, default=None
        Controls the frames and windows drawn. Pass an int for the same videos on every
        call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``filenames`` (``<directory>/<class>/g<GG>_c<CC>.mp4``, by class, group, clip),
        ``target`` (index into ``target_names``), ``target_names`` (``left``,
        ``right``, ``up``, ``down``, ``still``), ``groups`` (1 to the number of source
        clips, in their order), ``sources`` (the source clip of each group),
        ``directory`` and ``DESCR``.

    Raises
    ------
    ValueError
        An argument is out of range, or a source clip cannot be read
        (:class:`~skactrec.VideoReadError`).

    Examples
    --------
    >>> from skactrec.datasets import make_panning_videos
    >>> data = make_panning_videos(["a.mp4", "b.avi"], "panning")  # doctest: +SKIP
    >>> data.target_names  # doctest: +SKIP
    array(['left', 'right', 'up', 'down', 'still'], dtype='<U5')
    """
    sources = [os.fspath(v) for v in source_videos]
    if len(sources) < 1:
        raise ValueError("source_videos must name at least one clip.")
    n_videos_per_group = _check_int("n_videos_per_group", n_videos_per_group, 1)
    n_frames = _check_int("n_frames", n_frames, 2)
    frame_size = _check_int("frame_size", frame_size, 32)
    if frame_size % 2:
        raise ValueError(f"frame_size must be even (H.264 in yuv420p), got {frame_size}")
    if not (isinstance(pan, (int, float)) and 0 < pan <= 1):
        raise ValueError(f"pan must be a fraction in (0, 1], got {pan!r}")
    rng = check_random_state(random_state)
    source_size = frame_size + 2 * int(round(pan * frame_size / 2))
    directory = Path(directory)
    filenames, target, groups = [], [], []
    footage = [read_video(source, n_frames=None, frame_size=source_size) for source in sources]
    for label, (name, direction) in enumerate(PANS):
        (directory / name).mkdir(parents=True, exist_ok=True)
        for group, frames in enumerate(footage, start=1):
            for clip in range(1, n_videos_per_group + 1):
                first = rng.randint(0, max(1, len(frames) - n_frames + 1))
                times = np.minimum(np.arange(first, first + n_frames), len(frames) - 1)
                corners = _window_path(rng, direction, n_frames, source_size, frame_size)
                video = np.stack([frames[t, y : y + frame_size, x : x + frame_size]
                                  for t, (y, x) in zip(times, corners, strict=True)])
                path = directory / name / f"g{group:02d}_c{clip:02d}.mp4"
                _write_mp4(str(path), video, fps)
                filenames.append(str(path))
                target.append(label)
                groups.append(group)
    names = np.array([name for name, _ in PANS])
    descr = _DESCR.format(frame_size=frame_size, pan=pan, source_size=source_size,
                          n_frames=n_frames, n_classes=len(PANS), classes=", ".join(names),
                          n_groups=len(sources), n_videos_per_group=n_videos_per_group,
                          n_videos=len(filenames), fps=fps)
    return Bunch(filenames=filenames, target=np.array(target), target_names=names,
                 groups=np.array(groups), sources=sources, directory=str(directory),
                 DESCR=descr)
