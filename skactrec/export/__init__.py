"""Serving a fitted model without skactrec: the whole Pipeline, frames to probabilities, as
one ONNX graph, OpenVINO IR or Keras file, with the metadata a consumer needs."""

from ._export import FORMATS, export_model
from ._keras_model import keras_custom_objects

__all__ = ["FORMATS", "export_model", "keras_custom_objects"]
