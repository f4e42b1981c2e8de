"""LSTMVideoClassifier on X stored on disk: float32 and float16 ``np.memmap`` (``.npy``
files opened with ``mmap_mode="r"``), read batch by batch without copying X whole."""

import json
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
from _sequences import FAST, make_sequences

from skactrec import LSTMVideoClassifier
from skactrec.classifier._training import keras_validation_split, split_batches


def as_memmap(X, path):
    """X written to a .npy file, opened read-only as a memmap."""
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    assert isinstance(X_map, np.memmap) and not X_map.flags.writeable
    return X_map


@pytest.fixture(scope="module")
def data():
    return make_sequences(80, seed=0)


def test_float32_memmap_gives_the_same_model_as_an_array(data, tmp_path):
    X, y = data
    X_map = as_memmap(X, tmp_path / "X.npy")
    from_array = LSTMVideoClassifier(**FAST, random_state=0).fit(X, y)
    from_map = LSTMVideoClassifier(**FAST, random_state=0).fit(X_map, y)
    np.testing.assert_array_equal(from_map.predict_proba(X_map), from_array.predict_proba(X))
    np.testing.assert_array_equal(from_map.predict(X_map), from_array.predict(X))
    assert from_map.history_ == from_array.history_


def test_float16_memmap_learns(data, tmp_path):
    X, y = data
    X16 = X.astype(np.float16)
    X_map = as_memmap(X16, tmp_path / "X16.npy")
    clf = LSTMVideoClassifier(**FAST, random_state=0).fit(X_map, y)
    X_test, y_test = make_sequences(200, seed=1)
    X_test_map = as_memmap(X_test.astype(np.float16), tmp_path / "X16_test.npy")
    assert clf.score(X_test_map, y_test) >= 0.9
    # The same values as an in-memory float16 array, or as float32: the same model.
    from_array = LSTMVideoClassifier(**FAST, random_state=0).fit(X16, y)
    from_float32 = LSTMVideoClassifier(**FAST, random_state=0).fit(X16.astype(np.float32), y)
    expected = from_array.predict_proba(X16)
    np.testing.assert_array_equal(clf.predict_proba(X_map), expected)
    np.testing.assert_array_equal(from_float32.predict_proba(X16.astype(np.float32)), expected)


def test_2d_memmap_and_other_dtypes(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5))
    y = (X[:, 0] > 0).astype(int)
    expected = LSTMVideoClassifier(**FAST, random_state=0).fit(X.astype(np.float32), y)
    for X_other in (as_memmap(X.astype(np.float32), tmp_path / "X2d.npy"),
                    as_memmap(X, tmp_path / "X64.npy")):  # float64 becomes float32
        clf = LSTMVideoClassifier(**FAST, random_state=0).fit(X_other, y)
        np.testing.assert_array_equal(
            clf.predict_proba(X_other), expected.predict_proba(X.astype(np.float32))
        )


def test_nan_and_inf_in_a_memmap_are_refused(data, tmp_path):
    X, y = data
    for value, match in [(np.nan, "NaN"), (np.inf, "infinity")]:
        X_bad = X.astype(np.float16)
        X_bad[-1, -1, -1] = value  # in the last chunk that is checked
        X_map = as_memmap(X_bad, tmp_path / "bad.npy")
        with pytest.raises(ValueError, match=match):
            LSTMVideoClassifier(**FAST).fit(X_map, y)


def test_float16_sum_overflow_is_not_an_infinity(tmp_path):
    # The sum of these float16 values overflows float16, the values are all finite.
    X = np.full((30, 4, 3), 60000.0, dtype=np.float16)
    X[:, 1, 0] = np.arange(30) % 2
    y = np.arange(30) % 2
    clf = LSTMVideoClassifier(n_units=2, epochs=1, random_state=0)
    clf.fit(as_memmap(X, tmp_path / "big.npy"), y)
    assert np.isfinite(clf.history_["loss"][0])


def test_validation_split_holds_out_the_last_videos(data, tmp_path):
    X, y = data
    X_map = as_memmap(X, tmp_path / "X.npy")
    clf = LSTMVideoClassifier(**FAST, validation_split=0.25, random_state=0).fit(X_map, y)
    assert set(clf.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # The last epoch's validation metrics are those of the fitted model on the last 20.
    Y = (y[:, None] == clf.classes_).astype(np.float32)
    val_loss, val_accuracy = clf.model_.evaluate(X[60:], Y[60:], batch_size=16, verbose=0)
    np.testing.assert_allclose(clf.history_["val_loss"][-1], val_loss, rtol=1e-5)
    np.testing.assert_allclose(clf.history_["val_accuracy"][-1], val_accuracy, rtol=1e-6)
    with pytest.raises(ValueError, match="not sufficient to split"):
        LSTMVideoClassifier(**FAST, validation_split=0.999).fit(X_map, y)


def test_split_batches_visit_each_training_video_once_per_epoch():
    train, validation = split_batches(*keras_validation_split(10, 0.2), 3, 2, shuffle_seed=0)
    assert [len(batch) for batch in train] == [3, 3, 2] * 2
    for epoch in (train[:3], train[3:]):
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(8))
        assert all(np.all(np.diff(batch) > 0) for batch in epoch)  # sorted for a memmap
    assert not np.array_equal(np.concatenate(train[:3]), np.concatenate(train[3:]))
    assert [batch.tolist() for batch in validation] == [[8, 9]]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_fit_and_predict_do_not_copy_X(tmp_path, dtype):
    """Python-side allocations (NumPy's included) during fit and predict on a 63 MB
    float32 (31 MB float16) memmap stay far below its size: no check_array copy or
    dtype conversion of X, only batches (2 MB each here, a few in flight at a time).
    Keras's own copies are TensorFlow's, not seen by tracemalloc: see the next test."""
    rng = np.random.RandomState(0)
    n_videos, n_frames, n_features = 240, 16, 4096
    X_map = np.lib.format.open_memmap(
        tmp_path / "X.npy", mode="w+", dtype=dtype, shape=(n_videos, n_frames, n_features)
    )
    for i in range(n_videos):
        X_map[i] = rng.normal(size=(n_frames, n_features))
    X_map.flush()
    del X_map
    X_map = np.load(tmp_path / "X.npy", mmap_mode="r")
    y = np.arange(n_videos) % 3
    clf = LSTMVideoClassifier(n_units=2, epochs=1, batch_size=8, random_state=0)
    clf.fit(X_map[:20], y[:20])  # TensorFlow's first-call costs, out of the measure
    tracemalloc.start()
    try:
        clf.fit(X_map, y)
        _, peak_fit = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        proba = clf.predict_proba(X_map)
        _, peak_predict = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert proba.shape == (n_videos, 3)
    assert peak_fit < X_map.nbytes / 3, (peak_fit, X_map.nbytes)
    assert peak_predict < X_map.nbytes / 3, (peak_predict, X_map.nbytes)


# In a fresh process: the growth of the process's anonymous memory (RssAnon, which a
# memmap's pages are not part of) during a fit on a memmap, sampled every millisecond.
_RSS_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading, time
    import numpy as np
    from skactrec import LSTMVideoClassifier

    def rss_anon():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024

    X = np.load(sys.argv[1], mmap_mode="r")
    y = np.arange(len(X)) % 3
    clf = LSTMVideoClassifier(n_units=2, epochs=1, batch_size=16, random_state=0)
    clf.fit(X[:20], y[:20])  # imports, TensorFlow's first-call costs
    peak, done = [rss_anon()], threading.Event()
    before = peak[0]

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_anon())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    if sys.argv[2] == "keras":  # what Keras's fit on the array does, for comparison
        Y = np.eye(3, dtype=np.float32)[y]
        clf.model_.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    else:
        clf.fit(X, y)
    done.set()
    sampler.join()
    print(json.dumps({"growth": peak[0] - before, "nbytes": X.nbytes}))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_fit_does_not_copy_X_into_tensorflow(tmp_path):
    rng = np.random.RandomState(0)
    shape = (480, 16, 4096)  # 126 MB of float32
    X_map = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float32,
                                      shape=shape)
    for i in range(shape[0]):
        X_map[i] = rng.normal(size=shape[1:])
    X_map.flush()
    del X_map
    result = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(tmp_path / "X.npy"), "classifier"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["growth"] < out["nbytes"] / 2, out
