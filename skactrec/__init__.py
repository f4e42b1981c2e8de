"""skactrec: human action recognition in videos with a CNN-LSTM, as scikit-learn estimators.

The system of Orozco et al., "Human Action Recognition in Videos using a Robust CNN
LSTM Approach": each video is cut to 40 frames, every frame goes through an
ImageNet-pretrained VGG16 (:class:`VGG16FrameFeaturizer`), and an LSTM reads the
sequence of frame features to classify the video (:class:`LSTMVideoClassifier`).
Both are scikit-learn estimators that compose in a :class:`~sklearn.pipeline.Pipeline`.

Importing this package does not import TensorFlow: it is imported where a Keras
model is first built.
"""

from ._classifier import LSTMVideoClassifier
from ._featurizer import BatchVideoReadError, VGG16FrameFeaturizer
from ._plotting import plot_top_k, plot_unit_sweep
from ._reproduce import reproduce
from ._timeline import predict_timeline
from ._timeline_plot import plot_timeline
from ._top_k import predict_top_k
from ._video import VideoReadError, read_video
from ._weights import WeightsNotFoundError
from ._weights_files import convert_vgg16_weights

__version__ = "0.1.0.dev0"

__all__ = [
    "BatchVideoReadError",
    "LSTMVideoClassifier",
    "VGG16FrameFeaturizer",
    "VideoReadError",
    "WeightsNotFoundError",
    "convert_vgg16_weights",
    "plot_timeline",
    "plot_top_k",
    "plot_unit_sweep",
    "predict_timeline",
    "predict_top_k",
    "read_video",
    "reproduce",
    "__version__",
]
