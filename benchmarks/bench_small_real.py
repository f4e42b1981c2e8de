"""Small real data: which model fits and generalizes, on ImageNet's features of real footage.

The task: :func:`skactrec.datasets.make_panning_videos` over the real clips of
``../shared/data/videos`` (a window panning left, right, up, down or standing still; a
class per motion, a group per source clip), featurized once by ImageNet's VGG16 into a
store (``block5_pool`` of 224x224 frames, as the paper). The candidates are those of
``skactrec fit`` (:func:`skactrec.experiments._candidates.default_candidates`): the pooling
head (``TemporalPooling`` mean and max, standardized, logistic regression), and the LSTM
at 32 and 360 units (the paper's) at the paper's learning rate (1e-3) and a tenth of it,
with the paper's 50 epochs and batches of 25. For each: the accuracy on unseen clips
(``GroupKFold``), on its own training folds, and the folds whose LSTM did not fit (its
``ConvergenceWarning``). Last, the paper's recipe fitted on all the videos, and the
``ConvergenceWarning`` it gives, if any.

    python benchmarks/bench_small_real.py                 # needs weights="imagenet"
    python benchmarks/bench_small_real.py --pan 0.1 --classes left right still --clips 3
    python benchmarks/bench_small_real.py --smoke         # seconds; random weights
"""

import argparse
import tempfile
import time
import warnings

import numpy as np
from _clips import SHARED_VIDEOS, clip_paths
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold
from sklearn.utils import Bunch

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_panning_videos
from skactrec.experiments._candidates import default_candidates, search_candidates


def evaluate(featurizer, videos, y, groups, args):
    """Print each candidate's held-out and training accuracy; return the search's result."""
    candidates = default_candidates(
        LSTMVideoClassifier(epochs=args.epochs, random_state=args.seed),
        units=args.units, learning_rates=args.learning_rates)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted per fold instead
        result = search_candidates(featurizer, candidates, videos, y,
                                   cv=GroupKFold(n_splits=args.folds), groups=groups)
    width = max(len(name) for name in result.names)
    print(f"{'candidate':{width}} {'held-out acc':>13} {'train acc':>9} {'did not fit':>11}")
    for i, name in enumerate(result.names):
        print(f"{name:{width}} {result.mean[i]:6.2f} +- {result.std[i]:4.2f} "
              f"{result.train[i]:9.2f} {result.unfitted[i]:>5} of {args.folds}")
    print(f"({time.perf_counter() - start:.0f} s for {len(result.names)} candidates x "
          f"{args.folds} folds and the refit of the best)")
    return result


def subset(data, classes, n_clips):
    """``data`` with the videos of ``classes`` (None: all) from the first ``n_clips`` clips."""
    labels = data.target_names[data.target]
    names = data.target_names if classes is None else np.array(classes)
    keep = np.isin(labels, names) & (data.groups <= n_clips)
    return Bunch(filenames=[f for f, k in zip(data.filenames, keep, strict=True) if k],
                 target=np.array([names.tolist().index(label) for label in labels[keep]]),
                 target_names=names, groups=data.groups[keep])


def papers_recipe_on_all(X, y, n_units, args):
    """Fit the paper's LSTM (lr 1e-3, ``--epochs``) on every video; print its warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        clf = LSTMVideoClassifier(n_units=n_units, epochs=args.epochs,
                                  random_state=args.seed).fit(X, y)
    said = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    print(f"the paper's recipe ({n_units} units, lr 0.001, {args.epochs} epochs) on all "
          f"{len(y)} videos: final training loss {clf.loss_curve_[-1]:.3f}, training accuracy "
          f"{clf.score(X, y):.2f}; ConvergenceWarning: {said[0] if said else 'none'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", default=str(SHARED_VIDEOS))
    parser.add_argument("--n-videos-per-group", type=int, default=3)
    parser.add_argument("--classes", nargs="+", default=None,
                        help="keep these pans only (default: left right up down still)")
    parser.add_argument("--clips", type=int, default=8, help="source clips (groups)")
    parser.add_argument("--pan", type=float, default=1.0,
                        help="how far the window moves, as a fraction of its size")
    parser.add_argument("--n-frames", type=int, default=16)
    parser.add_argument("--frame-size", type=int, default=224)
    parser.add_argument("--weights", default="imagenet")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--units", type=int, nargs="*", default=[32, 360])
    parser.add_argument("--learning-rates", type=float, nargs="+", default=[1e-3, 1e-4])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory", default=None,
                        help="feature store to keep between runs (default: a temporary one)")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos_per_group, args.n_frames, args.frame_size = 1, 4, 32
        args.weights, args.epochs, args.folds, args.units = None, 2, 2, [4]
    with tempfile.TemporaryDirectory() as workdir:
        sources = clip_paths(args.videos, 3 if args.smoke else 8, 16, 64, workdir)
        sources = sorted(set(sources))
        data = make_panning_videos(sources, f"{workdir}/panning",
                                   n_videos_per_group=args.n_videos_per_group,
                                   n_frames=args.n_frames, frame_size=max(args.frame_size, 32),
                                   pan=args.pan, random_state=args.seed)
        data = subset(data, args.classes, args.clips)
        featurizer = VGG16FrameFeaturizer(n_frames=args.n_frames, frame_size=args.frame_size,
                                          weights=args.weights,
                                          memory=args.memory or f"{workdir}/features")
        start = time.perf_counter()
        X = featurizer.fit_transform(data.filenames)
        print(f"{len(X)} videos ({len(data.target_names)} pans x {args.clips} clips x "
              f"{args.n_videos_per_group}), {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size}, {featurizer.layer} with weights={args.weights}: "
              f"{X.shape[-1]} features, max {X.max():.3g}, mean {X.mean():.3g}, "
              f"{(X == 0).mean():.0%} zeros ({time.perf_counter() - start:.0f} s); "
              f"chance {1 / len(data.target_names):.2f}; {args.folds} group folds")
        result = evaluate(featurizer, data.filenames, data.target_names[data.target],
                          data.groups, args)
    paper = result.names.index(f"LSTM {max(args.units)} units, lr 0.001") if args.units else 0
    if args.units:
        papers_recipe_on_all(X, data.target_names[data.target], max(args.units), args)
    print(f"target (reported, not required): the best cross-validated candidate, "
          f"{result.best_name}, {result.mean[result.best]:.2f}, against "
          f"{result.names[paper]}'s {result.mean[paper]:.2f}")


if __name__ == "__main__":
    main()
