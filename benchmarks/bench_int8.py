"""VGG16 quantized to int8 by OpenVINO/NNCF: speed, feature error, accuracy (issue 13, item 3).

VGG16 up to the layer, with the featurizer's own preprocessing, is converted to OpenVINO
(as ``engine="openvino"`` does) and quantized post-training by ``nncf.quantize``, its
activation ranges calibrated on ``--calibration-frames`` real frames spread over the clips
of ``../shared/data/videos``. Then, in one run:

* frames/s of VGG16 in OpenVINO float32, bfloat16 (where the CPU offers it) and int8,
  against TensorFlow float32, at the paper's geometry, with ImageNet's weights (``--weights``),
  and on frames of the clips each one's features' relative difference from TensorFlow's
  float32 ones, the share of frames whose nearest other frame (cosine) is the one float32's
  features give, and the share whose nearest frame is of the same clip;
* leave-one-group-out accuracy of the same LSTM on the synthetic task of
  ``bench_memory.py --accuracy-only`` (``block4_pool`` of 32x32 frames), from float32 and
  from int8 features (the int8 model calibrated on real frames at 32x32; random weights, as
that task was made for them).

Target (the condition to offer int8): accuracy within 0.02 of float32's. Needs the extras
``openvino`` and ``nncf``, and ImageNet's weights in Keras's cache (see "Running offline").

    python benchmarks/bench_int8.py
    python benchmarks/bench_int8.py --smoke        # seconds; run by the tests
"""

import argparse
import glob
import tempfile
import time

import numpy as np
from _clips import add_clip_arguments, clip_paths, nearest_frames, same_clip_rate

from skactrec import LSTMVideoClassifier, read_video
from skactrec.features._engines import get_extractor


def calibration_frames(folder, n_frames, frame_size, workdir):
    """About ``n_frames`` frames spread evenly over every clip (synthetic clips without
    ../shared)."""
    paths = sorted(glob.glob(f"{folder}/*")) or clip_paths(folder, 4, 16, frame_size, workdir)
    per_clip = max(1, n_frames // len(paths))
    return np.concatenate([read_video(p, n_frames=per_clip, frame_size=(frame_size,) * 2,
                                      sampling="uniform") for p in paths])


def quantized_openvino(layer, frame_size, calibration, weights=None):
    """``(float32 model, int8 model, core)`` of VGG16 up to ``layer`` in OpenVINO."""
    import openvino as ov

    from skactrec.features._openvino import keeping_signal_stack, quantize_int8

    extractor = get_extractor(layer, (frame_size, frame_size), weights, None)
    with keeping_signal_stack():  # Ctrl-C stays a KeyboardInterrupt (see its docstring)
        model = ov.convert_model(extractor.forward.get_concrete_function())
        return model, quantize_int8(model, calibration), ov.Core()


def compile_run(core, model, precision):
    from skactrec.features._openvino import keeping_signal_stack

    with keeping_signal_stack():
        compiled = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": precision,
                                                     "PERFORMANCE_HINT": "LATENCY"})

    def run(frames, batch_size):
        request = compiled.create_infer_request()
        return np.concatenate([request.infer([frames[i : i + batch_size]])[0]
                               for i in range(0, len(frames), batch_size)])
    return run


def speed_and_error(args, workdir):
    size = args.frame_size
    calibration = calibration_frames(args.videos, args.calibration_frames, size, workdir)
    model, quantized, core = quantized_openvino(args.layer, size, calibration, args.weights)
    paths = clip_paths(args.videos, args.n_videos, args.n_frames, size, workdir)
    frames = np.concatenate([read_video(p, n_frames=args.n_frames, frame_size=(size, size))
                             for p in paths])
    tensorflow = get_extractor(args.layer, (size, size), args.weights, None)
    reference = tensorflow(frames, batch_size=args.batch_size)
    runs = {"tensorflow float32": lambda f, b: tensorflow(f, batch_size=b)}
    offered = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    runs["openvino float32"] = compile_run(core, model, "f32")
    if "BF16" in offered:
        runs["openvino bfloat16"] = compile_run(core, model, "bf16")
    runs["openvino int8"] = compile_run(core, quantized, "f32")
    print(f"{len(frames)} frames of {size}x{size} ({len(paths)} clips) to {args.layer}, batch "
          f"{args.batch_size}, weights={args.weights}; int8 calibrated on {len(calibration)} "
          f"real frames")
    neighbours = nearest_frames(reference, reference)
    fps = {}
    for name, run in runs.items():
        run(frames[: args.batch_size], args.batch_size)  # warm-up
        start = time.perf_counter()
        features = run(frames, args.batch_size)
        fps[name] = len(frames) / (time.perf_counter() - start)
        error = np.linalg.norm(features - reference) / np.linalg.norm(reference)
        agreement = np.mean(nearest_frames(features, features) == neighbours)
        print(f"  {name:<20} {fps[name]:7.2f} frames/s ({fps[name] / fps['tensorflow float32']:.2f}"
              f" x TensorFlow float32); features' difference from float32 {error:.2e}; "
              f"nearest frame as float32's {agreement:.1%}; same-clip rate "
              f"{same_clip_rate(features, features, args.n_frames):.2f}", flush=True)
    return fps


def accuracy(args, workdir):
    from sklearn.model_selection import LeaveOneGroupOut, cross_val_score

    from skactrec import VGG16FrameFeaturizer
    from skactrec.datasets import make_synthetic_videos

    size = dict(n_classes=2, n_groups=2, n_videos_per_group=1, n_frames=2) if args.smoke else \
        dict(n_classes=4, n_groups=5, n_videos_per_group=4, n_frames=8)
    data = make_synthetic_videos(f"{workdir}/synthetic", frame_size=32, random_state=0, **size)
    params = dict(n_frames=size["n_frames"], frame_size=32, layer="block4_pool", weights=None)
    float32 = VGG16FrameFeaturizer(**params).fit_transform(data.filenames)
    calibration = calibration_frames(args.videos, args.calibration_frames, 32, workdir)
    _, quantized, core = quantized_openvino("block4_pool", 32, calibration)
    run = compile_run(core, quantized, "f32")
    frames = np.stack([read_video(p, n_frames=size["n_frames"], frame_size=(32, 32))
                       for p in data.filenames])
    int8 = run(frames.reshape(-1, 32, 32, 3), 64).reshape(float32.shape)
    classifier = LSTMVideoClassifier(n_units=16, epochs=2 if args.smoke else 40, batch_size=8,
                                     learning_rate=0.003, random_state=0)
    scores = {}
    for name, X in (("float32", float32), ("int8", int8)):
        folds = cross_val_score(classifier, X, data.target, groups=data.groups,
                                cv=LeaveOneGroupOut())
        scores[name] = folds.mean()
        error = np.linalg.norm(X - float32) / np.linalg.norm(float32)
        print(f"  {name:<8} features (difference from float32 {error:.2e}): LOGO accuracy "
              f"{folds.mean():.3f} (folds {np.round(folds, 3).tolist()})")
    difference = scores["int8"] - scores["float32"]
    print(f"int8 - float32 accuracy: {difference:+.3f} (target: within 0.02): "
          f"{'PASS' if abs(difference) <= 0.02 else 'FAIL'}")
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=8)
    parser.add_argument("--batch-size", type=int, default=40)
    parser.add_argument("--calibration-frames", type=int, default=300)
    parser.add_argument("--weights", default="imagenet",
                        help="VGG16 weights of the speed and error part (default: imagenet, "
                        "from Keras's cache; 'none' for random ones)")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    args.weights = None if args.weights == "none" else args.weights
    if args.smoke:
        args.n_videos, args.n_frames, args.frame_size = 2, 4, 32
        args.layer, args.batch_size, args.calibration_frames = "block4_pool", 4, 16
        args.weights = None
    with tempfile.TemporaryDirectory() as workdir:
        fps = speed_and_error(args, workdir)
        scores = accuracy(args, workdir)
    return {"frames_per_second": fps, "accuracy": scores}


if __name__ == "__main__":
    main()

