"""The LSTM's input projection ``X @ W`` and its kernel gradient ``X^T @ G`` from X's nonzeros.

ImageNet's ``block5_pool`` features of real frames are about 90% zeros (ReLU, then max
pooling), so both big products of the LSTM's training can skip nine tenths of their
multiplications. Neither can skip them with a plain sparse product: scipy's CSR product
gathers a row of ``W`` (25088 x 1440, 145 MB) from memory for every nonzero, and
TensorFlow's sparse product is 13 times slower than its dense one. These kernels walk X's
nonzeros feature by feature (compressed sparse columns) in the order that keeps the
other operand in the core's L2 cache:

* **Projection** (:func:`project`): for a block of ``FRAME_BLOCK`` frames and a tile of
  ``PROJECTION_TILE`` columns, ``W[k, tile]`` is read once per feature ``k`` and added,
  scaled, into the rows of the frames where ``k`` is nonzero; the block's tile of the
  output (about 0.5 MB) stays in L2 while ``W`` streams by once.
* **Kernel gradient** (:func:`kernel_gradient`): for a tile of ``GRADIENT_TILE`` columns of
  ``G`` (copied contiguous: 1000 frames x 144 columns is 0.6 MB), each feature's row of
  ``dW`` is summed in L1 from the rows of ``G`` where the feature is nonzero.

Tiles and blocks are shared among the cores by Python threads, each running a compiled
kernel on its share with the GIL released. (numba's own parallel loops, through OpenMP,
left their threads spinning after each loop, taking the cores from TensorFlow's next
operations: a training step took 1.02 s against 0.73 s with the spinning turned off.)
Results equal the dense products up to float32 rounding in another order of summation.

This module imports numba (about 0.3 s; the kernels compile once and are cached on
disk): import it only where the sparse product runs.
"""

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numba
import numpy as np

from ._batches import aligned_empty

# Frames per block of the projection: its output tile, FRAME_BLOCK x PROJECTION_TILE
# float32 (480 kB), stays in a core's L2 cache.
FRAME_BLOCK = 512
# Columns per tile. Measured on an AMD EPYC (1 MB of L2 per core) with 1000 frames of
# real features and 1440 columns: projection 204-230 ms at 240 columns, 240-400 ms at
# 48-144; gradient 150 ms at 144 columns, 172-260 ms at 48, 80 and 240 (best of 3, quiet).
PROJECTION_TILE = 240
GRADIENT_TILE = 144
# Features per chunk when X is converted: each thread scans X's rows over one chunk.
_CONVERSION_CHUNK = 256

_JIT = dict(nogil=True, cache=True, error_model="numpy")


@numba.njit(**_JIT)
def _count_nonzeros(chunks, X, counts):
    # counts[block, k + 1] = the nonzeros of feature k in the frames of block, for the
    # features of the given chunks.
    n_rows, n_features = X.shape
    for chunk in chunks:
        k0 = chunk * _CONVERSION_CHUNK
        k1 = min(n_features, k0 + _CONVERSION_CHUNK)
        for i in range(n_rows):
            block_counts = counts[i // FRAME_BLOCK]
            for k in range(k0, k1):
                block_counts[k + 1] += X[i, k] != 0  # no branch: 30% faster


@numba.njit(**_JIT)
def _fill_columns(chunks, X, column_starts, rows, values):
    n_rows, n_features = X.shape
    for chunk in chunks:
        k0 = chunk * _CONVERSION_CHUNK
        k1 = min(n_features, k0 + _CONVERSION_CHUNK)
        for block in range(column_starts.shape[0]):
            filled = column_starts[block, k0:k1].copy()
            for i in range(block * FRAME_BLOCK, min(n_rows, (block + 1) * FRAME_BLOCK)):
                for k in range(k0, k1):
                    value = X[i, k]
                    if value != 0:
                        at = filled[k - k0]
                        rows[at] = i
                        values[at] = value
                        filled[k - k0] = at + 1


def to_blocked_csc(X, threads=True):
    """X (frames x features, float32, C-contiguous) as compressed sparse columns per block
    of ``FRAME_BLOCK`` frames: ``(column_starts, rows, values)``; on the kernels' threads,
    or in the calling thread alone (``threads=False``).

    The nonzeros of block ``b``'s feature ``k`` are ``values[column_starts[b, k]:
    column_starts[b, k + 1]]``, in frames ``rows[...]`` (X's row numbers, increasing).
    """
    n_rows, n_features = X.shape
    n_blocks = max(1, -(-n_rows // FRAME_BLOCK))
    n_chunks = -(-n_features // _CONVERSION_CHUNK)
    counts = np.zeros((n_blocks, n_features + 1), np.int64)
    run = _in_threads if threads else _in_this_thread
    run(_count_nonzeros, n_chunks, X, counts)
    # counts[b, k + 1] is the count of (b, k), counts[b, 0] is 0: the running total up to
    # (b, k) is where (b, k) starts, and at (b, n_features) where block b ends.
    column_starts = np.cumsum(counts.ravel()).reshape(counts.shape)
    total = int(column_starts[-1, -1])
    rows = np.empty(total, np.int32)
    values = np.empty(total, np.float32)
    run(_fill_columns, n_chunks, X, column_starts, rows, values)
    return column_starts, rows, values


# Batches converted ahead (prepare_columns), by the address of their frames; at most two:
# the batch read ahead, and one that was never trained on (a step that failed).
_PREPARED = OrderedDict()
_PREPARED_LOCK = threading.Lock()


def prepare_columns(frames):
    """Convert a batch's ``frames`` (videos x frames x features, or frames x features)
    before it is trained on, in the calling thread: the read-ahead thread, while the
    previous batch trains. :func:`columns_of` then finds them."""
    flat = frames.reshape(-1, frames.shape[-1])
    columns = to_blocked_csc(flat, threads=False)
    key = flat.ctypes.data
    with _PREPARED_LOCK:
        _PREPARED[key] = (flat, columns)  # the entry keeps the memory alive
        while len(_PREPARED) > 2:
            _PREPARED.popitem(last=False)
    return key


class ColumnsAhead:
    """:func:`prepare_columns` for one training run's batches; :meth:`close` drops those
    never trained on (a run stopped early), so that none outlives the run."""

    def __init__(self):
        self.keys = []

    def __call__(self, frames):
        self.keys.append(prepare_columns(frames))

    def close(self):
        with _PREPARED_LOCK:
            for key in self.keys:
                _PREPARED.pop(key, None)


def columns_of(X):
    """:func:`to_blocked_csc` of X: the columns prepared for X's memory where they were (an
    entry holds its frames, so no other array can have their address; nothing writes to
    a batch), else converted now."""
    with _PREPARED_LOCK:
        entry = _PREPARED.pop(X.ctypes.data, None)
    if entry is not None and entry[0].shape == X.shape and entry[0].dtype == X.dtype:
        return entry[1]
    return to_blocked_csc(X)


@numba.njit(inline="always", fastmath=True, **_JIT)
def _add_scaled_rows(starts, rows, values, W, Y, c0, width):
    # Y[rows of k, c0:c0+width] += values of k * W[k, c0:c0+width], for every feature k.
    for k in range(W.shape[0]):
        w = W[k, c0 : c0 + width]
        for p in range(starts[k], starts[k + 1]):
            value = values[p]
            y = Y[rows[p], c0 : c0 + width]
            for j in range(width):
                y[j] += value * w[j]


@numba.njit(fastmath=True, **_JIT)
def _project_units(units, column_starts, rows, values, W, Y):
    # The units (block, tile) of the projection given, each block x tile of Y.
    n_tiles = -(-W.shape[1] // PROJECTION_TILE)
    for unit in units:
        block, tile = unit // n_tiles, unit % n_tiles
        c0 = tile * PROJECTION_TILE
        width = min(PROJECTION_TILE, W.shape[1] - c0)
        starts = column_starts[block]
        if width == PROJECTION_TILE:  # the loop compiled for a constant width
            _add_scaled_rows(starts, rows, values, W, Y, c0, PROJECTION_TILE)
        else:
            _add_scaled_rows(starts, rows, values, W, Y, c0, width)


def project(column_starts, rows, values, W, n_rows):
    """``X @ W`` (float32, ``n_rows x W.shape[1]``, 64-byte aligned) from
    :func:`to_blocked_csc`'s X."""
    Y = aligned_empty((n_rows, W.shape[1]), np.float32)
    Y.fill(0)
    n_units = column_starts.shape[0] * -(-W.shape[1] // PROJECTION_TILE)
    _in_threads(_project_units, n_units, column_starts, rows, values, W, Y)
    return Y


@numba.njit(inline="always", fastmath=True, **_JIT)
def _sum_scaled_rows(column_starts, rows, values, G_tile, dW, c0, width):
    # dW[k, c0:c0+width] = sum over k's nonzeros (i, value) of value * G_tile[i], two
    # nonzeros at a time (20% faster: half the updates of the running total).
    total = np.empty(width, np.float32)
    for k in range(dW.shape[0]):
        total[:] = 0
        for block in range(column_starts.shape[0]):
            p, end = column_starts[block, k], column_starts[block, k + 1]
            while p + 1 < end:
                value, next_value = values[p], values[p + 1]
                g, next_g = G_tile[rows[p]], G_tile[rows[p + 1]]
                for j in range(width):
                    total[j] += value * g[j] + next_value * next_g[j]
                p += 2
            if p < end:
                value, g = values[p], G_tile[rows[p]]
                for j in range(width):
                    total[j] += value * g[j]
        out = dW[k, c0 : c0 + width]
        for j in range(width):
            out[j] = total[j]


@numba.njit(fastmath=True, **_JIT)
def _gradient_tiles(tiles, column_starts, rows, values, G, dW):
    for tile in tiles:
        c0 = tile * GRADIENT_TILE
        width = min(GRADIENT_TILE, G.shape[1] - c0)
        G_tile = np.ascontiguousarray(G[:, c0 : c0 + width])
        if width == GRADIENT_TILE:
            _sum_scaled_rows(column_starts, rows, values, G_tile, dW, c0, GRADIENT_TILE)
        else:
            _sum_scaled_rows(column_starts, rows, values, G_tile, dW, c0, width)


def kernel_gradient(column_starts, rows, values, G):
    """``X^T @ G`` (float32, ``n_features x G.shape[1]``, 64-byte aligned) from
    :func:`to_blocked_csc`'s X."""
    dW = aligned_empty((column_starts.shape[1] - 1, G.shape[1]), np.float32)
    n_tiles = -(-G.shape[1] // GRADIENT_TILE)
    _in_threads(_gradient_tiles, n_tiles, column_starts, rows, values, G, dW)
    return dW


def n_threads():
    """The threads the kernels run on: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


@cache
def _pool():
    return ThreadPoolExecutor(max_workers=max(1, n_threads() - 1),
                              thread_name_prefix="skactrec-sparse")


if hasattr(os, "register_at_fork"):  # a forked child has none of the pool's threads
    os.register_at_fork(after_in_child=_pool.cache_clear)


def _in_this_thread(kernel, n_units, *args):
    kernel(np.arange(n_units), *args)


def _in_threads(kernel, n_units, *args):
    """``kernel(units, *args)`` over units 0..n_units-1, shared among the threads in
    consecutive runs (the projection's units are block-major: a thread takes whole blocks
    of frames, and reads W once per block; split tile by tile, both threads read all of
    W for each block, which was 40% slower)."""
    shares = np.array_split(np.arange(n_units), max(1, min(n_threads(), n_units)))
    futures = [_pool().submit(kernel, units, *args) for units in shares[1:]]
    kernel(shares[0], *args)  # the calling thread takes a share
    for future in futures:
        future.result()
