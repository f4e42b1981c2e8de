"""The layers of an exported Keras model that Keras lacks, registered under ``"skactrec"``.

This module imports Keras: :func:`~skactrec.export.keras_custom_objects` imports it when a
model is built or loaded.
"""

import keras
from keras import ops

from ..classifier._hoisted_lstm import KERAS_PACKAGE
from ..features._vgg16 import IMAGENET_BGR_MEAN


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class ImageNetPreprocessing(keras.layers.Layer):
    """uint8 RGB frames to VGG16's float input: BGR, minus ImageNet's channel means.

    Parameters
    ----------
    metadata : dict of str, default=None
        The exported model's metadata (classes, frames, weights...), kept in the layer's
        configuration so that it travels with the model: ``layer.metadata``.
    """

    def __init__(self, metadata=None, **kwargs):
        super().__init__(**kwargs)
        self.metadata = dict(metadata or {})

    def call(self, frames):
        return ops.flip(ops.cast(frames, "float32"), axis=-1) - IMAGENET_BGR_MEAN

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "metadata": self.metadata}


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class TemporalStatistics(keras.layers.Layer):
    """Statistics of each feature over the frames, side by side: ``(videos, frames,
    features)`` to ``(videos, len(statistics) * features)``, as
    :class:`~skactrec.TemporalPooling` computes them."""

    def __init__(self, statistics=("mean", "max"), **kwargs):
        super().__init__(**kwargs)
        self.statistics = tuple(statistics)

    def call(self, sequences):
        reduce = {"mean": ops.mean, "max": ops.max, "min": ops.min, "std": ops.std}
        return ops.concatenate([reduce[name](sequences, axis=1) for name in self.statistics],
                               axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], len(self.statistics) * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "statistics": list(self.statistics)}


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class SumToOne(keras.layers.Layer):
    """Each row divided by its sum (a row of zeros becomes uniform): sigmoid outputs as
    the probabilities :meth:`~skactrec.LSTMVideoClassifier.predict_proba` gives."""

    def call(self, scores):
        totals = ops.sum(scores, axis=-1, keepdims=True)
        uniform = ops.ones_like(scores) / ops.cast(ops.shape(scores)[-1], scores.dtype)
        return ops.where(totals > 0, scores / ops.maximum(totals, 1e-38), uniform)

    def compute_output_shape(self, input_shape):
        return input_shape
