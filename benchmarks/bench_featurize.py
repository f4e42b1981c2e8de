"""Featurizer throughput against raw VGG16 and a tutorial-style baseline (issues 4 and 13).

Side by side in one run, on the same videos, in frames per second:

* **raw forward**: the best of several compiled VGG16 forward passes on frames that are
  already decoded, resized and preprocessed (``model.predict``, ``tf.function``, with and
  without XLA, at a few batch sizes; and the same Keras model converted to OpenVINO, at each
  precision, where OpenVINO is installed). Nothing but VGG16 is timed: the machine's ceiling.
* **naive**: the way tutorials do it: decode every frame of the file in Python, keep the
  first ``n_frames``, resize with ``tf.image.resize``, ``preprocess_input``, then
  ``model.predict(batch_size=40)`` per video.
* **featurizer**: ``VGG16FrameFeaturizer(engine=..., compute_dtype=...).fit_transform(paths)``:
  paths in, features out, no store; with each setting's features' relative difference from
  the float32 TensorFlow ones.

Targets: the fastest featurizer setting >= 0.9 x the fastest raw forward (issue 13), each
setting's features within 1% of float32's, the float32 featurizer >= 2 x naive (issue 4),
and >= 70 frames/s with a bfloat16 setting (issue 13, set on a 2-core Xeon with AMX). The
weights are random (same cost as ImageNet's). On a GPU machine the same script measures the
GPU.

    python benchmarks/bench_featurize.py                      # 6 real clips, 40 x 224x224
    python benchmarks/bench_featurize.py --n-videos 12 --batch-sizes 8 16
    python benchmarks/bench_featurize.py --engines tensorflow --compute-dtypes float32
    python benchmarks/bench_featurize.py --smoke              # seconds; run by the tests
"""

import argparse
import statistics
import sys
import tempfile
import time

import numpy as np
from _clips import add_clip_arguments, clip_paths, smoke_clips

from skactrec import VGG16FrameFeaturizer, read_video
from skactrec.features._vgg16 import COMPUTE_DTYPES


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=6)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 40],
                        help="batch sizes tried for the raw forward")
    parser.add_argument("--featurizer-batch-size", type=int, default=None,
                        help="the featurizer's batch_size (default: its own default)")
    parser.add_argument("--compute-dtypes", nargs="+", default=["float32", "bfloat16"],
                        choices=[*COMPUTE_DTYPES, "int8"],
                        help="the featurizer's (and raw VGG16's) compute_dtype values to time")
    parser.add_argument("--engines", nargs="+", default=["tensorflow", "openvino"],
                        choices=["tensorflow", "openvino"],
                        help="the featurizer's engines (openvino: where it is installed)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        smoke_clips(args)
    return args


def vgg16_up_to(layer, frame_size):
    import keras

    base = keras.applications.VGG16(include_top=False, weights=None,
                                    input_shape=(frame_size, frame_size, 3))
    return keras.Model(base.input, base.get_layer(layer).output)


def timed(function, data, warm_up, repeats):
    """Median seconds of ``function(data)`` over ``repeats`` calls, after ``function(warm_up)``
    (a small part of the data, enough to build and trace every shape)."""
    function(warm_up)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_forwards(model, batch_sizes):
    """name -> function running VGG16 over preprocessed float frames."""
    import tensorflow as tf

    graph = tf.function(lambda b: model(b, training=False))
    xla = tf.function(lambda b: model(b, training=False), jit_compile=True)

    def batched(forward, batch_size):
        def run(x):
            for start in range(0, len(x), batch_size):
                forward(x[start:start + batch_size]).numpy()
        return run

    variants = {"model.predict(batch_size=40)":
                lambda x: model.predict(x, batch_size=40, verbose=0)}
    for batch_size in batch_sizes:
        variants[f"tf.function, batch {batch_size}"] = batched(graph, batch_size)
        variants[f"tf.function(jit_compile=True), batch {batch_size}"] = batched(xla, batch_size)
    return variants


def naive(model, n_frames, frame_size):
    """Tutorial-style features: every frame decoded in Python, tf.image.resize, predict."""
    import imageio_ffmpeg
    import keras
    import tensorflow as tf

    def run(paths):
        for path in paths:
            reader = imageio_ffmpeg.read_frames(path)
            meta = next(reader)
            width, height = meta["size"]
            frames = [np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader]
            frames = frames[:n_frames] + frames[-1:] * max(0, n_frames - len(frames))
            batch = tf.image.resize(np.stack(frames), (frame_size, frame_size)).numpy()
            batch = keras.applications.vgg16.preprocess_input(batch)
            model.predict(batch, batch_size=40, verbose=0)
    return run


def openvino_raw_forwards(model, frame_size, compute_dtypes, batch_sizes, calibration):
    """name -> function running the Keras ``model`` converted to OpenVINO, per precision;
    for int8, quantized by NNCF on the preprocessed ``calibration`` frames."""
    import openvino as ov
    import tensorflow as tf

    from skactrec.features._openvino import _PRECISIONS, keeping_signal_stack, quantize_int8

    with keeping_signal_stack():  # Ctrl-C stays a KeyboardInterrupt (see its docstring)
        function = tf.function(lambda b: model(b, training=False), input_signature=[
            tf.TensorSpec((None, frame_size, frame_size, 3), tf.float32)])
        converted = ov.convert_model(function.get_concrete_function())
        core = ov.Core()
        offered = core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        variants = {}
        for compute_dtype in compute_dtypes:
            precision, capability = _PRECISIONS[compute_dtype]
            if capability not in offered:
                continue
            network = converted
            if compute_dtype == "int8":
                network = quantize_int8(converted, calibration)
            compiled = core.compile_model(network, "CPU", {
                "INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"})

            def batched(batch_size, compiled=compiled):
                def run(x):
                    request = compiled.create_infer_request()
                    for start in range(0, len(x), batch_size):
                        request.infer([x[start:start + batch_size]])
                return run

            for batch_size in batch_sizes:
                name = "int8" if compute_dtype == "int8" else precision
                variants[compute_dtype, f"openvino {name}, batch {batch_size}"] = batched(
                    batch_size)
        return variants


def openvino_installed():
    try:
        import openvino  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv=None):
    args = parse_args(argv)
    import keras
    import tensorflow as tf

    engines = [e for e in args.engines if e != "openvino" or openvino_installed()]
    devices = [d.device_type for d in tf.config.list_logical_devices()]
    with tempfile.TemporaryDirectory() as workdir:
        paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size, workdir)
        n = len(paths) * args.n_frames
        print(f"{len(paths)} videos x {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size} to {args.layer} = {n} frames; devices {devices}; "
              f"TensorFlow {tf.__version__}; engines {engines}; median of {args.repeats} "
              "after a warm-up")
        size = (args.frame_size, args.frame_size)
        frames = np.concatenate([read_video(p, n_frames=args.n_frames, frame_size=size)
                                 for p in paths])
        x = keras.applications.vgg16.preprocess_input(frames.astype(np.float32))
        warm_up = x[:2 * max(args.batch_sizes)]
        naive_fps = n / timed(naive(vgg16_up_to(args.layer, args.frame_size), args.n_frames,
                                    args.frame_size), paths, paths[:1], args.repeats)
        print(f"  naive {'decode all + tf.image.resize + predict(40)':<58} "
              f"{naive_fps:8.2f} frames/s", flush=True)

        raw = {}  # (compute_dtype, name) -> frames/s
        for compute_dtype in [d for d in args.compute_dtypes if d in COMPUTE_DTYPES]:
            keras.config.set_dtype_policy(COMPUTE_DTYPES[compute_dtype])
            model = vgg16_up_to(args.layer, args.frame_size)
            keras.config.set_dtype_policy("float32")
            for name, run in raw_forwards(model, args.batch_sizes).items():
                raw[compute_dtype, name] = fps = n / timed(run, x, warm_up, args.repeats)
                print(f"  raw   {compute_dtype:<8} {name:<49} {fps:8.2f} frames/s", flush=True)
        if "openvino" in engines:
            model = vgg16_up_to(args.layer, args.frame_size)
            for key, run in openvino_raw_forwards(model, args.frame_size, args.compute_dtypes,
                                                  args.batch_sizes, x[::max(1, n // 300)]
                                                  ).items():
                raw[key] = fps = n / timed(run, x, warm_up, args.repeats)
                print(f"  raw   {key[0]:<8} {key[1]:<49} {fps:8.2f} frames/s", flush=True)

        ours, features = {}, {}  # (engine, compute_dtype) -> frames/s, features
        for engine in engines:
            for compute_dtype in args.compute_dtypes:
                if compute_dtype == "int8" and engine != "openvino":
                    continue
                params = dict(n_frames=args.n_frames, frame_size=args.frame_size,
                              layer=args.layer, weights=None, compute_dtype=compute_dtype,
                              engine=engine)
                if compute_dtype == "int8":
                    params["calibration"] = paths  # the clips themselves
                if args.featurizer_batch_size is not None:
                    params["batch_size"] = args.featurizer_batch_size
                featurizer = VGG16FrameFeaturizer(**params)
                try:
                    featurizer.fit_transform(paths[:1])  # warm-up: builds (converts) VGG16
                except ValueError as exc:  # a precision this engine lacks on this CPU
                    print(f"  ours  {engine:<10} {compute_dtype:<8} not offered: {exc}")
                    continue
                times = []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    features[engine, compute_dtype] = featurizer.transform(paths)
                    times.append(time.perf_counter() - start)
                ours[engine, compute_dtype] = fps = n / statistics.median(times)
                print(f"  ours  {engine:<10} {compute_dtype:<8} "
                      f"{'VGG16FrameFeaturizer.fit_transform(paths)':<39} {fps:8.2f} frames/s",
                      flush=True)
    return report(raw, ours, features, naive_fps)


def report(raw, ours, features, naive_fps):
    """Print each target with its measured ratio; return the figures."""
    best_raw = max(raw, key=raw.get)
    best_ours = max(ours, key=ours.get)
    ratio = ours[best_ours] / raw[best_raw]
    print(f"fastest setting {best_ours} {ours[best_ours]:.2f} frames/s / fastest raw forward "
          f"{best_raw} {raw[best_raw]:.2f}: {ratio:.2f} (target >= 0.9): "
          f"{'PASS' if ratio >= 0.9 else 'FAIL'}")
    reference = features.get(("tensorflow", "float32"))
    for (engine, compute_dtype), values in features.items():
        raw_same = [fps for (dtype, name), fps in raw.items() if dtype == compute_dtype
                    and (name.startswith("openvino") == (engine == "openvino"))]
        line = f"{engine} {compute_dtype}: {ours[engine, compute_dtype]:.2f} frames/s"
        if raw_same:
            line += f", {ours[engine, compute_dtype] / max(raw_same):.2f} x its best raw forward"
        if reference is not None:
            error = float(np.linalg.norm(values - reference) / np.linalg.norm(reference))
            verdict = "(reported)" if compute_dtype == "int8" else \
                f"(target <= 1%): {'PASS' if error <= 0.01 else 'FAIL'}"
            line += f"; features' difference from float32 {error:.2e} {verdict}"
        print(line)
    if ("tensorflow", "float32") in ours:
        ratio_naive = ours["tensorflow", "float32"] / naive_fps
        print(f"float32 featurizer / naive: {ratio_naive:.2f} (target >= 2): "
              f"{'PASS' if ratio_naive >= 2 else 'FAIL'}")
    bf16 = [fps for (_, dtype), fps in ours.items() if dtype == "bfloat16"]
    if bf16:
        print(f"fastest bfloat16 setting {max(bf16):.2f} frames/s (target >= 70 on a 2-core "
              f"Xeon with AMX): {'PASS' if max(bf16) >= 70 else 'FAIL'}")
    if ("openvino", "float32") in ours and ("tensorflow", "float32") in ours:
        for dtype in ("float32", "bfloat16"):
            if ("openvino", dtype) in ours and ("tensorflow", dtype) in ours:
                gain = ours["openvino", dtype] / ours["tensorflow", dtype]
                print(f"openvino / tensorflow, {dtype}: {gain:.2f} (adopted if >= 1.2)")
    return {"naive": naive_fps, "raw": raw, "featurizer": ours}


if __name__ == "__main__":
    main(sys.argv[1:])
