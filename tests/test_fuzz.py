"""Fuzzing: random and mutated files and arrays give frames or a documented error, nothing else.

The documented errors are ``VideoReadError`` (a ``ValueError``) for an input that is not
a readable video, ``TypeError`` for something that is not a video at all, and the
featurizer's ``BatchVideoReadError`` (a ``VideoReadError``). A run of thousands:
``pytest tests/test_fuzz.py --fuzz-examples 2000``.
"""

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skactrec import VGG16FrameFeaturizer, VideoReadError, read_video

N, SIZE = 3, 32


# max_examples and derandomize come from the profile set in conftest.py (--fuzz-examples).
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def seeds(synthetic_videos, tmp_path_factory):
    """Valid files to mutate: the synthetic .mp4 and the same clip as .avi (MJPEG)."""
    import subprocess

    import imageio_ffmpeg

    mp4 = Path(synthetic_videos.filenames[0])
    avi = tmp_path_factory.mktemp("seeds") / "clip.avi"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(mp4), "-c:v",
                    "mjpeg", str(avi)], check=True)
    return [mp4.read_bytes(), avi.read_bytes()]


def check_file(data, suffix):
    """read_video on a file holding ``data``: frames of the asked shape, or VideoReadError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            frames = read_video(path, n_frames=N, frame_size=SIZE)
        except VideoReadError as exc:
            assert os.fspath(path) in str(exc)
            return "error"
    assert frames.shape == (N, SIZE, SIZE, 3) and frames.dtype == np.uint8
    return "frames"


@FUZZ
@given(data=st.binary(min_size=1, max_size=4096), suffix=st.sampled_from([".mp4", ".avi", ""]))
def test_random_bytes(data, suffix):
    event(check_file(data, suffix))


@FUZZ
@given(seed=st.sampled_from([0, 1]), cut=st.floats(0, 1), flips=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=20))
def test_mutated_files(seeds, seed, cut, flips):
    data = bytearray(seeds[seed][: max(1, int(len(seeds[seed]) * cut))])
    for where, value in flips:
        data[min(len(data) - 1, int(len(data) * where))] = value
    event(check_file(bytes(data), [".mp4", ".avi"][seed]))


DTYPES = st.sampled_from([np.uint8, np.int8, np.int16, np.uint16, np.int64, np.float16,
                          np.float32, np.float64, np.bool_, np.complex64])


@FUZZ
@given(array=hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=5, min_side=0,
                                                 max_side=6)))
def test_random_arrays(array):
    try:
        frames = read_video(array, n_frames=N, frame_size=SIZE)
    except VideoReadError:
        event("error")
        return
    event("frames")
    assert frames.shape == (N, SIZE, SIZE, 3) and frames.dtype == np.uint8
    assert array.ndim in (3, 4)


VIDEOS = st.one_of(
    hnp.arrays(np.uint8, st.tuples(st.integers(1, 4), st.integers(8, 40), st.integers(8, 40),
                                   st.just(3))),  # valid videos
    hnp.arrays(DTYPES, hnp.array_shapes(min_dims=1, max_dims=5, min_side=0, max_side=5)),
    st.binary(max_size=512),  # written to a file
    st.sampled_from([None, 3, "x", 1.5]),
)


@FUZZ
@given(batch=st.lists(VIDEOS, max_size=4))
def test_featurizer_on_random_batches(batch):
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=SIZE, layer="block1_pool",
                                      weights=None, pooling="avg")
    with tempfile.TemporaryDirectory() as tmp:
        X = []
        for i, video in enumerate(batch):
            if isinstance(video, bytes):
                path = Path(tmp) / f"v{i}.mp4"
                path.write_bytes(video)
                video = str(path)
            X.append(video)
        try:
            features = featurizer.fit_transform(X)
        except (VideoReadError, ValueError, TypeError) as exc:
            event(type(exc).__name__)
            check_names_the_bad_video(featurizer, X, str(exc))
            return
    event("features")
    assert features.shape == (len(X), 2, 64) and np.isfinite(features).all()


def check_names_the_bad_video(featurizer, X, message):
    """The message names a video of the batch by its index (and path), which fails alone."""
    if not X:
        assert "at least one video" in message
        return
    found = re.search(r"[Vv]ideo (\d+)", message)
    assert found, message
    index = int(found.group(1))
    assert index < len(X), message
    if isinstance(X[index], str):
        assert X[index] in message
    with pytest.raises((VideoReadError, ValueError, TypeError)):
        featurizer.fit_transform([X[index]])
