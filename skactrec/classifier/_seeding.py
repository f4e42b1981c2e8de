"""Reproducible Keras fits: every random state a fit draws from, seeded and then restored."""

import contextlib
import random

import numpy as np


@contextlib.contextmanager
def seeded(seed):
    """Make one fit reproducible: seed Python, NumPy, Keras and TensorFlow, and turn on TF
    op determinism; restore the caller's random states and determinism setting afterwards.

    Keras draws the seeds of weight initialisers and dropout from Python's `random` when
    layers are built, and Keras's `fit` shuffles with TensorFlow's global seed.
    """
    # Saved before importing TensorFlow, whose import draws from Python's `random`.
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002 (saved to be restored)
    import keras
    import tensorflow as tf

    # TensorFlow has no public getter of its global seed nor a public way to turn op
    # determinism off again: these are the private functions scikeras uses too.
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    tf_seed = context.global_seed()
    was_deterministic = tf_config.is_op_determinism_enabled()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
        tf.random.set_seed(tf_seed)
        if not was_deterministic:
            tf_config.disable_op_determinism()
