"""WORK IN PROGRESS: the ONNX graph of a fitted Pipeline gives its predict_proba."""

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactrec import LSTMVideoClassifier, TemporalPooling, VGG16FrameFeaturizer

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

VIDEOS = [np.random.RandomState(i).randint(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
          for i in range(9)]


def featurizer(layer="block2_pool", pooling=None):
    return VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer=layer, pooling=pooling,
                                weights=None)


def assert_graph_gives_predict_proba(pipe, y):
    from skactrec.export._onnx_graph import pipeline_to_onnx

    pipe.fit(VIDEOS, y)
    model = pipeline_to_onnx(pipe)
    got = ort.InferenceSession(model.SerializeToString()).run(
        None, {"frames": np.stack(VIDEOS)})[0]
    np.testing.assert_allclose(got, pipe.predict_proba(VIDEOS), atol=1e-5)
    return model


@pytest.mark.parametrize("layer, pooling", [("block2_pool", None), ("block3_conv2", "avg"),
                                            ("block5_pool", None)])
def test_the_lstm_graph_gives_predict_proba_from_uint8_frames(layer, pooling):
    lstm = LSTMVideoClassifier(n_units=8, epochs=2, random_state=0)
    assert_graph_gives_predict_proba(make_pipeline(featurizer(layer, pooling), lstm),
                                     np.arange(9) % 2)


@pytest.mark.parametrize("params", [dict(temporal_pooling="attention"),
                                    dict(output_activation="sigmoid")])
def test_attention_and_sigmoid(params):
    lstm = LSTMVideoClassifier(n_units=8, epochs=2, random_state=0, **params)
    assert_graph_gives_predict_proba(make_pipeline(featurizer(), lstm), np.arange(9) % 3)


@pytest.mark.parametrize("n_classes, statistics", [(2, ("mean", "max")), (3, ("std", "min"))])
def test_the_pooling_head(n_classes, statistics):
    pipe = make_pipeline(featurizer(pooling="avg"), TemporalPooling(statistics=statistics),
                         StandardScaler(), LogisticRegression(max_iter=500))
    assert_graph_gives_predict_proba(pipe, np.arange(9) % n_classes)


def test_metadata_names_the_classes_and_the_frames():
    lstm = LSTMVideoClassifier(n_units=4, epochs=1, random_state=0)
    model = assert_graph_gives_predict_proba(make_pipeline(featurizer(), lstm),
                                             np.array(["run", "walk", "jump"] * 3))
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["classes"]) == ["jump", "run", "walk"]
    assert props["n_frames"] == "4" and json.loads(props["frame_size"]) == [32, 32]
    assert props["layer"] == "block2_pool" and props["precision"] == "float32"


SERVE = """
import json, sys
import numpy as np, onnxruntime
frames = np.load(sys.argv[2])
session = onnxruntime.InferenceSession(sys.argv[1])
props = session.get_modelmeta().custom_metadata_map
print(json.dumps({"proba": session.run(None, {"frames": frames})[0].tolist(),
                  "classes": json.loads(props["classes"]),
                  "imported": sorted(m for m in sys.modules
                                     if m.split(".")[0] in ("skactrec", "tensorflow", "keras"))}))
"""


def test_onnxruntime_alone_reads_real_clips_as_the_pipeline(shared_videos, tmp_path):
    import subprocess
    import sys

    from skactrec import read_video
    from skactrec.export._onnx_graph import export_model

    clips = sorted(shared_videos)[:4]
    frames = np.stack([read_video(c, n_frames=4, frame_size=32) for c in clips])
    pipe = make_pipeline(featurizer(), LSTMVideoClassifier(n_units=4, epochs=1,
                                                           random_state=0))
    pipe.fit([str(c) for c in clips], ["a", "b", "a", "b"])
    path = export_model(pipe, tmp_path / "model.onnx")
    np.save(tmp_path / "frames.npy", frames)
    out = subprocess.run([sys.executable, "-c", SERVE, str(path), str(tmp_path / "frames.npy")],
                         capture_output=True, text=True, check=True)
    served = json.loads(out.stdout)
    assert served["imported"] == [] and served["classes"] == ["a", "b"]
    np.testing.assert_allclose(served["proba"], pipe.predict_proba([str(c) for c in clips]),
                               atol=1e-5)


@pytest.mark.parametrize("model, kwargs, match", [
    (LSTMVideoClassifier(), {}, "takes a fitted Pipeline of VGG16FrameFeaturizer"),
    (make_pipeline(featurizer(), LSTMVideoClassifier()), {}, "fit it first"),
    (make_pipeline(featurizer(), LSTMVideoClassifier()), {"format": "tflite"}, "format must"),
])
def test_bad_inputs_are_named(model, kwargs, match, tmp_path):
    from skactrec.export._onnx_graph import export_model

    with pytest.raises(ValueError, match=match):
        export_model(model, tmp_path / "m.onnx", **kwargs)
