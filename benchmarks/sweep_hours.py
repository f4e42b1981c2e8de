"""Hours for the paper's unit sweeps on this machine, and on a Dask cluster of N of them.

Measures the classifier's training time per video and epoch at the paper's size (40
frames x 25088 features, batches of 25) for two unit counts in each compute dtype, fits a
line ``a + b x n_units`` (the input projection, nearly all the work, grows with
``4 x n_units``), and adds the featurization (``--frames-per-second``, measured by
``bench_featurize.py`` or ``dress_rehearsal.py``; each video through VGG16 once, with the
store). Sweeps: ``reproduce``'s default units (40, 80, 160, 240, 320, 360, 400, 480), 50
epochs, and each dataset's protocol:

* KTH: 1 split, 383 training videos, 599 videos featurized;
* UCF-11: 25 leave-one-group-out folds, about 1536 training videos each, 1600 featurized;
* HMDB-51: 3 splits, 3570 training videos each, 6766 featurized.

A cluster of N such machines runs N fits at a time (one per machine: TensorFlow uses both
cores of one) and featurizes N videos at a time; the 6% the cluster cost in
``bench_dask.py`` is added. Prediction of the test videos is left out (a forward pass,
under 1% of a fit).

With ``--real-features`` X holds ImageNet's ``block5_pool`` features of real frames
(benchmarks/_real_features.py: about 10% nonzero, as the paper's features are), and a row
``float32-sparse`` is added: the classifier's input projection from the nonzeros
(``input_product="sparse"``, what ``"auto"`` chooses on such features).

    python benchmarks/sweep_hours.py --frames-per-second 7.3 14.8
    python benchmarks/sweep_hours.py --real-features
    python benchmarks/sweep_hours.py --smoke
"""

import argparse

import numpy as np
from _timing import epoch_timer

from skactrec import LSTMVideoClassifier

UNITS = (40, 80, 160, 240, 320, 360, 400, 480)
EPOCHS = 50
DATASETS = {  # name: (folds, training videos per fold, videos featurized)
    "KTH": (1, 383, 599),
    "UCF-11": (25, 1536, 1600),
    "HMDB-51": (3, 3570, 6766),
}
CLUSTER_OVERHEAD = 1.06  # bench_dask.py: 46.90 s on a 1-worker cluster against 44.32 s local
N_FRAMES = 40


def seconds_per_video_epoch(n_units, compute_dtype, input_product, X):
    """Training seconds per video and epoch, from the second of two epochs."""
    y = np.arange(len(X)) % 6
    times = []
    LSTMVideoClassifier(n_units=n_units, epochs=2, compute_dtype=compute_dtype,
                        input_product=input_product, callbacks=[epoch_timer(times)],
                        random_state=0).fit(X, y)
    return times[-1] / len(X)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames-per-second", type=float, nargs=2, default=[7.3, 14.8],
                        metavar=("FLOAT32", "BFLOAT16"),
                        help="VGG16 featurization speed, 224x224 to block5_pool")
    parser.add_argument("--units", type=int, nargs=2, default=[40, 360],
                        help="the two unit counts measured")
    parser.add_argument("--n-videos", type=int, default=100)
    parser.add_argument("--machines", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--real-features", action="store_true",
                        help="ImageNet's features of real frames, and the sparse product")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check it works")
    args = parser.parse_args(argv)
    args.n_frames, args.n_features = N_FRAMES, 25088
    if args.smoke:
        args.n_videos, args.n_frames, args.n_features, args.units = 8, 2, 16, [2, 4]
    fps = dict(zip(("float32", "bfloat16"), args.frames_per_second, strict=True))
    if args.real_features and not args.smoke:
        from _real_features import real_videos

        X = real_videos(args.n_videos, args.n_frames)
        fps["float32-sparse"] = fps["float32"]
    else:
        X = np.random.default_rng(0).standard_normal(
            (args.n_videos, args.n_frames, args.n_features), dtype=np.float32)
    print(f"training time per video-epoch, {args.n_frames} frames x {args.n_features} "
          f"features ({np.count_nonzero(X) / X.size:.3f} nonzero), batches of 25 "
          f"({args.n_videos} videos, 2nd epoch):")
    lines = {}
    for dtype in fps:
        (u0, u1) = args.units
        compute_dtype, _, product = dtype.partition("-")
        t0, t1 = (seconds_per_video_epoch(u, compute_dtype, product or "dense", X)
                  for u in (u0, u1))
        slope = (t1 - t0) / (u1 - u0)
        lines[dtype] = (t0 - slope * u0, slope)
        print(f"  {dtype:>14}: {t0 * 1000:.1f} ms at {u0} units, {t1 * 1000:.1f} ms at {u1} "
              f"units: {lines[dtype][0] * 1000:.2f} + {slope * 1e6:.2f} us x units")
    header = f"{'dataset':>8} {'dtype':>14} {'fits':>5} {'featurize':>10} {'fits':>9}" + "".join(
        f" {f'{n} machine' + ('s' if n > 1 else ''):>12}" for n in args.machines)
    print(f"hours for a sweep of units {list(UNITS)}, {EPOCHS} epochs (featurization with "
          f"{fps['float32']} / {fps['bfloat16']} frames/s in float32 / bfloat16):")
    print(header)
    for name, (folds, n_train, n_videos) in DATASETS.items():
        for dtype, (intercept, slope) in lines.items():
            fit_hours = [n_train * EPOCHS * (intercept + slope * u) / 3600
                         for u in UNITS for _ in range(folds)]
            featurize = n_videos * N_FRAMES / fps[dtype] / 3600
            cells = ""
            for n in args.machines:
                # Longest fits first on the first free machine (what a scheduler does).
                loads = [0.0] * n
                for hours in sorted(fit_hours, reverse=True):
                    loads[loads.index(min(loads))] += hours
                total = featurize / n + max(loads)
                cells += f" {total * (CLUSTER_OVERHEAD if n > 1 else 1):12.1f}"
            print(f"{name:>8} {dtype:>14} {len(fit_hours):5d} {featurize:10.1f} "
                  f"{sum(fit_hours):9.1f}{cells}")
    print("target: measured, with the figures behind it (issue 12); one fit at a time per "
          "machine")
    return lines


if __name__ == "__main__":
    main()
