"""The demo: a synthetic action dataset, a Pipeline, a leave-one-group-out unit sweep, a top-3."""

import tempfile
import time
from pathlib import Path

import numpy as np

from ..utils._hardware import log_faster_setting

# Settings under which random VGG16 weights still carry the class. The classes are directions
# of motion, so the features must say where the object is: block4_pool of 32x32 frames is a
# 2x2 grid of 512 channels. Measured (leave-one-actor-out, seeds 0-3, chance 0.25): shallower
# layers (block1-3_pool, 8192-16384 features) stay near chance, block4_pool reaches 0.70-0.95.
DEMO_SETTINGS = {
    "n_classes": 4,
    "n_groups": 5,  # 4 actors for the leave-one-group-out search, 1 held out for the top-3
    "n_videos_per_group": 4,
    "n_frames": 8,
    "frame_size": 32,
    "layer": "block4_pool",
    "epochs": 40,
    "batch_size": 8,
    "learning_rate": 0.003,
}


def run_demo(*, units=(4, 16), weights=None, workdir=None, n_jobs=1, random_state=0,
             verbose=1, echo=print, **settings):
    """Generate synthetic videos, sweep the LSTM units with ``GridSearchCV``, show a top-3.

    Parameters
    ----------
    units : sequence of int, default=(4, 16)
        LSTM unit counts to compare.
    weights : str, os.PathLike or None, default=None
        VGG16 weights file (e.g. Keras's ImageNet file); None for random weights.
    workdir : str or os.PathLike, default=None
        Where the videos and the feature store go; a temporary directory if None.
    n_jobs : int, default=1
        Parallel jobs of the featurization and of the search (joblib; on a Dask cluster
        inside ``joblib.parallel_config(backend="dask")``).
    random_state : int, default=0
        Seed of the dataset and of the LSTM.
    verbose : int, default=1
        ``>= 1`` shows a progress bar while the videos go through VGG16 (on a terminal).
    echo : callable, default=print
        Where the report goes, line by line.
    **settings
        Overrides of :data:`DEMO_SETTINGS`.

    Returns
    -------
    result : dict
        ``accuracy`` (mean held-out accuracy per number of units), ``best_units``,
        ``top3`` (labels and scores of the held-out video), ``true_label`` and ``seconds``.
    """
    unknown = set(settings) - set(DEMO_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown demo settings {sorted(unknown)}; known: {sorted(DEMO_SETTINGS)}.")
    cfg = {**DEMO_SETTINGS, **settings}
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="skactrec-demo-") as tmp:
            return _run(cfg, units, weights, Path(tmp), n_jobs, random_state, verbose, echo)
    return _run(cfg, units, weights, Path(workdir), n_jobs, random_state, verbose, echo)


def _run(cfg, units, weights, workdir, n_jobs, random_state, verbose, echo):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut
    from sklearn.pipeline import make_pipeline

    from ..classifier import LSTMVideoClassifier
    from ..datasets import make_synthetic_videos
    from ..features import VGG16FrameFeaturizer
    from ..inspection import predict_top_k

    start = time.perf_counter()
    echo("skactrec demo: CNN-LSTM action recognition (Orozco et al.) on synthetic videos")
    if verbose:
        log_faster_setting("float32")  # the demo computes in float32
    if weights is None:
        echo("VGG16 weights: random initialisation (pass --weights PATH for ImageNet weights)")
    else:
        echo(f"VGG16 weights: {weights}")
    data = make_synthetic_videos(
        workdir / "videos",
        n_classes=cfg["n_classes"],
        n_groups=cfg["n_groups"],
        n_videos_per_group=cfg["n_videos_per_group"],
        n_frames=cfg["n_frames"],
        frame_size=max(cfg["frame_size"], 32),
        random_state=random_state,
    )
    filenames = np.asarray(data.filenames)
    held_out = data.groups == data.groups.max()
    echo(
        f"Dataset: {len(filenames)} videos, {cfg['n_classes']} classes "
        f"({', '.join(data.target_names)}), {cfg['n_groups']} actors (groups); "
        f"actor {data.groups.max()} is held out."
    )
    echo(
        f"Settings: {cfg['n_frames']} frames of {cfg['frame_size']}x{cfg['frame_size']}, VGG16 "
        f"layer {cfg['layer']} (flattened), LSTM units {list(units)}, {cfg['epochs']} epochs, "
        f"batch {cfg['batch_size']}, RMSProp lr {cfg['learning_rate']}"
    )
    pipe = make_pipeline(
        VGG16FrameFeaturizer(
            n_frames=cfg["n_frames"],
            frame_size=cfg["frame_size"],
            layer=cfg["layer"],
            weights=weights,
            memory=workdir / "features",
        ),
        LSTMVideoClassifier(
            epochs=cfg["epochs"],
            batch_size=cfg["batch_size"],
            learning_rate=cfg["learning_rate"],
            random_state=random_state,
        ),
    )
    # Every video through VGG16 once, into the store, with a progress bar; the search's
    # folds and grid points then read the features from there.
    clone(pipe[0]).set_params(verbose=verbose, n_jobs=n_jobs).fit_transform(filenames)
    search = GridSearchCV(
        pipe,
        {"lstmvideoclassifier__n_units": list(units)},
        cv=LeaveOneGroupOut(),
        n_jobs=n_jobs,
    )
    search.fit(filenames[~held_out], data.target_names[data.target[~held_out]],
               groups=data.groups[~held_out])
    n_folds = search.n_splits_
    echo(f"\nLeave-one-group-out accuracy ({n_folds} folds):")
    echo("  LSTM units | accuracy (mean +- std over folds)")
    accuracy = {}
    for n_units, mean, std in zip(
        search.cv_results_["param_lstmvideoclassifier__n_units"],
        search.cv_results_["mean_test_score"],
        search.cv_results_["std_test_score"],
        strict=True,
    ):
        accuracy[int(n_units)] = float(mean)
        echo(f"  {int(n_units):10d} | {mean:.3f} +- {std:.3f}")
    best_units = search.best_params_["lstmvideoclassifier__n_units"]
    chance = 1 / cfg["n_classes"]
    echo(f"Best: {best_units} units (chance level is {chance:.3f}).")

    video = filenames[held_out][0]
    true_label = data.target_names[data.target[held_out][0]]
    labels, scores = predict_top_k(search.best_estimator_, [video], k=3)
    held_out_acc = search.best_estimator_.score(
        filenames[held_out], data.target_names[data.target[held_out]]
    )
    echo(f"\nHeld-out actor: accuracy {held_out_acc:.3f} on {held_out.sum()} videos.")
    echo(f"Top-3 for {Path(video).name} (true class: {true_label}):")
    for label, score in zip(labels[0], scores[0], strict=True):
        echo(f"  {label:<12s} {score:.1%}")
    seconds = time.perf_counter() - start
    echo(f"\nDone in {seconds:.0f} s.")
    return {
        "accuracy": accuracy,
        "best_units": int(best_units),
        "held_out_accuracy": float(held_out_acc),
        "top3": (list(labels[0]), [float(s) for s in scores[0]]),
        "true_label": str(true_label),
        "seconds": seconds,
    }
