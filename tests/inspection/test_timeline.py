"""predict_timeline: a long video classified window by window, in one decoding pass."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skactrec import (
    LSTMVideoClassifier,
    TemporalPooling,
    VGG16FrameFeaturizer,
    VideoReadError,
    read_video,
)
from skactrec.datasets import make_synthetic_videos
from skactrec.inspection._timeline import MAX_THUMBNAILS, _Thumbnails, predict_timeline

N_FRAMES, SIZE = 4, 32


@pytest.fixture(scope="module", params=["lstm", "pooling"])
def model(synthetic_videos, request):
    """The paper's head, and the pooling head: a Pipeline of three steps."""
    data = synthetic_videos
    head = ([LSTMVideoClassifier(n_units=4, epochs=3, random_state=0)]
            if request.param == "lstm" else [TemporalPooling(), LogisticRegression()])
    return make_pipeline(
        VGG16FrameFeaturizer(n_frames=N_FRAMES, frame_size=SIZE, layer="block2_pool",
                             weights=None, pooling="avg", batch_size=3),
        *head,
    ).fit(data.filenames, data.target_names[data.target])


@pytest.fixture(scope="module")
def long_video(tmp_path_factory):
    """One synthetic video of 23 frames at 10 frames/s (not a multiple of the window)."""
    data = make_synthetic_videos(tmp_path_factory.mktemp("long"), n_classes=2, n_groups=1,
                                 n_videos_per_group=1, n_frames=23, frame_size=48,
                                 random_state=1)
    return data.filenames[0]


def _expected_proba(model, video, windows):
    """What the model says of each window given as an array of its frames."""
    frames = read_video(video, n_frames=None, frame_size=SIZE)
    arrays = []
    for start, end in windows:
        window = frames[start:end]
        arrays.append(np.concatenate([window, np.repeat(window[-1:], N_FRAMES - len(window),
                                                        axis=0)]))
    return model.predict_proba(arrays)


@pytest.mark.parametrize("stride, windows", [
    (None, [(0, 4), (4, 8), (8, 12), (12, 16), (16, 20), (19, 23)]),  # the last ends the video
    (6, [(0, 4), (6, 10), (12, 16), (18, 22), (19, 23)]),  # frames 4-5, 10-11... left out
    (1, [(s, s + 4) for s in range(20)]),
])
def test_windows_are_classified_as_videos_of_their_own(model, long_video, stride, windows):
    extractor = model[0]._extractor()
    before = extractor.n_frames_processed
    timeline = predict_timeline(model, long_video, stride=stride, k=2)
    computed = extractor.n_frames_processed - before
    assert timeline.n_frames == 23 and timeline.fps == 10
    np.testing.assert_allclose(timeline.start, [s / 10 for s, _ in windows])
    np.testing.assert_allclose(timeline.end, [e / 10 for _, e in windows])
    np.testing.assert_allclose(timeline.proba, _expected_proba(model, long_video, windows),
                               rtol=1e-5, atol=1e-6)
    assert timeline.labels.shape == timeline.scores.shape == (len(windows), 2)
    best = model.classes_[np.argmax(timeline.proba, axis=1)]
    np.testing.assert_array_equal(timeline.labels[:, 0], best)
    # Each frame a window holds goes through VGG16 once, the others never.
    assert computed == len({f for s, e in windows for f in range(s, e)})


def test_a_video_shorter_than_a_window_is_padded_as_the_featurizer_pads(model, tmp_path):
    data = make_synthetic_videos(tmp_path, n_classes=2, n_groups=1, n_videos_per_group=1,
                                 n_frames=3, frame_size=32, random_state=2)
    timeline = predict_timeline(model, data.filenames[0])
    np.testing.assert_allclose(timeline.end, [0.3])
    np.testing.assert_allclose(timeline.proba, model.predict_proba(data.filenames[:1]),
                               rtol=1e-5, atol=1e-6)


def test_bad_inputs_are_named(model, long_video, tmp_path):
    with pytest.raises(TypeError, match="Pipeline whose first step is a VGG16FrameFeaturizer"):
        predict_timeline(model[-1], long_video)
    with pytest.raises(ValueError, match="stride must be a positive"):
        predict_timeline(model, long_video, stride=0)
    with pytest.raises(ValueError, match="k=5 is larger than the number of classes"):
        predict_timeline(model, long_video, k=5)
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    with pytest.raises(VideoReadError, match="broken.mp4"):
        predict_timeline(model, tmp_path / "broken.mp4")


def test_a_model_of_uniformly_sampled_videos_gets_a_warning(model, long_video):
    from sklearn.base import clone

    uniform = clone(model).set_params(vgg16framefeaturizer__sampling="uniform")
    uniform.fit(*_small_training_set(model))
    with pytest.warns(UserWarning, match="consecutive frames"):
        predict_timeline(uniform, long_video, k=2)


def _small_training_set(model):
    rng = np.random.RandomState(0)
    videos = [rng.randint(0, 256, (N_FRAMES, SIZE, SIZE, 3)).astype(np.uint8) for _ in range(4)]
    return videos, np.array(["a", "b", "a", "b"])


def test_thumbnails_stay_few_and_spread_over_the_video():
    thumbnails = _Thumbnails()
    frame = np.zeros((224, 224, 3), np.uint8)
    for i in range(10_000):
        thumbnails.offer(i / 10, frame)
    assert MAX_THUMBNAILS // 2 <= len(thumbnails.frames) <= MAX_THUMBNAILS
    assert thumbnails.frames[0].shape == (56, 56, 3)  # downscaled to at most 64 pixels
    gaps = np.diff(thumbnails.times)
    assert np.allclose(gaps, gaps[0])  # evenly spread
    assert thumbnails.times[0] == 0 and thumbnails.times[-1] >= 999.9 - gaps[0]  # the whole video


def test_plot_timeline(model, long_video):
    pytest.importorskip("matplotlib")
    from skactrec import plot_timeline

    timeline = predict_timeline(model, long_video, stride=2)
    fig = plot_timeline(timeline, n_thumbnails=5)
    strip, proba = fig.axes
    assert len(strip.images) == 5
    legend = [text.get_text() for text in proba.get_legend().get_texts()]
    assert sorted(legend) == sorted(model.classes_)  # 4 classes: each drawn apart
    fig = plot_timeline(timeline, max_classes=1)
    legend = [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    assert legend == [model.classes_[np.argmax(timeline.proba.mean(axis=0))], "other"]
    assert proba.get_xlim()[1] == pytest.approx(2.3)


def test_a_ten_minute_timeline_is_labelled_by_the_minute():
    pytest.importorskip("matplotlib")
    from sklearn.utils import Bunch

    from skactrec import plot_timeline

    start = np.arange(375) * 1.6  # 10 minutes of windows of 1.6 s
    proba = np.random.RandomState(0).dirichlet(np.ones(3), size=len(start))
    timeline = Bunch(start=start, end=start + 1.6, proba=proba, classes=np.array(["a", "b", "c"]),
                     thumbnails=np.zeros((64, 8, 8, 3), np.uint8),
                     thumbnail_times=np.linspace(0, 600, 64))
    fig = plot_timeline(timeline)
    fig.canvas.draw()
    low, high = fig.axes[1].get_xlim()
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()
              if low <= t.get_position()[0] <= high]
    assert labels[0] == "0:00" and labels[-1] == "10:00" and "5:00" in labels
    assert len(fig.axes[0].images) == 12
