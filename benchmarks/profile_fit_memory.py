"""Memory profile of successive LSTMVideoClassifier fits in one process (issue 12).

After each fit, and after dropping the classifier as a search does (without collecting
garbage, unless ``--collect``), it prints the process's RSS and what could hold memory
across fits: Keras models and layers not freed yet (live, or cyclic garbage waiting for
Python's collector), TensorFlow functions, the gradient functions registered in
TensorFlow's global registry by ``tf.custom_gradient`` while tracing, the Python functions
TensorFlow keeps for ``tf.py_function`` / ``Dataset.from_generator`` (another global
registry), and, with ``--trim``, the RSS that glibc gives back on ``malloc_trim(0)``
(memory freed but kept by the allocator, as opposed to memory still referenced).

It found the two causes of issue 12's per-fit growth: each fit registered a custom
gradient (Keras's optimizer's all-reduce) that held its model's variables, and each fit's
model, a web of cyclic references, waited for a garbage collection that seldom came.

    python benchmarks/profile_fit_memory.py                       # 25 x 40 x 25088, 360 units
    python benchmarks/profile_fit_memory.py --fits 50 --epochs 1
    python benchmarks/profile_fit_memory.py --smoke
"""

import argparse
import ctypes
import gc

import numpy as np
from bench_memory import PeakSampler


def rss_gib():
    """Resident set size of this process, GiB."""
    return PeakSampler.status()["VmRSS"] / 2**30


def peak_rss_gib():
    """High-water mark of the resident set size since the process started, GiB."""
    return PeakSampler.status()["VmHWM"] / 2**30


def live_objects():
    """Counts of the objects that could keep a fit's memory alive after it is freed."""
    import keras
    import tensorflow as tf
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import script_ops

    counts = {"keras models": 0, "keras layers": 0, "tf.functions": 0}
    for obj in gc.get_objects():
        if isinstance(obj, keras.Model):
            counts["keras models"] += 1
        elif isinstance(obj, keras.layers.Layer):
            counts["keras layers"] += 1
        elif isinstance(obj, tf.types.experimental.PolymorphicFunction):
            counts["tf.functions"] += 1
    counts["custom gradients registered"] = sum(
        name.startswith("CustomGradient") for name in ops.gradient_registry.list())
    counts["py_func registry"] = script_ops._py_funcs.size()
    return counts


def malloc_trim():
    """Ask glibc to return the free memory it holds to the system; the RSS it gave back."""
    before = rss_gib()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        return float("nan")
    return before - rss_gib()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-videos", type=int, default=25)
    parser.add_argument("--n-frames", type=int, default=40)
    parser.add_argument("--n-features", type=int, default=25088)
    parser.add_argument("--n-units", type=int, default=360)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--fits", type=int, default=6)
    parser.add_argument("--collect", action="store_true",
                        help="collect garbage (gc.collect) after each fit")
    parser.add_argument("--trim", action="store_true",
                        help="also call malloc_trim(0) after each fit and print what it returned")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos, args.n_frames, args.n_features, args.n_units = 8, 4, 16, 4
        args.epochs, args.fits = 1, 3

    from skactrec import LSTMVideoClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n_videos, args.n_frames, args.n_features)).astype(np.float32)
    y = np.arange(args.n_videos) % 6
    print(f"X {X.shape} float32 ({X.nbytes / 2**30:.2f} GiB), {args.n_units} units, "
          f"{args.epochs} epochs, {args.fits} fits; RSS {rss_gib():.2f} GiB before the first")
    rss = []
    for fit in range(1, args.fits + 1):
        clf = LSTMVideoClassifier(n_units=args.n_units, epochs=args.epochs, random_state=fit)
        clf.fit(X, y)
        after_fit = rss_gib()
        del clf
        if args.collect:
            gc.collect()
        rss.append(rss_gib())
        line = (f"fit {fit:2d}: RSS {after_fit:.2f} GiB after fit, {rss[-1]:.2f} after "
                f"dropping it, peak {peak_rss_gib():.2f}; ")
        line += ", ".join(f"{k} {v}" for k, v in live_objects().items())
        if args.trim:
            line += f"; malloc_trim gave back {malloc_trim():.2f} GiB"
        print(line, flush=True)
    if len(rss) >= 2:
        print(f"RSS after fit {len(rss)} / after fit 2: {rss[-1] / rss[1]:.3f} "
              f"(+{(rss[-1] - rss[1]) / max(1, len(rss) - 2):.3f} GiB per fit)")
    return rss


if __name__ == "__main__":
    main()
