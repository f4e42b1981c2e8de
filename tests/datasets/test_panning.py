"""make_panning_videos: windows moving over real footage, a direction per class."""

import numpy as np
import pytest

from skactrec import read_video
from skactrec.datasets import make_panning_videos
from skactrec.datasets._synthetic import _write_mp4


@pytest.fixture(scope="module")
def still_footage(tmp_path_factory):
    """A clip of one smooth random texture that does not move: any motion is the window's."""
    rng = np.random.RandomState(0)
    coarse = rng.randint(0, 256, (6, 6, 3)).astype(float)
    texture = np.kron(coarse, np.ones((8, 8, 1)))[:40, :40]  # 40x40, blocks of 8 pixels
    texture += np.add.outer(np.arange(40), np.arange(40))[..., None] * 2.0  # no two alike
    frames = np.repeat(np.clip(texture, 0, 255).astype(np.uint8)[None], 10, axis=0)
    path = tmp_path_factory.mktemp("footage") / "still.mp4"
    _write_mp4(str(path), frames, 10)
    return path


def _shift(first, last, travel):
    """(dy, dx) by which the content moved from ``first`` to ``last``."""
    size = first.shape[0]
    best = None
    for dy in range(-travel, travel + 1):
        for dx in range(-travel, travel + 1):
            a = first[max(0, -dy) : size - max(0, dy), max(0, -dx) : size - max(0, dx)]
            b = last[max(0, dy) : size - max(0, -dy), max(0, dx) : size - max(0, -dx)]
            error = np.abs(a.astype(float) - b).mean()
            if best is None or error < best[0]:
                best = (error, dy, dx)
    return best[1], best[2]


def test_each_class_is_its_motion(still_footage, tmp_path):
    data = make_panning_videos([still_footage, still_footage], tmp_path, n_videos_per_group=1,
                               n_frames=6, frame_size=32, pan=0.25, random_state=0)
    assert list(data.target_names) == ["left", "right", "up", "down", "still"]
    assert len(data.filenames) == 10 and list(data.groups) == [1, 2] * 5
    expected = {"left": (0, 8), "right": (0, -8), "up": (8, 0), "down": (-8, 0),
                "still": (0, 0)}  # the content moves against the window
    for path, label in zip(data.filenames, data.target, strict=True):
        frames = read_video(path, n_frames=None, frame_size=None)
        assert frames.shape == (6, 32, 32, 3)
        name = data.target_names[label]
        assert _shift(frames[0], frames[-1], 8) == expected[name], (path, name)


def test_same_seed_same_videos_and_bad_arguments(still_footage, tmp_path):
    a = make_panning_videos([still_footage], tmp_path / "a", n_videos_per_group=1, n_frames=4,
                            frame_size=32, random_state=3)
    b = make_panning_videos([still_footage], tmp_path / "b", n_videos_per_group=1, n_frames=4,
                            frame_size=32, random_state=3)
    for x, y in zip(a.filenames, b.filenames, strict=True):
        np.testing.assert_array_equal(read_video(x, n_frames=None), read_video(y, n_frames=None))
    for kwargs, match in [({"frame_size": 33}, "even"), ({"pan": 0}, "pan"),
                          ({"n_frames": 1}, "n_frames")]:
        with pytest.raises(ValueError, match=match):
            make_panning_videos([still_footage], tmp_path, **kwargs)
    with pytest.raises(ValueError, match="nope.mp4"):
        make_panning_videos([tmp_path / "nope.mp4"], tmp_path)


def test_on_the_real_clips(shared_videos, tmp_path):
    data = make_panning_videos(shared_videos[:3], tmp_path, n_videos_per_group=1, n_frames=4,
                               frame_size=32, random_state=0)
    assert len(data.filenames) == 15 and data.sources == [str(v) for v in shared_videos[:3]]
    assert "Panning over real footage" in data.DESCR
