"""Frame features: the VGG16 featurizer, its engines (TensorFlow, OpenVINO) and precisions,
VGG16 weights files, and the feature store that featurizes each video once."""

from ._convert_weights import convert_vgg16_weights
from ._featurizer import BatchVideoReadError, VGG16FrameFeaturizer
from ._weights import (
    ImageNetWeightsError,
    WeightsNotFoundError,
    imagenet_weights_in_cache,
    imagenet_weights_path,
)

__all__ = [
    "BatchVideoReadError",
    "ImageNetWeightsError",
    "VGG16FrameFeaturizer",
    "WeightsNotFoundError",
    "convert_vgg16_weights",
    "imagenet_weights_in_cache",
    "imagenet_weights_path",
]
