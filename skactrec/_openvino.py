"""VGG16 on OpenVINO's CPU runtime (``engine="openvino"``), an optional extra.

The TensorFlow extractor's compiled function (preprocessing, VGG16 up to the layer,
pooling) is converted by ``openvino.convert_model`` once per process and setting: the same
graph with the same weights, so float32 features equal TensorFlow's. The precision comes
from ``compute_dtype`` through OpenVINO's ``INFERENCE_PRECISION_HINT``. Nothing of it is
pickled: a worker process converts its own.
"""

from ._vgg16 import FrameFeatureExtractor

ENGINES = ("tensorflow", "openvino")

# compute_dtype -> (OpenVINO's inference precision, its name in the CPU's capabilities).
_PRECISIONS = {"float32": ("f32", "FP32"), "bfloat16": ("bf16", "BF16"), "float16": ("f16", "FP16")}


def import_openvino():
    """The ``openvino`` module, or an ImportError that says how to install it."""
    try:
        import openvino
    except ImportError as exc:
        raise ImportError(
            "engine='openvino' needs OpenVINO, an optional extra of skactrec: "
            "pip install 'skactrec[openvino]' (or pip install openvino)."
        ) from exc
    return openvino


class OpenVINOFrameFeatureExtractor(FrameFeatureExtractor):
    """A :class:`~skactrec._vgg16.FrameFeatureExtractor` whose forward pass runs on OpenVINO.

    Parameters
    ----------
    tensorflow_extractor : FrameFeatureExtractor
        The float32 TensorFlow extractor of the same setting, whose function is converted.
    compute_dtype : {"float32", "bfloat16", "float16"}
        OpenVINO's inference precision. One the CPU does not offer is an error, never a
        silent fall back to another precision.
    """

    def __init__(self, tensorflow_extractor, compute_dtype):
        ov = import_openvino()
        source = tensorflow_extractor
        self._set_geometry(source.layer, source.frame_size, source.pooling, compute_dtype)
        core = ov.Core()
        precision, capability = _PRECISIONS[compute_dtype]
        offered = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        if capability not in offered:
            raise ValueError(
                f"compute_dtype={compute_dtype!r} with engine='openvino': OpenVINO offers "
                f"{', '.join(offered)} on this CPU, not {capability}. Use "
                "compute_dtype='float32', or engine='tensorflow'."
            )
        model = ov.convert_model(source.forward.get_concrete_function())
        self.compiled_model = core.compile_model(
            model, "CPU", {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
        )

    def _run(self, batch):
        # One infer request per call: calls from several threads never share one.
        request = self.compiled_model.create_infer_request()
        return request.infer([batch])[0]
