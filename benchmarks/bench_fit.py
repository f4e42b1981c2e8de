"""Time and memory of LSTMVideoClassifier.fit, against Keras (issue 4 target 5, issue 12).

Default: the classifier against a raw Keras ``fit`` of the same network
(``build_lstm_model``) on the same arrays, epochs, batch size and shuffling, timed
alternately after one warm-up fit of each; the medians are compared with the target
``classifier <= 1.05 x Keras`` (the classifier's own overhead).

``--paper``: the paper's size, X of KTH's training size (383 videos x 40 frames x 25088
features, float32, 1.5 GB), 360 units, 6 classes, batches of 25, RMSProp. Each fit runs in
a fresh process that reports its wall time per epoch and its peak memory:

* ``keras``: a plain ``keras.Sequential([LSTM(360), Dense(6, "softmax")])`` ``fit`` on the array;
* ``float32``, ``float32-memmap`` (X a read-only ``np.memmap`` of a .npy file) and
  ``bfloat16``: ``LSTMVideoClassifier(compute_dtype=...)``;
* then RSS after each of 20 successive fits of the classifier in one process.

A fit of 50 epochs is extrapolated from ``--epochs`` measured ones: the first epoch (with
the tracing of the train step) plus 49 times the median of the others. Targets (issue 12):
float32 <= 0.25 x Keras, bfloat16 <= 0.1 x Keras, peak RSS <= X + 1.5 GB with X in memory
and <= 2.5 GB with a memmap, RSS after fit 20 within 5% of after fit 2.

    python benchmarks/bench_fit.py                  # 200 videos x 20 frames x 2048 features
    python benchmarks/bench_fit.py --memmap         # the classifier reads X from a .npy memmap
    python benchmarks/bench_fit.py --paper --epochs 3
    python benchmarks/bench_fit.py --smoke          # seconds; run by the tests

``--sparse``: the input projection from the features' nonzeros against the dense one, on
real features (ImageNet's ``block5_pool`` of ../shared's clips, density about 0.1,
benchmarks/_real_features.py) and the same made denser (``--densities``): per density,
the floor (TensorFlow's two dense products of a batch, ``X @ W`` and ``X^T @ G``, timed
alone, times the batches of an epoch), an epoch of the classifier with
``input_product="dense"`` and ``"sparse"`` (the median of epochs 2 on), both as ratios to
the floor, what ``"auto"`` chooses, and how far the two fits' weights are apart. Target:
a sparse epoch at ImageNet's density <= 0.7 x the floor; at 0.5, auto keeps dense.

    python benchmarks/bench_fit.py --sparse                      # 100 videos, 360 units
    python benchmarks/bench_fit.py --sparse --smoke
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from _timing import epoch_timer
from bench_memory import PeakSampler

from skactrec import LSTMVideoClassifier
from skactrec.classifier._lstm_model import build_lstm_model

TARGET = 1.05
PAPER = dict(n_videos=383, n_frames=40, n_features=25088, n_units=360, n_classes=6)
PAPER_EPOCHS = 50
KINDS = ("keras", "float32", "float32-memmap", "bfloat16")
TARGETS = {"float32": 0.25, "bfloat16": 0.1}  # wall time per fit, x Keras's
GIB = 2**30


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-videos", type=int, default=200)
    parser.add_argument("--n-frames", type=int, default=20)
    parser.add_argument("--n-features", type=int, default=2048)
    parser.add_argument("--n-units", type=int, default=64)
    parser.add_argument("--n-classes", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=None, help="5; 3 with --paper")
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed fits of each (5); with --paper, successive fits (20)")
    parser.add_argument("--random-state", type=int, default=0,
                        help="the classifier's random_state (seeded, deterministic fits)")
    parser.add_argument("--memmap", action="store_true",
                        help="give the classifier X as a read-only memmap of a .npy file")
    parser.add_argument("--paper", action="store_true",
                        help="the paper's size, each fit in a fresh process (issue 12)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                        help="with --paper: the fits to measure")
    parser.add_argument("--sparse", action="store_true",
                        help="sparse against dense input projection, on real features")
    parser.add_argument("--densities", nargs="+", type=float, default=[0.0, 0.3, 0.5],
                        help="with --sparse: densities to measure (0: real features as "
                             "they are)")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one --paper measurement, as JSON
    args = parser.parse_args(argv)
    if args.paper and not args.smoke:
        for name, value in PAPER.items():
            setattr(args, name, value)
    if args.sparse:
        args.n_videos, args.n_frames, args.n_units = 100, 40, 360
        if args.smoke:
            args.n_videos, args.n_frames, args.n_units, args.epochs = 8, 6, 64, 2
            args.densities = [0.0, 0.5]
        args.epochs = args.epochs or 3
    elif args.smoke:
        args.n_videos, args.n_frames, args.n_features = 40, 4, 16
        args.n_units, args.epochs = 4, 2
        args.repeats = args.repeats or 1
        args.kinds = ["keras", "float32-memmap"]
    if args.epochs is None:
        args.epochs = 3 if args.paper else 5
    if args.repeats is None:
        args.repeats = 20 if args.paper else 5
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args, json.loads(args.child))))
        return None
    if args.sparse:
        from _sparse_fit import sparse_against_dense

        return sparse_against_dense(args)
    if args.paper or args.smoke:
        return paper(args)
    return ratio_to_keras(args)


# --- the default: the classifier's overhead over Keras's fit on the same network -------


def ratio_to_keras(args):
    import keras

    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n_videos, args.n_frames, args.n_features)).astype(np.float32)
    y = np.arange(args.n_videos) % args.n_classes
    Y = np.eye(args.n_classes, dtype=np.float32)[y]
    print(f"X {X.shape} float32 ({X.nbytes / 1e6:.0f} MB), {args.n_classes} classes, "
          f"{args.n_units} units, {args.epochs} epochs, batch {args.batch_size}, "
          f"{args.repeats} repeats" + (", classifier X as memmap" if args.memmap else ""))

    with tempfile.TemporaryDirectory() as workdir:
        X_clf = X
        if args.memmap:
            np.save(os.path.join(workdir, "X.npy"), X)
            X_clf = np.load(os.path.join(workdir, "X.npy"), mmap_mode="r")

        def fit_keras():
            model = build_lstm_model(n_features=args.n_features, n_classes=args.n_classes,
                                     n_units=args.n_units)
            model.fit(X, Y, batch_size=args.batch_size, epochs=args.epochs, shuffle=True,
                      verbose=0)

        def fit_classifier():
            LSTMVideoClassifier(n_units=args.n_units, epochs=args.epochs,
                                batch_size=args.batch_size,
                                random_state=args.random_state).fit(X_clf, y)

        fit_keras(), fit_classifier()  # warm-up: TensorFlow's first-call costs
        times = {fit_keras: [], fit_classifier: []}
        cpu_times = {fit_keras: [], fit_classifier: []}
        for repeat in range(args.repeats):
            # Keras first in even repeats, the classifier first in odd ones: a drift in the
            # machine's speed (other processes, thermal) does not favour one of the two.
            for fit in (fit_keras, fit_classifier)[:: 1 if repeat % 2 == 0 else -1]:
                keras.backend.clear_session()
                start, start_cpu = time.perf_counter(), time.process_time()
                fit()
                times[fit].append(time.perf_counter() - start)
                cpu_times[fit].append(time.process_time() - start_cpu)

    medians = {fit: statistics.median(times[fit]) for fit in times}
    ratio = medians[fit_classifier] / medians[fit_keras]
    for name, fit in [("raw Keras fit:          ", fit_keras),
                      ("LSTMVideoClassifier.fit:", fit_classifier)]:
        print(f"{name} " + " ".join(f"{t:.3f}" for t in times[fit])
              + f" s, median {medians[fit]:.3f} s "
              f"(CPU median {statistics.median(cpu_times[fit]):.3f} s)")
    cpu_ratio = statistics.median(cpu_times[fit_classifier]) / statistics.median(
        cpu_times[fit_keras])
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"fit ratio {ratio:.2f} (target <= {TARGET}): {verdict}; CPU time ratio "
          f"{cpu_ratio:.2f}")
    return ratio


# --- --paper: each fit in a fresh process ----------------------------------------------


def write_X(path, args):
    """X as a .npy file of standard normal float32 values, written a chunk at a time."""
    shape = (args.n_videos, args.n_frames, args.n_features)
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
    rng = np.random.default_rng(0)
    for start in range(0, shape[0], 16):
        chunk = X[start : start + 16]
        chunk[...] = rng.standard_normal(chunk.shape, dtype=np.float32)
    X.flush()
    del X


def rss():
    return PeakSampler.status().get("VmRSS", 0)


def run_child(args, config):
    """One measurement in this fresh process; its figures as a dict."""
    kind, path = config["kind"], config["path"]
    result = {"baseline_rss": rss()}
    import keras  # noqa: F401 (imported before the peaks are sampled, as X is loaded)

    X = np.load(path, mmap_mode="r" if kind.endswith("memmap") else None)
    y = np.arange(len(X)) % args.n_classes
    result["X_bytes"] = X.nbytes
    times = []
    start = time.perf_counter()
    with PeakSampler() as sampler:
        if kind == "keras":
            model = keras.Sequential([
                keras.Input((None, args.n_features)),
                keras.layers.LSTM(args.n_units),
                keras.layers.Dense(args.n_classes, activation="softmax"),
            ])
            model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
            Y = np.eye(args.n_classes, dtype=np.float32)[y]
            model.fit(X, Y, batch_size=args.batch_size, epochs=config["epochs"], shuffle=True,
                      verbose=0, callbacks=[epoch_timer(times)])
        elif kind == "repeat":
            result["rss_after_fit"] = []
            for fit in range(config["fits"]):
                classifier(args, config["epochs"], "float32", [], fit).fit(X, y)
                result["rss_after_fit"].append(rss())
        else:
            clf = classifier(args, config["epochs"], kind.split("-")[0], [epoch_timer(times)], 0)
            clf.fit(X, y)
    result.update(wall=time.perf_counter() - start, epoch_times=times,
                  peak_hwm=PeakSampler.status()["VmHWM"], peak_anon=sampler.peak["RssAnon"])
    return result


def classifier(args, epochs, compute_dtype, callbacks, random_state):
    return LSTMVideoClassifier(n_units=args.n_units, epochs=epochs, batch_size=args.batch_size,
                               compute_dtype=compute_dtype, callbacks=callbacks,
                               random_state=random_state)


def child(args, **config):
    """Run one measurement in a fresh Python process; its result."""
    argv = [sys.executable, os.path.abspath(__file__), "--child", json.dumps(config)]
    argv += ["--smoke"] if args.smoke else ["--paper"]
    argv += ["--batch-size", str(args.batch_size)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}).stdout
    return json.loads(out.strip().splitlines()[-1])


def per_fit(result, epochs):
    """Wall time of a fit of ``epochs`` epochs, extrapolated from the measured epochs."""
    times = result["epoch_times"]
    if len(times) < 2:
        return times[0] * epochs
    return times[0] + (epochs - 1) * statistics.median(times[1:])


def paper(args):
    epochs = PAPER_EPOCHS if not args.smoke else args.epochs
    print(f"X ({args.n_videos}, {args.n_frames}, {args.n_features}) float32, {args.n_units} "
          f"units, {args.n_classes} classes, batch {args.batch_size}; {args.epochs} epochs "
          f"measured per fit, {epochs} extrapolated")
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "X.npy")
        write_X(path, args)
        results = {kind: child(args, kind=kind, path=path, epochs=args.epochs)
                   for kind in args.kinds}
        repeat = child(args, kind="repeat", path=path, epochs=1, fits=args.repeats)
    x_gib = next(iter(results.values()))["X_bytes"] / GIB
    print(f"{'fit':>15} {'s/epoch':>8} {'ms/video-epoch':>15} {f'{epochs}-epoch fit':>14} "
          f"{'peak RSS':>9} {'peak anon':>10}")
    for kind, r in results.items():
        steady = statistics.median(r["epoch_times"][1:] or r["epoch_times"])
        print(f"{kind:>15} {steady:8.2f} {steady / args.n_videos * 1000:15.1f} "
              f"{per_fit(r, epochs) / 60:11.1f} min {r['peak_hwm'] / GIB:6.2f} GiB "
              f"{r['peak_anon'] / GIB:6.2f} GiB")
    verdicts = []
    if "keras" in results:
        keras_time = per_fit(results["keras"], epochs)
        for kind, target in TARGETS.items():
            if kind in results:
                ratio = per_fit(results[kind], epochs) / keras_time
                verdicts.append(
                    f"{kind} fit / plain Keras fit: {ratio:.3f} (target <= {target})"
                    + (": PASS" if ratio <= target else ": FAIL"))
    for kind, limit in (("float32", x_gib + 1.5), ("float32-memmap", 2.5)):
        if kind in results:
            peak = results[kind]["peak_hwm"] / GIB
            what = "X + 1.5" if kind == "float32" else "2.5"
            verdicts.append(f"{kind} peak RSS {peak:.2f} GiB (target <= {what} = {limit:.2f} "
                            f"GiB)" + (": PASS" if peak <= limit else ": FAIL"))
    after = [value / GIB for value in repeat["rss_after_fit"]]
    print("RSS after each of " + f"{len(after)} successive fits (GiB): "
          + " ".join(f"{value:.2f}" for value in after))
    if len(after) >= 2:
        drift = after[-1] / after[1]
        verdicts.append(f"RSS after fit {len(after)} / after fit 2: {drift:.3f} (target within "
                        "5%)" + (": PASS" if abs(drift - 1) <= 0.05 else ": FAIL"))
    for verdict in verdicts:
        print(verdict)
    return results


if __name__ == "__main__":
    main()
