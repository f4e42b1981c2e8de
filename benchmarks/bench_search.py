"""A GridSearchCV(LeaveOneGroupOut) unit sweep over the Pipeline, with a store (issue 4, target 3).

Side by side in one run, on the same synthetic videos:

* **pipeline + store**: ``GridSearchCV(make_pipeline(VGG16FrameFeaturizer(memory=store),
  LSTMVideoClassifier()), {"n_units": ...}, cv=LeaveOneGroupOut())`` on the paths, from an
  empty store. Target: exactly ``n_videos x n_frames`` VGG16 frame passes, and a wall time
  <= 1.2 x the next line.
* **featurize once, then search**: ``fit_transform`` every video once, then the same
  search over ``LSTMVideoClassifier`` alone on the feature array: the least work possible.
* **pipeline, no store** (``--no-store`` to include it): every fit and every scoring
  featurizes its videos again; shown for its frame-pass count.

    python benchmarks/bench_search.py                       # 4 groups x 2 unit values
    python benchmarks/bench_search.py --groups 5 --units 4 8 16 --no-store
    python benchmarks/bench_search.py --smoke               # seconds; run by the tests
"""

import argparse
import sys
import tempfile
import time

import numpy as np
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_synthetic_videos
from skactrec.features._engines import get_extractor


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--videos-per-group", type=int, default=2)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--frame-size", type=int, default=64)
    parser.add_argument("--layer", default="block4_pool")
    parser.add_argument("--units", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--no-store", action="store_true",
                        help="also run the pipeline without a store (slow)")
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.groups, args.classes, args.videos_per_group = 2, 2, 1
        args.frames, args.frame_size, args.epochs = 2, 32, 1
    return args


def main(argv=None):
    args = parse_args(argv)
    size = (args.frame_size, args.frame_size)
    extractor = get_extractor(args.layer, size, None, None)
    extractor(np.zeros((1, *size, 3), np.uint8))  # build and trace VGG16 before any timing
    featurizer_params = dict(n_frames=args.frames, frame_size=args.frame_size,
                             layer=args.layer, weights=None)
    classifier = LSTMVideoClassifier(epochs=args.epochs, batch_size=8, random_state=0)
    with tempfile.TemporaryDirectory() as workdir:
        data = make_synthetic_videos(
            f"{workdir}/videos", n_classes=args.classes, n_groups=args.groups,
            n_videos_per_group=args.videos_per_group, n_frames=args.frames,
            frame_size=args.frame_size, random_state=0,
        )
        X, y, groups = data.filenames, data.target, data.groups
        n_videos = len(X)
        print(f"{n_videos} videos x {args.frames} frames of {args.frame_size}x{args.frame_size} "
              f"to {args.layer}; {args.groups} folds x units {args.units} = "
              f"{args.groups * len(args.units)} fits + 1 refit")

        def run(label, function):
            before, start = extractor.n_frames_processed, time.perf_counter()
            function()
            seconds = time.perf_counter() - start
            passes = extractor.n_frames_processed - before
            print(f"  {label:<30} {seconds:7.1f} s  {passes:6d} VGG16 frame passes "
                  f"({passes / (n_videos * args.frames):.1f} x n_videos x n_frames)", flush=True)
            return seconds, passes

        def pipeline_search(memory):
            pipe = make_pipeline(VGG16FrameFeaturizer(**featurizer_params, memory=memory),
                                 classifier)
            grid = {"lstmvideoclassifier__n_units": args.units}
            return lambda: GridSearchCV(pipe, grid, cv=LeaveOneGroupOut()).fit(
                X, y, groups=groups)

        def featurize_then_search():
            features = VGG16FrameFeaturizer(**featurizer_params).fit_transform(X)
            GridSearchCV(classifier, {"n_units": args.units}, cv=LeaveOneGroupOut()).fit(
                features, y, groups=groups)

        with_store, passes = run("pipeline + store", pipeline_search(f"{workdir}/features"))
        once, _ = run("featurize once, then search", featurize_then_search)
        if args.no_store:
            run("pipeline, no store", pipeline_search(None))

    ratio = with_store / once
    print(f"frame passes with a store: {passes} = n_videos x n_frames ({n_videos * args.frames})"
          f": {'PASS' if passes == n_videos * args.frames else 'FAIL'} (target: equal)")
    print(f"pipeline + store / featurize once then search: {ratio:.2f} (target <= 1.2): "
          f"{'PASS' if ratio <= 1.2 else 'FAIL'}")
    return {"with_store": with_store, "once": once, "passes": passes}


if __name__ == "__main__":
    main(sys.argv[1:])
