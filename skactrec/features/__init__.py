"""Frame features: the VGG16 featurizer, its engines (TensorFlow, OpenVINO) and precisions,
VGG16 weights files, and the feature store that featurizes each video once."""

from ._featurizer import BatchVideoReadError, VGG16FrameFeaturizer
from ._weights import WeightsNotFoundError
from ._weights_files import convert_vgg16_weights

__all__ = [
    "BatchVideoReadError",
    "VGG16FrameFeaturizer",
    "WeightsNotFoundError",
    "convert_vgg16_weights",
]
