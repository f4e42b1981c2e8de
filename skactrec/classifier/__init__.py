"""Classifying videos from their frame features: the LSTM video classifier (the estimator,
its Keras model and layers, batches, the training loop and the optimizer's update), and
the temporal pooling that lets any scikit-learn classifier take the videos."""

from ._classifier import LSTMVideoClassifier
from ._temporal_pooling import TemporalPooling

__all__ = ["LSTMVideoClassifier", "TemporalPooling"]
