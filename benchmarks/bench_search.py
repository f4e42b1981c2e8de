"""VGG16 frame passes of a GridSearchCV(LeaveOneGroupOut) unit sweep, with and without a store.

With a feature store, a search over k folds x g unit values runs VGG16 exactly
``n_videos x n_frames`` times (each video once); without one, every fit and every
scoring transforms its videos again. Prints both counts and the wall times.

    python benchmarks/bench_search_passes.py                 # 3 groups x 2 unit values
    python benchmarks/bench_search_passes.py --groups 5 --units 4 8 16
    python benchmarks/bench_search_passes.py --smoke         # seconds; what CI could run
"""

import argparse
import tempfile
import time

from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec._vgg16 import get_extractor
from skactrec.datasets import make_synthetic_videos


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--videos-per-group", type=int, default=2)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--units", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="smallest run, to check it works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.classes, args.videos_per_group, args.frames, args.epochs = 2, 1, 2, 1

    layer = "block4_pool"
    extractor = get_extractor(layer, (args.frame_size, args.frame_size), None, None)
    with tempfile.TemporaryDirectory() as workdir:
        data = make_synthetic_videos(
            f"{workdir}/videos", n_classes=args.classes, n_groups=args.groups,
            n_videos_per_group=args.videos_per_group, n_frames=args.frames,
            frame_size=args.frame_size, random_state=0,
        )
        n_videos = len(data.filenames)
        print(f"{n_videos} videos x {args.frames} frames, {args.groups} groups "
              f"(LeaveOneGroupOut folds), units {args.units}: "
              f"{args.groups * len(args.units)} fits + 1 refit")
        for memory in [f"{workdir}/features", None]:
            pipe = make_pipeline(
                VGG16FrameFeaturizer(n_frames=args.frames, frame_size=args.frame_size,
                                     layer=layer, weights=None, memory=memory),
                LSTMVideoClassifier(epochs=args.epochs, batch_size=8, random_state=0),
            )
            search = GridSearchCV(pipe, {"lstmvideoclassifier__n_units": args.units},
                                  cv=LeaveOneGroupOut())
            before, start = extractor.n_frames_processed, time.perf_counter()
            search.fit(data.filenames, data.target, groups=data.groups)
            passes = extractor.n_frames_processed - before
            seconds = time.perf_counter() - start
            label = "with store" if memory else "no store  "
            print(f"{label}: {passes:5d} VGG16 frame passes = {passes / args.frames:.0f} video "
                  f"passes ({passes / (n_videos * args.frames):.1f}x n_videos x n_frames), "
                  f"{seconds:.1f} s")


if __name__ == "__main__":
    main()
