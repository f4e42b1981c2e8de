"""engine="openvino" (issue 13): TensorFlow's features from OpenVINO's runtime, a clear
error without the extra or the precision, and the store key."""

import pickle
import sys

import numpy as np
import pytest
from _signals import default_ctrl_c

from skactrec import VGG16FrameFeaturizer
from skactrec.features._engines import get_extractor
from skactrec.features._vgg16 import FrameFeatureExtractor

SMALL = dict(n_frames=4, frame_size=32, layer="block3_pool", weights=None)


def frames(n=6, size=32, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (n, size, size, 3)).astype(np.uint8)


def relative_error(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def test_missing_extra_is_an_import_error_naming_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'skactrec\[openvino\]'"):
        get_extractor("block1_pool", (32, 32), None, None, "float32", engine="openvino")
    with pytest.raises(ImportError, match=r"skactrec\[openvino\]"):
        VGG16FrameFeaturizer(**SMALL, engine="openvino").fit([frames()])  # at fit already


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        VGG16FrameFeaturizer(engine="onnx").fit([frames()])


@pytest.fixture
def ov():
    return pytest.importorskip("openvino", reason="needs the optional extra skactrec[openvino]")


@pytest.mark.parametrize("layer, size, pooling", [
    ("block1_conv2", 32, None),
    ("block3_pool", 32, "avg"),
    ("block5_pool", 64, None),
])
def test_float32_features_equal_tensorflows(ov, layer, size, pooling):
    batch = frames(size=size)
    expected = get_extractor(layer, (size, size), None, pooling)(batch)
    extractor = get_extractor(layer, (size, size), None, pooling, engine="openvino")
    assert extractor is get_extractor(layer, (size, size), None, pooling, engine="openvino")
    features = extractor(batch, batch_size=4)
    assert features.dtype == np.float32 and features.shape == expected.shape
    assert relative_error(features, expected) < 1e-4


def test_bfloat16_features_within_one_percent(ov):
    if "BF16" not in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        pytest.skip("OpenVINO offers no bfloat16 on this CPU")
    batch = frames(size=64)
    expected = get_extractor("block5_pool", (64, 64), None, None)(batch)
    features = get_extractor("block5_pool", (64, 64), None, None, "bfloat16",
                             engine="openvino")(batch)
    assert 0 < relative_error(features, expected) < 0.01  # computed in bfloat16, and close


def test_a_precision_the_cpu_lacks_is_an_error(ov, monkeypatch):
    monkeypatch.setattr(ov.Core, "get_property", lambda self, device, name: ["FP32", "INT8"])
    with pytest.raises(ValueError, match="OpenVINO offers FP32, INT8 on this CPU, not BF16"):
        get_extractor("block1_pool", (48, 48), None, None, "bfloat16", engine="openvino")


def test_featurizer_with_openvino(ov, tmp_path, monkeypatch):
    videos = [frames(n=5, seed=i) for i in range(3)]
    tensorflow = VGG16FrameFeaturizer(**SMALL, memory=tmp_path)
    expected = tensorflow.fit_transform(videos)
    openvino = pickle.loads(pickle.dumps(VGG16FrameFeaturizer(**SMALL, engine="openvino")))
    assert relative_error(openvino.fit_transform(videos), expected) < 1e-4
    # float32 features are the same from either engine: both share the store.
    calls = []
    monkeypatch.setattr(FrameFeatureExtractor, "__call__", lambda *a, **k: calls.append(1))
    stored = VGG16FrameFeaturizer(**SMALL, engine="openvino", memory=tmp_path)
    np.testing.assert_array_equal(stored.fit_transform(videos), expected)
    assert calls == []


def test_reduced_precisions_of_each_engine_have_their_own_store(tmp_path):
    settings = {**SMALL, "compute_dtype": "bfloat16", "memory": tmp_path}
    directories = {
        VGG16FrameFeaturizer(**settings, engine=engine).fit([frames()])._store().directory
        for engine in ("tensorflow", "openvino")
    }
    float32 = {
        VGG16FrameFeaturizer(**SMALL, memory=tmp_path, engine=engine)
        .fit([frames()])._store().directory
        for engine in ("tensorflow", "openvino")
    }
    assert len(directories) == 2 and len(float32) == 1


# --- compute_dtype="int8": NNCF's quantization, calibrated on real frames -----------------

def test_int8_needs_openvino_and_calibration():
    with pytest.raises(ValueError, match="engine='openvino'"):
        VGG16FrameFeaturizer(**SMALL, compute_dtype="int8", calibration=[frames()]).fit(
            [frames()])


def test_int8_needs_calibration(ov):
    pytest.importorskip("nncf")
    with pytest.raises(ValueError, match="needs calibration"):
        VGG16FrameFeaturizer(**SMALL, compute_dtype="int8", engine="openvino").fit([frames()])


def test_int8_without_nncf_names_the_extra(ov, monkeypatch):
    monkeypatch.setitem(sys.modules, "nncf", None)
    with pytest.raises(ImportError, match=r"OpenVINO and NNCF.*skactrec\[openvino\]"):
        VGG16FrameFeaturizer(**SMALL, compute_dtype="int8", engine="openvino",
                             calibration=[frames()]).fit([frames()])


@pytest.fixture
def real_clips(shared_data_dir):
    videos = sorted(p for p in (shared_data_dir / "videos").iterdir() if p.is_file())
    if not videos:
        pytest.skip("no clips in ../shared/data/videos")
    return [str(p) for p in videos]


def test_int8_features_close_to_float32_and_keyed_by_calibration(ov, real_clips, tmp_path):
    pytest.importorskip("nncf", reason="needs the optional extra skactrec[openvino]")
    settings = dict(n_frames=6, frame_size=64, layer="block4_pool", weights=None)
    videos = real_clips[:3]
    expected = VGG16FrameFeaturizer(**settings).fit_transform(videos)
    int8 = VGG16FrameFeaturizer(**settings, compute_dtype="int8", engine="openvino",
                                calibration=real_clips, memory=tmp_path)
    features = int8.fit_transform(videos)
    assert 0 < relative_error(features, expected) < 0.06  # quantized, and close
    int8_store = int8._store().directory

    def read_again(*args, **kwargs):
        raise AssertionError("the calibration videos were read again")

    with pytest.MonkeyPatch.context() as patch:  # the quantized model is the process's now
        patch.setattr(VGG16FrameFeaturizer, "_calibration_frames", read_again)
        int8.memory = None  # computed again, not read from the store
        np.testing.assert_array_equal(int8.transform(videos), features)
    other = VGG16FrameFeaturizer(**settings, compute_dtype="int8", engine="openvino",
                                 calibration=real_clips[:2], memory=tmp_path).fit(videos[:1])
    assert other.calibration_id_ != int8.calibration_id_
    assert other._store().directory != int8_store


CTRL_C_AFTER_OPENVINO = """
import gc, os, signal, sys, threading, time
import numpy as np
from skactrec.features import _engines
extractor = _engines.get_extractor("block1_pool", (32, 32), None, None, engine="openvino")
frames = np.zeros((2, 32, 32, 3), np.uint8)
extractor(frames)
worker = threading.Thread(target=extractor, args=(frames,))
worker.start(); worker.join()
del extractor
# The compiled model freed by another thread, as a worker or the garbage collector may.
dropper = threading.Thread(target=lambda: (_engines._EXTRACTORS.clear(), gc.collect()))
dropper.start(); dropper.join()
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
except KeyboardInterrupt:
    print("KeyboardInterrupt")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sigaltstack is Linux's")
def test_ctrl_c_after_a_freed_openvino_model_is_a_keyboard_interrupt(ov):
    # OpenVINO's CPU plugin leaves the compiling thread's signal stack pointing at memory it
    # frees with the model; without skactrec restoring it, this SIGINT killed the process
    # with SIGSEGV (return code -11) instead of raising KeyboardInterrupt.
    import subprocess

    child = subprocess.run([sys.executable, "-c", CTRL_C_AFTER_OPENVINO], capture_output=True,
                           preexec_fn=default_ctrl_c,
                           text=True, timeout=300)
    assert (child.returncode, child.stdout) == (0, "KeyboardInterrupt\n"), child.stderr[-2000:]
