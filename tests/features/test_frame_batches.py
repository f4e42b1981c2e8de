"""Frames of several videos in one VGG16 batch (issue 13, item 4): full batches across
videos, and features and store unchanged whatever the batch size."""

import numpy as np
import pytest
from _features import store_entries

from skactrec import VGG16FrameFeaturizer
from skactrec.features._frame_batches import FrameBatcher
from skactrec.features._vgg16 import FrameFeatureExtractor

SMALL = dict(n_frames=5, frame_size=32, layer="block2_pool", weights=None)


def fake_forward(calls):
    """A forward that records each batch's size; a frame's features are its pixel sum."""

    def forward(frames):
        calls.append(len(frames))
        return frames.reshape(len(frames), -1).sum(axis=1, keepdims=True).astype(np.float32)

    return forward


def video(n_frames, value):
    return np.full((n_frames, 2, 2, 3), value, np.uint8)


def test_batches_cross_videos_and_videos_come_back_whole_in_order():
    calls = []
    batcher = FrameBatcher(fake_forward(calls), batch_size=4)
    finished = []
    for key, n in zip("abcde", [3, 3, 1, 6, 2], strict=True):
        finished += batcher.add(key, video(n, value=ord(key) - ord("a") + 1))
    finished += batcher.flush()
    assert calls == [4, 4, 4, 3]  # 15 frames: every batch full but the last
    assert [key for key, _ in finished] == list("abcde")
    for key, features in finished:
        n_frames = {"a": 3, "b": 3, "c": 1, "d": 6, "e": 2}[key]
        expected = np.full((n_frames, 1), 12 * (ord(key) - ord("a") + 1), np.float32)
        np.testing.assert_array_equal(features, expected)


def test_a_video_longer_than_several_batches():
    calls = []
    batcher = FrameBatcher(fake_forward(calls), batch_size=3)
    assert [key for key, _ in batcher.add("long", video(10, 1))] == []
    (key, features), = batcher.flush()
    assert calls == [3, 3, 3, 1] and key == "long" and features.shape == (10, 1)


def test_a_video_without_frames_is_refused():
    with pytest.raises(ValueError, match="'empty' has no frames"):
        FrameBatcher(fake_forward([]), batch_size=2).add("empty", video(0, 1))


@pytest.fixture
def forward_sizes(monkeypatch):
    """The number of frames of each VGG16 pass the featurizer makes."""
    sizes = []
    call = FrameFeatureExtractor.__call__

    def spy(self, frames, batch_size=32):
        sizes.append(len(frames))
        return call(self, frames, batch_size=batch_size)

    monkeypatch.setattr(FrameFeatureExtractor, "__call__", spy)
    return sizes


def test_featurizer_batches_frames_of_several_videos(forward_sizes):
    videos = [np.random.RandomState(i).randint(0, 256, (7, 32, 32, 3)).astype(np.uint8)
              for i in range(5)]
    reference = VGG16FrameFeaturizer(**SMALL, batch_size=1).fit_transform(videos)
    forward_sizes.clear()
    features = VGG16FrameFeaturizer(**SMALL, batch_size=12).fit_transform(videos)
    assert forward_sizes == [12, 12, 1]  # 5 videos x 5 frames
    np.testing.assert_allclose(features, reference, rtol=1e-5, atol=1e-5)


def test_store_is_the_same_and_copies_are_computed_once(tmp_path, forward_sizes):
    rng = np.random.RandomState(0)
    one, other = (rng.randint(0, 256, (5, 32, 32, 3)).astype(np.uint8) for _ in range(2))
    by_video = VGG16FrameFeaturizer(**SMALL, batch_size=5, memory=tmp_path / "a")
    across = VGG16FrameFeaturizer(**SMALL, batch_size=64, memory=tmp_path / "b")
    expected = by_video.fit_transform([one, other])
    forward_sizes.clear()
    features = across.fit_transform([one, other, one])  # the copy waits for the first
    assert forward_sizes == [10]
    np.testing.assert_allclose(features[:2], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(features[2], features[0])
    stored_a = [p.name for p in store_entries(tmp_path / "a")]
    stored_b = [p.name for p in store_entries(tmp_path / "b")]
    assert stored_a == stored_b and len(stored_a) == 2
