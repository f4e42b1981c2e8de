"""Train and evaluate on a user's own labelled videos: what ``skactrec fit`` and
``skactrec evaluate`` run, with the model card saved beside a model."""

import datetime
import json
import logging
import os
import platform
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

logger = logging.getLogger(__name__)


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


def _jsonable(params):
    """The parameters JSON can hold as they are (numbers, strings, None, lists of them)."""
    kept = {}
    for name, value in params.items():
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if isinstance(value, tuple):
            value = list(value)
        try:
            json.dumps(value)
        except TypeError:
            continue
        kept[name] = value
    return kept


def model_card(search, bunch, *, data, cv_name):
    """The JSON-ready description of a fitted search's best model."""
    from ..features._weights import weights_identity

    best = search.best_estimator_
    featurizer, classifier = best[0], best[-1]
    results = search.cv_results_
    units = results["param_lstmvideoclassifier__n_units"]
    means, stds = results["mean_test_score"], results["std_test_score"]
    folds = [results[f"split{i}_test_score"] for i in range(search.n_splits_)]
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
        "scores": [{"n_units": int(u), "mean_accuracy": float(m), "std_accuracy": float(s),
                    "folds": [float(f[i]) for f in folds]}
                   for i, (u, m, s) in enumerate(zip(units, means, stds, strict=True))],
        "best_n_units": int(search.best_params_["lstmvideoclassifier__n_units"]),
        "featurizer": _jsonable(featurizer.get_params()),
        "classifier": _jsonable(classifier.get_params()),
        "weights_identity": weights_identity(featurizer.weights),
        "versions": _versions(),
    }


def fit_own_videos(bunch, output, *, data, units, epochs, n_frames, frame_size, layer,
                   weights, compute_dtype, temporal_pooling, memory, keep_memory, folds,
                   random_state, verbose):
    """Cross-validate the Pipeline over ``units``, save the refitted best and its card.

    Returns a Bunch: ``scores`` ({units: (mean, std)}), ``best_units``, ``model_path``,
    ``card_path``, ``cv_name``, ``n_splits``, ``search``.
    """
    import joblib
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from ..classifier._classifier import LSTMVideoClassifier
    from ..features._featurizer import VGG16FrameFeaturizer
    from ..utils._files import replace_atomically
    from ._reproduce import _fill_store  # the store filled as reproduce fills it

    output = Path(output)
    cv, cv_name, n_splits = _cv(bunch, folds, random_state)
    y = bunch.target_names[bunch.target]
    featurizer = VGG16FrameFeaturizer(n_frames=n_frames, frame_size=frame_size, layer=layer,
                                      weights=weights, compute_dtype=compute_dtype,
                                      memory=memory)
    if memory is not None:  # every video featurized once, before the folds read the store
        _fill_store(featurizer, bunch.filenames, n_jobs=1, verbose=verbose)
    logger.info("Cross-validating %d LSTM unit counts over %d folds, then refitting the best "
                "on all %d videos", len(units), n_splits, len(y))
    pipe = make_pipeline(featurizer, LSTMVideoClassifier(
        epochs=epochs, compute_dtype=compute_dtype, temporal_pooling=temporal_pooling,
        random_state=random_state))
    search = GridSearchCV(pipe, {"lstmvideoclassifier__n_units": list(units)}, cv=cv,
                          error_score="raise")
    search.fit(bunch.filenames, y, groups=bunch.groups)
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
    from ._reproduce import draw_confusion

    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "confusion_matrix.png"
    draw_confusion(image, confusion, labels,
                   f"accuracy {accuracy:.1%} on {int(np.sum(confusion))} videos")
    summary = folder / "evaluation.json"
    summary.write_text(json.dumps({
        "accuracy": accuracy, "classes": [str(c) for c in labels],
        "confusion_matrix": confusion.tolist(), "report": report}, indent=2) + "\n")
    return [image, summary]
