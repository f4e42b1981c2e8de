"""The demo: a synthetic action dataset, a Pipeline, a leave-one-group-out unit sweep, a top-3."""

import tempfile
import time
from pathlib import Path

import numpy as np

from ..features._weights import resolve_weights_file
from ..utils._hardware import log_faster_setting
from ..utils._progress import say
from ._sweep import fill_store, sweep_scores, sweep_units

# The synthetic dataset: 4 actors for the leave-one-group-out search, 1 held out for the top-3.
DEMO_DATA = {"n_classes": 4, "n_groups": 5, "n_videos_per_group": 4}


def demo_pipeline(*, weights=None, random_state=0):
    """The demo's Pipeline: settings under which random VGG16 weights still carry the class.

    The classes are directions of motion, so the features must say where the object is:
    ``block4_pool`` of 32x32 frames is a 2x2 grid of 512 channels. Measured
    (leave-one-actor-out, seeds 0-3, chance 0.25): shallower layers (``block1-3_pool``,
    8192-16384 features) stay near chance, ``block4_pool`` reaches 0.70-0.95.
    """
    from sklearn.pipeline import make_pipeline

    from ..classifier import LSTMVideoClassifier
    from ..features import VGG16FrameFeaturizer

    return make_pipeline(
        VGG16FrameFeaturizer(n_frames=8, frame_size=32, layer="block4_pool", weights=weights),
        LSTMVideoClassifier(epochs=40, batch_size=8, learning_rate=0.003,
                            random_state=random_state),
    )


def run_demo(*, pipeline=None, units=(4, 16), workdir=None, n_jobs=1, random_state=0,
             verbose=1):
    """Generate synthetic videos, sweep the LSTM units with ``GridSearchCV``, show a top-3.

    Parameters
    ----------
    pipeline : Pipeline, default=None
        ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))`` (cloned; its
        store goes in ``workdir``): :func:`demo_pipeline` if None. The videos are made with
        its featurizer's ``n_frames`` and ``frame_size`` (at least 32).
    units : sequence of int, default=(4, 16)
        LSTM unit counts to compare.
    workdir : str or os.PathLike, default=None
        Where the videos and the feature store go; a temporary directory if None.
    n_jobs : int, default=1
        Parallel jobs of the featurization and of the search (joblib; on a Dask cluster
        inside ``joblib.parallel_config(backend="dask")``).
    random_state : int, default=0
        Seed of the dataset.
    verbose : int, default=1
        ``>= 1`` logs the steps and shows progress bars (featurization, fits).

    Returns
    -------
    result : dict
        ``accuracy`` (mean held-out accuracy per number of units), ``best_units``,
        ``held_out_accuracy``, ``top3`` (labels and scores of the held-out video),
        ``true_label``, ``seconds`` and ``report`` (all of it as text for people, what
        ``skactrec demo`` prints).
    """
    from sklearn.base import clone

    pipeline = clone(demo_pipeline(random_state=random_state) if pipeline is None else pipeline)
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="skactrec-demo-") as tmp:
            return _run(pipeline, units, Path(tmp), n_jobs, random_state, verbose)
    return _run(pipeline, units, Path(workdir), n_jobs, random_state, verbose)


def _run(pipeline, units, workdir, n_jobs, random_state, verbose):
    from sklearn.model_selection import LeaveOneGroupOut

    from ..inspection import predict_top_k

    start = time.perf_counter()
    featurizer = pipeline[0].set_params(memory=workdir / "features")
    resolve_weights_file(featurizer.weights)  # a missing file: an error before any video
    if verbose:
        log_faster_setting(featurizer.compute_dtype)
    data = _make_videos(featurizer, workdir, random_state, verbose)
    filenames, y = np.asarray(data.filenames), data.target_names[data.target]
    held_out = data.groups == data.groups.max()
    # Every video through VGG16 once, into the store; the search's folds read it there.
    fill_store(featurizer, filenames, n_jobs=n_jobs, verbose=verbose)
    say(verbose, f"demo: sweeping LSTM units {sorted(units)}, leave-one-actor-out")
    search = sweep_units(pipeline, filenames[~held_out], y[~held_out], units=units,
                         cv=LeaveOneGroupOut(), groups=data.groups[~held_out], n_jobs=n_jobs,
                         verbose=verbose)
    sweep = sweep_scores(search)
    labels, scores = predict_top_k(search.best_estimator_, filenames[held_out][:1], k=3)
    result = {
        "accuracy": {u: float(m) for u, m in zip(sweep.units, sweep.mean, strict=True)},
        "best_units": sweep.best_units,
        "held_out_accuracy": float(search.best_estimator_.score(filenames[held_out],
                                                                y[held_out])),
        "top3": (list(labels[0]), [float(s) for s in scores[0]]),
        "true_label": str(y[held_out][0]),
        "seconds": time.perf_counter() - start,
    }
    result["report"] = _report(result, sweep, search.n_splits_, pipeline, data)
    return result


def _make_videos(featurizer, workdir, random_state, verbose):
    from ..datasets import make_synthetic_videos

    n_videos = DEMO_DATA["n_classes"] * DEMO_DATA["n_groups"] * DEMO_DATA["n_videos_per_group"]
    say(verbose, f"demo: writing {n_videos} synthetic videos to {workdir / 'videos'}")
    return make_synthetic_videos(workdir / "videos", **DEMO_DATA,
                                 n_frames=featurizer.n_frames,
                                 frame_size=max(featurizer.frame_size, 32),
                                 random_state=random_state)


def _report(result, sweep, n_splits, pipeline, data):
    """The demo's report: its settings, the accuracy per unit count, the held-out top-3."""
    featurizer, classifier = pipeline[0], pipeline[-1]
    size, n_classes = featurizer.frame_size, DEMO_DATA["n_classes"]
    held_out = data.groups == data.groups.max()
    video = np.asarray(data.filenames)[held_out][0]
    lines = [
        "skactrec demo: CNN-LSTM action recognition (Orozco et al.) on synthetic videos",
        "VGG16 weights: random initialisation (pass --weights PATH for ImageNet weights)"
        if featurizer.weights is None else f"VGG16 weights: {featurizer.weights}",
        f"Dataset: {len(data.filenames)} videos, {n_classes} classes "
        f"({', '.join(data.target_names)}), {DEMO_DATA['n_groups']} actors (groups); "
        f"actor {data.groups.max()} is held out.",
        f"Settings: {featurizer.n_frames} frames of {size}x{size}, VGG16 layer "
        f"{featurizer.layer} (flattened), LSTM units {sweep.units}, {classifier.epochs} "
        f"epochs, batch {classifier.batch_size}, RMSProp lr {classifier.learning_rate}",
        f"\nLeave-one-group-out accuracy ({n_splits} folds):",
        "  LSTM units | accuracy (mean +- std over folds)",
        *(f"  {u:10d} | {m:.3f} +- {s:.3f}"
          for u, m, s in zip(sweep.units, sweep.mean, sweep.std, strict=True)),
        f"Best: {result['best_units']} units (chance level is {1 / n_classes:.3f}).",
        f"\nHeld-out actor: accuracy {result['held_out_accuracy']:.3f} on "
        f"{held_out.sum()} videos.",
        f"Top-3 for {Path(video).name} (true class: {result['true_label']}):",
        *(f"  {label:<12s} {score:.1%}" for label, score in zip(*result["top3"], strict=True)),
        f"\nDone in {result['seconds']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"
