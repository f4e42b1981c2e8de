"""A lossless file format for features that are mostly zeros: their non-zero values and
where they are.

VGG16's deep features of real frames are ReLU outputs, mostly zeros: ImageNet's
``block5_pool`` features of real clips are about 90% zeros, and this format stores them
in about a fifth of ``.npy``'s bytes. Layout, little-endian::

    MAGIC (8 bytes) | dtype (8 bytes, NumPy's str, space-padded) |
    rows, columns, count (int64 each) | positions (count uint32, flat, increasing) |
    values (count of dtype)

Decoding is one scatter into zeros. Anything inconsistent (magic, dtype, shape, size, a
position out of range) raises ``ValueError``: a damaged entry is never read as features.
"""

import numpy as np

MAGIC = b"\x93SKNZ01\n"
_HEADER = np.dtype("<i8")
_POSITION = np.dtype("<u4")
_HEADER_BYTES = len(MAGIC) + 8 + 3 * _HEADER.itemsize


def encode_nonzeros(features):
    """``features`` (2-D) in this format, or None where it would not be smaller than the
    plain array (dense features, or more values than uint32 positions can address)."""
    features = np.asarray(features)
    dtype = features.dtype.newbyteorder("<")
    if features.ndim != 2 or features.size >= 2**32:
        return None
    flat = features.ravel()
    positions = np.flatnonzero(flat)
    if positions.size * (_POSITION.itemsize + dtype.itemsize) >= flat.size * dtype.itemsize:
        return None
    header = np.array([*features.shape, positions.size], _HEADER)
    return b"".join([MAGIC, dtype.str.encode().ljust(8), header.tobytes(),
                     positions.astype(_POSITION).tobytes(),
                     flat[positions].astype(dtype).tobytes()])


def decode_nonzeros(data, shape=None, dtype=None):
    """The array encoded in ``data`` (bytes), checked to be of ``shape`` and ``dtype``
    where they are given (``decode_nonzeros(path.read_bytes())`` reads any entry)."""
    if data[: len(MAGIC)] != MAGIC or len(data) < _HEADER_BYTES:
        raise ValueError("not a non-zeros entry (bad magic or header)")
    stored = data[len(MAGIC) : len(MAGIC) + 8].decode("ascii", "replace").strip()
    rows, columns, count = (int(v) for v in np.frombuffer(data, _HEADER, 3, len(MAGIC) + 8))
    try:
        stored_dtype = np.dtype(stored)
    except TypeError as exc:
        raise ValueError(f"holds an unknown dtype {stored!r}") from exc
    dtype = stored_dtype if dtype is None else np.dtype(dtype).newbyteorder("<")
    shape = (rows, columns) if shape is None else tuple(shape)
    if stored != dtype.str or (rows, columns) != shape:
        raise ValueError(f"holds {stored} {(rows, columns)} instead of {dtype.str} {shape}")
    expected = _HEADER_BYTES + count * (_POSITION.itemsize + dtype.itemsize)
    if not 0 <= count <= rows * columns or len(data) != expected:
        raise ValueError(f"is {len(data)} bytes where its header says {expected}")
    positions = np.frombuffer(data, _POSITION, count, _HEADER_BYTES)
    if count and positions.max() >= rows * columns:
        raise ValueError(f"has a position {positions.max()} out of {rows * columns} values")
    out = np.zeros(rows * columns, dtype.newbyteorder("="))
    out[positions] = np.frombuffer(data, dtype, count, _HEADER_BYTES + positions.nbytes)
    return out.reshape(rows, columns)
