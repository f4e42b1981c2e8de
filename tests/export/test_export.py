"""export_model: the exported ONNX, OpenVINO and Keras files answer as the Pipeline's
predict_proba, from uint8 frames, with the metadata a consumer needs."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactrec import LSTMVideoClassifier, TemporalPooling, VGG16FrameFeaturizer, export_model

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
# Two epochs on random frames do not fit: what is compared is the answers, not their quality.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

VIDEOS = [np.random.RandomState(i).randint(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
          for i in range(9)]


def featurizer(layer="block2_pool", pooling=None, **params):
    return VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer=layer, pooling=pooling,
                                weights=None, **params)


def lstm(**params):
    return LSTMVideoClassifier(**(dict(n_units=8, epochs=2, random_state=0) | params))


def onnx_answers(path, frames):
    return ort.InferenceSession(str(path)).run(None, {"frames": frames})[0]


def exported_onnx_answers(pipe, y, tmp_path):
    pipe.fit(VIDEOS, y)
    return onnx_answers(export_model(pipe, tmp_path / "model.onnx"), np.stack(VIDEOS))


@pytest.mark.parametrize("layer, pooling", [("block2_pool", None), ("block3_conv2", "avg"),
                                            ("block5_pool", "max")])
def test_onnx_answers_as_predict_proba_at_each_layer(layer, pooling, tmp_path):
    pipe = make_pipeline(featurizer(layer, pooling), lstm())
    got = exported_onnx_answers(pipe, np.arange(9) % 2, tmp_path)
    np.testing.assert_allclose(got, pipe.predict_proba(VIDEOS), atol=1e-5)


@pytest.mark.parametrize("params", [dict(temporal_pooling="attention"),
                                    dict(output_activation="sigmoid")])
def test_onnx_of_attention_and_sigmoid_outputs(params, tmp_path):
    pipe = make_pipeline(featurizer(), lstm(**params))
    got = exported_onnx_answers(pipe, np.arange(9) % 3, tmp_path)
    np.testing.assert_allclose(got, pipe.predict_proba(VIDEOS), atol=1e-5)


@pytest.mark.parametrize("n_classes, statistics, scaler", [
    (2, ("mean", "max"), StandardScaler()),
    (3, ("std", "min"), StandardScaler(with_mean=False)),
])
def test_onnx_of_the_pooling_baseline(n_classes, statistics, scaler, tmp_path):
    pipe = make_pipeline(featurizer(pooling="avg"), TemporalPooling(statistics=statistics),
                         scaler, LogisticRegression(max_iter=500))
    got = exported_onnx_answers(pipe, np.arange(9) % n_classes, tmp_path)
    np.testing.assert_allclose(got, pipe.predict_proba(VIDEOS), atol=1e-5)


def test_metadata_names_the_classes_the_frames_and_the_precision(tmp_path):
    import onnx

    pipe = make_pipeline(featurizer(sampling="uniform", compute_dtype="bfloat16",
                                    dtype="float16"), lstm(n_units=4))
    pipe.fit(VIDEOS, np.array(["run", "walk", "jump"] * 3))
    props = {p.key: p.value for p in onnx.load(export_model(pipe, tmp_path / "m.onnx"))
             .metadata_props}
    assert json.loads(props["classes"]) == ["jump", "run", "walk"]
    assert (props["n_frames"], json.loads(props["frame_size"])) == ("4", [32, 32])
    assert (props["sampling"], props["layer"], props["pooling"]) == ("uniform", "block2_pool",
                                                                     "None")
    assert props["weights"] == "random-glorot-uniform-seed0"
    assert props["precision"] == "VGG16 float32, features float32, classifier float32"
    assert props["fitted_precision"] == "VGG16 bfloat16, features float16, classifier float32"
    import skactrec

    assert props["skactrec"] == skactrec.__version__


def test_a_bfloat16_model_exports_as_float32(tmp_path):
    """Fitted with VGG16 in bfloat16, the graph answers as the same model in float32."""
    pipe = make_pipeline(featurizer(compute_dtype="bfloat16"), lstm())
    got = exported_onnx_answers(pipe, np.arange(9) % 2, tmp_path)
    bfloat16_answers = pipe.predict_proba(VIDEOS)
    pipe.set_params(vgg16framefeaturizer__compute_dtype="float32")
    np.testing.assert_allclose(got, pipe.predict_proba(VIDEOS), atol=1e-5)
    assert np.abs(got - bfloat16_answers).max() > 1e-6  # bfloat16 did change the answers


SERVE = """
import json, sys
import numpy as np, onnxruntime
session = onnxruntime.InferenceSession(sys.argv[1])
props = session.get_modelmeta().custom_metadata_map
proba = session.run(None, {"frames": np.load(sys.argv[2])})[0]
print(json.dumps({"proba": proba.tolist(), "classes": json.loads(props["classes"]),
                  "imported": sorted({m.split(".")[0] for m in sys.modules}
                                     & {"skactrec", "tensorflow", "keras"})}))
"""


def served_by_onnxruntime_alone(path, frames, tmp_path):
    """What a process importing only onnxruntime and NumPy gets from the file."""
    np.save(tmp_path / "frames.npy", frames)
    done = subprocess.run([sys.executable, "-c", SERVE, str(path), str(tmp_path / "frames.npy")],
                          capture_output=True, text=True, check=True)
    served = json.loads(done.stdout)
    assert served["imported"] == []
    return np.array(served["proba"]), served["classes"]


@pytest.mark.parametrize("layer, pooling, temporal_pooling", [
    ("block2_pool", None, "last"), ("block3_pool", "avg", "attention")])
def test_onnxruntime_alone_answers_on_real_and_synthetic_clips(
        layer, pooling, temporal_pooling, shared_videos, tmp_path):
    from skactrec import read_video

    videos = [str(clip) for clip in shared_videos[:4]] + VIDEOS[:3]
    pipe = make_pipeline(featurizer(layer, pooling), lstm(temporal_pooling=temporal_pooling))
    pipe.fit(videos, ["a", "b", "c", "a", "b", "c", "a"])
    frames = np.stack([read_video(v, n_frames=4, frame_size=32) if isinstance(v, str) else v
                       for v in videos])
    proba, classes = served_by_onnxruntime_alone(export_model(pipe, tmp_path / "m.onnx"),
                                                 frames, tmp_path)
    assert classes == ["a", "b", "c"]
    np.testing.assert_allclose(proba, pipe.predict_proba(videos), atol=1e-5)


def test_imagenet_vgg16_at_the_papers_frame_size_on_real_clips(
        imagenet_weights, shared_videos, tmp_path):
    """Real weights and real frames at 224 x 224, block5_pool flattened (25088 features)."""
    from skactrec import read_video

    clips = [str(clip) for clip in shared_videos[:3]]
    pipe = make_pipeline(VGG16FrameFeaturizer(n_frames=3, weights=str(imagenet_weights)),
                         LSTMVideoClassifier(n_units=8, epochs=1, learning_rate=1e-4,
                                             random_state=0))
    pipe.fit(clips, ["a", "b", "a"])
    frames = np.stack([read_video(clip, n_frames=3, frame_size=224) for clip in clips])
    proba, _ = served_by_onnxruntime_alone(export_model(pipe, tmp_path / "m.onnx"), frames,
                                           tmp_path)
    np.testing.assert_allclose(proba, pipe.predict_proba(clips), atol=1e-4)


def test_openvino_ir_answers_and_carries_the_metadata(tmp_path):
    openvino = pytest.importorskip("openvino")
    pipe = make_pipeline(featurizer(), lstm(temporal_pooling="attention"))
    pipe.fit(VIDEOS, np.arange(9) % 3)
    path = export_model(pipe, tmp_path / "model.xml", format="openvino")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin", "model.xml"]
    core = openvino.Core()
    model = core.read_model(path)
    assert json.loads(model.get_rt_info(["skactrec", "classes"]).astype(str)) == [0, 1, 2]
    compiled = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    np.testing.assert_allclose(compiled(np.stack(VIDEOS))[0], pipe.predict_proba(VIDEOS),
                               atol=1e-5)


LOAD_KERAS = """
import json, sys
import keras, numpy as np
from skactrec.export import keras_custom_objects
keras_custom_objects()  # registers skactrec's layers: plain keras.saving.load_model then works
frames = np.load(sys.argv[1])
answers = []
for path in sys.argv[2:]:
    model = keras.saving.load_model(path)
    answers.append({
        "proba": model.predict(frames, verbose=0).tolist(),
        "classes": json.loads(model.get_layer("preprocessing").metadata["classes"]),
        "vgg16_policy": model.get_layer("vgg16").layer.layers[1].dtype_policy.name})
print(json.dumps(answers))
"""


def test_keras_files_load_in_keras_and_answer(tmp_path):
    """Sigmoid outputs; attention with VGG16 in bfloat16 (kept); the pooling baseline."""
    pipes = [
        make_pipeline(featurizer(), lstm(output_activation="sigmoid")),
        make_pipeline(featurizer(compute_dtype="bfloat16"), lstm(temporal_pooling="attention")),
        make_pipeline(featurizer(pooling="avg"), TemporalPooling(), StandardScaler(),
                      LogisticRegression(max_iter=500)),
    ]
    paths = [export_model(pipe.fit(VIDEOS, np.arange(9) % 3), tmp_path / f"model{i}.keras",
                          format="keras") for i, pipe in enumerate(pipes)]
    np.save(tmp_path / "frames.npy", np.stack(VIDEOS))
    done = subprocess.run([sys.executable, "-c", LOAD_KERAS, str(tmp_path / "frames.npy"),
                           *map(str, paths)], capture_output=True, text=True, check=True)
    answers = json.loads(done.stdout)
    for pipe, answer, policy in zip(pipes, answers, ["float32", "mixed_bfloat16", "float32"],
                                    strict=True):
        assert answer["classes"] == [0, 1, 2] and answer["vgg16_policy"] == policy
        np.testing.assert_allclose(answer["proba"], pipe.predict_proba(VIDEOS), atol=1e-5)
