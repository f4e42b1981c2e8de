"""WORK IN PROGRESS: the ONNX graph of a fitted Pipeline gives its predict_proba."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


@pytest.mark.parametrize("layer, pooling", [("block2_pool", None), ("block3_conv2", "avg"),
                                            ("block5_pool", None)])
def test_the_graph_gives_predict_proba_from_uint8_frames(layer, pooling):
    from skactrec.export._onnx_graph import pipeline_to_onnx

    rng = np.random.RandomState(0)
    videos = [rng.randint(0, 256, size=(4, 32, 32, 3), dtype=np.uint8) for _ in range(8)]
    pipe = make_pipeline(
        VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer=layer, pooling=pooling,
                             weights=None),
        LSTMVideoClassifier(n_units=8, epochs=2, random_state=0)).fit(videos, np.arange(8) % 2)
    session = ort.InferenceSession(pipeline_to_onnx(pipe).SerializeToString())
    got = session.run(None, {"frames": np.stack(videos)})[0]
    np.testing.assert_allclose(got, pipe.predict_proba(videos), atol=1e-5)
