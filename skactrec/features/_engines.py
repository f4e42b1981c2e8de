"""Which engine runs VGG16 for a setting, and the process's cache of built extractors.

``get_extractor`` builds each setting's extractor once per process: the TensorFlow one of
:mod:`._vgg16`, or OpenVINO's (:mod:`._openvino`), which converts the TensorFlow one.
"""

import logging
import threading

from ..utils._precision import COMPUTE_DTYPES
from ._openvino import OpenVINOFrameFeatureExtractor, import_openvino
from ._vgg16 import FrameFeatureExtractor
from ._weights import resolve_weights_file, weights_identity

logger = logging.getLogger(__name__)

_EXTRACTORS = {}
_EXTRACTORS_LOCK = threading.RLock()  # re-entered: an OpenVINO build gets its TensorFlow source


def get_extractor(layer, frame_size, weights, pooling, compute_dtype="float32",
                  engine="tensorflow", calibration=None):
    """The process's extractor for these settings, built on first use.

    Parameters
    ----------
    layer : str
        VGG16 layer name.
    frame_size : tuple of int
        ``(height, width)``.
    weights : {"imagenet", None} or path
        As the featurizer's ``weights`` parameter.
    pooling : {None, "avg", "max"}
        Spatial pooling of the layer output (None flattens it).
    compute_dtype : {"float32", "bfloat16", "float16"}, default="float32"
        Type VGG16 computes in (see ``COMPUTE_DTYPES``); features come out as float32.
    engine : {"tensorflow", "openvino"}, default="tensorflow"
        What runs VGG16. ``"openvino"`` converts the float32 TensorFlow extractor of the
        same setting (see :mod:`skactrec.features._openvino`), and also offers
        ``compute_dtype="int8"``.
    calibration : skactrec.features._openvino.Calibration, default=None
        The frames that calibrate ``compute_dtype="int8"``; not used otherwise.

    Returns
    -------
    extractor : FrameFeatureExtractor
    """
    key = (layer, tuple(frame_size), weights_identity(weights), pooling, compute_dtype, engine)
    if engine == "openvino":
        int8 = compute_dtype == "int8"
        import_openvino(int8)  # its ImportError before any TensorFlow work
        if int8:
            key += (calibration.identity,)
        return _cached(key, lambda: OpenVINOFrameFeatureExtractor(
            get_extractor(layer, frame_size, weights, pooling, "float32"), compute_dtype,
            calibration))
    if compute_dtype not in COMPUTE_DTYPES:
        raise ValueError(f"compute_dtype={compute_dtype!r} runs on engine='openvino' only.")

    def build():
        logger.info("Building VGG16 up to %s for %s frames (%s)", layer, frame_size, key[2])
        return FrameFeatureExtractor(layer, tuple(frame_size), resolve_weights_file(weights),
                                     pooling, compute_dtype)

    return _cached(key, build)


def _cached(key, build):
    """The extractor of ``key``, made by ``build()`` the first time."""
    with _EXTRACTORS_LOCK:
        extractor = _EXTRACTORS.get(key)
        if extractor is None:
            extractor = _EXTRACTORS[key] = build()
    return extractor
