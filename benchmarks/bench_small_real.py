"""Small real data: which model fits and generalizes, on ImageNet's features of real footage.

The task: :func:`skactrec.datasets.make_panning_videos` over the real clips of
``../shared/data/videos`` (a window panning left, right, up, down or standing still; a
class per motion, a group per source clip), featurized once by ImageNet's VGG16 into a
store (``block5_pool`` of 224x224 frames, as the paper). Each candidate's accuracy on its
own training videos (fitted on all of them) and under group-wise cross-validation
(``GroupKFold``, unseen clips), and whether its fit warned that it did not fit
(``ConvergenceWarning``):

* the paper's recipe: ``LSTMVideoClassifier()`` (360 units, RMSProp at 1e-3, 50 epochs,
  batch 25);
* the same at a tenth of the learning rate, and a 32-unit LSTM at that rate;
* ``TemporalPooling()`` (each feature's mean and maximum over the frames) and a logistic
  regression.

    python benchmarks/bench_small_real.py                 # needs weights="imagenet"
    python benchmarks/bench_small_real.py --smoke         # seconds; random weights
"""

import argparse
import tempfile
import time
import warnings

from _clips import SHARED_VIDEOS, clip_paths
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skactrec import LSTMVideoClassifier, TemporalPooling, VGG16FrameFeaturizer
from skactrec.datasets import make_panning_videos


def candidates(epochs, seed):
    return {
        "LSTM 360, lr 1e-3 (paper)": LSTMVideoClassifier(epochs=epochs, random_state=seed),
        "LSTM 360, lr 1e-4": LSTMVideoClassifier(learning_rate=1e-4, epochs=epochs,
                                                 random_state=seed),
        "LSTM 32, lr 1e-4": LSTMVideoClassifier(n_units=32, learning_rate=1e-4, epochs=epochs,
                                                random_state=seed),
        "pooling mean+max, logistic": make_pipeline(TemporalPooling(),
                                                    LogisticRegression(max_iter=2000)),
    }


def _fit_warned(model, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    return any(issubclass(w.category, ConvergenceWarning) for w in caught)


def evaluate(models, X, y, groups, n_folds):
    """Print each candidate's training and cross-validated accuracy; return the latter."""
    scores = {}
    print(f"{'candidate':28} {'train acc':>9} {'warned':>7} {'CV acc':>13} {'time':>7}")
    for name, model in models.items():
        start = time.perf_counter()
        fitted = clone(model)
        warned = _fit_warned(fitted, X, y)
        train = fitted.score(X, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            folds = cross_val_score(clone(model), X, y, groups=groups,
                                    cv=GroupKFold(n_splits=n_folds))
        print(f"{name:28} {train:9.2f} {'yes' if warned else 'no':>7} "
              f"{folds.mean():6.2f} +- {folds.std():4.2f} {time.perf_counter() - start:6.0f}s",
              flush=True)
        scores[name] = folds.mean()
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", default=str(SHARED_VIDEOS))
    parser.add_argument("--n-videos-per-group", type=int, default=2)
    parser.add_argument("--n-frames", type=int, default=16)
    parser.add_argument("--frame-size", type=int, default=224)
    parser.add_argument("--weights", default="imagenet")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_videos_per_group, args.n_frames, args.frame_size = 1, 4, 32
        args.weights, args.epochs, args.folds = None, 2, 2
    with tempfile.TemporaryDirectory() as workdir:
        sources = clip_paths(args.videos, 3 if args.smoke else 8, 16, 64, workdir)
        sources = sorted(set(sources))
        data = make_panning_videos(sources, f"{workdir}/panning",
                                   n_videos_per_group=args.n_videos_per_group,
                                   n_frames=args.n_frames, frame_size=max(args.frame_size, 32),
                                   random_state=args.seed)
        featurizer = VGG16FrameFeaturizer(n_frames=args.n_frames, frame_size=args.frame_size,
                                          weights=args.weights, memory=f"{workdir}/features")
        start = time.perf_counter()
        X = featurizer.fit_transform(data.filenames)
        print(f"{len(X)} videos ({len(data.target_names)} pans x {len(sources)} clips x "
              f"{args.n_videos_per_group}), {args.n_frames} frames of {args.frame_size}x"
              f"{args.frame_size}, {featurizer.layer} with weights={args.weights}: "
              f"{X.shape[-1]} features, max {X.max():.3g}, mean {X.mean():.3g}, "
              f"{(X == 0).mean():.0%} zeros ({time.perf_counter() - start:.0f} s); "
              f"chance {1 / len(data.target_names):.2f}; {args.folds} group folds")
        scores = evaluate(candidates(args.epochs, args.seed), X,
                          data.target_names[data.target], data.groups, args.folds)
    best = max(scores, key=scores.get)
    paper = next(iter(scores))
    print(f"target (reported, not required): the best cross-validated candidate, {best}, "
          f"{scores[best]:.2f}, against the paper's recipe's {scores[paper]:.2f}")


if __name__ == "__main__":
    main()
