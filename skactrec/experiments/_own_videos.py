"""Train and evaluate on a user's own labelled videos: what ``skactrec fit`` and
``skactrec evaluate`` run, with the model card saved beside a model."""

import datetime
import json
import platform
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..utils._progress import say
from ._figures import draw_confusion
from ._sweep import UNITS_PARAM, fill_store, jsonable_params, sweep_scores, sweep_units


def _cv(bunch, folds, random_state):
    """LeaveOneGroupOut with groups, else stratified k-fold; checked against the data."""
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold

    if bunch.groups is not None:
        n_groups = len(np.unique(bunch.groups))
        if n_groups < 2:
            raise ValueError(f"leave-one-group-out needs at least 2 groups; the videos form "
                             f"{n_groups}.")
        return LeaveOneGroupOut(), "Leave-one-group-out", n_groups
    counts = np.bincount(bunch.target, minlength=len(bunch.target_names))
    smallest = int(np.argmin(counts))
    if folds < 2 or counts[smallest] < folds:
        raise ValueError(
            f"stratified {folds}-fold cross-validation needs at least {max(folds, 2)} videos "
            f"per class; class {str(bunch.target_names[smallest])!r} has {counts[smallest]}. Use "
            f"--cv with fewer folds (at least 2), add videos, or give groups.")
    return (StratifiedKFold(folds, shuffle=True, random_state=random_state),
            f"Stratified {folds}-fold", folds)


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    from .._version import __version__

    found = {"skactrec": __version__, "python": platform.python_version()}
    for package in ("keras", "tensorflow", "scikit-learn", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    return found


def model_card(search, bunch, *, data, cv_name):
    """The JSON-ready description of a fitted search's best model."""
    from ..features._weights import weights_identity

    best = search.best_estimator_
    featurizer, classifier = best[0], best[-1]
    sweep = sweep_scores(search)
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "data": str(data),
        "n_videos": len(bunch.filenames),
        "classes": [str(c) for c in classifier.classes_],
        "videos_per_class": {str(name): int(n) for name, n in zip(
            bunch.target_names, np.bincount(bunch.target, minlength=len(bunch.target_names)),
            strict=True)},
        "groups": None if bunch.groups is None else len(np.unique(bunch.groups)),
        "cross_validation": cv_name,
        "scores": [{"n_units": u, "mean_accuracy": float(m), "std_accuracy": float(s),
                    "folds": [float(f) for f in folds]}
                   for u, m, s, folds in zip(sweep.units, sweep.mean, sweep.std, sweep.folds,
                                             strict=True)],
        "best_n_units": int(search.best_params_[UNITS_PARAM]),
        "featurizer": jsonable_params(featurizer),
        "classifier": jsonable_params(classifier),
        "weights_identity": weights_identity(featurizer.weights),
        "versions": _versions(),
    }


DEFAULT_UNITS = (64, 128, 256)


def fit_own_videos(bunch, output, *, pipeline, units=DEFAULT_UNITS, cv=5, random_state=0,
                   data=None, keep_memory=False, verbose=0):
    """Cross-validate ``pipeline`` over ``units``, save the refitted best and its card.

    Parameters
    ----------
    bunch : Bunch
        Labelled videos, as :func:`~skactrec.datasets.load_video_files` returns them.
    output : str or os.PathLike
        Where the model goes (joblib); its card goes beside it, with ``.json``.
    pipeline : Pipeline
        ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))``. With a
        featurizer ``memory``, every video is featurized once into it before the search.
    units : sequence of int, default=(64, 128, 256)
        LSTM unit counts to compare.
    cv : int, default=5
        Folds of the stratified k-fold used when the videos have no groups (with groups:
        leave-one-group-out).
    random_state : int, default=0
        Seed of the stratified k-fold's shuffle.
    data : str, default=None
        Where the videos came from, for the card.
    keep_memory : bool, default=False
        Whether the saved model keeps the featurizer's store.
    verbose : int, default=0
        ``>= 1`` shows the progress of the featurization and of the fits.

    Returns
    -------
    result : Bunch
        ``scores`` ({units: (mean, std)}), ``best_units``, ``model_path``, ``card_path``,
        ``cv_name``, ``n_splits``, ``search``.
    """
    import joblib

    from ..utils._files import replace_atomically

    output = Path(output)
    cv, cv_name, n_splits = _cv(bunch, cv, random_state)
    y = bunch.target_names[bunch.target]
    fill_store(pipeline[0], bunch.filenames, verbose=verbose)
    say(verbose, f"Cross-validating {len(units)} LSTM unit counts over {n_splits} folds, "
        f"then refitting the best on all {len(y)} videos")
    search = sweep_units(pipeline, bunch.filenames, y, units=units, cv=cv,
                         groups=bunch.groups, verbose=verbose)
    best = search.best_estimator_
    if not keep_memory:  # the store served the search; the saved model does not name it
        best.set_params(vgg16framefeaturizer__memory=None)
    card = model_card(search, bunch, data=data, cv_name=cv_name)
    card_path = output.with_suffix(".json")
    replace_atomically(output, lambda path: joblib.dump(best, path))
    replace_atomically(card_path, lambda path: path.write_text(json.dumps(card, indent=2) + "\n"))
    scores = {s["n_units"]: (s["mean_accuracy"], s["std_accuracy"]) for s in card["scores"]}
    return Bunch(scores=scores, best_units=card["best_n_units"], model_path=output,
                 card_path=card_path, cv_name=cv_name, n_splits=n_splits, search=search)


def _matrix_text(matrix, classes):
    width = max(6, *(len(str(c)) for c in classes))
    lines = [" " * width + " " + " ".join(f"{str(c)[:width]:>{width}}" for c in classes)]
    lines += [f"{str(c):>{width}} " + " ".join(f"{n:>{width}}" for n in row)
              for c, row in zip(classes, matrix, strict=True)]
    return "\n".join(lines)


def evaluate_own_videos(model, bunch, *, output_dir=None):
    """Accuracy, per-class precision and recall and the confusion matrix of ``model``.

    Returns a Bunch: ``accuracy``, ``report`` (scikit-learn's dict), ``confusion``,
    ``classes``, ``text`` (all of it as printed), ``paths`` (files written).
    """
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    classes = np.asarray(model.classes_)
    y_true = bunch.target_names[bunch.target]
    unknown = sorted(set(y_true) - {str(c) for c in classes})
    if unknown:
        raise ValueError(f"the videos hold classes the model does not know: "
                         f"{', '.join(unknown)}; the model's classes are "
                         f"{', '.join(map(str, classes))}.")
    y_pred = model.predict(bunch.filenames)
    labels = [c for c in classes if c in set(y_true) | set(y_pred)]
    accuracy = float(accuracy_score(y_true, y_pred))
    report = classification_report(y_true, y_pred, labels=labels, zero_division=0,
                                   output_dict=True)
    confusion = confusion_matrix(y_true, y_pred, labels=labels)
    text = (f"Accuracy: {accuracy:.3f} on {len(y_true)} videos\n\n"
            + classification_report(y_true, y_pred, labels=labels, zero_division=0)
            + "\nConfusion matrix (rows: true class, columns: predicted):\n"
            + _matrix_text(confusion, labels) + "\n")
    paths = []
    if output_dir is not None:
        paths = _write_evaluation(Path(output_dir), accuracy, report, confusion, labels)
    return Bunch(accuracy=accuracy, report=report, confusion=confusion, classes=labels,
                 text=text, paths=paths)


def _write_evaluation(folder, accuracy, report, confusion, labels):
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "confusion_matrix.png"
    draw_confusion(image, confusion, labels,
                   f"accuracy {accuracy:.1%} on {int(np.sum(confusion))} videos")
    summary = folder / "evaluation.json"
    summary.write_text(json.dumps({
        "accuracy": accuracy, "classes": [str(c) for c in labels],
        "confusion_matrix": confusion.tolist(), "report": report}, indent=2) + "\n")
    return [image, summary]
