"""Time LSTMVideoClassifier.fit against the same raw Keras model's fit (issue 4, target 5).

Both fit the network of ``build_lstm_model`` on the same arrays with the same epochs,
batch size and shuffling; the two are timed alternately, after one untimed warm-up fit
of each, and the medians are compared with the target ``classifier <= 1.05 x Keras``.
Wall time is the target; the CPU time of the process is printed too, as it is less
disturbed by other processes on a small machine.

    python benchmarks/bench_fit.py                  # 200 videos x 20 frames x 2048 features
    python benchmarks/bench_fit.py --n-videos 383 --n-frames 40 --n-features 4096
    python benchmarks/bench_fit.py --memmap         # the classifier reads X from a .npy memmap
    python benchmarks/bench_fit.py --smoke          # seconds; what CI could run
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from skactrec import LSTMVideoClassifier
from skactrec._lstm_model import build_lstm_model

TARGET = 1.05


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-videos", type=int, default=200)
    parser.add_argument("--n-frames", type=int, default=20)
    parser.add_argument("--n-features", type=int, default=2048)
    parser.add_argument("--n-units", type=int, default=64)
    parser.add_argument("--n-classes", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=None, help="5; 3 with --smoke")
    parser.add_argument("--random-state", type=int, default=0,
                        help="the classifier's random_state (seeded, deterministic fits)")
    parser.add_argument("--memmap", action="store_true",
                        help="give the classifier X as a read-only memmap of a .npy file")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos, args.n_frames, args.n_features = 40, 4, 16
        args.n_units, args.epochs = 4, 2
    if args.repeats is None:
        args.repeats = 3 if args.smoke else 5

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


if __name__ == "__main__":
    main()
