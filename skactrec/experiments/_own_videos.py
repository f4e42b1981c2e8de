"""Train and evaluate on a user's own labelled videos: what ``skactrec fit`` and
``skactrec evaluate`` run, with the model card saved beside a model."""

import datetime
import json
import platform
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..utils._progress import say
from ._candidates import default_candidates, search_candidates
from ._figures import draw_confusion
from ._journal import FitJournal
from ._sweep import fill_store, jsonable_params


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


def model_card(result, bunch, *, data, cv_name):
    """The JSON-ready description of :func:`search_candidates`' best model."""
    from ..features._weights import weights_identity

    featurizer, classifier = result.model[0], result.model[-1]
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
        "candidates": [
            {"name": name, "mean_accuracy": float(mean), "std_accuracy": float(std),
             "folds": [float(f) for f in folds], "train_accuracy": float(train),
             "folds_not_fitted": int(unfitted)}
            for name, mean, std, folds, train, unfitted in zip(
                result.names, result.mean, result.std, result.folds, result.train,
                result.unfitted, strict=True)],
        "best": result.best_name,
        "steps": [type(step).__name__ for _, step in result.model.steps],
        "featurizer": jsonable_params(featurizer),
        "classifier": jsonable_params(classifier),
        "weights_identity": weights_identity(featurizer.weights),
        "versions": _versions(),
    }


DEFAULT_UNITS = (64, 128, 256)
DEFAULT_LEARNING_RATES = (1e-3, 1e-4)


def fits_folder(output):
    """The folder of the search's fit records beside the model ``output``."""
    output = Path(output)
    return output.with_name(output.stem + ".fits")


def fit_own_videos(bunch, output, *, pipeline, units=DEFAULT_UNITS,
                   learning_rates=DEFAULT_LEARNING_RATES, pooling=True, cv=5, random_state=0,
                   data=None, keep_memory=False, verbose=0):
    """Cross-validate candidate models, save the best refitted on all videos, and its card.

    The candidates are ``pipeline``'s LSTM at each of ``units`` and ``learning_rates``
    and, with ``pooling``, the pooling head (:class:`~skactrec.TemporalPooling`'s mean
    and max of each feature over the frames, standardized, then a logistic regression).
    The best has the highest mean held-out accuracy; among equals, the pooling head, then
    the fewest units, then the learning rate given first.

    Parameters
    ----------
    bunch : Bunch
        Labelled videos, as :func:`~skactrec.datasets.load_video_files` returns them.
    output : str or os.PathLike
        Where the model goes (joblib); its card goes beside it, with ``.json``, and the
        record of the search's fits in the folder ``.fits`` (:func:`fits_folder`): run
        again after a crash or Ctrl-C, the search redoes only the fits it had not
        finished, the interrupted one from its last epoch.
    pipeline : Pipeline
        ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))``: the
        featurizer, and the LSTM's other settings. With a featurizer ``memory``, every
        video is featurized once into it before the search.
    units : sequence of int, default=(64, 128, 256)
        LSTM unit counts to compare; empty: no LSTM.
    learning_rates : sequence of float, default=(1e-3, 1e-4)
        LSTM learning rates to compare: the paper's, and a tenth of it, which fits raw
        features of real frames where the paper's may not.
    pooling : bool, default=True
        Whether the pooling head is a candidate too.
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
        :func:`search_candidates`' result, with ``model_path``, ``card_path``, ``cv_name``.
    """
    import joblib

    from ..utils._files import replace_atomically

    output = Path(output)
    cv, cv_name, n_splits = _cv(bunch, cv, random_state)
    y = bunch.target_names[bunch.target]
    featurizer = pipeline[0]
    candidates = default_candidates(pipeline[-1], units=units, learning_rates=learning_rates,
                                    pooling=pooling)
    fill_store(featurizer, bunch.filenames, verbose=verbose)
    say(verbose, f"Cross-validating {len(candidates)} candidates over {n_splits} folds, "
        f"then refitting the best on all {len(y)} videos")
    result = search_candidates(featurizer, candidates, bunch.filenames, y, cv=cv,
                               groups=bunch.groups, journal=FitJournal(fits_folder(output)),
                               verbose=verbose)
    if not keep_memory:  # the store served the search; the saved model does not name it
        result.model.set_params(vgg16framefeaturizer__memory=None)
    card = model_card(result, bunch, data=data, cv_name=cv_name)
    card_path = output.with_suffix(".json")
    replace_atomically(output, lambda path: joblib.dump(result.model, path))
    replace_atomically(card_path, lambda path: path.write_text(json.dumps(card, indent=2) + "\n"))
    result.update(model_path=output, card_path=card_path, cv_name=cv_name)
    return result


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
