"""``import skactrec`` stays light: no TensorFlow, Keras or scikeras until a model is built."""

import subprocess
import sys

import skactrec


def test_import_does_not_import_tensorflow():
    code = (
        "import sys, skactrec, skactrec.datasets\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'scikeras') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_public_names():
    for name in skactrec.__all__:
        assert getattr(skactrec, name) is not None
    assert {"VGG16FrameFeaturizer", "LSTMVideoClassifier", "read_video", "VideoReadError",
            "predict_top_k", "WeightsNotFoundError"} <= set(skactrec.__all__)
