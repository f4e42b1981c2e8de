"""The bad-input matrix: each odd or broken input, and what read_video and the featurizer do.

Every case is one row of ``CASES``: how to make the input, and the documented outcome,
either the frames' shape or the error's type and message. ``python tests/test_bad_inputs.py``
prints the table with the observed behaviour.
"""

import shutil
import subprocess
import sys
import warnings

import imageio_ffmpeg
import numpy as np
import pytest
from _features import store_entries

from skactrec import VGG16FrameFeaturizer, VideoReadError, read_video
from skactrec.features._featurizer import BatchVideoReadError

N, SIZE = 4, 32  # frames and frame size asked for in every case


def ffmpeg(*args):
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *map(str, args)],
                   check=True, stdin=subprocess.DEVNULL)


def make_clip(path, n_frames=12, size="64x48", rate=10, extra=()):
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}", "-frames:v", n_frames,
           *extra, "-pix_fmt", "yuv420p", path)
    return path


# Each maker takes a folder and returns the input.
def missing(tmp):
    return tmp / "no_such_video.mp4"


def directory(tmp):
    (tmp / "a_folder.mp4").mkdir()
    return tmp / "a_folder.mp4"


def empty_file(tmp):
    (tmp / "empty.mp4").touch()
    return tmp / "empty.mp4"


def random_bytes(tmp):
    (tmp / "random.mp4").write_bytes(np.random.RandomState(0).bytes(20000))
    return tmp / "random.mp4"


def truncated_mp4(tmp):
    """An .mp4 cut in the middle: its index (moov atom, at the end) is lost."""
    data = make_clip(tmp / "whole.mp4", n_frames=50).read_bytes()
    (tmp / "truncated.mp4").write_bytes(data[: len(data) // 2])
    return tmp / "truncated.mp4"


def truncated_avi(tmp):
    """An .avi cut in the middle: the frames before the cut are still there."""
    data = make_clip(tmp / "whole.avi", n_frames=50, extra=["-c:v", "mjpeg"]).read_bytes()
    (tmp / "truncated.avi").write_bytes(data[: len(data) // 2])
    return tmp / "truncated.avi"


def audio_only(tmp):
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", tmp / "audio.m4a")
    return tmp / "audio.m4a"


def still_image(tmp):
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", 1, tmp / "still.png")
    return tmp / "still.png"


def zero_frames(tmp):
    """A valid container with a video stream and not one frame."""
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", 0, "-c:v", "mjpeg",
           tmp / "zero.avi")
    return tmp / "zero.avi"


def one_frame(tmp):
    return make_clip(tmp / "one_frame.mp4", n_frames=1)


def odd_name(tmp):
    folder = tmp / "a folder with spaces"
    folder.mkdir()
    return make_clip(folder / "vidéo ñ 動画 #1.mp4")


def gray_array(tmp):
    return np.random.RandomState(0).randint(0, 256, (6, 40, 50), dtype=np.uint8)


def rgba_array(tmp):
    return np.random.RandomState(0).randint(0, 256, (6, 40, 50, 4), dtype=np.uint8)


def float_0_255(tmp):
    return np.random.RandomState(0).uniform(0, 255, (6, 40, 50, 3))


def float_0_1(tmp):
    return np.random.RandomState(0).uniform(0, 1, (6, 40, 50, 3)).astype(np.float32)


def float_above_255(tmp):
    return np.full((6, 40, 50, 3), 300.0)


def wrong_ndim(tmp):
    return np.zeros((40, 50), np.uint8)


def empty_axis(tmp):
    return np.zeros((0, 40, 50, 3), np.uint8)


def bool_array(tmp):
    return np.zeros((6, 40, 50, 3), bool)


def not_a_video(tmp):
    return 42


# name, maker, outcome: ("frames", shape) or (error type, regex of the message)
CASES = [
    ("missing path", missing, (VideoReadError, r"no_such_video\.mp4.*no such file")),
    ("a directory", directory, (VideoReadError, r"a_folder\.mp4.*is a directory")),
    ("empty file", empty_file, (VideoReadError, r"empty\.mp4.*empty \(0 bytes\)")),
    ("random bytes", random_bytes, (VideoReadError, r"random\.mp4.*Invalid data")),
    ("mp4 cut in the middle", truncated_mp4, (VideoReadError, r"truncated\.mp4.*moov atom")),
    ("avi cut in the middle", truncated_avi, ("frames", (N, SIZE, SIZE, 3))),
    ("audio only", audio_only, (VideoReadError, r"audio\.m4a.*no video stream")),
    ("still image (1 frame, padded)", still_image, ("frames", (N, SIZE, SIZE, 3))),
    ("0-frame video", zero_frames, (VideoReadError, r"zero\.avi.*no frame could be decoded")),
    ("1-frame video (padded)", one_frame, ("frames", (N, SIZE, SIZE, 3))),
    ("spaces, non-ASCII, '#'", odd_name, ("frames", (N, SIZE, SIZE, 3))),
    ("grayscale array", gray_array, ("frames", (N, SIZE, SIZE, 3))),
    ("RGBA array (alpha dropped)", rgba_array, ("frames", (N, SIZE, SIZE, 3))),
    ("float array in [0, 255]", float_0_255, ("frames", (N, SIZE, SIZE, 3))),
    ("float array in [0, 1] (warns)", float_0_1, ("frames", (N, SIZE, SIZE, 3))),
    ("float array above 255", float_above_255, (VideoReadError, r"\[0, 255\].*by 255")),
    ("2-D array", wrong_ndim, (VideoReadError, r"expected shape.*got shape \(40, 50\)")),
    ("array with an empty axis", empty_axis, (VideoReadError, r"empty: shape \(0, 40")),
    ("bool array", bool_array, (VideoReadError, r"unsupported dtype bool")),
    ("an int", not_a_video, (TypeError, r"video must be a file path.*got int")),
]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad_inputs")
    return {name: maker(tmp) for name, maker, _ in CASES}


@pytest.mark.parametrize("name, outcome", [(c[0], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_read_video(media, name, outcome):
    kind, expected = outcome
    if kind == "frames":
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frames = read_video(media[name], n_frames=N, frame_size=SIZE)
        assert frames.shape == expected and frames.dtype == np.uint8
        assert bool(caught) == ("warns" in name), [str(w.message) for w in caught]
    else:
        with pytest.raises(kind, match=expected):
            read_video(media[name], n_frames=N, frame_size=SIZE)


def test_padding_repeats_the_last_frame(media):
    frames = read_video(media["1-frame video (padded)"], n_frames=N, frame_size=SIZE)
    assert all(np.array_equal(frame, frames[0]) for frame in frames)


def test_float_in_0_1_warns_with_the_fix(media):
    with pytest.warns(UserWarning, match=r"\[0, 1\].*multiply.*255"):
        read_video(media["float array in [0, 1] (warns)"], n_frames=N, frame_size=SIZE)


def test_featurizer_names_every_bad_video_and_keeps_the_good(media, tmp_path):
    # Not the int, the 2-D array nor the empty one: fit refuses those outright (TypeError,
    # ValueError naming the index) before reading anything.
    refused = {"an int", "2-D array", "array with an empty axis"}
    cases = [case for case in CASES if case[0] not in refused]
    videos = [media[name] for name, _, _ in cases]
    bad = [i for i, (_, _, (kind, _)) in enumerate(cases) if kind is VideoReadError]
    featurizer = VGG16FrameFeaturizer(n_frames=N, frame_size=SIZE, layer="block1_pool",
                                      weights=None, memory=tmp_path)
    featurizer.fit(videos)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the [0, 1] float case
        with pytest.raises(BatchVideoReadError) as info:
            featurizer.transform(videos)
    assert [i for i, _ in info.value.errors] == bad
    message = str(info.value)
    assert f"{len(bad)} of {len(videos)} videos could not be read" in message
    # the good ones were computed and stored
    assert len(store_entries(tmp_path)) == len(videos) - len(bad)


def test_empty_list_mixed_list_and_refused_inputs(media):
    featurizer = VGG16FrameFeaturizer(n_frames=N, frame_size=SIZE, layer="block1_pool",
                                      weights=None)
    with pytest.raises(ValueError, match="at least one video"):
        featurizer.fit([])
    with pytest.raises(ValueError, match=r"Video 1 is an array of shape \(40, 50\)"):
        featurizer.fit([media["grayscale array"], media["2-D array"]])
    with pytest.raises(TypeError, match="Video 0 is a int"):
        featurizer.fit([42])
    mixed = [media["1-frame video (padded)"], media["grayscale array"],
             str(media["spaces, non-ASCII, '#'"])]
    assert featurizer.fit_transform(mixed).shape[:2] == (3, N)


def print_table():
    """The matrix with what is observed on this machine (for notes and the user guide)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        print(f"| input | read_video(n_frames={N}, frame_size={SIZE}) |\n|---|---|")
        for name, maker, _ in CASES:
            video = maker(Path(tmp))
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    frames = read_video(video, n_frames=N, frame_size=SIZE)
                result = f"frames {frames.shape}"
                if caught:
                    result += f"; UserWarning: {caught[0].message}"
            except (VideoReadError, TypeError) as exc:
                result = f"{type(exc).__name__}: {exc}".replace(tmp, "TMP")
            print(f"| {name} | {result} |")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print_table()
    sys.exit(0)
