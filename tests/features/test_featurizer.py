"""VGG16FrameFeaturizer: shapes, inputs, store, errors, pickling, verbosity."""

import pickle

import joblib
import numpy as np
import pytest
from _features import assert_same_features, load_entry, store_entries
from sklearn.exceptions import NotFittedError

from skactrec import BatchVideoReadError, VGG16FrameFeaturizer, VideoReadError, read_video
from skactrec.features._engines import get_extractor

SMALL = dict(n_frames=4, frame_size=32, layer="block2_pool", weights=None)


def _videos(n=3, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randint(0, 256, (6, 40, 48, 3)).astype(np.uint8) for _ in range(n)]


def _count(params=SMALL):
    frame_size = params["frame_size"]
    return get_extractor(params["layer"], (frame_size, frame_size), params["weights"],
                         params.get("pooling")).n_frames_processed


def test_defaults_are_the_papers():
    f = VGG16FrameFeaturizer()
    assert (f.n_frames, f.frame_size, f.layer, f.weights, f.pooling, f.sampling) == (
        40, 224, "block5_pool", "imagenet", None, "first")
    # fit only checks: no weights needed until VGG16 runs
    with pytest.raises(NotFittedError):
        f.transform(["x.mp4"])


@pytest.mark.parametrize("pooling, n_features", [(None, 8 * 8 * 128), ("avg", 128), ("max", 128)])
def test_output_shape(pooling, n_features):
    featurizer = VGG16FrameFeaturizer(**{**SMALL, "pooling": pooling})
    features = featurizer.fit_transform(_videos(2))
    assert features.shape == (2, 4, n_features) and features.dtype == np.float32
    assert featurizer.n_features_out_ == n_features and featurizer.frame_size_ == (32, 32)


def test_non_square_frames():
    featurizer = VGG16FrameFeaturizer(**{**SMALL, "frame_size": (32, 64)})
    assert featurizer.fit_transform(_videos(1)).shape == (1, 4, 8 * 16 * 128)


def test_features_are_those_of_the_frames_read():
    video = _videos(1)[0]
    featurizer = VGG16FrameFeaturizer(**SMALL, sampling="uniform").fit([video])
    frames = read_video(video, n_frames=4, frame_size=32, sampling="uniform")
    expected = get_extractor("block2_pool", (32, 32), None, None)(frames)
    np.testing.assert_array_equal(featurizer.transform([video])[0], expected)


def test_paths_and_arrays_mix(synthetic_videos):
    path = synthetic_videos.filenames[0]
    as_array = read_video(path, n_frames=None, frame_size=None)
    featurizer = VGG16FrameFeaturizer(**SMALL).fit(np.array([path]))  # an array of paths
    features = featurizer.transform([path, as_array, _videos(1)[0]])
    assert_same_features(features[0], features[1])
    assert not np.array_equal(features[0], features[2])


def test_pandas_series_of_paths_and_dataframe(synthetic_videos):
    pd = pytest.importorskip("pandas")
    paths = pd.Series(synthetic_videos.filenames[:2], index=[10, 20], name="path")
    featurizer = VGG16FrameFeaturizer(**SMALL).fit(paths)
    np.testing.assert_array_equal(featurizer.transform(paths),
                                  featurizer.transform(list(paths)))
    with pytest.raises(TypeError, match=r"DataFrame.*df\['path'\]"):
        featurizer.transform(paths.to_frame())


def test_caller_arrays_are_never_modified():
    videos = [v.astype(np.float32) for v in _videos(2)] + _videos(1)
    originals = [v.copy() for v in videos]
    VGG16FrameFeaturizer(**SMALL).fit_transform(videos)
    for video, original in zip(videos, originals, strict=True):
        np.testing.assert_array_equal(video, original)


def test_store_computes_each_video_once(tmp_path):
    videos = _videos(3)
    featurizer = VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit(videos)
    before = _count()
    first = featurizer.transform(videos)
    assert _count() - before == 3 * 4
    again = VGG16FrameFeaturizer(**SMALL, memory=str(tmp_path)).fit(videos).transform(videos[::-1])
    assert _count() - before == 3 * 4, "stored videos must not go through VGG16 again"
    np.testing.assert_array_equal(again, first[::-1])
    assert len(store_entries(tmp_path)) == 3


def test_store_key_includes_every_parameter_that_changes_features(tmp_path):
    videos = _videos(1)
    base = VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit(videos).transform(videos)
    for change in [dict(n_frames=3), dict(sampling="uniform"), dict(layer="block2_conv2"),
                   dict(pooling="avg"), dict(frame_size=48)]:
        other = VGG16FrameFeaturizer(**{**SMALL, **change}, memory=tmp_path)
        features = other.fit(videos).transform(videos)
        assert features.shape != base.shape or not np.array_equal(features, base), change
    n_settings = len(list(tmp_path.rglob("settings.json")))
    assert n_settings == 6


def test_store_as_joblib_memory(tmp_path):
    videos = _videos(1)
    VGG16FrameFeaturizer(**SMALL, memory=joblib.Memory(tmp_path, verbose=0)).fit_transform(videos)
    assert len(store_entries(tmp_path)) == 1
    no_store = VGG16FrameFeaturizer(**SMALL, memory=joblib.Memory(None, verbose=0))
    before = _count()
    no_store.fit_transform(videos)
    assert _count() - before == 4


def test_bad_videos_are_all_named_and_good_ones_stored(tmp_path, synthetic_videos):
    missing = tmp_path / "missing.mp4"
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    good = [synthetic_videos.filenames[0], _videos(1)[0]]
    featurizer = VGG16FrameFeaturizer(**SMALL, memory=tmp_path / "store").fit(good)
    with pytest.raises(VideoReadError) as info:
        featurizer.transform([good[0], missing, good[1], junk])
    message = str(info.value)
    assert "2 of 4 videos" in message
    assert "video 1" in message and "missing.mp4" in message
    assert "video 3" in message and "junk.mp4" in message
    assert len(store_entries(tmp_path / "store")) == 2
    assert [i for i, _ in info.value.errors] == [1, 3]
    assert pickle.loads(pickle.dumps(info.value)).errors[0][0] == 1


def test_single_bad_video_is_named_by_index():
    with pytest.raises(ValueError, match=r"1 of 2 videos.*\n  video 1: "):
        VGG16FrameFeaturizer(**SMALL).fit_transform([_videos(1)[0], np.full((2, 8, 8, 3), 300.0)])


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("video.mp4", TypeError, "single path"),
        ([], ValueError, "at least one video"),
        ([3], TypeError, "Video 0 is a int"),
        (5, TypeError, "sequence of videos"),
        (np.zeros((10, 3)), ValueError, r"numeric array of shape \(10, 3\)"),
        ([np.zeros((4, 3))], ValueError, r"Video 0 is an array of shape \(4, 3\)"),
        ([np.zeros((0, 8, 8, 3))], ValueError, "no empty axis"),
    ],
)
def test_bad_input_types(X, error, match):
    with pytest.raises(error, match=match):
        VGG16FrameFeaturizer(**SMALL).fit(X)


def test_bad_parameters():
    with pytest.raises(ValueError, match="layer"):
        VGG16FrameFeaturizer(layer="fc2").fit(_videos(1))
    with pytest.raises(ValueError, match="frame_size"):
        VGG16FrameFeaturizer(frame_size=16).fit(_videos(1))
    with pytest.raises(ValueError, match="frame_size"):
        VGG16FrameFeaturizer(frame_size=(32, 16)).fit(_videos(1))


def test_pickle_holds_no_model():
    featurizer = VGG16FrameFeaturizer(**SMALL).fit(_videos(1))
    expected = featurizer.transform(_videos(1))
    blob = pickle.dumps(featurizer)
    assert len(blob) < 5000
    np.testing.assert_array_equal(pickle.loads(blob).transform(_videos(1)), expected)


def test_verbose(capsys, caplog):
    # capsys, not capfd: TensorFlow's C++ start-up lines go to file descriptor 2 on its
    # first import, whatever the library does; the library's own output goes to sys.stderr.
    VGG16FrameFeaturizer(**SMALL).fit_transform(_videos(2))
    assert capsys.readouterr() == ("", "")
    # stderr is not a terminal here: the progress is logged (a bar on a terminal:
    # tests/utils/test_progress.py).
    with caplog.at_level("INFO", logger="skactrec"):
        VGG16FrameFeaturizer(**SMALL, verbose=1).fit_transform(_videos(2))
    assert any("2/2" in record.getMessage() for record in caplog.records)


def test_sklearn_invariants_on_videos(tmp_path):
    """The common checks the featurizer cannot take on 2-D numbers, run on videos instead."""
    from sklearn.base import clone

    videos = _videos(4, seed=3)
    featurizer = VGG16FrameFeaturizer(**SMALL)
    params = featurizer.get_params()
    assert featurizer.fit(videos) is featurizer  # fit returns self
    assert featurizer.get_params() == params  # fit does not overwrite parameters
    public = {k for k in vars(featurizer) if not k.startswith("_")}
    assert public - set(params) == {"n_features_out_", "frame_size_"}
    state = dict(vars(featurizer))
    full = featurizer.transform(videos)
    assert vars(featurizer).keys() == state.keys()  # transform changes no attribute
    # sample order and subset invariance
    assert_same_features(featurizer.transform(videos[::-1]), full[::-1])
    assert_same_features(featurizer.transform(videos[1:3]), full[1:3])
    # fit is idempotent and a clone gives the same result
    assert_same_features(featurizer.fit(videos).transform(videos), full)
    assert_same_features(clone(featurizer).fit_transform(videos), full)
    # pickle consistency and read-only inputs
    loaded = pickle.loads(pickle.dumps(featurizer))
    readonly = [v.copy() for v in videos]
    for v in readonly:
        v.flags.writeable = False
    assert_same_features(loaded.transform(readonly), full)
    # a batch given as one 5-D array is the same as a list
    assert_same_features(featurizer.transform(np.stack(videos)), full)
    # float, non-contiguous and other integer arrays of the same pixels give the same result
    variants = [videos[0].astype(np.float64), np.asfortranarray(videos[0]),
                videos[0].astype(np.int32)]
    assert_same_features(featurizer.transform(variants), full[[0, 0, 0]])
    # an array video with NaN is refused with a clear error
    bad = videos[0].astype(np.float32)
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="(?i)nan|finite"):
        featurizer.transform([bad])


def test_each_video_is_hashed_once_per_transform(tmp_path, monkeypatch):
    from skactrec.features import _store

    calls = []
    digest = _store.video_digest
    monkeypatch.setattr(_store, "video_digest", lambda video: calls.append(1) or digest(video))
    videos = _videos(2, seed=7)
    VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit(videos).transform(videos)
    assert len(calls) == 2  # a miss, then the write, reuse one digest per video


def _read_ahead_threads():
    import threading

    return [t for t in threading.enumerate() if t.name == "skactrec-read-ahead"]


def test_float16_features_and_store(tmp_path):
    videos = _videos(2)
    full = VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit_transform(videos)
    half_featurizer = VGG16FrameFeaturizer(**SMALL, dtype="float16", memory=tmp_path)
    half = half_featurizer.fit_transform(videos)
    assert half.dtype == np.float16 and half.nbytes == full.nbytes // 2
    np.testing.assert_array_equal(half, full.astype(np.float16))
    # a store of each type: float16 entries never come back as float32 or the reverse
    entries = store_entries(tmp_path)
    assert sorted(load_entry(e).dtype.name for e in entries) == ["float16"] * 2 + ["float32"] * 2
    before = _count()
    np.testing.assert_array_equal(half_featurizer.transform(videos), half)
    assert _count() == before


@pytest.mark.parametrize("store", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_memmap_output(tmp_path, store, dtype):
    videos = _videos(3)
    memory = tmp_path / "store" if store else None
    expected = VGG16FrameFeaturizer(**SMALL, dtype=dtype).fit_transform(videos)
    featurizer = VGG16FrameFeaturizer(**SMALL, dtype=dtype, memory=memory, memmap=True)
    features = featurizer.fit_transform(videos)
    assert isinstance(features, np.memmap) and not features.flags.writeable
    assert features.dtype == dtype and features.shape == expected.shape
    np.testing.assert_array_equal(features, expected)
    if store:  # the memmap's file has no name: only the entries and settings.json are there
        names = sorted(p.suffix for p in (tmp_path / "store").rglob("*") if p.is_file())
        assert names == [".json"] + [".npy"] * 3
        again = featurizer.transform(videos[::-1])  # from the store, into a new file
        np.testing.assert_array_equal(again, expected[::-1])


def test_read_ahead_keeps_order_and_stops(synthetic_videos, monkeypatch):
    videos = list(synthetic_videos.filenames[:4]) + _videos(2)
    featurizer = VGG16FrameFeaturizer(**SMALL).fit(videos)
    together = featurizer.transform(videos)
    for i, video in enumerate(videos):
        assert_same_features(featurizer.transform([video])[0], together[i])
    assert not _read_ahead_threads()

    # interrupted while VGG16 runs: the reading thread is stopped and joined
    extractor = get_extractor("block2_pool", (32, 32), None, None)
    calls = []

    def interrupted(frames, batch_size):
        calls.append(len(frames))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return np.zeros((len(frames), extractor.n_features), np.float32)

    monkeypatch.setattr(type(extractor), "__call__", lambda self, *a, **k: interrupted(*a, **k))
    with pytest.raises(KeyboardInterrupt):
        featurizer.transform(videos)
    assert len(calls) == 2 and not _read_ahead_threads()


def test_unexpected_error_while_reading_ahead_reaches_the_caller(monkeypatch):
    import skactrec.features._featurize as module

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(module, "read_video", broken)
    featurizer = VGG16FrameFeaturizer(**SMALL).fit(_videos(1))
    with pytest.raises(RuntimeError, match="disk on fire"):
        featurizer.transform(_videos(3))
    assert not _read_ahead_threads()


def test_copies_in_one_transform_go_through_vgg16_once(tmp_path):
    # The read-ahead thread looks the copies up before the first one is stored.
    video = _videos(1)[0]
    featurizer = VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit([video])
    before = _count()
    features = featurizer.transform([video, video.copy(), video, video.copy()])
    assert _count() - before == 4
    assert all(np.array_equal(f, features[0]) for f in features)


@pytest.mark.parametrize("compute_dtype", ["bfloat16", "float16"])
def test_mixed_precision_compute(tmp_path, compute_dtype):
    import keras

    videos = _videos(2)
    full = VGG16FrameFeaturizer(**SMALL, memory=tmp_path).fit_transform(videos)
    mixed = VGG16FrameFeaturizer(**SMALL, compute_dtype=compute_dtype, memory=tmp_path)
    features = mixed.fit_transform(videos)
    assert features.dtype == np.float32 and features.shape == full.shape
    assert not np.array_equal(features, full)  # computed in another type, stored apart
    relative = np.linalg.norm(features - full) / np.linalg.norm(full)
    assert relative < 0.05, relative
    assert len(list(tmp_path.rglob("settings.json"))) == 2
    assert keras.config.dtype_policy().name == "float32"  # the global policy is restored


def test_n_jobs_gives_the_serial_output_in_order(tmp_path):
    """Two local worker processes (joblib's loky), each with its own VGG16: the same
    features in the same order, into the same store, and bad videos named by their index
    in the whole batch."""
    videos = _videos(7)
    expected = VGG16FrameFeaturizer(**SMALL).fit_transform(videos)
    featurizer = VGG16FrameFeaturizer(**SMALL, n_jobs=2, memory=tmp_path, memmap=True)
    assert_same_features(featurizer.fit_transform(videos), expected)
    assert len(store_entries(tmp_path)) == len(videos)
    bad = [*videos[:5], str(tmp_path / "missing.mp4"), *videos[5:]]
    with pytest.raises(BatchVideoReadError) as info:
        VGG16FrameFeaturizer(**SMALL, n_jobs=2).fit_transform(bad)
    assert [i for i, _ in info.value.errors] == [5] and "missing.mp4" in str(info.value)
