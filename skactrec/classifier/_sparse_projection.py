"""The LSTM's input projection from the frames' nonzeros, as a TensorFlow operation.

:func:`sparse_projection` computes ``X @ kernel`` with :mod:`._sparse_kernels` and gives
the kernel its gradient ``X^T @ dY`` computed the same way. In a traced function (Keras's
train step) it is one ``tf.py_function``, whose gradient TensorFlow takes from the tape
the function records; called eagerly (skactrec's prediction), the kernels run directly, so
that no ``tf.py_function`` is made per call (TensorFlow keeps each one for the life of
the process). Either way the gradient is a ``tf.custom_gradient`` run eagerly, which
registers nothing globally (a traced ``tf.custom_gradient`` would register a gradient
function holding the train step's graph, and its model, for the rest of the process).

The frames are data, not weights: their gradient is not computed (TensorFlow sees zeros).

This module imports TensorFlow: import it only where the product runs.
"""

import numpy as np
import tensorflow as tf

from ._batches import tensorflow_view


def sparse_projection(x, kernel):
    """``x @ kernel`` (float32) computed from the nonzeros of ``x`` (frames x features);
    ``kernel`` a tensor or a variable."""
    kernel = tf.convert_to_tensor(kernel)  # a variable is read here, outside the gradient
    if tf.executing_eagerly():
        return _projection(x, kernel)
    # The gradient a tf.py_function gives its inputs has no static shape; passed back
    # through this reshape it takes the kernel's (the optimizer's update needs it).
    kernel = tf.reshape(kernel, kernel.shape)
    y = tf.py_function(_projection, [x, kernel], tf.float32)
    y.set_shape([x.shape[0], kernel.shape[1]])
    return y


@tf.custom_gradient
def _projection(x, kernel):
    from . import _sparse_kernels

    # The tensors' memory as arrays, and the results' as tensors, without a copy: a copy
    # of the kernel's gradient into a new tensor (145 MB at the paper's size) took longer
    # than computing it.
    frames = np.ascontiguousarray(np.asarray(x), dtype=np.float32)
    columns = _sparse_kernels.columns_of(frames)  # converted ahead, in training
    y = _sparse_kernels.project(*columns, np.asarray(kernel), len(frames))

    def gradient(dy):
        dy = np.ascontiguousarray(np.asarray(dy), dtype=np.float32)
        return None, tensorflow_view(_sparse_kernels.kernel_gradient(*columns, dy))

    return tensorflow_view(y), gradient
