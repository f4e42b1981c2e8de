"""VGG16 on OpenVINO's CPU runtime (``engine="openvino"``), an optional extra.

The TensorFlow extractor's compiled function (preprocessing, VGG16 up to the layer,
pooling) is converted by ``openvino.convert_model`` once per process and setting: the same
graph with the same weights, so float32 features equal TensorFlow's. The precision comes
from ``compute_dtype`` through OpenVINO's ``INFERENCE_PRECISION_HINT``; ``"int8"`` is
NNCF's post-training quantization of the converted model, its activation ranges calibrated
on frames the user gives (:class:`Calibration`). Nothing of it is pickled: a worker
process converts (and quantizes) its own.
"""

import contextlib
import ctypes
import hashlib
import logging
import sys

import numpy as np

from ._vgg16 import FrameFeatureExtractor

ENGINES = ("tensorflow", "openvino")

# compute_dtype -> (OpenVINO's inference precision, its name in the CPU's capabilities).
_PRECISIONS = {"float32": ("f32", "FP32"), "bfloat16": ("bf16", "BF16"), "float16": ("f16", "FP16"),
               # int8 convolutions; what stays unquantized computes in float32.
               "int8": ("f32", "INT8")}


class _SignalStack(ctypes.Structure):  # Linux's stack_t
    _fields_ = [("ss_sp", ctypes.c_void_p), ("ss_flags", ctypes.c_int),
                ("ss_size", ctypes.c_size_t)]


@contextlib.contextmanager
def keeping_signal_stack():
    """Run OpenVINO work that builds or compiles models, then give the calling thread back
    its own alternate signal stack (``sigaltstack``).

    OpenVINO's CPU plugin (measured with 2026.4) points the compiling thread's alternate
    signal stack at memory that it frees with the compiled model, and installs no signal
    handler that would use it. Once the model is freed (by whichever thread drops it), the
    next signal that thread takes with a handler on the alternate stack (CPython installs
    every Python handler so: Ctrl-C's SIGINT, or a SIGALRM) cannot be delivered, and the
    kernel kills the process with SIGSEGV instead of raising KeyboardInterrupt. Restoring
    the stack the thread had before keeps Ctrl-C a KeyboardInterrupt. Linux only, where the
    plugin does it.
    """
    if not sys.platform.startswith("linux"):
        yield
        return
    sigaltstack = ctypes.CDLL(None, use_errno=True).sigaltstack
    before = _SignalStack()
    if sigaltstack(None, ctypes.byref(before)) != 0:
        yield  # cannot read it: nothing to restore
        return
    try:
        yield
    finally:
        before.ss_flags &= ~1  # SS_ONSTACK is reported, never set
        sigaltstack(ctypes.byref(before), None)


def import_openvino(int8=False):
    """The ``openvino`` module (and NNCF, for int8), or an ImportError saying how to
    install them."""
    names = ("openvino", "nncf") if int8 else ("openvino",)
    try:
        for name in names:
            __import__(name)
    except ImportError as exc:
        what = "compute_dtype='int8' needs OpenVINO and NNCF" if int8 else \
            "engine='openvino' needs OpenVINO"
        raise ImportError(
            f"{what}, an optional extra of skactrec: pip install 'skactrec[openvino]' "
            f"(or pip install {' '.join(names)})."
        ) from exc
    import openvino

    return openvino


class Calibration:
    """The frames that calibrate int8 quantization, read only when a model is quantized,
    and their identity (a SHA-256 of the frames), which keys the quantized model and the
    feature store.

    Parameters
    ----------
    identity : str
        :func:`frames_identity` of the frames.
    read_frames : callable
        Returns the frames, uint8 ``(n, height, width, 3)``.
    """

    def __init__(self, identity, read_frames):
        self.identity = identity
        self.read_frames = read_frames


def frames_identity(frames):
    """SHA-256 of uint8 frames, their shape included."""
    frames = np.ascontiguousarray(frames)
    digest = hashlib.sha256(f"{frames.shape}".encode())
    digest.update(frames.data)
    return digest.hexdigest()


class OpenVINOFrameFeatureExtractor(FrameFeatureExtractor):
    """A :class:`~skactrec.features._vgg16.FrameFeatureExtractor` run by OpenVINO.

    Parameters
    ----------
    tensorflow_extractor : FrameFeatureExtractor
        The float32 TensorFlow extractor of the same setting, whose function is converted.
    compute_dtype : {"float32", "bfloat16", "float16"}
        OpenVINO's inference precision. One the CPU does not offer is an error, never a
        silent fall back to another precision.
    """

    def __init__(self, tensorflow_extractor, compute_dtype, calibration=None):
        ov = import_openvino(int8=compute_dtype == "int8")
        source = tensorflow_extractor
        self._set_geometry(source.layer, source.frame_size, source.pooling, compute_dtype)
        with keeping_signal_stack():  # from loading the CPU plugin to compiling
            core = ov.Core()
            precision, capability = _PRECISIONS[compute_dtype]
            offered = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
            if capability not in offered:
                raise ValueError(
                    f"compute_dtype={compute_dtype!r} with engine='openvino': OpenVINO offers "
                    f"{', '.join(offered)} on this CPU, not {capability}. Use "
                    "compute_dtype='float32', or engine='tensorflow'."
                )
            if compute_dtype == "int8" and calibration is None:
                raise ValueError("compute_dtype='int8' needs calibration frames.")
            model = ov.convert_model(source.forward.get_concrete_function())
            if compute_dtype == "int8":
                model = quantize_int8(model, calibration.read_frames())
            self.compiled_model = core.compile_model(model, "CPU", {
                "INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"})

    def _run(self, batch):
        # One infer request per call: calls from several threads never share one.
        request = self.compiled_model.create_infer_request()
        return request.infer([batch])[0]


def quantize_int8(model, frames):
    """NNCF's int8 post-training quantization of the OpenVINO ``model``, its activation
    ranges measured on ``frames`` (the model's inputs, one at a time)."""
    import nncf

    logging.getLogger("nncf").setLevel(logging.WARNING)  # no progress bar of its own
    dataset = nncf.Dataset([frames[i : i + 1] for i in range(len(frames))])
    return nncf.quantize(model, dataset, subset_size=len(frames))
