"""skactrec: human action recognition in videos with a CNN-LSTM, as scikit-learn estimators.

The system of Orozco et al., "Human Action Recognition in Videos using a Robust CNN
LSTM Approach": each video is cut to 40 frames, every frame goes through an
ImageNet-pretrained VGG16 (:class:`VGG16FrameFeaturizer`), and an LSTM reads the
sequence of frame features to classify the video (:class:`LSTMVideoClassifier`).
Both are scikit-learn estimators that compose in a :class:`~sklearn.pipeline.Pipeline`.

Importing this package does not import TensorFlow: it is imported where a Keras
model is first built.
"""

from . import _moved_modules
from ._version import __version__
from .classifier import LSTMVideoClassifier, TemporalPooling
from .experiments import reproduce
from .export import export_model
from .features import (
    BatchVideoReadError,
    VGG16FrameFeaturizer,
    WeightsNotFoundError,
    convert_vgg16_weights,
)
from .inspection import predict_timeline, predict_top_k, watch
from .plotting import plot_timeline, plot_top_k, plot_unit_sweep
from .utils import InconsistentSkactrecVersionWarning
from .video import VideoReadError, read_video

_moved_modules.install()

__all__ = [
    "BatchVideoReadError",
    "InconsistentSkactrecVersionWarning",
    "LSTMVideoClassifier",
    "TemporalPooling",
    "VGG16FrameFeaturizer",
    "VideoReadError",
    "WeightsNotFoundError",
    "convert_vgg16_weights",
    "export_model",
    "plot_timeline",
    "plot_top_k",
    "plot_unit_sweep",
    "predict_timeline",
    "predict_top_k",
    "read_video",
    "reproduce",
    "watch",
    "__version__",
]
