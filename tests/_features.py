"""Comparing VGG16 features computed in different batches; the entries of a feature store.

On some CPUs (AVX2 without AVX-512, seen on an AMD EPYC) oneDNN's convolutions round a
frame's features differently by its place in the batch: the same frame differs by about
1e-7 of the features' scale. Features of the same frames computed in other batches (another
order, a subset, other videos beside them, other processes) are equal up to that.
"""

from pathlib import Path

import numpy as np

from skactrec.features._nonzeros import decode_nonzeros
from skactrec.features._store import STORE_FORMAT


def assert_same_features(actual, expected):
    """``actual`` equals ``expected`` up to float32 rounding of the features' scale."""
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=1e-5,
                               atol=1e-6 * scale)


def store_entries(folder):
    """The entry files of the feature stores under ``folder``: ``.nz`` (mostly-zero
    features) or ``.npy``, temporary files left out."""
    return sorted(p for p in Path(folder).rglob("*")
                  if p.suffix in (".nz", ".npy") and STORE_FORMAT in p.parts
                  and not p.name.startswith(".tmp-"))


def load_entry(path):
    """The features in a store's entry file, whichever its form."""
    path = Path(path)
    if path.suffix == ".nz":
        return decode_nonzeros(path.read_bytes())
    return np.load(path, allow_pickle=False)
