"""Tests of skactrec.datasets._synthetic: synthetic action videos written as real files."""

import os

import numpy as np
import pytest

from skactrec.datasets._synthetic import make_synthetic_videos
from skactrec.video._reader import read_video

N_FRAMES, SIZE = 8, 32
ALL_CLASSES = ["right", "left", "down", "up", "down_right", "up_left", "down_left", "up_right"]
# Expected sign of the motion along (rows, columns) for each class.
EXPECTED = {
    "right": (0, 1), "left": (0, -1), "down": (1, 0), "up": (-1, 0),
    "down_right": (1, 1), "up_left": (-1, -1), "down_left": (1, -1), "up_right": (-1, 1),
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    directory = tmp_path_factory.mktemp("synthetic") / "new" / "folder"  # created by the function
    return make_synthetic_videos(
        directory, n_classes=8, n_groups=3, n_videos_per_group=2, n_frames=N_FRAMES,
        frame_size=SIZE, random_state=0,
    )


@pytest.fixture(scope="module")
def decoded(dataset):
    return [read_video(f, n_frames=None, frame_size=None) for f in dataset.filenames]


def _decode_all(bunch):
    return [read_video(f, n_frames=None, frame_size=None) for f in bunch.filenames]


def test_bunch_contents_and_order(dataset):
    n = 8 * 3 * 2
    assert len(dataset.filenames) == n
    assert all(isinstance(f, str) and os.path.isfile(f) for f in dataset.filenames)
    assert list(dataset.target_names) == ALL_CLASSES
    assert dataset.target.dtype.kind == "i" and dataset.groups.dtype.kind == "i"
    np.testing.assert_array_equal(dataset.target, np.repeat(np.arange(8), 6))
    np.testing.assert_array_equal(dataset.groups, np.tile(np.repeat([1, 2, 3], 2), 8))
    expected = [
        os.path.join(dataset.directory, name, f"g{g:02d}_c{c:02d}.mp4")
        for name in ALL_CLASSES for g in (1, 2, 3) for c in (1, 2)
    ]
    assert dataset.filenames == expected
    assert os.path.isdir(dataset.directory)
    assert "Synthetic action videos" in dataset.DESCR and "48" in dataset.DESCR


def test_files_are_h264_videos_of_the_requested_size(dataset, decoded):
    import imageio_ffmpeg

    gen = imageio_ffmpeg.read_frames(dataset.filenames[0])
    meta = next(gen)
    gen.close()
    assert meta["codec"] == "h264"
    assert meta["size"] == (SIZE, SIZE)
    assert meta["pix_fmt"].startswith("yuv420p")
    assert meta["fps"] == 10
    for frames in decoded:
        assert frames.shape == (N_FRAMES, SIZE, SIZE, 3)
        assert frames.dtype == np.uint8


def _trajectory(frames):
    """Centre of mass (row, column) per frame of |frame - background|.

    The background is the per-pixel temporal median: the shape covers any pixel for
    less than half of the frames, since it travels 60-80% of the frame."""
    frames = frames.astype(float)
    background = np.median(frames, axis=0)
    diff = np.abs(frames - background).sum(axis=-1)
    diff = np.where(diff > 30, diff, 0.0)  # ignore compression and pixel noise
    rows, cols = np.mgrid[0:diff.shape[1], 0:diff.shape[2]]
    mass = diff.sum(axis=(1, 2))
    assert (mass > 0).all(), "the shape left the frame"
    return np.stack([(diff * rows).sum(axis=(1, 2)) / mass,
                     (diff * cols).sum(axis=(1, 2)) / mass], axis=1)


def test_motion_goes_in_the_class_direction(dataset, decoded):
    for frames, target in zip(decoded, dataset.target, strict=True):
        name = dataset.target_names[target]
        path = _trajectory(frames)
        displacement = path[-1] - path[0]
        steps = np.diff(path, axis=0)
        for axis, sign in enumerate(EXPECTED[name]):
            if sign == 0:
                assert abs(displacement[axis]) < 0.1 * SIZE, name
            else:
                # Visible at 32x32: crosses a good part of the frame, steadily.
                assert sign * displacement[axis] > 0.4 * SIZE, name
                assert (sign * steps[:, axis] > 0).mean() >= 0.8, name


def test_shape_stays_at_least_partly_inside(decoded):
    for frames in decoded:
        background = np.median(frames.astype(float), axis=0)
        changed = (np.abs(frames - background).sum(axis=-1) > 60).sum(axis=(1, 2))
        assert (changed >= 4).all()


def test_groups_differ_in_appearance(dataset, decoded):
    # Mean colour and texture (spatial std) of the static background of each video.
    backgrounds = [np.median(f, axis=0) for f in decoded]
    features = np.array([np.concatenate([b.mean(axis=(0, 1)), b.std(axis=(0, 1))])
                         for b in backgrounds])
    groups = dataset.groups
    centroids = {g: features[groups == g].mean(axis=0) for g in np.unique(groups)}
    spread = max(np.linalg.norm(features[groups == g] - centroids[g], axis=1).max()
                 for g in centroids)
    assert spread < 3  # one actor looks the same in every video
    distances = [np.linalg.norm(centroids[a] - centroids[b])
                 for a in centroids for b in centroids if a < b]
    assert min(distances) > 25  # and unlike every other actor


def test_classes_share_appearance_within_a_group(dataset, decoded):
    # The class is in the motion only: the mean frame hardly depends on the class.
    means = np.array([f.mean(axis=(0, 1, 2)) for f in decoded])
    for g in np.unique(dataset.groups):
        assert np.ptp(means[dataset.groups == g], axis=0).max() < 12


def test_clips_of_a_group_differ(decoded):
    # Two clips of the same class and group: same actor, different start and speed.
    assert not np.array_equal(decoded[0], decoded[1])
    assert np.abs(decoded[0].astype(int) - decoded[1]).mean() > 1


def test_deterministic_with_int_random_state(tmp_path):
    kwargs = dict(n_classes=2, n_groups=2, n_videos_per_group=1, n_frames=5, frame_size=16)
    a = make_synthetic_videos(tmp_path / "a", random_state=42, **kwargs)
    b = make_synthetic_videos(tmp_path / "b", random_state=42, **kwargs)
    c = make_synthetic_videos(tmp_path / "c", random_state=43, **kwargs)
    frames_a, frames_b, frames_c = _decode_all(a), _decode_all(b), _decode_all(c)
    for x, y in zip(frames_a, frames_b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not all(np.array_equal(x, z) for x, z in zip(frames_a, frames_c, strict=True))
    np.testing.assert_array_equal(a.target, c.target)


def test_random_state_instance_and_none(tmp_path):
    kwargs = dict(n_classes=2, n_groups=1, n_videos_per_group=1, n_frames=3, frame_size=16)
    bunch = make_synthetic_videos(tmp_path / "r", random_state=np.random.RandomState(0), **kwargs)
    assert len(bunch.filenames) == 2
    bunch = make_synthetic_videos(str(tmp_path / "n"), random_state=None, **kwargs)
    assert bunch.directory == str(tmp_path / "n")


def test_conftest_signature_and_non_multiple_of_16_size(tmp_path):
    bunch = make_synthetic_videos(
        tmp_path, n_classes=4, n_groups=3, n_videos_per_group=1, n_frames=8, frame_size=32,
        random_state=0,
    )
    assert len(bunch.filenames) == 12
    odd = make_synthetic_videos(tmp_path / "odd", n_classes=2, n_groups=1,
                                n_videos_per_group=1, n_frames=2, frame_size=18, random_state=0)
    assert read_video(odd.filenames[0], n_frames=None, frame_size=None).shape == (2, 18, 18, 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_classes": 1}, "n_classes"),
        ({"n_classes": 9}, "n_classes"),
        ({"n_classes": 2.0}, "n_classes"),
        ({"n_groups": 0}, "n_groups"),
        ({"n_groups": True}, "n_groups"),
        ({"n_videos_per_group": 0}, "n_videos_per_group"),
        ({"n_frames": 0}, "n_frames"),
        ({"n_frames": "8"}, "n_frames"),
        ({"frame_size": 14}, "frame_size"),
        ({"frame_size": 33}, "even"),
        ({"frame_size": 32.0}, "frame_size"),
        ({"fps": 0}, "fps"),
        ({"fps": -5}, "fps"),
        ({"fps": "10"}, "fps"),
        ({"fps": float("nan")}, "fps"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_synthetic_videos(tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()  # validated before writing anything


def test_motion_confined_to_a_window(tmp_path):
    """With motion_frames, the shape stands still, goes away and comes back to its place."""
    from skactrec import read_video

    data = make_synthetic_videos(tmp_path, n_classes=2, n_groups=2, n_videos_per_group=2,
                                 n_frames=16, frame_size=32, motion_frames=4, random_state=0)
    assert data.motion_start.shape == (8,)
    assert np.all((0 <= data.motion_start) & (data.motion_start <= 12))
    assert len(set(data.motion_start)) > 1  # a random position
    for path, start in zip(data.filenames, data.motion_start, strict=True):
        frames = read_video(path, n_frames=None, frame_size=None).astype(float)
        still = np.delete(frames, np.s_[start : start + 4], axis=0)
        away = np.abs(frames - still.mean(axis=0)).mean(axis=(1, 2, 3))  # from its place
        moving = np.zeros(16, bool)
        moving[start : start + 4] = True
        assert away[moving].min() > 3 * away[~moving].max(), (start, away.round(2))
    default = make_synthetic_videos(tmp_path / "d", n_classes=2, n_groups=1, n_frames=8,
                                    frame_size=32, random_state=0)
    assert np.all(default.motion_start == 0)
    with pytest.raises(ValueError, match="motion_frames must be between 2 and 8"):
        make_synthetic_videos(tmp_path / "e", n_frames=8, frame_size=32, motion_frames=9)


@pytest.mark.parametrize("motion_frames", [2, 5])
def test_still_frames_say_nothing_of_the_class(motion_frames):
    """With the same random state, every direction gives the same still frames, pixel for
    pixel, and different frames during the motion: only the motion tells the class."""
    from skactrec.datasets._synthetic import _DIRECTIONS, _group_appearance, _render_video

    appearance = _group_appearance(np.random.RandomState(1), 0, 32, 0.3)
    renders = [_render_video(np.random.RandomState(7), appearance, direction, 12, 32,
                             motion_frames) for _, direction in _DIRECTIONS]
    start = renders[0][1]
    assert {motion_start for _, motion_start in renders} == {start}
    window = np.s_[start : start + motion_frames]
    for frames, _ in renders[1:]:
        np.testing.assert_array_equal(np.delete(frames, window, axis=0),
                                      np.delete(renders[0][0], window, axis=0))
        assert np.all(np.abs(frames[window].astype(int) - renders[0][0][window]).max(
            axis=(1, 2, 3)) > 50)
