"""Featurizer throughput against raw VGG16 and a tutorial-style baseline (issue 4, targets 1, 2, 7).

Side by side in one run, on the same videos, in frames per second:

* **raw forward**: the best of several compiled VGG16 forward passes on frames that are
  already decoded, resized and preprocessed (``model.predict``, ``tf.function``, with and
  without XLA, at a few batch sizes). Nothing but VGG16 is timed: the machine's ceiling.
* **naive**: the way tutorials do it: decode every frame of the file in Python, keep the
  first ``n_frames``, resize with ``tf.image.resize``, ``preprocess_input``, then
  ``model.predict(batch_size=40)`` per video.
* **featurizer**: ``VGG16FrameFeaturizer(...).fit_transform(paths)``: paths in, features
  out, no store.

Raw forward and featurizer are timed for each ``compute_dtype`` (float32, the paper's, and
bfloat16 mixed precision by default; float16 for GPUs), the naive baseline in float32.

Targets: featurizer >= 0.9 x raw forward, featurizer >= 2 x naive. The weights are
random (same cost as ImageNet's). On a GPU machine the same script measures the GPU.

    python benchmarks/bench_featurize.py                      # 6 real clips, 40 x 224x224
    python benchmarks/bench_featurize.py --n-videos 12 --batch-sizes 8 16
    python benchmarks/bench_featurize.py --smoke              # seconds; run by the tests
"""

import argparse
import statistics
import sys
import tempfile
import time

import numpy as np
from _clips import add_clip_arguments, clip_paths

from skactrec import VGG16FrameFeaturizer, read_video
from skactrec._vgg16 import COMPUTE_DTYPES


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_clip_arguments(parser, n_videos=6)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 40],
                        help="batch sizes tried for the raw forward")
    parser.add_argument("--featurizer-batch-size", type=int, default=None,
                        help="the featurizer's batch_size (default: its own default)")
    parser.add_argument("--compute-dtypes", nargs="+", default=["float32", "bfloat16"],
                        choices=list(COMPUTE_DTYPES),
                        help="the featurizer's (and raw VGG16's) compute_dtype values to time")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos, args.n_frames, args.frame_size = 2, 4, 32
        args.layer, args.batch_sizes = "block4_pool", [4]
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


def main(argv=None):
    args = parse_args(argv)
    import tensorflow as tf

    devices = [d.device_type for d in tf.config.list_logical_devices()]
    with tempfile.TemporaryDirectory() as workdir:
        paths = clip_paths(args.videos, args.n_videos, args.n_frames, args.frame_size, workdir)
        n = len(paths) * args.n_frames
        print(f"{len(paths)} videos x {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size} to {args.layer} = {n} frames; devices {devices}; "
              f"TensorFlow {tf.__version__}; median of {args.repeats} after a warm-up")
        size = (args.frame_size, args.frame_size)
        frames = np.concatenate([read_video(p, n_frames=args.n_frames, frame_size=size)
                                 for p in paths])
        import keras

        x = keras.applications.vgg16.preprocess_input(frames.astype(np.float32))
        naive_fps = n / timed(naive(vgg16_up_to(args.layer, args.frame_size), args.n_frames,
                                    args.frame_size), paths, paths[:1], args.repeats)
        print(f"  naive {'decode all + tf.image.resize + predict(40)':<52} "
              f"{naive_fps:8.2f} frames/s", flush=True)

        results = {}
        for compute_dtype in args.compute_dtypes:
            keras.config.set_dtype_policy(COMPUTE_DTYPES[compute_dtype])
            model = vgg16_up_to(args.layer, args.frame_size)
            keras.config.set_dtype_policy("float32")
            raw = {}
            for name, run in raw_forwards(model, args.batch_sizes).items():
                raw[name] = n / timed(run, x, x[:2 * max(args.batch_sizes)], args.repeats)
                print(f"  raw   {compute_dtype:<8} {name:<43} {raw[name]:8.2f} frames/s",
                      flush=True)
            params = dict(n_frames=args.n_frames, frame_size=args.frame_size, layer=args.layer,
                          weights=None, compute_dtype=compute_dtype)
            if args.featurizer_batch_size is not None:
                params["batch_size"] = args.featurizer_batch_size
            featurizer = VGG16FrameFeaturizer(**params)
            ours = n / timed(featurizer.fit_transform, paths, paths[:1], args.repeats)
            print(f"  ours  {compute_dtype:<8} {'VGG16FrameFeaturizer.fit_transform(paths)':<43} "
                  f"{ours:8.2f} frames/s", flush=True)
            results[compute_dtype] = {"raw": raw, "featurizer": ours}

    for compute_dtype, result in results.items():
        raw, ours = result["raw"], result["featurizer"]
        best = max(raw, key=raw.get)
        ratio_raw, ratio_naive = ours / raw[best], ours / naive_fps
        print(f"{compute_dtype}: featurizer / best raw forward ({best}): {ratio_raw:.2f} "
              f"(target >= 0.9): {'PASS' if ratio_raw >= 0.9 else 'FAIL'}")
        print(f"{compute_dtype}: featurizer / naive (float32): {ratio_naive:.2f} (target >= 2): "
              f"{'PASS' if ratio_naive >= 2 else 'FAIL'}")
    return {"naive": naive_fps, **results}


if __name__ == "__main__":
    main(sys.argv[1:])
