"""Exported models at the paper's geometry: file sizes, speed and answers against the Pipeline.

A Pipeline of the paper's geometry (40 frames of 224x224, ``block5_pool`` flattened to
25088 features, an LSTM of 360 units) is fitted for 20 epochs (to sharp probabilities, where
float32 rounding would show most) on real clips (``--videos``,
default ../shared/data/videos) with ImageNet's VGG16 (``--weights``; Keras's cache file by
default, see "Running offline"), then exported to ONNX, OpenVINO IR and Keras. On the same
decoded frames (reading the videos is left out of every figure) it prints:

* each file's size;
* videos/s end to end, frames to probabilities: the Pipeline's ``predict_proba``, the ONNX
  graph in onnxruntime, the IR in OpenVINO (float32, and bfloat16 where the CPU has it),
  and the floor: the featurizer's bare VGG16 forward (the compiled TensorFlow function
  alone, whose frames/s bound predict_proba's);
* the largest difference of each from ``predict_proba`` (target: 1e-4 for float32).

Every figure is measured here in one run; the machine should be quiet (nothing else
computing).

    python benchmarks/bench_export.py                 # the paper's geometry, ~5 min on 2 cores
    python benchmarks/bench_export.py --smoke         # seconds; run by the tests
"""

import argparse
import importlib.util
import os
import tempfile
from pathlib import Path

import numpy as np
from _clips import add_clip_arguments, clip_paths, smoke_clips
from _timing import best_time
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, export_model, read_video

TARGET = 1e-4


def runners(pipe, folder, frames):
    """name -> (function of the frames giving probabilities, bytes of its files)."""
    import onnxruntime

    videos = list(frames)  # predict_proba takes a list of videos
    out = {"Pipeline.predict_proba": (lambda: pipe.predict_proba(videos), None)}
    onnx_path = export_model(pipe, folder / "model.onnx")
    session = onnxruntime.InferenceSession(str(onnx_path))
    out["ONNX, onnxruntime"] = (lambda: session.run(None, {"frames": frames})[0],
                                onnx_path.stat().st_size)
    if importlib.util.find_spec("openvino"):
        import openvino

        xml = export_model(pipe, folder / "model.xml", format="openvino")
        size = xml.stat().st_size + xml.with_suffix(".bin").stat().st_size
        core = openvino.Core()
        hints = ["f32"] + (["bf16"] if "BF16" in core.get_property(
            "CPU", "OPTIMIZATION_CAPABILITIES") else [])
        for hint in hints:
            compiled = core.compile_model(str(xml), "CPU", {"INFERENCE_PRECISION_HINT": hint})
            out[f"OpenVINO IR, {hint} inference"] = (
                lambda compiled=compiled: compiled(frames)[0], size)
    keras_path = export_model(pipe, folder / "model.keras", format="keras")
    out["Keras file (size only)"] = (None, keras_path.stat().st_size)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_clip_arguments(parser, n_videos=4)
    parser.add_argument("--units", type=int, default=360)
    parser.add_argument("--weights", default="imagenet",
                        help="VGG16's weights: imagenet (the default), a file, or none")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, random weights")
    args = parser.parse_args(argv)
    if args.smoke:
        smoke_clips(args)
        args.units, args.weights, args.repeats = 8, "none", 1
    weights = None if args.weights == "none" else args.weights
    workdir = Path(tempfile.mkdtemp())
    paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size, workdir)
    frames = np.stack([read_video(p, n_frames=args.n_frames, frame_size=args.frame_size)
                       for p in paths])
    featurizer = VGG16FrameFeaturizer(n_frames=args.n_frames, frame_size=args.frame_size,
                                      layer=args.layer, weights=weights)
    pipe = make_pipeline(
        featurizer, LSTMVideoClassifier(n_units=args.units, epochs=20, learning_rate=1e-4,
                                        random_state=0))
    labels = [f"class{i % 2}" for i in range(len(frames))]
    pipe.fit(list(frames), labels)
    print(f"{len(frames)} videos of {args.n_frames} frames of {args.frame_size}x"
          f"{args.frame_size}, {args.layer} ({pipe[-1].n_features_in_} "
          f"features), LSTM of {args.units} units; weights {args.weights}; "
          f"{os.cpu_count()} CPUs")

    from skactrec.features._engines import get_extractor

    extractor = get_extractor(args.layer, (args.frame_size,) * 2, weights, None)
    flat = frames.reshape(-1, *frames.shape[2:])
    floor = best_time(lambda: extractor(flat, batch_size=featurizer.batch_size), args.repeats)
    expected = pipe.predict_proba(list(frames))
    print("predict_proba's probability of each video's best class: "
          + " ".join(f"{p:.4f}" for p in expected.max(axis=1)))
    print(f"{'':34} {'file MB':>8} {'videos/s':>9} {'x floor':>8} {'max |diff|':>11}")
    print(f"{'floor: bare VGG16 forward (TF)':34} {'':>8} {len(frames) / floor:9.3f} "
          f"{1:8.2f}")
    worst = 0.0
    for name, (run, size) in runners(pipe, workdir, frames).items():
        megabytes = f"{size / 1e6:8.1f}" if size else f"{'':>8}"
        if run is None:
            print(f"{name:34} {megabytes}")
            continue
        seconds = best_time(run, args.repeats)
        difference = float(np.abs(run() - expected).max())
        if "bf16" not in name:
            worst = max(worst, difference)
        print(f"{name:34} {megabytes} {len(frames) / seconds:9.3f} {floor / seconds:8.2f} "
              f"{difference:11.1e}")
    print(f"largest float32 difference from predict_proba: {worst:.1e} (target: <= "
          f"{TARGET:.0e}) -> {'met' if worst <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
