"""Comparing VGG16 features computed in different batches.

On some CPUs (AVX2 without AVX-512, seen on an AMD EPYC) oneDNN's convolutions round a
frame's features differently by its place in the batch: the same frame differs by about
1e-7 of the features' scale. Features of the same frames computed in other batches (another
order, a subset, other videos beside them, other processes) are equal up to that.
"""

import numpy as np


def assert_same_features(actual, expected):
    """``actual`` equals ``expected`` up to float32 rounding of the features' scale."""
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=1e-5,
                               atol=1e-6 * scale)
