"""Batches gathered from X: read ahead in a thread, handed to TensorFlow without a copy,
and read from the file (not through the map) when X is a memmap; prediction batch by batch.

At the paper's size a batch of 25 videos is 100 MB, and each of these copies or mappings
would be one more of them in the process's peak memory:

* ``train_on_batch`` copies a NumPy batch into a tensor of its own; a batch gathered into a
  64-byte aligned array is instead wrapped by TensorFlow through DLPack.
* Gathering rows of a ``np.memmap`` maps the pages it reads into the process, where they
  count in its RSS until the map is dropped: a fit over a 1.4 GiB memmap ends with all of
  it resident. Videos that lie whole in the file are read with ``os.preadv`` into the batch
  instead; the file's pages stay in the page cache only.
"""

import mmap
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# TensorFlow takes in an outside buffer (DLPack) only at this alignment.
_ALIGNMENT = 64


def read_ahead(X, Y, index_batches, prepare=None):
    """Yield ``(X[i] as float32, Y[i])`` for each index array ``i``, gathering the next batch
    in a thread while the caller uses the current one (copies and reads release the GIL).

    With Keras on TensorFlow, ``X[i]`` comes as a TensorFlow tensor over the gathered
    array's memory. ``prepare`` (or None) is called on each gathered array in that thread.
    """
    if not index_batches:
        return
    import keras

    as_tensor = tensorflow_view if keras.backend.backend() == "tensorflow" else None
    with BatchReader(X) as reader, ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="skactrec-batches"
    ) as pool:

        def gather(index):
            x = reader.read(index)
            if prepare is not None:
                prepare(x)
            return (x if as_tensor is None else as_tensor(x)), Y[index]

        pending = pool.submit(gather, index_batches[0])
        for index in index_batches[1:]:
            batch = pending.result()
            pending = pool.submit(gather, index)
            yield batch
            del batch  # not held while the next one is gathered and trained
        yield pending.result()


class BatchReader:
    """Reads ``X[index]`` into a new 64-byte aligned float32 array; from the file with
    ``os.preadv`` when X is a view of a ``np.memmap`` whose videos are each contiguous."""

    def __init__(self, X):
        self.X = X
        self.layout = memmap_layout(X)
        self.fd = None if self.layout is None else os.open(self.layout[0], os.O_RDONLY)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def read(self, index, dtype=np.float32):
        """``X[index]`` as a new 64-byte aligned array of ``dtype``."""
        X = self.X
        out = aligned_empty((len(index),) + X.shape[1:], dtype)
        if self.fd is not None:
            self._pread(index, out)
        elif X.dtype == out.dtype:
            np.take(X, index, axis=0, out=out)
        else:
            out[...] = X[index]
        return out

    def chunks(self, n_videos, dtype=None):
        """X in consecutive chunks of ``n_videos`` videos: views of an in-memory X, arrays
        of ``dtype`` (default: X's) read from the file of a memmap X."""
        for start in range(0, self.X.shape[0], n_videos):
            stop = min(start + n_videos, self.X.shape[0])
            if self.fd is None:
                yield self.X[start:stop]
            else:
                yield self.read(np.arange(start, stop), dtype or self.X.dtype)

    def _pread(self, index, out):
        _, start, stride = self.layout
        same = self.X.dtype == out.dtype
        video = None if same else np.empty(out.shape[1:], self.X.dtype)
        for row, i in enumerate(index):
            target = out[row] if same else video
            _pread_exactly(self.fd, memoryview(target).cast("B"), start + int(i) * stride)
            if not same:
                out[row] = video


def predict_in_batches(model, X, shape, batch_size):
    """The Keras ``model`` called on ``X`` in chunks of ``batch_size`` videos, into a float64
    array ``(n_videos, *shape)``; a memmap's chunks are read from its file."""
    out = np.empty((X.shape[0], *shape), dtype=np.float64)
    start = 0
    with BatchReader(X) as reader:
        for batch in reader.chunks(batch_size, np.float32):
            stop = start + len(batch)
            out[start:stop] = np.asarray(model(np.asarray(batch, dtype=np.float32),
                                               training=False)).reshape(len(batch), *shape)
            start = stop
    return out


def memmap_layout(X):
    """``(path, offset of X[0] in the file, bytes from one video to the next)`` when X is a
    ``np.memmap`` or a view of one (scikit-learn's validation returns a plain ndarray view)
    whose videos each lie contiguous in the file; else None."""
    if not isinstance(X, np.ndarray) or X.ndim < 1 or X.shape[0] == 0 or not hasattr(os, "preadv"):
        return None
    root = X  # the array made by np.memmap, the one whose base is the mmap itself
    while not isinstance(root.base, mmap.mmap):
        root = root.base
        if not isinstance(root, np.ndarray):
            return None
    if not isinstance(root, np.memmap) or not root.filename:
        return None
    if root.mode == "c" or not X[:1].flags.c_contiguous:  # copy-on-write: the file is not X
        return None
    start = root.offset + (X.ctypes.data - root.ctypes.data)
    return os.fspath(root.filename), start, X.strides[0]


def _pread_exactly(fd, buffer, offset):
    """Fill ``buffer`` from the file at ``offset`` (a read may return fewer bytes)."""
    while len(buffer):
        n = os.preadv(fd, [buffer], offset)
        if n == 0:
            raise EOFError(f"the file ends before offset {offset + len(buffer)}")
        buffer, offset = buffer[n:], offset + n


def aligned_empty(shape, dtype):
    """An uninitialized C-contiguous array whose data starts at a multiple of 64 bytes."""
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    raw = np.empty(nbytes + _ALIGNMENT, np.uint8)
    start = -raw.ctypes.data % _ALIGNMENT
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def tensorflow_view(array):
    """A TensorFlow tensor sharing the memory of the 64-byte aligned ``array`` (DLPack);
    it keeps the array alive. Nothing writes to the array afterwards."""
    import tensorflow as tf

    return tf.experimental.dlpack.from_dlpack(array.__dlpack__())
