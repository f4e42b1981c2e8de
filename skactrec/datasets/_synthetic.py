"""Synthetic action videos: a shape moving in one direction, written as real .mp4 files."""

import colorsys
import numbers
import os

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["make_synthetic_videos"]

# (name, (dy, dx)): image rows grow downwards.
_DIRECTIONS = (
    ("right", (0, 1)),
    ("left", (0, -1)),
    ("down", (1, 0)),
    ("up", (-1, 0)),
    ("down_right", (1, 1)),
    ("up_left", (-1, -1)),
    ("down_left", (1, -1)),
    ("up_right", (-1, 1)),
)
_SHAPES = ("disc", "square", "triangle", "ring", "cross", "diamond")
_TEXTURES = ("gradient", "stripes", "checker", "blotches")

_DESCR = """\
.. _synthetic_videos_dataset:

Synthetic action videos
-----------------------

Each video shows one shape moving across a static, textured background; the class is
the direction of the motion: "right", "left", "down", "up", then the diagonals
"down_right", "up_left", "down_left", "up_right" (2 to 8 classes).

Each group is an "actor" with its own appearance: shape ({shapes}, in turn), size,
colour and background (colour and texture: {textures}, in turn). Background hues are
a golden-ratio turn of the colour wheel apart from one actor to the next, and bright
actors move on dark backgrounds, dark actors on light ones, alternately. Within a video, the
start position, the distance travelled (60 to 80% of the frame along each moving
axis, so at any frame rate the motion is visible at 32x32 pixels) and the position on
the other axis are drawn at random, and every frame gets a little Gaussian pixel noise
(standard deviation 3). The shape stays at least partly inside the frame.

With ``motion_frames``, the motion fills only that many frames at a random moment:
the shape rests near the centre (40 to 60% of the frame on each axis), moves away in
the class's direction by 30 to 40% of the frame and back, and rests again at the same
place; resting place and moment are drawn alike for every class.

Since groups differ only in appearance and classes only in motion, leave-one-group-out
cross-validation tests whether a model generalises to an unseen actor.

The videos are H.264 in .mp4 (yuv420p), written by ffmpeg through imageio-ffmpeg.

=================   ==========================================
Classes             {n_classes}
Groups (actors)     {n_groups}
Videos per group    {n_videos_per_group} per class
Videos in total     {n_videos}
Frames per video    {n_frames}, at {fps} frames per second
Frame size          {frame_size}x{frame_size} pixels, RGB
=================   ==========================================
"""


def _check_int(name, value, low, high=None):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return int(value)


def _hsv(hue, saturation, value):
    return np.array(colorsys.hsv_to_rgb(hue % 1.0, saturation, value)) * 255.0


def _group_appearance(rng, group_index, size, hue_offset):
    """Shape, radius, colours and static background of one actor (drawn in a fixed order)."""
    # Background hues a golden-ratio step apart, so any two actors differ in colour;
    # bright shapes on dark backgrounds and dark shapes on light ones, alternately.
    hue = hue_offset + group_index * 0.618034 + rng.uniform(-0.03, 0.03)
    bright_actor = group_index % 2 == 0
    if bright_actor:
        base = _hsv(hue, rng.uniform(0.5, 0.8), rng.uniform(0.25, 0.4))
        colour = _hsv(hue + 0.5 + rng.uniform(-0.1, 0.1), rng.uniform(0.2, 0.5), 1.0)
    else:
        base = _hsv(hue, rng.uniform(0.35, 0.55), rng.uniform(0.8, 0.9))
        colour = _hsv(hue + 0.5 + rng.uniform(-0.1, 0.1), rng.uniform(0.4, 0.8),
                      rng.uniform(0.1, 0.25))
    radius = rng.uniform(0.09, 0.12) * size
    texture = _TEXTURES[group_index % len(_TEXTURES)]
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(0.15, 0.3) * size
    blob_centres = rng.uniform(0, size, size=(5, 2))
    blob_signs = rng.choice([-1.0, 1.0], size=5)
    tint = rng.uniform(0.5, 1.0, size=3)

    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    along = xx * np.cos(angle) + yy * np.sin(angle)
    if texture == "gradient":
        pattern = along / size - 0.5
    elif texture == "stripes":
        pattern = 0.5 * np.sin(2 * np.pi * along / period)
    elif texture == "checker":
        cell = max(size // 8, 2)
        pattern = ((yy // cell + xx // cell) % 2) - 0.5
    else:  # blotches: a few smooth bumps and dips
        sigma2 = (0.15 * size) ** 2
        d2 = (yy[..., None] - blob_centres[:, 0]) ** 2 + (xx[..., None] - blob_centres[:, 1]) ** 2
        pattern = 0.5 * np.tanh((np.exp(-d2 / (2 * sigma2)) * blob_signs).sum(axis=-1))
    amplitude = 40.0
    background = base + amplitude * pattern[..., None] * tint
    return {
        "shape": _SHAPES[group_index % len(_SHAPES)],
        "radius": radius,
        "colour": colour,
        "background": background,
        "texture": texture,
    }


def _signed_distance(shape, dy, dx, r):
    """Signed distance (pixels, negative inside) to a shape of radius ``r`` centred at 0."""
    if shape == "disc":
        return np.hypot(dy, dx) - r
    if shape == "square":
        return np.maximum(np.abs(dy), np.abs(dx)) - 0.85 * r
    if shape == "diamond":
        return (np.abs(dy) + np.abs(dx)) / np.sqrt(2) - 0.8 * r
    if shape == "ring":
        return np.abs(np.hypot(dy, dx) - 0.72 * r) - 0.34 * r
    if shape == "cross":
        arm = 0.38 * r
        horizontal = np.maximum(np.abs(dx) - r, np.abs(dy) - arm)
        vertical = np.maximum(np.abs(dx) - arm, np.abs(dy) - r)
        return np.minimum(horizontal, vertical)
    # triangle pointing up: three half-planes, inradius 0.6 r
    c, s = np.sqrt(3) / 2, 0.5
    return np.maximum.reduce([dy, -s * dy - c * dx, -s * dy + c * dx]) - 0.6 * r


def _path_across(rng, direction, n_frames, size):
    """Centre (cy, cx) per frame of a shape crossing the frame over the whole video, and
    the noise of each frame."""
    travel = rng.uniform(0.6, 0.8) * size
    start_along = rng.uniform(0.08, 0.92 - travel / size) * size
    cross_axis = rng.uniform(0.3, 0.7) * size
    noise = rng.normal(0.0, 3.0, size=(n_frames, size, size, 3))
    progress = np.arange(n_frames) / max(n_frames - 1, 1)

    def coordinate(sign):
        if sign == 0:
            return np.full(n_frames, cross_axis)
        position = start_along + travel * progress
        return position if sign > 0 else size - position

    return coordinate(direction[0]), coordinate(direction[1]), noise


def _path_excursion(rng, direction, n_frames, size, motion_frames):
    """Centre (cy, cx) per frame of a shape standing still, then leaving its place in
    ``direction`` and coming back within ``motion_frames`` frames, then still again; the
    noise of each frame, and the first frame of the excursion.

    Everything is drawn the same way whatever the direction, so that the still frames
    say nothing of the class (with the same random state they are the same pixels):
    only the frames of the excursion do.
    """
    travel = rng.uniform(0.3, 0.4) * size
    rest = rng.uniform(0.4, 0.6, size=2) * size
    noise = rng.normal(0.0, 3.0, size=(n_frames, size, size, 3))
    motion_start = int(rng.randint(0, n_frames - motion_frames + 1))
    steps = np.arange(n_frames) - motion_start
    inside = (steps >= 0) & (steps < motion_frames)
    # Every frame of the window is away from the resting place, furthest in its middle.
    progress = np.where(inside, np.sin(np.pi * (steps + 1) / (motion_frames + 1)), 0.0)
    cy, cx = (rest[axis] + direction[axis] * travel * progress for axis in (0, 1))
    return cy, cx, noise, motion_start


def _render_video(rng, appearance, direction, n_frames, size, motion_frames=None):
    """Frames (n_frames, size, size, 3) uint8 of one actor moving in ``direction``, and
    the first frame of the motion (0 unless ``motion_frames`` confines it to a window)."""
    if motion_frames is None:
        cy, cx, noise = _path_across(rng, direction, n_frames, size)
        motion_start = 0
    else:
        cy, cx, noise, motion_start = _path_excursion(rng, direction, n_frames, size,
                                                      motion_frames)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    distance = _signed_distance(
        appearance["shape"],
        yy[None] - cy[:, None, None],
        xx[None] - cx[:, None, None],
        appearance["radius"],
    )
    alpha = np.clip(0.5 - distance, 0.0, 1.0)[..., None]  # one pixel of antialiasing
    frames = (1 - alpha) * appearance["background"] + alpha * appearance["colour"] + noise
    return np.clip(np.rint(frames), 0, 255).astype(np.uint8), motion_start


def _write_mp4(path, frames, fps):
    import imageio_ffmpeg

    n, height, width, _ = frames.shape
    writer = imageio_ffmpeg.write_frames(
        path,
        (width, height),
        fps=fps,
        quality=9,
        macro_block_size=1,
        ffmpeg_log_level="error",
        pix_fmt_out="yuv420p",
    )
    writer.send(None)  # seed the generator
    try:
        for frame in frames:
            writer.send(np.ascontiguousarray(frame))
    finally:
        writer.close()


def make_synthetic_videos(
    directory,
    *,
    n_classes=4,
    n_groups=3,
    n_videos_per_group=2,
    n_frames=16,
    frame_size=64,
    fps=10,
    motion_frames=None,
    random_state=None,
):
    """Write synthetic action videos (a moving shape) as .mp4 files.

    Each class is a direction of motion; each group is an "actor" with its own
    appearance (shape, size, colours, background texture), so that
    leave-one-group-out cross-validation tests generalisation to a new actor.

    Parameters
    ----------
    directory : str or os.PathLike
        Where to write the videos; created if missing. Existing files of the same
        names are overwritten.
    n_classes : int, default=4
        Number of classes, 2 to 8: "right", "left", "down", "up", then
        "down_right", "up_left", "down_left", "up_right".
    n_groups : int, default=3
        Number of groups (actors), >= 1.
    n_videos_per_group : int, default=2
        Number of videos of each group for each class, >= 1.
    n_frames : int, default=16
        Number of frames of each video, >= 1.
    frame_size : int, default=64
        Height and width of the frames in pixels: even and >= 16.
    fps : float, default=10
        Frame rate written in the files, > 0.
    motion_frames : int, default=None
        None: the shape crosses the frame over the whole video. An int from 2 to
        ``n_frames``: a task where the action fills a short window of the clip. The
        shape stands still near the centre, then, over that many consecutive frames
        from a random first frame (``motion_start``), leaves its place in the class's
        direction (by 30 to 40% of the frame) and comes back, then stands still again.
        Its resting place and the window are drawn the same way for every class, so
        the still frames say nothing of the class; only the frames of the motion do.
    random_state : int, RandomState instance or None, default=None
        Controls appearances, motions and noise. Pass an int for the same videos
        (the same decoded frames) on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        filenames : list of str
            Paths of the videos, ``<directory>/<target_name>/g<GG>_c<CC>.mp4``,
            sorted by class, then group, then clip.
        target : ndarray of shape (n_videos,), dtype int
            Class of each video, an index into ``target_names``.
        target_names : ndarray of shape (n_classes,), dtype str
            Names of the classes (directions).
        groups : ndarray of shape (n_videos,), dtype int
            Group (actor) of each video, 1 to ``n_groups`` as in the file names.
        motion_start : ndarray of shape (n_videos,), dtype int
            The first frame of each video's motion (0 without ``motion_frames``); the
            motion fills frames ``motion_start`` to ``motion_start + motion_frames - 1``.
        directory : str
            The directory written to.
        DESCR : str
            Description of the dataset.

    Raises
    ------
    ValueError
        If an argument is out of range or of the wrong type.

    Examples
    --------
    >>> import tempfile
    >>> from skactrec.datasets._synthetic import make_synthetic_videos
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bunch = make_synthetic_videos(tmp, n_classes=2, n_groups=2, n_videos_per_group=1,
    ...                                   n_frames=4, frame_size=32, random_state=0)
    ...     print(len(bunch.filenames), bunch.target_names, bunch.groups)
    4 ['right' 'left'] [1 2 1 2]
    """
    n_classes = _check_int("n_classes", n_classes, 2, len(_DIRECTIONS))
    n_groups = _check_int("n_groups", n_groups, 1)
    n_videos_per_group = _check_int("n_videos_per_group", n_videos_per_group, 1)
    n_frames = _check_int("n_frames", n_frames, 1)
    frame_size = _check_int("frame_size", frame_size, 16)
    if frame_size % 2:
        raise ValueError(f"frame_size must be even (H.264 in yuv420p), got {frame_size}")
    if (
        not isinstance(fps, numbers.Real)
        or isinstance(fps, bool)
        or not np.isfinite(fps)
        or fps <= 0
    ):
        raise ValueError(f"fps must be a positive number, got {fps!r}")
    if not isinstance(directory, (str, os.PathLike)):
        raise ValueError(f"directory must be a path (str or os.PathLike), got {directory!r}")
    if motion_frames is not None:
        motion_frames = _check_int("motion_frames", motion_frames, 2, n_frames)
    rng = check_random_state(random_state)

    directory = os.fspath(directory)
    os.makedirs(directory, exist_ok=True)
    # Appearances first, in group order, so they do not depend on n_classes.
    hue_offset = rng.uniform(0, 1)
    appearances = [_group_appearance(rng, g, frame_size, hue_offset) for g in range(n_groups)]

    filenames, target, groups, motion_starts = [], [], [], []
    for class_index, (name, direction) in enumerate(_DIRECTIONS[:n_classes]):
        os.makedirs(os.path.join(directory, name), exist_ok=True)
        for g, appearance in enumerate(appearances):
            for clip in range(n_videos_per_group):
                frames, motion_start = _render_video(rng, appearance, direction, n_frames,
                                                     frame_size, motion_frames)
                path = os.path.join(directory, name, f"g{g + 1:02d}_c{clip + 1:02d}.mp4")
                _write_mp4(path, frames, fps)
                filenames.append(path)
                target.append(class_index)
                groups.append(g + 1)
                motion_starts.append(motion_start)

    target_names = np.array([name for name, _ in _DIRECTIONS[:n_classes]])
    descr = _DESCR.format(
        shapes=", ".join(_SHAPES),
        textures=", ".join(_TEXTURES),
        n_classes=n_classes,
        n_groups=n_groups,
        n_videos_per_group=n_videos_per_group,
        n_videos=len(filenames),
        n_frames=n_frames,
        fps=fps,
        frame_size=frame_size,
    )
    return Bunch(
        filenames=filenames,
        target=np.array(target, dtype=int),
        target_names=target_names,
        groups=np.array(groups, dtype=int),
        motion_start=np.array(motion_starts, dtype=int),
        directory=directory,
        DESCR=descr,
    )
