"""
==========================================
Serving a model with onnxruntime only
==========================================

A model exported by :func:`~skactrec.export_model` (or ``skactrec export MODEL``) is one
ONNX graph from frames to class probabilities. Serving it needs three packages and no
skactrec, TensorFlow nor Keras: ``pip install onnxruntime imageio-ffmpeg numpy``.

The frames must be read as the model read them when it was fitted: the first ``n_frames``
frames of the video (the model's ``sampling="first"``, the paper's), each scaled by
ffmpeg's bilinear ``scale`` filter to ``frame_size``, a short video padded by repeating its
last frame. The file's metadata says which ``n_frames`` and ``frame_size``, and names the
classes. Run it as::

    python serve_onnx.py model.onnx video.mp4 [video.mp4 ...]

It prints each video's best class and its probability. This example needs a model and
videos: it is shown here, not run. The user guide's :ref:`deploying` tells the rest.
"""

import json
import sys

import imageio_ffmpeg
import numpy as np
import onnxruntime


def read_frames(path, n_frames, height, width):
    """The first ``n_frames`` RGB frames of a video, as skactrec's ``read_video`` reads them."""
    reader = imageio_ffmpeg.read_frames(path, output_params=[
        "-map", "0:v:0", "-fps_mode", "passthrough", "-frames:v", str(n_frames),
        "-vf", f"scale={width}:{height}:flags=bilinear"])
    next(reader)  # the video's metadata
    frames = [np.frombuffer(frame, np.uint8).reshape(height, width, 3) for frame in reader]
    return np.stack(frames + frames[-1:] * (n_frames - len(frames)))


session = onnxruntime.InferenceSession(sys.argv[1])
metadata = session.get_modelmeta().custom_metadata_map
classes = json.loads(metadata["classes"])
n_frames, (height, width) = int(metadata["n_frames"]), json.loads(metadata["frame_size"])
if metadata["sampling"] != "first":
    sys.exit("This example reads the first frames; the model samples them 'uniform'ly.")

for video in sys.argv[2:]:
    frames = read_frames(video, n_frames, height, width)[None]  # a batch of one video
    probabilities = session.run(["probabilities"], {"frames": frames})[0][0]
    best = int(np.argmax(probabilities))
    print(f"{video}: {classes[best]} ({probabilities[best]:.1%})")
