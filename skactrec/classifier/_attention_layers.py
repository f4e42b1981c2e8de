"""The Keras layer of ``temporal_pooling="attention"`` that Keras lacks: softmax over frames.

``keras.layers.Softmax(axis=1)`` would do, but warns at every call on a video of one frame
(a 2-D ``X``), where the weight is 1 as it should be. Imports Keras: import this module only
where a model is built or loaded.
"""

import keras
from keras import ops

from ._hoisted_lstm import KERAS_PACKAGE


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class SoftmaxOverFrames(keras.layers.Layer):
    """Softmax of per-frame scores ``(videos, frames, 1)`` over the frames (axis 1)."""

    def call(self, scores):
        exponentials = ops.exp(scores - ops.max(scores, axis=1, keepdims=True))
        return exponentials / ops.sum(exponentials, axis=1, keepdims=True)
