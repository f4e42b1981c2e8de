"""Tests of read_video (skactrec.video): reading real clips, arrays, sampling and errors.

Run as a script (``python tests/video/test_video.py``) to print a table of the real clips.
"""

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

import skactrec.video._decode
from skactrec.video._probe import VideoInfo, probe
from skactrec.video._reader import VideoReadError, read_video
from skactrec.video._sampling import sample_frame_indices

# The clips described in ../shared/data/README.md; the fixtures skip where they are absent.
CLIPS = [
    "carphone_pristine.mp4",
    "clean_and_jerk.mp4",
    "demo_skeleton.mp4",
    "exercise.avi",
    "part_0.mp4",
    "ta_chi.mp4",
    "test.avi",
    "vtest_480x360_reencoded.avi",
]


def _clip(shared_data_dir, name):
    path = shared_data_dir / "videos" / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


def _metadata_estimate(path):
    """Frame count as read_video estimates it for "uniform": round(duration * fps)."""
    gen = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(gen)
    finally:
        gen.close()
    return int(round(meta["duration"] * meta["fps"]))


# --------------------------------------------------------------------------- real clips


def test_clip_list_matches_the_shared_folder(shared_videos):
    assert sorted(p.name for p in shared_videos) == sorted(CLIPS)


@pytest.mark.parametrize("name", CLIPS)
def test_every_clip_decodes_at_default_settings(shared_data_dir, name):
    frames = read_video(_clip(shared_data_dir, name))
    assert frames.shape == (40, 224, 224, 3)
    assert frames.dtype == np.uint8
    assert frames.flags.c_contiguous and frames.flags.writeable
    assert frames.std() > 5  # real pictures, not a blank buffer


def test_short_clip_is_padded_with_its_last_frame(shared_data_dir):
    # part_0.mp4 has 32 decoded frames (README's 33 counts a frame ffmpeg's
    # constant-rate output duplicates; read_video keeps decoded frames only).
    path = _clip(shared_data_dir, "part_0.mp4")
    full = read_video(path, n_frames=None, frame_size=None)
    assert len(full) == 32 == imageio_ffmpeg.count_frames_and_secs(str(path))[0]
    frames = read_video(path, frame_size=None)
    assert frames.shape == (40, 256, 340, 3)
    np.testing.assert_array_equal(frames[:32], full)
    for i in range(32, 40):
        np.testing.assert_array_equal(frames[i], full[31])
    assert not np.array_equal(frames[30], frames[31])  # real frames differ
    resized = read_video(path)
    assert all(np.array_equal(resized[i], resized[31]) for i in range(32, 40))


def test_frame_size_none_keeps_source_size(shared_data_dir):
    frames = read_video(_clip(shared_data_dir, "carphone_pristine.mp4"), n_frames=3,
                        frame_size=None)
    assert frames.shape == (3, 144, 176, 3)


def test_frame_size_tuple_is_height_width(shared_data_dir):
    frames = read_video(_clip(shared_data_dir, "test.avi"), n_frames=2, frame_size=(30, 50))
    assert frames.shape == (2, 30, 50, 3)


def test_n_frames_none_reads_every_decoded_frame(shared_data_dir):
    path = _clip(shared_data_dir, "test.avi")
    frames = read_video(path, n_frames=None, frame_size=32)
    assert frames.shape == (imageio_ffmpeg.count_frames_and_secs(str(path))[0], 32, 32, 3)


@pytest.mark.parametrize("name", CLIPS)
def test_probe_reads_what_imageio_ffmpeg_reads(shared_data_dir, name):
    # The estimated length of "uniform" and the size of frame_size=None come from here.
    path = _clip(shared_data_dir, name)
    gen = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(gen)
    finally:
        gen.close()
    info = probe(str(path))
    assert info.size == meta["size"][::-1]
    assert (info.fps, info.duration) == (meta["fps"], meta["duration"])


@pytest.mark.parametrize("name, frame_size", [("test.avi", None), ("ta_chi.mp4", 64)])
def test_first_sampling_equals_start_of_full_decode(shared_data_dir, name, frame_size):
    path = _clip(shared_data_dir, name)
    full = read_video(path, n_frames=None, frame_size=frame_size)
    for n in (1, 7, 40):
        np.testing.assert_array_equal(read_video(path, n_frames=n, frame_size=frame_size),
                                      full[:n])


@pytest.mark.parametrize(
    "name, frame_size",
    # test.avi: mpeg4 + mp3 audio; vtest: h264 + aac audio, its metadata overestimates
    # the length by 2 frames; carphone: h264 without audio.
    [("test.avi", None), ("vtest_480x360_reencoded.avi", 48), ("carphone_pristine.mp4", 64)],
)
def test_uniform_sampling_equals_same_indices_of_full_decode(shared_data_dir, name, frame_size):
    path = _clip(shared_data_dir, name)
    full = read_video(path, n_frames=None, frame_size=frame_size)
    n_estimated = _metadata_estimate(path)
    assert abs(n_estimated - len(full)) <= 2
    for n in (5, 40, 150):  # 150: more frames than a flat ffmpeg select expression allows
        frames = read_video(path, n_frames=n, frame_size=frame_size, sampling="uniform")
        indices = sample_frame_indices(n_estimated, n, "uniform")
        assert indices.max() < len(full)
        np.testing.assert_array_equal(frames, full[indices])


def test_uniform_on_short_clip_repeats_frames(shared_data_dir):
    path = _clip(shared_data_dir, "part_0.mp4")
    full = read_video(path, n_frames=None, frame_size=32)
    frames = read_video(path, n_frames=40, frame_size=32, sampling="uniform")
    indices = sample_frame_indices(_metadata_estimate(path), 40, "uniform")
    assert len(np.unique(indices)) < 40  # duplicates mapped back
    np.testing.assert_array_equal(frames, full[indices])


def test_uniform_pads_when_metadata_overestimates(shared_data_dir, monkeypatch, caplog):
    import skactrec.video._decode as video_module

    path = _clip(shared_data_dir, "part_0.mp4")
    full = read_video(path, n_frames=None, frame_size=32)
    monkeypatch.setattr(video_module, "estimate_n_frames", lambda path, info, **kwargs: 60)
    with caplog.at_level(logging.DEBUG, logger="skactrec.video._decode"):
        frames = read_video(path, n_frames=10, frame_size=32, sampling="uniform")
    indices = sample_frame_indices(60, 10, "uniform")  # 3, 9, ..., 57: half past the end
    present = indices < len(full)
    np.testing.assert_array_equal(frames[present], full[indices[present]])
    last_decoded = full[indices[present][-1]]
    for frame in frames[~present]:
        np.testing.assert_array_equal(frame, last_decoded)
    assert "padding" in caplog.text


def test_uniform_counts_frames_when_metadata_lacks_duration(shared_data_dir, monkeypatch):
    import skactrec.video._decode as video_module

    path = _clip(shared_data_dir, "part_0.mp4")
    no_length = VideoInfo(size=(256, 340), fps=0.0, duration=0.0, n_frames=None)
    monkeypatch.setattr(video_module, "probe", lambda path, **kwargs: no_length)
    frames = read_video(path, n_frames=6, frame_size=32, sampling="uniform")
    full = read_video(path, n_frames=None, frame_size=32)
    np.testing.assert_array_equal(frames, full[sample_frame_indices(32, 6, "uniform")])


class _CountingDecoder:
    """Wraps skactrec's ffmpeg frame reader: records output_params and frames delivered."""

    def __init__(self):
        self.original = skactrec.video._decode.read_rgb_frames
        self.calls = []

    def __call__(self, source, output_params, *args, **kwargs):
        frames, messages = self.original(source, output_params, *args, **kwargs)
        self.calls.append({"output_params": output_params, "frames": len(frames)})
        return frames, messages


@pytest.mark.parametrize("sampling", ["first", "uniform"])
def test_decoding_stops_early(shared_data_dir, monkeypatch, sampling):
    # vtest has 795 frames: only the requested ones may reach Python.
    path = _clip(shared_data_dir, "vtest_480x360_reencoded.avi")
    counter = _CountingDecoder()
    monkeypatch.setattr(skactrec.video._decode, "read_rgb_frames", counter)
    frames = read_video(path, n_frames=5, frame_size=32, sampling=sampling)
    assert frames.shape == (5, 32, 32, 3)
    assert len(counter.calls) == 1  # the probe of "uniform" reads metadata only
    decode = counter.calls[-1]
    params = decode["output_params"]
    assert params[params.index("-frames:v") + 1] == "5"
    assert decode["frames"] == 5
    filters = params[params.index("-vf") + 1]
    assert "scale=32:32" in filters
    if sampling == "uniform":
        assert filters.index("select=") < filters.index("scale=")  # select before scale


def test_file_and_array_paths_resize_alike(shared_data_dir):
    # ffmpeg's bilinear scale and resize_frames are both antialiased linear filters.
    path = _clip(shared_data_dir, "carphone_pristine.mp4")
    original = read_video(path, n_frames=3, frame_size=None)
    for size in (64, (100, 50), 224):
        by_ffmpeg = read_video(path, n_frames=3, frame_size=size).astype(float)
        by_numpy = read_video(original, n_frames=3, frame_size=size).astype(float)
        assert np.abs(by_ffmpeg - by_numpy).mean() < 4


def test_path_types(shared_data_dir):
    path = _clip(shared_data_dir, "part_0.mp4")
    a = read_video(path, n_frames=2, frame_size=16)
    b = read_video(str(path), n_frames=2, frame_size=16)
    np.testing.assert_array_equal(a, b)


def test_file_name_with_colon(shared_data_dir, tmp_path):
    # Without the "file:" prefix ffmpeg would take "clip:1" for a protocol.
    target = tmp_path / "clip:1.mp4"
    target.symlink_to(_clip(shared_data_dir, "part_0.mp4"))
    assert read_video(target, n_frames=2, frame_size=16).shape == (2, 16, 16, 3)


# --------------------------------------------------------------------------- errors


def _bad_files(directory, shared_data_dir=None):
    """(name, path) of unreadable files written in ``directory``."""
    directory = Path(directory)
    empty = directory / "empty.mp4"
    empty.write_bytes(b"")
    noise = directory / "noise.mp4"
    noise.write_bytes(np.random.RandomState(0).bytes(20000))
    text = directory / "notes.avi"
    text.write_text("this is not a video\n" * 50)
    folder = directory / "folder.mp4"
    folder.mkdir(exist_ok=True)
    files = {
        "missing": directory / "missing.mp4",
        "directory": folder,
        "empty": empty,
        "random_bytes": noise,
        "text": text,
    }
    if shared_data_dir is not None:
        for name in ("part_0.mp4", "test.avi"):
            source = shared_data_dir / "videos" / name
            if source.is_file():
                truncated = directory / f"truncated_{name}"
                truncated.write_bytes(source.read_bytes()[:2048])
                files[f"truncated_{name}"] = truncated
    return files


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "random_bytes", "text"])
@pytest.mark.parametrize("sampling", ["first", "uniform"])
def test_unreadable_file_raises_video_read_error(tmp_path, kind, sampling):
    path = _bad_files(tmp_path)[kind]
    with pytest.raises(VideoReadError) as info:
        read_video(path, sampling=sampling)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.source == str(path)
    assert path.name in str(error)
    assert error.reason and error.reason in str(error)
    assert "ffmpeg version" not in str(error) and "configuration:" not in str(error)


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("missing", "no such file"),
        ("directory", "directory"),
        ("empty", "empty"),
        ("random_bytes", "Invalid data found when processing input"),
    ],
)
def test_error_reasons(tmp_path, kind, reason):
    with pytest.raises(VideoReadError, match=reason):
        read_video(_bad_files(tmp_path)[kind])


@pytest.mark.parametrize("name", ["part_0.mp4", "test.avi"])
def test_truncated_file_raises(shared_data_dir, tmp_path, name):
    path = _bad_files(tmp_path, shared_data_dir)[f"truncated_{name}"]
    with pytest.raises(VideoReadError, match=r"truncated_.*(Invalid data|moov atom)") as info:
        read_video(path)
    assert info.value.source == str(path)


def test_file_without_video_stream(tmp_path):
    audio = tmp_path / "sound.m4a"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=d=0.5",
         "-y", str(audio)],
        check=True, capture_output=True,
    )
    with pytest.raises(VideoReadError, match="no video stream"):
        read_video(audio)


def test_video_read_error_pickles():
    error = VideoReadError("/a/b.mp4", "moov atom not found")
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.source, clone.reason, str(clone)) == (error.source, error.reason, str(error))


def _child_processes():
    """Live or zombie children of this process (psutil if installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        return [p.pid for p in psutil.Process().children(recursive=True)]
    if not os.path.isdir("/proc"):
        pytest.skip("neither psutil nor /proc to list child processes")
    me, children = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:  # fields: state, ppid, ...
            children.append(int(entry))
    return children


def test_no_ffmpeg_process_left_after_failures(tmp_path, shared_data_dir):
    files = _bad_files(tmp_path, shared_data_dir)
    ffmpeg_failures = [files[k] for k in files if k not in ("missing", "directory", "empty")]
    before = set(_child_processes())
    for i in range(20):
        with pytest.raises(VideoReadError):
            read_video(ffmpeg_failures[i % len(ffmpeg_failures)],
                       sampling=("first", "uniform")[i % 2])
    # and after early stops on a long clip
    long_clip = _clip(shared_data_dir, "vtest_480x360_reencoded.avi")
    read_video(long_clip, n_frames=2, frame_size=16)
    read_video(long_clip, n_frames=2, frame_size=16, sampling="uniform")
    assert set(_child_processes()) - before == set()


# --------------------------------------------------------------------------- arrays


def test_array_rgb():
    rng = np.random.RandomState(0)
    video = rng.randint(0, 256, size=(10, 48, 64, 3), dtype=np.uint8)
    before = video.copy()
    out = read_video(video, n_frames=4, frame_size=None)
    np.testing.assert_array_equal(out, video[:4])
    np.testing.assert_array_equal(video, before)
    assert not np.shares_memory(out, video)
    assert read_video(video, n_frames=4, frame_size=32).shape == (4, 32, 32, 3)


def test_array_full_copy_is_not_a_view():
    video = np.zeros((5, 8, 8, 3), dtype=np.uint8)
    out = read_video(video, n_frames=None, frame_size=None)
    np.testing.assert_array_equal(out, video)
    assert not np.shares_memory(out, video)
    out[:] = 1
    assert (video == 0).all()


def test_array_non_contiguous_input():
    video = np.random.RandomState(1).randint(0, 256, (6, 20, 30, 3), dtype=np.uint8)
    view = video[::2, :, ::-1]
    out = read_video(view, n_frames=None, frame_size=None)
    assert out.flags.c_contiguous
    np.testing.assert_array_equal(out, view)


@pytest.mark.parametrize("shape", [(6, 12, 16), (6, 12, 16, 1)])
def test_array_grayscale_becomes_rgb(shape):
    video = np.random.RandomState(2).randint(0, 256, size=shape, dtype=np.uint8)
    out = read_video(video, n_frames=6, frame_size=None)
    assert out.shape == (6, 12, 16, 3)
    for c in range(3):
        np.testing.assert_array_equal(out[..., c], video.reshape(6, 12, 16))


def test_array_rgba_drops_alpha():
    video = np.random.RandomState(3).randint(0, 256, size=(3, 8, 8, 4), dtype=np.uint8)
    out = read_video(video, n_frames=3, frame_size=None)
    np.testing.assert_array_equal(out, video[..., :3])


def test_array_float_is_rounded():
    video = np.full((2, 4, 4, 3), 12.4)
    video[1] = 12.6
    video[0, 0, 0] = [0.0, 255.0, 254.5]
    out = read_video(video, n_frames=2, frame_size=None)
    assert out.dtype == np.uint8
    assert out[0, 1, 1, 0] == 12 and out[1, 1, 1, 0] == 13
    assert list(out[0, 0, 0]) == [0, 255, 254]  # rint: half to even


def test_array_float32_and_other_ints():
    base = np.random.RandomState(4).randint(0, 256, size=(3, 8, 8, 3))
    for dtype in (np.float32, np.int64, np.uint16, np.int16):
        out = read_video(base.astype(dtype), n_frames=3, frame_size=None)
        np.testing.assert_array_equal(out, base.astype(np.uint8))


def test_array_sampling():
    video = np.arange(7, dtype=np.uint8)[:, None, None, None] * np.ones((1, 2, 2, 3), np.uint8)
    first = read_video(video, n_frames=10, frame_size=None)
    np.testing.assert_array_equal(first[:, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 6, 6, 6])
    uniform = read_video(video, n_frames=3, frame_size=None, sampling="uniform")
    np.testing.assert_array_equal(uniform[:, 0, 0, 0], [1, 3, 5])


@pytest.mark.parametrize(
    "video, match",
    [
        (np.zeros((5, 5), np.uint8), r"shape \(5, 5\)"),
        (np.zeros((1, 5, 5, 3, 1), np.uint8), r"shape \(1, 5, 5, 3, 1\)"),
        (np.zeros((2, 5, 5, 2), np.uint8), r"shape \(2, 5, 5, 2\)"),
        (np.zeros((2, 5, 5, 5), np.uint8), r"shape \(2, 5, 5, 5\)"),
        (np.zeros((0, 5, 5, 3), np.uint8), "empty"),
        (np.zeros((3, 0, 5, 3), np.uint8), "empty"),
        (np.full((2, 4, 4, 3), 256.0), r"\[0, 255\]"),
        (np.full((2, 4, 4, 3), -0.5), r"\[0, 255\]"),
        (np.full((2, 4, 4, 3), np.nan), "NaN"),
        (np.full((2, 4, 4, 3), np.inf, np.float32), "infinity"),
        (np.full((2, 4, 4, 3), 300, np.int32), r"\[0, 255\]"),
        (np.full((2, 4, 4, 3), -1, np.int8), r"\[0, 255\]"),
        (np.zeros((2, 4, 4, 3), bool), "dtype bool"),
        (np.zeros((2, 4, 4, 3), complex), "dtype complex"),
        (np.zeros((2, 4, 4, 3), object), "dtype object"),
    ],
)
def test_bad_arrays(video, match):
    before = video.copy()
    with pytest.raises(VideoReadError, match=match) as info:
        read_video(video)
    assert info.value.source == "array"
    np.testing.assert_array_equal(video, before)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_frames": 0}, ValueError, "n_frames"),
        ({"n_frames": -3}, ValueError, "n_frames"),
        ({"n_frames": 2.5}, TypeError, "n_frames"),
        ({"n_frames": True}, TypeError, "n_frames"),
        ({"n_frames": "40"}, TypeError, "n_frames"),
        ({"frame_size": 0}, ValueError, "frame_size"),
        ({"frame_size": (0, 4)}, ValueError, "frame_size"),
        ({"frame_size": (4, 4, 4)}, TypeError, "frame_size"),
        ({"frame_size": "224"}, TypeError, "frame_size"),
        ({"frame_size": 22.4}, TypeError, "frame_size"),
        ({"sampling": "middle"}, ValueError, "sampling"),
        ({"sampling": None}, ValueError, "sampling"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        read_video(np.zeros((2, 8, 8, 3), np.uint8), **kwargs)
    with pytest.raises(error, match=match):  # checked before touching the file
        read_video("/no/such/file.mp4", **kwargs)


@pytest.mark.parametrize("video", [123, [np.zeros((2, 2, 3))], None, b"clip.mp4"])
def test_bad_video_type(video):
    with pytest.raises(TypeError, match="video must be"):
        read_video(video)


def test_numpy_integer_parameters():
    video = np.zeros((5, 8, 8, 3), np.uint8)
    out = read_video(video, n_frames=np.int64(3), frame_size=(np.int32(4), np.int64(6)))
    assert out.shape == (3, 4, 6, 3)


# --------------------------------------------------------------------------- indices


def test_sample_frame_indices():
    np.testing.assert_array_equal(sample_frame_indices(3, 5, "first"), [0, 1, 2, 2, 2])
    np.testing.assert_array_equal(sample_frame_indices(10, 3, "first"), [0, 1, 2])
    np.testing.assert_array_equal(sample_frame_indices(10, 5, "uniform"), [1, 3, 5, 7, 9])
    np.testing.assert_array_equal(sample_frame_indices(3, 6, "uniform"), [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(sample_frame_indices(4, None, "uniform"), [0, 1, 2, 3])
    idx = sample_frame_indices(795, 40, "uniform")
    expected = np.floor((np.arange(40) + 0.5) * 795 / 40).astype(int)
    np.testing.assert_array_equal(idx, expected)
    assert idx.dtype == np.intp


@pytest.mark.parametrize(
    "args, error",
    [((0, 5, "first"), ValueError), ((5, 0, "first"), ValueError),
     ((5, 5, "last"), ValueError), ((5.0, 5, "first"), TypeError)],
)
def test_sample_frame_indices_bad_arguments(args, error):
    with pytest.raises(error):
        sample_frame_indices(*args)


# --------------------------------------------------------------------------- script


def print_clip_table(directory=None):
    """Print, for each real clip: size, frames available, frames decoded, output shape."""
    directory = Path(directory or Path(__file__).resolve().parents[3] / "shared/data/videos")
    if not directory.is_dir():
        print(f"no clips at {directory}")
        return
    header = (f"{'name':<30} {'source size':>11} {'meta est.':>9} {'total':>5} "
              f"{'decoded':>7} {'padded':>6}  output shape")
    print(header)
    print("-" * len(header))
    for path in sorted(directory.iterdir()):
        gen = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(gen)
        finally:
            gen.close()
        width, height = meta["source_size"]
        total, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
        estimate = int(round(meta["duration"] * meta["fps"]))
        counter = _CountingDecoder()
        skactrec.video._decode.read_rgb_frames = counter
        try:
            frames = read_video(path)
        finally:
            skactrec.video._decode.read_rgb_frames = counter.original
        decoded = counter.calls[-1]["frames"]  # frames ffmpeg piped to Python
        print(f"{path.name:<30} {f'{width}x{height}':>11} {estimate:>9} {total:>5} "
              f"{decoded:>7} {len(frames) - decoded:>6}  {frames.shape}")


if __name__ == "__main__":
    print_clip_table(sys.argv[1] if len(sys.argv) > 1 else None)
