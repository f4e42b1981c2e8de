"""Which input projection a fit of LSTMVideoClassifier runs: the dense product, or the one
from the frames' nonzeros (:mod:`._sparse_kernels`), chosen from the density of X.

``"auto"`` takes the sparse product where it was measured faster
(``benchmarks/bench_fit.py --sparse``): features with at most ``SPARSE_BELOW`` of
nonzeros (ImageNet's ``block5_pool`` features of real clips: about 0.1), a projection big
enough for its time to matter, float32, TensorFlow on the CPU. VGG16 with random weights
(about 0.5 nonzero), ``pooling="avg"`` features (dense), mixed precision and GPUs keep
the dense product.
"""

import numpy as np

from ._batches import BatchReader

INPUT_PRODUCTS = ("auto", "dense", "sparse")

# The density (share of nonzeros) under which "auto" takes the sparse product.
SPARSE_BELOW = 0.15
# ... and the input kernel's size (features x 4 units) from which it does: below, the
# product is too small for its time to matter.
SPARSE_FROM_WEIGHTS = 1 << 20
# Videos whose features the density is measured on (evenly spaced over X).
_DENSITY_VIDEOS = 16


def choose_input_product(requested, X, n_units, compute_dtype):
    """``(input_product, density)``: the product a fit runs, "dense" or "sparse", and the
    share of nonzeros measured on X's videos. ``requested="sparse"`` where it cannot run
    raises ValueError saying why."""
    density = sampled_density(X)
    if requested == "dense":
        return "dense", density
    obstacle = _sparse_obstacle(compute_dtype)
    if requested == "sparse":
        if obstacle:
            raise ValueError(f"input_product='sparse' cannot run here: {obstacle}. Use "
                             "input_product='auto' or 'dense'.")
        return "sparse", density
    big_enough = X.shape[-1] * 4 * n_units >= SPARSE_FROM_WEIGHTS
    sparse = not obstacle and big_enough and density <= SPARSE_BELOW
    return ("sparse" if sparse else "dense"), density


def sampled_density(X):
    """The share of nonzero features in up to ``_DENSITY_VIDEOS`` videos of X, evenly
    spaced, read one at a time (a memmap's from its file, as batches are)."""
    if X.size == 0:
        return 0.0
    index = np.unique(np.linspace(0, len(X) - 1, min(len(X), _DENSITY_VIDEOS)).astype(int))
    with BatchReader(X) as reader:
        nonzeros = sum(np.count_nonzero(reader.read([i])) for i in index)
    return nonzeros / (len(index) * (X.size // len(X)))


def _sparse_obstacle(compute_dtype):
    """Why the sparse product cannot run, or None."""
    import keras

    if compute_dtype != "float32":
        return (f"it computes in float32, and compute_dtype={compute_dtype!r} asks for "
                "mixed precision")
    if keras.backend.backend() != "tensorflow":
        return f"it runs with Keras's TensorFlow backend, not {keras.backend.backend()!r}"
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU"):
        return "it runs on the CPU, and TensorFlow computes on a GPU here"
    return None
