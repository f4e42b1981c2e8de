"""examples/serve_onnx.py reads videos as read_video does and answers as the Pipeline, with
onnxruntime and imageio-ffmpeg only."""

import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, export_model

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
EXAMPLE = Path(__file__).parents[2] / "examples" / "serve_onnx.py"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_example_names_each_videos_best_class(shared_videos, tmp_path):
    from skactrec.video._probe import probe

    # Real clips of several codecs and sizes; part_0.mp4 (32 decoded frames) is padded to 40.
    clips = [str(clip) for clip in shared_videos[:3]] + [
        str(next(c for c in shared_videos if c.name == "part_0.mp4"))]
    pipe = make_pipeline(
        VGG16FrameFeaturizer(n_frames=40, frame_size=(32, 48), layer="block1_pool",
                             pooling="avg", weights=None),
        LSTMVideoClassifier(n_units=4, epochs=3, learning_rate=0.05, random_state=0))
    pipe.fit(clips, ["jump", "run", "walk", "jump"])
    model = export_model(pipe, tmp_path / "model.onnx")
    done = subprocess.run([sys.executable, str(EXAMPLE), str(model), *clips],
                          capture_output=True, text=True, check=True)
    proba = pipe.predict_proba(clips)
    expected = [f"{clip}: {pipe.classes_[best]} ({p[best]:.1%})"
                for clip, p, best in zip(clips, proba, proba.argmax(axis=1), strict=True)]
    assert done.stdout.splitlines() == expected
    assert probe(clips[-1], count_frames=True).n_frames < 40
