"""What temporal attention costs at the paper's size, against the last hidden state.

One fit and one ``predict_proba`` per temporal pooling, each in a fresh process (so that
its peak RSS is its own): 40 frames x 25088 features per video (``block5_pool`` of
224x224, flattened), 360 LSTM units, batch 25, random features (timing does not depend
on their values). A warm-up fit of one epoch on 25 videos comes first, so that the timed
fit does not include building and tracing.

    python benchmarks/bench_attention_cost.py                    # 100 videos, 2 epochs
    python benchmarks/bench_attention_cost.py --smoke            # seconds; run by the tests
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

TARGET = 1.10  # attention's fit time and peak memory: at most 10% above last's


def measure(pooling, n_videos, n_frames, n_features, n_units, epochs):
    """Fit and predict times (s) and peak RSS (MiB) of this process for one pooling."""
    from skactrec import LSTMVideoClassifier

    X = np.random.default_rng(0).random((n_videos, n_frames, n_features), dtype=np.float32)
    y = np.arange(n_videos) % 11
    clf = LSTMVideoClassifier(n_units=n_units, epochs=1, batch_size=25,
                              temporal_pooling=pooling, random_state=0)
    clf.fit(X[:25], y[:25])  # warm-up: the model built and traced once
    clf.set_params(epochs=epochs)
    start = time.perf_counter()
    clf.fit(X, y)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict_proba(X)
    predict_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"fit_s": fit_s, "predict_s": predict_s, "rss_mib": rss}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-videos", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, in this process (its RSS is then shared)")
    parser.add_argument("--one", choices=["last", "attention"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = dict(n_videos=args.n_videos, n_frames=40, n_features=25088, n_units=360,
                 epochs=args.epochs)
    if args.smoke:
        sizes = dict(n_videos=25, n_frames=4, n_features=64, n_units=8, epochs=1)
    if args.one:  # the child process of one pooling
        print(json.dumps(measure(args.one, **sizes)))
        return
    results = {}
    for pooling in ("last", "attention"):
        if args.smoke:
            results[pooling] = measure(pooling, **sizes)
            continue
        child = subprocess.run([sys.executable, __file__, "--one", pooling,
                                "--n-videos", str(args.n_videos), "--epochs", str(args.epochs)],
                               capture_output=True, text=True, check=True)
        results[pooling] = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"{sizes['n_videos']} videos x {sizes['n_frames']} frames x {sizes['n_features']} "
          f"features, {sizes['n_units']} units, {sizes['epochs']} epoch(s), batch 25")
    for pooling, r in results.items():
        print(f"  {pooling:>9}: fit {r['fit_s']:.1f} s ({r['fit_s'] / sizes['epochs']:.1f} s "
              f"per epoch), predict_proba {r['predict_s']:.1f} s, peak RSS {r['rss_mib']:.0f} MiB")
    last, attention = results["last"], results["attention"]
    for name, key in (("fit time", "fit_s"), ("peak RSS", "rss_mib")):
        ratio = attention[key] / last[key]
        print(f"target: attention's {name} <= {TARGET:.2f} x last's: {ratio:.3f} "
              f"{'PASS' if ratio <= TARGET else 'FAIL'}")


if __name__ == "__main__":
    main()
