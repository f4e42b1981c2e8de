"""The LSTM video classifier: the estimator, its Keras model and layers, batches, the
training loop and the optimizer's update."""

from ._classifier import LSTMVideoClassifier

__all__ = ["LSTMVideoClassifier"]
