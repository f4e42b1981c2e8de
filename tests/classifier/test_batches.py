"""Training batches (skactrec.classifier._batches): the right videos, aligned, handed to TensorFlow
without a copy, and read from a memmap's file without mapping its pages (issue 12)."""

import os
from pathlib import Path

import numpy as np
import pytest

from skactrec.classifier._batches import BatchReader, aligned_empty, memmap_layout, read_ahead

keras = pytest.importorskip("keras")


@pytest.fixture
def features_file(tmp_path):
    """A (12, 3, 1000) float32 .npy file and its values."""
    values = np.random.RandomState(0).normal(size=(12, 3, 1000)).astype(np.float32)
    path = tmp_path / "features.npy"
    np.save(path, values)
    return path, values


def read(X, index):
    with BatchReader(X) as reader:
        return reader.read(np.asarray(index))


def test_aligned_arrays_start_at_64_bytes():
    for n in range(1, 9):
        assert aligned_empty((n, 3), np.float32).ctypes.data % 64 == 0


@pytest.mark.parametrize("view", [
    lambda X: X,
    lambda X: X[3:9],
    lambda X: X[::-2],
    lambda X: X[1::3],
    lambda X: np.asarray(X)[2:],  # a plain ndarray view, as scikit-learn's validation returns
])
def test_memmap_views_are_read_from_the_file(features_file, view):
    path, values = features_file
    X = view(np.load(path, mmap_mode="r"))
    expected_values = view(values)
    layout = memmap_layout(X)
    assert layout is not None and Path(layout[0]) == path
    index = [0, len(X) - 1, 1]
    batch = read(X, index)
    assert batch.dtype == np.float32 and batch.ctypes.data % 64 == 0
    np.testing.assert_array_equal(batch, expected_values[index])


def test_float16_memmap_is_read_as_float32(tmp_path):
    values = np.random.RandomState(1).normal(size=(5, 2, 7)).astype(np.float16)
    np.save(tmp_path / "half.npy", values)
    X = np.load(tmp_path / "half.npy", mmap_mode="r")
    assert memmap_layout(X) is not None
    np.testing.assert_array_equal(read(X, [4, 0]), values[[4, 0]].astype(np.float32))


def test_arrays_and_unreadable_layouts_are_gathered_in_memory(features_file):
    path, values = features_file
    copy_on_write = np.load(path, mmap_mode="c")
    copy_on_write[2] = 7.0  # in this process only: the file still holds the old values
    for X, expected in [
        (values, values),
        (copy_on_write, np.asarray(copy_on_write)),
        (np.load(path, mmap_mode="r")[:, ::2], values[:, ::2]),  # videos not contiguous
    ]:
        if isinstance(X, np.memmap):
            assert memmap_layout(X) is None
        np.testing.assert_array_equal(read(X, [2, 5]), expected[[2, 5]])


def mapped_rss_kib(path):
    """RSS of this process's mappings of ``path``, KiB (from /proc/self/smaps)."""
    total, in_mapping = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and "-" in fields[0] and not fields[0].endswith(":"):  # a header
            in_mapping = len(fields) > 5 and fields[5] == os.fspath(path)
        elif in_mapping and fields and fields[0] == "Rss:":
            total += int(fields[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_memmap_pages_are_not_mapped_into_the_process(tmp_path):
    values = np.ones((16, 8, 16384), np.float32)  # 8 MiB
    np.save(tmp_path / "big.npy", values)
    X = np.load(tmp_path / "big.npy", mmap_mode="r")
    batches = list(read_ahead(X, np.zeros(16), [np.arange(8), np.arange(8, 16)]))
    assert sum(float(np.sum(x)) for x, _ in batches) == values.size
    assert mapped_rss_kib(tmp_path / "big.npy") < 512
    np.take(X, np.arange(16), axis=0)  # the same rows read through the map, for contrast
    assert mapped_rss_kib(tmp_path / "big.npy") > 7 * 1024


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_classifier_reads_a_memmap_without_mapping_it(tmp_path):
    """fit's finiteness check and batches, and predict, all read the file."""
    from skactrec import LSTMVideoClassifier

    values = np.random.RandomState(0).normal(size=(16, 8, 16384)).astype(np.float32)
    np.save(tmp_path / "big.npy", values)
    X = np.load(tmp_path / "big.npy", mmap_mode="r")
    y = np.arange(16) % 2
    clf = LSTMVideoClassifier(n_units=2, epochs=1, batch_size=8, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    assert mapped_rss_kib(tmp_path / "big.npy") < 512
    np.testing.assert_allclose(proba, clf.predict_proba(values), rtol=1e-6)


def test_read_ahead_hands_tensorflow_the_gathered_memory(features_file):
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("Keras runs on another backend")
    _, values = features_file
    Y = np.arange(12)
    batches = list(read_ahead(values, Y, [np.array([0, 4]), np.array([7])]))
    assert [y.tolist() for _, y in batches] == [[0, 4], [7]]
    for (x, _), index in zip(batches, ([0, 4], [7]), strict=True):
        assert isinstance(x, tf.Tensor)
        np.testing.assert_array_equal(x.numpy(), values[index])


def testtensorflow_view_shares_the_array_memory():
    pytest.importorskip("tensorflow")
    from skactrec.classifier._batches import tensorflow_view

    array = aligned_empty((4, 5), np.float32)
    array[...] = 1.0
    tensor = tensorflow_view(array)
    array[2, 3] = 9.0  # never done in training; here it shows that nothing was copied
    assert float(tensor[2, 3]) == 9.0
    del array
    assert float(np.sum(tensor.numpy())) == 19 + 9  # the tensor keeps the memory alive
