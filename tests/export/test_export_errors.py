"""export_model refuses what it cannot export, one clear error each, and never leaves a
half-written file."""

import re
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, export_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def featurizer():
    return VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool",
                                pooling="avg", weights=None)


@pytest.fixture(scope="module")
def fitted():
    videos = [np.full((2, 32, 32, 3), 50 * i, np.uint8) for i in range(4)]
    return make_pipeline(featurizer(), LSTMVideoClassifier(n_units=2, epochs=1,
                                                           random_state=0)).fit(videos, [0, 1] * 2)


@pytest.mark.parametrize("model, match", [
    (LSTMVideoClassifier(), "got a LSTMVideoClassifier"),
    (make_pipeline(featurizer(), LSTMVideoClassifier()), "not fitted: call fit first"),
    (make_pipeline(featurizer(), StandardScaler(), LSTMVideoClassifier()),
     "got a Pipeline of VGG16FrameFeaturizer, StandardScaler, LSTMVideoClassifier"),
    (make_pipeline(featurizer(), LogisticRegression()), "got a Pipeline of "),
])
def test_what_is_not_a_fitted_skactrec_pipeline_is_named(model, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        export_model(model, tmp_path / "m.onnx")


@pytest.mark.parametrize("path, format, match", [
    ("m.onnx", "tflite", r"format must be one of \['keras', 'onnx', 'openvino'\]; got 'tflite'"),
    ("m.xml", "onnx", "format='onnx' writes a .onnx file; got '.*m.xml'"),
    ("m.onnx", "openvino", "format='openvino' writes a .xml file"),
    ("no_such_folder/m.onnx", "onnx", "the folder '.*no_such_folder' does not exist"),
])
def test_bad_formats_and_paths_are_named(fitted, path, format, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        export_model(fitted, tmp_path / path, format=format)
    assert not (tmp_path / "no_such_folder").exists()


@pytest.mark.parametrize("format, missing, install", [
    ("onnx", "onnx", "skactrec[onnx]"), ("openvino", "openvino", "skactrec[onnx,openvino]")])
def test_a_missing_extra_says_what_to_install(fitted, format, missing, install, tmp_path,
                                              monkeypatch):
    monkeypatch.setitem(sys.modules, missing, None)  # import fails as if not installed
    suffix = {"onnx": ".onnx", "openvino": ".xml"}[format]
    with pytest.raises(ImportError, match=rf"needs the {missing} package.*{re.escape(install)}"):
        export_model(fitted, tmp_path / f"m{suffix}", format=format)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_previous_file_whole(fitted, tmp_path, monkeypatch):
    openvino = pytest.importorskip("openvino")
    for name in ("m.xml", "m.bin"):
        (tmp_path / name).write_text("the previous export")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(openvino, "save_model", fail)
    with pytest.raises(OSError, match="disk full"):
        export_model(fitted, tmp_path / "m.xml", format="openvino")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bin", "m.xml"]
    assert (tmp_path / "m.xml").read_text() == "the previous export"
