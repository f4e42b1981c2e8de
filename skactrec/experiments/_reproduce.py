"""reproduce: the paper's experiment on one dataset, from the videos to its table and figures.

The sweep is the experiments' one ``GridSearchCV`` (``_sweep.sweep_units``), without refit.
The confusion matrix and the top-3 figure need the best unit count's held-out predictions;
they come back through the search itself, from a multimetric scorer (:class:`HeldOutScorer`)
whose numbers ``cv_results_`` keeps per fold: each fold's confusion-matrix cells and the
probabilities of the few videos the figure shows. So no fit is added to the sweep's
``n_units x n_folds`` (``cross_val_predict`` of the best unit count would add ``n_folds``
fits, and it needs folds that partition the videos, which KTH's and HMDB-51's official
splits do not), and it works wherever the fits run (processes, a Dask cluster), as the
numbers travel with the scores. The price is a wide ``cv_results_``: ``n_classes ** 2 +
n_top * n_classes`` extra metrics (about 10,500 for UCF-101, a few MB).
"""

import json
import os
import time
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch

from ..utils._hardware import log_faster_setting
from ..utils._progress import say
from ._figures import draw_confusion, draw_sweep, draw_top
from ._journal import FitJournal
from ._paper import DATASETS, PAPER_RESULTS, accuracy_table, write_accuracy_csv
from ._sweep import fill_store, jsonable_params, sweep_scores, sweep_units

# Our grid, not the paper's: it holds every unit count the paper reports as a best
# (320, 360, 400) and spreads the rest over the range of its figures 4-6.
DEFAULT_UNITS = (40, 80, 160, 240, 320, 360, 400, 480)


def _loader(dataset):
    from .. import datasets

    return {"kth": datasets.load_kth, "ucf11": datasets.load_ucf11,
            "hmdb51": datasets.load_hmdb51, "ucf101": datasets.load_ucf101}[dataset]


def _check_dataset(dataset):
    if not isinstance(dataset, str) or dataset.lower() not in DATASETS:
        raise ValueError(f"dataset must be one of {list(DATASETS)}; got {dataset!r}.")
    return dataset.lower()


def _check_units(units):
    if isinstance(units, (str, bytes)) or not hasattr(units, "__iter__"):
        raise ValueError(f"units must be a sequence of positive ints; got {units!r}.")
    units = list(units)
    if not units:
        raise ValueError("units must hold at least one number of LSTM units; got none.")
    bad = [u for u in units if isinstance(u, bool) or not isinstance(u, Integral) or u < 1]
    if bad:
        raise ValueError(f"units must be positive ints; got {bad!r} in {units!r}.")
    if len(set(units)) != len(units):
        raise ValueError(f"units must not repeat a value; got {units!r}.")
    return sorted(int(u) for u in units)


def reproduce(
    dataset,
    *,
    data_home=None,
    output_dir=None,
    featurizer=None,
    classifier=None,
    units=DEFAULT_UNITS,
    n_jobs=1,
    n_top=3,
    verbose=1,
):
    """Reproduce Orozco et al.'s experiment on one dataset: unit sweep, table, figures.

    The dataset is loaded with its official protocol (``bunch.cv``), every video is
    featurized once by VGG16 into a feature store, the number of LSTM units is swept by
    :class:`~sklearn.model_selection.GridSearchCV` over the Pipeline (one fit per unit count
    and fold, with a progress bar), and the best unit count's test predictions give a
    confusion matrix and a top-3 figure.

    Parameters
    ----------
    dataset : {"kth", "ucf11", "hmdb51", "ucf101"}
        The benchmark. Protocols: KTH, its one official split (16 people for training and
        validation, 9 for test); UCF-11, leave-one-group-out over its 25 groups; HMDB-51
        and UCF-101, their 3 official splits. The paper reports no UCF-101 figures.
    data_home : str or os.PathLike, default=None
        Where the dataset lies, as for :func:`~skactrec.datasets.load_kth`.
    output_dir : str or os.PathLike, default=None
        Where the results go (created): ``skactrec-results/<dataset>`` if None.
    featurizer : VGG16FrameFeaturizer, default=None
        The frame features (cloned): its defaults are the paper's (40 frames of 224x224,
        ``block5_pool`` flattened, ImageNet weights), as in ``VGG16FrameFeaturizer()`` if
        None. Its ``memory`` is the feature store, ``<output_dir>/features`` if None:
        videos already there are read, not recomputed, so an interrupted run resumes where
        it stopped. So does the sweep: each fit's scores are recorded in
        ``<output_dir>/fits`` as it ends, and a run of the same data and settings takes
        them from there; the fit under way resumes from its last epoch.
        ``dtype="float16"`` halves the store's size; ``compute_dtype`` is the type VGG16
        computes in (``"bfloat16"`` is faster on CPUs with AVX512-BF16 or AMX).
    classifier : LSTMVideoClassifier, default=None
        The LSTM (cloned), its ``n_units`` set by the sweep: the paper's model, trained as
        the paper trains it, as in ``LSTMVideoClassifier(random_state=0)`` if None.
        ``temporal_pooling="attention"`` goes beyond the paper.
    units : sequence of int, default=DEFAULT_UNITS
        LSTM unit counts to compare. The default ``(40, 80, 160, 240, 320, 360, 400, 480)``
        is our choice: it holds the best unit counts the paper reports (360 for KTH, 320
        for UCF-11, 400 for HMDB-51).
    n_jobs : int, default=1
        Parallel jobs (joblib) of the featurization and of the sweep's fits. Inside
        ``joblib.parallel_config(backend="dask")`` both run on a Dask cluster's workers
        (``skactrec reproduce --scheduler``); the store must then be a folder that every
        worker sees.
    n_top : int, default=3
        Test videos (of different classes where possible) shown in ``top3.png``.
    verbose : int, default=1
        ``>= 1`` shows progress bars (featurization, then the fits made in this process) on
        a terminal and logs the steps at INFO level on the ``skactrec`` logger.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``paths`` (name to path of each output file), ``output_dir``, ``units``,
        ``mean_accuracy`` and ``std_accuracy`` (per unit count, over folds),
        ``fold_accuracy`` (``(n_units, n_folds)``), ``best_units``, ``best_accuracy``,
        ``confusion_matrix`` (summed over folds) with its ``labels``, ``pooled_accuracy``
        (its trace over its sum), ``splits`` (the protocol's ``(train, test)`` indices),
        ``top_k`` (videos, labels, scores, true labels), ``paper`` (the paper's figures),
        ``settings`` and ``search`` (the fitted ``GridSearchCV``, without refit).

    Raises
    ------
    ValueError
        Unknown ``dataset``, bad ``units`` or ``n_top``.
    DatasetNotFoundError, WeightsNotFoundError
        The dataset or the weights file is missing (both are ``OSError``).

    See Also
    --------
    plot_unit_sweep : Figures 4-6 of the paper.
    plot_top_k : Figure 7 of the paper.

    Notes
    -----
    From Orozco et al., "Human Action Recognition in Videos using a Robust CNN LSTM
    Approach", section 3 and tables 1-3. The features never have to fit in memory: the
    store holds ``n_videos x n_frames x n_features`` values (2.4 GB for KTH with the paper's
    settings, 27 GB for HMDB-51; half with ``dtype="float16"``, 1/49 with
    ``pooling="avg"``), and each fit reads its fold's features from a memory-mapped
    temporary file in the store's folder (``memmap=True``), which needs that much free disk
    again for the largest fold.

    Examples
    --------
    >>> from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, reproduce
    >>> result = reproduce("kth", output_dir="results/kth")  # doctest: +SKIP
    >>> result.best_units, result.best_accuracy  # doctest: +SKIP
    (360, 0.93...)
    >>> small = reproduce("kth", units=[40, 80],
    ...                   featurizer=VGG16FrameFeaturizer(dtype="float16"),
    ...                   classifier=LSTMVideoClassifier(epochs=20, random_state=0),
    ...                   )  # doctest: +SKIP
    """
    dataset, units = _check_dataset(dataset), _check_units(units)
    if isinstance(n_top, bool) or not isinstance(n_top, Integral) or n_top < 1:
        raise ValueError(f"n_top must be a positive int; got {n_top!r}.")
    output_dir = Path("skactrec-results") / dataset if output_dir is None else Path(output_dir)
    start = time.perf_counter()

    data = _load(dataset, data_home)
    pipeline = _pipeline(featurizer, classifier, output_dir / "features")
    output_dir.mkdir(parents=True, exist_ok=True)
    _say(verbose, dataset, f"{len(data.filenames)} videos, {len(data.labels)} classes, "
         f"{_folds_text(data.splits)}; features in {pipeline[0].memory}")
    if verbose:
        log_faster_setting(pipeline[0].compute_dtype)  # once the work is sure to start

    fill_store(pipeline[0], data.filenames, n_jobs=n_jobs, verbose=verbose)

    _say(verbose, dataset, f"sweeping LSTM units {units} over {_folds_text(data.splits)}")
    shown = _pick_videos(data.y, data.splits[-1][1], n_top)
    search = sweep_units(pipeline, data.filenames, data.y, units=units, cv=data.splits,
                         scoring=HeldOutScorer(data.labels, data.filenames[shown]),
                         refit=False, journal=FitJournal(output_dir / "fits"),
                         n_jobs=n_jobs, verbose=verbose)
    sweep = _results(search, data, shown)
    _say(verbose, dataset, f"best: {sweep.best_units} units ({sweep.best_score:.2%})")

    paper = PAPER_RESULTS[dataset]
    paths = _write_tables(output_dir, dataset, sweep)
    paths.update(_draw_figures(output_dir, sweep, data, paper))
    settings = _settings(dataset, data_home, units, pipeline, n_jobs, data)
    paths["summary.json"] = _write_summary(output_dir, settings, sweep, paper,
                                           time.perf_counter() - start)
    _say(verbose, dataset, f"done in {time.perf_counter() - start:.0f} s; results in "
         f"{output_dir}")
    return Bunch(
        paths=paths, output_dir=output_dir, table=sweep.table, units=sweep.units,
        mean_accuracy=sweep.mean, std_accuracy=sweep.std, fold_accuracy=sweep.folds,
        best_units=sweep.best_units, best_accuracy=sweep.best_score,
        confusion_matrix=sweep.confusion, labels=data.labels, pooled_accuracy=sweep.pooled,
        splits=data.splits, top_k=sweep.top_k, paper=paper, settings=settings, search=search,
    )


def _say(verbose, dataset, message):
    say(verbose, f"reproduce {dataset}: {message}")


def _folds_text(splits):
    return f"{len(splits)} fold" + ("s" if len(splits) != 1 else "")


def _load(dataset, data_home):
    """The dataset's videos, labels and protocol: ``filenames``, ``y``, ``labels``,
    ``splits`` (a list of ``(train, test)`` index arrays)."""
    bunch = _loader(dataset)(data_home, subset="all")
    filenames = np.asarray(bunch.filenames)
    labels = np.asarray(bunch.target_names)
    y = labels[bunch.target]
    splits = [(np.asarray(train), np.asarray(test))
              for train, test in bunch.cv.split(filenames, y, bunch.groups)]
    return Bunch(filenames=filenames, y=y, labels=labels, splits=splits)


def _pipeline(featurizer, classifier, default_memory):
    """The Pipeline of clones of ``featurizer`` and ``classifier`` (the paper's if None),
    its features read from the store, memory-mapped."""
    from sklearn.pipeline import make_pipeline

    from ..classifier._classifier import LSTMVideoClassifier
    from ..features._featurizer import VGG16FrameFeaturizer

    featurizer = VGG16FrameFeaturizer() if featurizer is None else clone(featurizer)
    if featurizer.memory is None:
        featurizer.set_params(memory=default_memory)
    featurizer.set_params(memmap=True)  # each fit reads its fold's features from the store
    classifier = (LSTMVideoClassifier(random_state=0) if classifier is None
                  else clone(classifier))
    return make_pipeline(featurizer, classifier)


class HeldOutScorer:
    """The test fold's accuracy, confusion matrix and the probabilities of a few videos.

    A multimetric scorer for ``GridSearchCV`` (``scoring=``): its numbers come back per
    fold in ``cv_results_``, from every process or cluster worker the fits ran in, so the
    best unit count's confusion matrix and top-3 need no fit beyond the sweep's. Keys:
    ``accuracy``; ``confusion_<i>_<j>``, the test videos of ``labels[i]`` predicted as
    ``labels[j]``; ``proba_<k>_<j>``, the probability of ``labels[j]`` for ``videos[k]``
    (0 where that video is not in the test fold).
    """

    def __init__(self, labels, videos):
        self.labels = np.asarray(labels)
        self.videos = np.asarray(videos)

    def __call__(self, estimator, X, y):
        from sklearn.metrics import confusion_matrix

        X, y = np.asarray(X), np.asarray(y)
        classes = np.asarray(estimator.classes_)
        proba = estimator.predict_proba(X)
        predicted = classes[np.argmax(proba, axis=1)]  # as the classifier's predict
        scores = {"accuracy": float(np.mean(predicted == y))}
        cells = confusion_matrix(y, predicted, labels=self.labels)
        scores.update({f"confusion_{i}_{j}": int(n) for (i, j), n in np.ndenumerate(cells)})
        column = {label: j for j, label in enumerate(classes)}
        for k, video in enumerate(self.videos):
            rows = np.flatnonzero(X == video)
            for j, label in enumerate(self.labels):
                found = len(rows) and label in column
                scores[f"proba_{k}_{j}"] = float(proba[rows[0], column[label]]) if found else 0.0
        return scores


def _results(search, data, shown):
    """The sweep's accuracies, and the best unit count's confusion matrix (summed over the
    folds) and top-3 of the ``shown`` videos (by the last fold's model)."""
    from ..inspection._top_k import top_k_of_proba

    sweep = sweep_scores(search, "accuracy")
    results, n, last = search.cv_results_, len(data.labels), search.n_splits_ - 1

    def cell(key):
        return results[key][sweep.best]

    sweep.confusion = np.array(
        [[sum(cell(f"split{s}_test_confusion_{i}_{j}") for s in range(search.n_splits_))
          for j in range(n)] for i in range(n)], dtype=int)
    total = sweep.confusion.sum()
    sweep.pooled = float(np.trace(sweep.confusion) / total) if total else float("nan")
    proba = np.array([[cell(f"split{last}_test_proba_{k}_{j}") for j in range(n)]
                      for k in range(len(shown))], dtype=float)
    top_labels, top_scores = top_k_of_proba(data.labels, proba, min(3, n))
    sweep.top_k = Bunch(videos=data.filenames[shown], labels=top_labels, scores=top_scores,
                        true_labels=data.y[shown])
    return sweep


def _write_tables(output_dir, dataset, sweep):
    csv_path, table_path = output_dir / "accuracy_by_units.csv", output_dir / "accuracy_table.md"
    write_accuracy_csv(csv_path, sweep.units, sweep.mean, sweep.std, sweep.folds)
    sweep.table = accuracy_table(dataset, sweep.units, sweep.mean, sweep.std, sweep.best_units,
                                 sweep.best_score)
    table_path.write_text(sweep.table, encoding="utf-8")
    return {"accuracy_by_units.csv": csv_path, "accuracy_table.md": table_path}


def _draw_figures(output_dir, sweep, data, paper):
    paths = {name: output_dir / name
             for name in ("accuracy_by_units.png", "confusion_matrix.png", "top3.png")}
    draw_sweep(paths["accuracy_by_units.png"], sweep.units, sweep.mean, sweep.std, paper)
    draw_confusion(paths["confusion_matrix.png"], sweep.confusion, data.labels,
                   _confusion_title(paper["name"], sweep.confusion))
    top = sweep.top_k
    draw_top(paths["top3.png"], top.videos, top.labels, top.scores, top.true_labels)
    return paths


def _confusion_title(name, confusion):
    return (f"{name}: confusion matrix of the best unit count\n"
            f"{int(np.sum(confusion))} test predictions, all folds together")


def _settings(dataset, data_home, units, pipeline, n_jobs, data):
    featurizer, classifier = pipeline[0].get_params(), pipeline[-1].get_params()
    memory = featurizer["memory"]
    return {
        "dataset": dataset, "data_home": None if data_home is None else os.fspath(data_home),
        "units": units, **{name: featurizer[name] for name in ("n_frames", "frame_size", "layer")},
        "weights": None if featurizer["weights"] is None else os.fspath(featurizer["weights"]),
        **{name: featurizer[name] for name in ("pooling", "dtype", "compute_dtype")},
        **{name: classifier[name] for name in ("temporal_pooling", "epochs", "batch_size",
                                                "learning_rate")},
        "memory": os.fspath(getattr(memory, "location", memory)), "n_jobs": n_jobs,
        "random_state": classifier["random_state"], "n_videos": len(data.filenames),
        "n_folds": len(data.splits),
        "featurizer": jsonable_params(pipeline[0]), "classifier": jsonable_params(pipeline[-1]),
    }


def _write_summary(output_dir, settings, sweep, paper, seconds):
    summary = {
        "settings": settings,
        "weights": settings["weights"],
        "best_units": sweep.best_units,
        "best_accuracy": sweep.best_score,
        "pooled_accuracy_best_units": sweep.pooled,
        "accuracy_by_units": {str(u): float(m) for u, m in zip(sweep.units, sweep.mean,
                                                               strict=True)},
        "std_by_units": {str(u): float(s) for u, s in zip(sweep.units, sweep.std, strict=True)},
        "fold_accuracy_by_units": {str(u): f.tolist()
                                   for u, f in zip(sweep.units, sweep.folds, strict=True)},
        "paper": {"table": paper["table"], "accuracy_percent": paper["accuracy"],
                  "units": paper["units"], "comparison": dict(paper["rows"])},
        "seconds": seconds,
    }
    path = output_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return path


def _pick_videos(y, test, n):
    """Up to ``n`` test indices, of different classes first, in the order of ``test``."""
    test = np.asarray(test)
    _, first = np.unique(y[test], return_index=True)
    chosen = list(test[np.sort(first)][:n])
    chosen += [i for i in test if i not in chosen][: n - len(chosen)]
    return np.asarray(chosen, dtype=int)
