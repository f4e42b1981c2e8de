"""Steering a fit: class weights on imbalanced data, early stopping's epochs, a backup's cost.

1. **Imbalance.** Synthetic videos of two classes (a shape crossing the frame right or
   left; a group per "actor"), about 8:1: ``--major`` videos of "right" for each video of
   "left" in each group. Features: random VGG16 weights at ``block4_pool`` of 32x32 frames
   (the demo's setting). Leave-one-group-out balanced accuracy of the LSTM with and without
   ``class_weight="balanced"``.
2. **Early stopping.** The same videos with every class balanced: the paper's fixed
   ``--epochs`` against ``early_stopping=True`` (at most as many epochs, 10 without a rise):
   epochs trained and held-out accuracy.
3. **A backup's cost at the paper's size.** 25088 features x 40 frames, 360 units, batches
   of 25: seconds per epoch with and without ``keras.callbacks.BackupAndRestore`` (one
   backup per epoch) and the backup's size on disk (the 25088 x 1440 kernel, RMSProp's
   velocities, the rest). Time it on a quiet machine.
4. **Kill and resume.** A fit of ``--kill-videos`` random videos of the paper's features
   (dropout 0.2, 10 epochs) killed with SIGKILL at the start of epoch 6 in a subprocess,
   then run again in this process with the same data and parameters: epochs trained after
   the restart, and the largest difference of ``predict_proba`` from an uninterrupted fit.

    python benchmarks/bench_steering.py
    python benchmarks/bench_steering.py --smoke        # seconds; run by the tests
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer
from skactrec.datasets import make_synthetic_videos


def synthetic_features(args, n_classes, n_per_group):
    with tempfile.TemporaryDirectory() as tmp:
        data = make_synthetic_videos(tmp, n_classes=n_classes, n_groups=args.groups,
                                     n_videos_per_group=n_per_group, n_frames=args.n_frames,
                                     frame_size=32, random_state=args.seed)
        X = VGG16FrameFeaturizer(n_frames=args.n_frames, frame_size=32, layer="block4_pool",
                                 weights=None).fit_transform(data.filenames)
    return X, data.target_names[data.target], data.groups


def logo(X, y, groups, score, **params):
    """Per held-out group: ``score(y_true, y_pred)`` and the epochs the fit trained."""
    scores, epochs = [], []
    for train, test in LeaveOneGroupOut().split(X, y, groups):
        clf = LSTMVideoClassifier(**params).fit(X[train], y[train])
        scores.append(score(y[test], clf.predict(X[test])))
        epochs.append(clf.n_iter_)
    return np.array(scores), np.array(epochs)


def imbalance(args, lstm):
    X, y, groups = synthetic_features(args, 2, args.major)
    # Keep every "right" and one "left" in `major` of each group: about major:1.
    rank = np.array([np.sum((y[:i] == y[i]) & (groups[:i] == groups[i])) for i in range(len(y))])
    keep = (y != "left") | (rank == 0)
    X, y, groups = X[keep], y[keep], groups[keep]
    print(f"1. imbalance: {len(y)} videos ({np.sum(y == 'right')} right, "
          f"{np.sum(y == 'left')} left), {len(np.unique(groups))} groups (LOGO)")
    means = {}
    for class_weight in (None, "balanced"):
        scores, _ = logo(X, y, groups, balanced_accuracy_score, **lstm,
                         class_weight=class_weight)
        means[class_weight] = scores.mean()
        print(f"   class_weight={class_weight!s:9} balanced accuracy {scores.mean():.3f} +- "
              f"{scores.std():.3f}")
    return means


def early_stopping(args, lstm):
    X, y, groups = synthetic_features(args, 4, args.per_group)
    print(f"2. early stopping: {len(y)} videos, 4 classes, {args.groups} groups (LOGO)")
    epochs_run = {}
    for name, params in (("fixed", {}),
                         ("early_stopping", dict(early_stopping=True, validation_fraction=0.2,
                                                 n_iter_no_change=10))):
        scores, epochs = logo(X, y, groups, accuracy_score, **lstm, **params)
        epochs_run[name] = (epochs.mean(), scores.mean())
        print(f"   {name:14} epochs {epochs.mean():5.1f} (of {args.epochs}; per fold "
              f"{epochs.tolist()}), accuracy {scores.mean():.3f} +- {scores.std():.3f}")
    return epochs_run


def backup_cost(args):
    import keras

    rng = np.random.default_rng(0)
    X = rng.random((args.paper_videos, 40, 25088), dtype=np.float32)
    y = np.arange(args.paper_videos) % 6
    params = dict(n_units=args.paper_units, batch_size=25, random_state=0)
    LSTMVideoClassifier(**params, epochs=1).fit(X[:25], y[:25])  # traces and compiles once
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, callbacks in (("without", []), ("with", [keras.callbacks.BackupAndRestore(
                tmp + "/backup", delete_checkpoint=False)])):
            start = time.perf_counter()
            LSTMVideoClassifier(**params, epochs=args.paper_epochs,
                                callbacks=callbacks).fit(X, y)
            seconds[name] = (time.perf_counter() - start) / args.paper_epochs
        size = sum(p.stat().st_size for p in Path(tmp, "backup").rglob("*") if p.is_file())
    extra = seconds["with"] - seconds["without"]
    print(f"3. backup at {args.paper_videos} videos x 40 x 25088, {args.paper_units} units: "
          f"{seconds['without']:.2f} s per epoch without, {seconds['with']:.2f} s with "
          f"({extra:+.2f} s, {extra / seconds['without']:+.1%}); {size / 2**20:.0f} MiB on disk")
    return extra / seconds["without"]


KILLED_FIT = """
import os, signal, sys
import numpy as np, keras
from skactrec import LSTMVideoClassifier

class Kill(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 5:
            os.kill(os.getpid(), signal.SIGKILL)

X, y = np.load(sys.argv[1]), np.load(sys.argv[2])
params = eval(sys.argv[3])
LSTMVideoClassifier(**params, callbacks=[keras.callbacks.BackupAndRestore(sys.argv[4]),
                                         Kill()]).fit(X, y)
"""


def kill_and_resume(args):
    import subprocess
    import sys

    import keras

    class CountEpochs(keras.callbacks.Callback):
        n = 0  # in the class: fit trains with deep copies of its callbacks

        def on_epoch_end(self, epoch, logs=None):
            CountEpochs.n += 1

    rng = np.random.default_rng(1)
    X = rng.random((args.kill_videos, 40, args.kill_features), dtype=np.float32)
    y = np.arange(args.kill_videos) % 3
    params = dict(n_units=args.paper_units, epochs=10, dropout=0.2, random_state=0)
    reference = LSTMVideoClassifier(**params).fit(X, y).predict_proba(X)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/X.npy", X)
        np.save(f"{tmp}/y.npy", y)
        killed = subprocess.run([sys.executable, "-c", KILLED_FIT, f"{tmp}/X.npy",
                                 f"{tmp}/y.npy", repr(params), f"{tmp}/backup"])
        resumed = LSTMVideoClassifier(**params, callbacks=[
            keras.callbacks.BackupAndRestore(f"{tmp}/backup"), CountEpochs()]).fit(X, y)
    difference = np.abs(resumed.predict_proba(X) - reference).max()
    print(f"4. kill and resume: {args.kill_videos} videos x 40 x {args.kill_features}, "
          f"{args.paper_units} units, 10 epochs: killed (exit {killed.returncode}) at the "
          f"start of epoch 6; the run again trained {CountEpochs.n} epochs; largest difference "
          f"of predict_proba from the uninterrupted fit {difference:.2g}")
    return difference


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--major", type=int, default=8)
    parser.add_argument("--per-group", type=int, default=4)
    parser.add_argument("--n-frames", type=int, default=16)
    parser.add_argument("--units", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--paper-videos", type=int, default=100)
    parser.add_argument("--paper-units", type=int, default=360)
    parser.add_argument("--paper-epochs", type=int, default=3)
    parser.add_argument("--kill-videos", type=int, default=50)
    parser.add_argument("--kill-features", type=int, default=25088)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.groups, args.major, args.per_group, args.n_frames = 2, 3, 4, 4
        args.epochs, args.paper_videos, args.paper_units, args.paper_epochs = 2, 4, 4, 1
        args.kill_videos, args.kill_features = 6, 8
    lstm = dict(n_units=args.units, epochs=args.epochs, batch_size=8, learning_rate=0.003,
                random_state=args.seed)
    balanced = imbalance(args, lstm)
    stopping = early_stopping(args, lstm)
    backup = backup_cost(args)
    resumed = kill_and_resume(args)
    (epochs, accuracy), (_, fixed_accuracy) = stopping["early_stopping"], stopping["fixed"]
    print(f"target (reported, not required): balanced accuracy {balanced['balanced']:.3f} "
          f"with class_weight='balanced' against {balanced[None]:.3f} without; early "
          f"stopping trains {epochs:.1f} of {args.epochs} epochs, accuracy {accuracy:.3f} "
          f"against {fixed_accuracy:.3f}; a backup adds {backup:+.1%} to an epoch; a killed "
          f"fit resumed ends {resumed:.2g} from the uninterrupted one")


if __name__ == "__main__":
    main()
