"""Temporal attention against the paper's last hidden state, where it should win (issue 16).

A synthetic task where the action fills a short window of the clip
(``make_synthetic_videos(motion_frames=...)``): the shape rests near the centre, moves
away in the class's direction and back over ``--motion-frames`` consecutive frames at a
random moment, and rests again at the same place. Resting place and moment are drawn
alike for every class, so only the frames of the motion tell the class; the script
checks it with a linear model on single frames (a still frame: chance; the middle of the
motion: well above).

Features: random VGG16 weights at ``block4_pool`` of 32x32 frames (the demo's setting,
whose 2x2 grid says where the shape is), standardised per feature with the training
fold's mean and deviation (``--raw``: as they come). For each LSTM unit count,
leave-one-group-out accuracy of ``temporal_pooling="last"`` and ``"attention"``, and,
for attention, the importance mass on the frames of the motion in the held-out videos,
against their uniform share, and on the still frames after it (whose LSTM states still
carry the motion).

The result is reported whichever wins; the target is only that both figures are printed.

    python benchmarks/bench_attention.py
    python benchmarks/bench_attention.py --smoke        # seconds; run by the tests
"""

import argparse
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, cross_val_score

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_synthetic_videos


def motion_mask(starts, n_frames, motion_frames):
    """(n_videos, n_frames) True on the frames of each video's motion."""
    frames = np.arange(n_frames)
    return (frames >= starts[:, None]) & (frames < starts[:, None] + motion_frames)


def standardised(X, train):
    """X scaled per feature by the mean and deviation over the training videos' frames."""
    mean = X[train].mean(axis=(0, 1))
    deviation = X[train].std(axis=(0, 1))
    return (X - mean) / np.where(deviation > 0, deviation, 1.0)


def single_frame_accuracy(X, y, groups, frame):
    """LOGO accuracy of a linear model on one frame per video (``frame[i]`` of video i)."""
    features = X[np.arange(len(X)), frame]
    return cross_val_score(LogisticRegression(max_iter=2000), features, y, groups=groups,
                           cv=LeaveOneGroupOut()).mean()


def evaluate(X, y, groups, mask, pooling, n_units, epochs, seed, raw=False):
    """LOGO accuracies, and attention's importance mass on the motion per held-out video."""
    accuracies, masses = [], []  # masses: (on the motion, after it) per held-out video
    for train, test in LeaveOneGroupOut().split(X, y, groups):
        features = X if raw else standardised(X, train)
        clf = LSTMVideoClassifier(n_units=n_units, epochs=epochs, batch_size=8,
                                  learning_rate=0.003, temporal_pooling=pooling,
                                  random_state=seed).fit(features[train], y[train])
        accuracies.append(clf.score(features[test], y[test]))
        if pooling == "attention":
            importances = clf.frame_importances(features[test])
            after = np.cumsum(mask[test], axis=1) == mask[test].sum(axis=1, keepdims=True)
            after &= ~mask[test]
            masses.extend(zip((importances * mask[test]).sum(axis=1),
                              (importances * after).sum(axis=1), strict=True))
    return np.array(accuracies), np.array(masses)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument("--n-frames", type=int, default=24)
    parser.add_argument("--motion-frames", type=int, default=4)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--videos-per-group", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--raw", action="store_true",
                        help="features as they come (default: standardised per feature)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.units, args.n_frames, args.groups, args.videos_per_group, args.epochs = (
            [4], 8, 2, 1, 2)
    with tempfile.TemporaryDirectory() as tmp:
        data = make_synthetic_videos(tmp, n_classes=4, n_groups=args.groups,
                                     n_videos_per_group=args.videos_per_group,
                                     n_frames=args.n_frames, frame_size=32,
                                     motion_frames=args.motion_frames, random_state=args.seed)
        X = VGG16FrameFeaturizer(n_frames=args.n_frames, frame_size=32, layer="block4_pool",
                                 weights=None).fit_transform(data.filenames)
    y, groups = data.target, data.groups
    mask = motion_mask(data.motion_start, args.n_frames, args.motion_frames)
    uniform = args.motion_frames / args.n_frames
    print(f"{len(y)} videos of {args.n_frames} frames, motion over {args.motion_frames} of "
          f"them at a random position; {len(np.unique(groups))} groups (LOGO); features "
          f"{X.shape[-1]} per frame{' (raw)' if args.raw else ', standardised'}; chance 0.25")
    middle = data.motion_start + args.motion_frames // 2
    still = np.where(data.motion_start >= args.n_frames // 2, 0, args.n_frames - 1)
    print(f"a linear model on one frame per video (LOGO): a still frame "
          f"{single_frame_accuracy(X, y, groups, still):.3f}, the middle of the motion "
          f"{single_frame_accuracy(X, y, groups, middle):.3f}")
    print(f"{'units':>5} | {'last':>13} | {'attention':>13} | attention's importance on the "
          f"motion (uniform share {uniform:.2f}); after it")
    wins = 0
    for n_units in args.units:
        last, _ = evaluate(X, y, groups, mask, "last", n_units, args.epochs, args.seed,
                           args.raw)
        attention, mass = evaluate(X, y, groups, mask, "attention", n_units, args.epochs,
                                   args.seed, args.raw)
        wins += attention.mean() > last.mean()
        on, after = mass.mean(axis=0)
        print(f"{n_units:>5} | {last.mean():.3f} +- {last.std():.3f} | "
              f"{attention.mean():.3f} +- {attention.std():.3f} | {on:.2f} "
              f"({on / uniform:.1f} x uniform); {after:.2f}")
    print(f"target (reported, not required): attention's accuracy above last's for {wins} of "
          f"{len(args.units)} unit counts")


if __name__ == "__main__":
    main()
