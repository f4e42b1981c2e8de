"""reproduce: the paper's experiment on one dataset, from the videos to its table and figures."""

import csv
import json
import logging
import os
import time
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import clone

from ..utils._hardware import log_faster_setting
from ..utils._progress import Progress

logger = logging.getLogger("skactrec")

# Our grid, not the paper's: it holds every unit count the paper reports as a best
# (320, 360, 400) and spreads the rest over the range of its figures 4-6.
DEFAULT_UNITS = (40, 80, 160, 240, 320, 360, 400, 480)

# Tables 1-3 of Orozco et al.: the comparison rows, the paper's own CNN-LSTM accuracy (%)
# and the unit count it was reached with (from the text of section 3; table 3's caption
# says n_u = 320 but the text and figure 6 give 400 for HMDB-51).
PAPER_RESULTS = {
    "kth": {
        "name": "KTH",
        "table": 1,
        "rows": [("(Baccouche et al., 2011)", 91.04), ("(Liu et al., 2013)", 93.67),
                 ("(Jones et al., 2012)", 93.20)],
        "accuracy": 93.86,
        "units": 360,
    },
    "ucf11": {
        "name": "UCF-11",
        "table": 2,
        "rows": [("(Liu et al., 2009)", 71.02), ("(Liu et al., 2013)", 76.1),
                 ("(Wang et al. 2011)", 84.2), ("(Sharma et al. 2015)", 85.0),
                 ("(Cho et al., 2014)", 88.0)],
        "accuracy": 91.94,
        "units": 320,
    },
    "hmdb51": {
        "name": "HMDB-51",
        "table": 3,
        "rows": [("(Kuehne et al., 2011)", 23.0), ("(Kliper-Gross et al., 2012)", 29.2),
                 ("(Jiang et al. 2012)", 40.7), ("(Sharma et al. 2015)", 41.3)],
        "accuracy": 47.36,
        "units": 400,
    },
    "ucf101": {"name": "UCF-101", "table": None, "rows": [], "accuracy": None, "units": None},
}
DATASETS = tuple(PAPER_RESULTS)


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
    units=DEFAULT_UNITS,
    n_frames=40,
    frame_size=224,
    layer="block5_pool",
    weights="imagenet",
    pooling=None,
    dtype="float32",
    compute_dtype="float32",
    temporal_pooling="last",
    epochs=50,
    batch_size=25,
    learning_rate=0.001,
    memory=None,
    n_jobs=1,
    n_top=3,
    random_state=0,
    verbose=1,
):
    """Reproduce Orozco et al.'s experiment on one dataset: unit sweep, table, figures.

    The dataset is loaded with its official protocol (``bunch.cv``), every video is
    featurized once by VGG16 into a feature store, the number of LSTM units is swept with
    one fit per unit count and fold (what :class:`~sklearn.model_selection.GridSearchCV`
    would run, with a progress bar), and the best unit count's test predictions give a
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
    units : sequence of int, default=DEFAULT_UNITS
        LSTM unit counts to compare. The default ``(40, 80, 160, 240, 320, 360, 400, 480)``
        is our choice: it holds the best unit counts the paper reports (360 for KTH, 320
        for UCF-11, 400 for HMDB-51).
    n_frames, frame_size, layer, weights, pooling
        As in :class:`~skactrec.VGG16FrameFeaturizer`; the defaults are the paper's
        (40 frames of 224x224, ``block5_pool`` flattened, ImageNet weights).
    dtype : {"float32", "float16"}, default="float32"
        Type of the stored features; ``"float16"`` halves the store's size.
    compute_dtype : {"float32", "bfloat16", "float16"}, default="float32"
        Type VGG16 and the LSTMs compute in (Keras's mixed precision, float32 weights), as
        in both estimators: ``"bfloat16"`` is faster on CPUs with AVX512-BF16 or AMX,
        either on GPUs. The paper computes in float32.
    temporal_pooling : {"last", "attention"}, default="last"
        As in :class:`~skactrec.LSTMVideoClassifier`: ``"last"`` is the paper's model,
        ``"attention"`` goes beyond it.
    epochs, batch_size, learning_rate
        As in :class:`~skactrec.LSTMVideoClassifier`.
    memory : str or os.PathLike, default=None
        The feature store, ``<output_dir>/features`` if None. Videos already there are read,
        not recomputed: an interrupted run resumes where it stopped.
    n_jobs : int, default=1
        Parallel jobs (joblib) of the featurization and of the sweep's fits. Inside
        ``joblib.parallel_config(backend="dask")`` both run on a Dask cluster's workers
        (``skactrec reproduce --scheduler``); ``memory`` must then be a folder that every
        worker sees.
    n_top : int, default=3
        Test videos (of different classes where possible) shown in ``top3.png``.
    random_state : int, default=0
        Seed of the LSTMs.
    verbose : int, default=1
        ``>= 1`` shows progress bars (featurization, then the fits) on a terminal and logs
        the steps at INFO level on the ``skactrec`` logger.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``paths`` (name to path of each output file), ``output_dir``, ``units``,
        ``mean_accuracy`` and ``std_accuracy`` (per unit count, over folds),
        ``fold_accuracy`` (``(n_units, n_folds)``), ``best_units``, ``best_accuracy``,
        ``confusion_matrix`` (summed over folds) with its ``labels``, ``pooled_accuracy``
        (its trace over its sum), ``splits`` (the protocol's ``(train, test)`` indices),
        ``top_k`` (videos, labels, scores, true labels), ``paper`` (the paper's figures)
        and ``settings``.

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
    >>> from skactrec import reproduce
    >>> result = reproduce("kth", output_dir="results/kth")  # doctest: +SKIP
    >>> result.best_units, result.best_accuracy  # doctest: +SKIP
    (360, 0.93...)
    """
    dataset = _check_dataset(dataset)
    units = _check_units(units)
    if isinstance(n_top, bool) or not isinstance(n_top, Integral) or n_top < 1:
        raise ValueError(f"n_top must be a positive int; got {n_top!r}.")
    output_dir = Path("skactrec-results") / dataset if output_dir is None else Path(output_dir)
    memory = output_dir / "features" if memory is None else memory
    start = time.perf_counter()

    def say(message):
        if verbose:
            logger.info("reproduce %s: %s", dataset, message)

    bunch = _loader(dataset)(data_home, subset="all")
    filenames = np.asarray(bunch.filenames)
    y = np.asarray(bunch.target_names)[bunch.target]
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in bunch.cv.split(filenames, y,
                                                                           bunch.groups)]
    output_dir.mkdir(parents=True, exist_ok=True)
    folds_text = f"{len(splits)} fold" + ("s" if len(splits) != 1 else "")
    say(f"{len(filenames)} videos, {len(bunch.target_names)} classes, {folds_text}; "
        f"features in {memory}")
    if verbose:
        log_faster_setting(compute_dtype)  # once the work is sure to start

    from joblib import Parallel, delayed
    from sklearn.pipeline import make_pipeline

    from ..classifier._classifier import LSTMVideoClassifier
    from ..features._featurizer import VGG16FrameFeaturizer

    featurizer = VGG16FrameFeaturizer(n_frames=n_frames, frame_size=frame_size, layer=layer,
                                      weights=weights, pooling=pooling, dtype=dtype,
                                      compute_dtype=compute_dtype, memory=memory, memmap=True)
    _fill_store(featurizer, filenames, n_jobs, verbose)
    pipeline = make_pipeline(
        featurizer,  # each fit reads its features from the store
        LSTMVideoClassifier(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                            compute_dtype=compute_dtype, temporal_pooling=temporal_pooling,
                            random_state=random_state),
    )
    # The sweep: one fit per (unit count, fold), as GridSearchCV would run it, keeping each
    # fit's test probabilities: the best unit count's give the confusion matrix and the
    # top-3 figure without fitting it again.
    say(f"sweeping LSTM units {units} over {folds_text}")
    tasks = [(n_units, train, test) for n_units in units for train, test in splits]
    fits = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_predict)(
            clone(pipeline).set_params(lstmvideoclassifier__n_units=n_units), filenames, y,
            train, test)
        for n_units, train, test in tasks
    )
    probabilities, predictions = [], []
    with Progress(len(tasks), "LSTM fits (units x folds)", verbose, unit="fit") as progress:
        for classes, proba in fits:
            probabilities.append((classes, proba))
            predictions.append(classes[np.argmax(proba, axis=1)])  # as the classifier's predict
            progress.update()
    folds = np.array([np.mean(predicted == y[test])
                      for predicted, (_, _, test) in zip(predictions, tasks, strict=True)],
                     dtype=float).reshape(len(units), len(splits))
    mean, std = folds.mean(axis=1), folds.std(axis=1)
    best = int(np.argmax(mean))  # ties: the fewest units
    best_units = units[best]
    say(f"best: {best_units} units ({mean[best]:.2%})")

    from sklearn.metrics import confusion_matrix

    labels = np.asarray(bunch.target_names)
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    best_fits = slice(best * len(splits), (best + 1) * len(splits))
    for predicted, (_, test) in zip(predictions[best_fits], splits, strict=True):
        confusion += confusion_matrix(y[test], predicted, labels=labels)

    # The top-3 figure: test videos of the last fold, scored by that fold's best model.
    from ..inspection._top_k import top_k_of_proba

    classes, proba = probabilities[best_fits][-1]
    last_test = list(splits[-1][1])
    shown = _pick_videos(y, splits[-1][1], n_top)
    rows = proba[[last_test.index(i) for i in shown]]
    top_labels, top_scores = top_k_of_proba(classes, rows, min(3, len(classes)))

    paper = PAPER_RESULTS[dataset]
    paths = {name: output_dir / name for name in (
        "accuracy_by_units.csv", "accuracy_table.md", "accuracy_by_units.png",
        "confusion_matrix.png", "top3.png", "summary.json")}
    write_accuracy_csv(paths["accuracy_by_units.csv"], units, mean, std, folds)
    table = accuracy_table(dataset, units, mean, std, best_units, mean[best])
    paths["accuracy_table.md"].write_text(table, encoding="utf-8")
    _plot_sweep(paths["accuracy_by_units.png"], units, mean, std, paper)
    _plot_confusion(paths["confusion_matrix.png"], confusion, labels, paper["name"])
    _plot_top(paths["top3.png"], filenames[shown], top_labels, top_scores, y[shown])

    settings = {
        "dataset": dataset, "data_home": None if data_home is None else os.fspath(data_home),
        "units": units, "n_frames": n_frames, "frame_size": frame_size, "layer": layer,
        "weights": None if weights is None else os.fspath(weights), "pooling": pooling,
        "dtype": dtype, "compute_dtype": compute_dtype, "temporal_pooling": temporal_pooling,
        "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
        "memory": os.fspath(getattr(memory, "location", memory)), "n_jobs": n_jobs,
        "random_state": random_state, "n_videos": len(filenames), "n_folds": len(splits),
    }
    pooled = float(np.trace(confusion) / confusion.sum()) if confusion.sum() else float("nan")
    summary = {
        "settings": settings,
        "weights": settings["weights"],
        "best_units": best_units,
        "best_accuracy": float(mean[best]),
        "pooled_accuracy_best_units": pooled,
        "accuracy_by_units": {str(u): float(m) for u, m in zip(units, mean, strict=True)},
        "std_by_units": {str(u): float(s) for u, s in zip(units, std, strict=True)},
        "fold_accuracy_by_units": {str(u): f.tolist() for u, f in zip(units, folds, strict=True)},
        "paper": {"table": paper["table"], "accuracy_percent": paper["accuracy"],
                  "units": paper["units"], "comparison": dict(paper["rows"])},
        "seconds": time.perf_counter() - start,
    }
    paths["summary.json"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    say(f"done in {summary['seconds']:.0f} s; results in {output_dir}")

    from sklearn.utils import Bunch

    return Bunch(
        paths=paths, output_dir=output_dir, table=table, units=units, mean_accuracy=mean,
        std_accuracy=std, fold_accuracy=folds, best_units=best_units,
        best_accuracy=float(mean[best]), confusion_matrix=confusion, labels=labels,
        pooled_accuracy=pooled, splits=splits,
        top_k=Bunch(videos=filenames[shown], labels=top_labels, scores=top_scores,
                    true_labels=y[shown]),
        paper=paper, settings=settings,
    )


def _fill_store(featurizer, filenames, n_jobs, verbose):
    """Every video through VGG16 once, into ``featurizer``'s store, a chunk at a time.

    The features themselves are not kept: one ``transform`` of the whole dataset would
    write them all to a temporary file first (25 GB for HMDB-51). A video that cannot be
    read does not stop the others; one error names every such video at the end.
    """
    from joblib import effective_n_jobs

    from ..features._featurizer import BatchVideoReadError

    chunk_size = max(_STORE_CHUNK, 8 * effective_n_jobs(n_jobs))
    worker = clone(featurizer).set_params(memmap=False, n_jobs=n_jobs).fit(list(filenames))
    errors = []
    with Progress(len(filenames), "VGG16 features", verbose) as progress:
        for start in range(0, len(filenames), chunk_size):
            chunk = list(filenames[start:start + chunk_size])
            try:
                worker.transform(chunk)
            except BatchVideoReadError as exc:
                errors.extend((start + i, error) for i, error in exc.errors)
            progress.update(len(chunk))
    if errors:
        raise BatchVideoReadError(errors, len(filenames))


_STORE_CHUNK = 64  # videos per transform while filling the store: 256 MB at the paper's


def _fit_and_predict(pipeline, filenames, y, train, test):
    """Fit ``pipeline`` on ``train``; its classes and probabilities on ``test``."""
    model = pipeline.fit(filenames[train], y[train])
    return model.classes_, model.predict_proba(filenames[test])


def _pick_videos(y, test, n):
    """Up to ``n`` test indices, of different classes first, in the order of ``test``."""
    test = np.asarray(test)
    _, first = np.unique(y[test], return_index=True)
    chosen = list(test[np.sort(first)][:n])
    chosen += [i for i in test if i not in chosen][: n - len(chosen)]
    return np.asarray(chosen, dtype=int)


def write_accuracy_csv(path, units, mean, std, folds):
    """Write ``units, mean_accuracy, std_accuracy, fold_1, ...``: one row per unit count."""
    folds = np.asarray(folds, dtype=float).reshape(len(units), -1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["units", "mean_accuracy", "std_accuracy"]
                        + [f"fold_{i + 1}" for i in range(folds.shape[1])])
        for u, m, s, row in zip(units, mean, std, folds, strict=True):
            writer.writerow([int(u), f"{m:.6f}", f"{s:.6f}"] + [f"{a:.6f}" for a in row])


def accuracy_table(dataset, units, mean, std, best_units, best_accuracy):
    """Markdown: the paper's table for ``dataset`` with our row, then accuracy per unit count."""
    paper = PAPER_RESULTS[_check_dataset(dataset)]
    caption = (f"Table {paper['table']} of Orozco et al." if paper["table"]
               else "not in Orozco et al. (future work there)")
    lines = [f"## {paper['name']}: video classification accuracy ({caption})", "",
             "| Approach | Acc (%) |", "|---|---:|"]
    lines += [f"| {name} | {acc:.2f} |" for name, acc in paper["rows"]]
    if paper["accuracy"] is not None:
        lines.append(f"| CNN-LSTM (Orozco et al., n_u={paper['units']}) | "
                     f"{paper['accuracy']:.2f} |")
    lines.append(f"| **CNN-LSTM (skactrec, n_u={best_units})** | **{100 * best_accuracy:.2f}** |")
    lines += ["", "## Accuracy per number of LSTM units (mean +- std over folds)", "",
              "| LSTM units | Acc (%) | Std (%) |", "|---:|---:|---:|"]
    lines += [f"| {int(u)} | {100 * m:.2f} | {100 * s:.2f} |"
              for u, m, s in zip(units, mean, std, strict=True)]
    return "\n".join(lines) + "\n"


def _figure(**kwargs):
    # A bare Figure draws with Agg when saved: no pyplot window, the user's backend untouched.
    from ..plotting._plotting import _require_matplotlib

    _require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _plot_sweep(path, units, mean, std, paper):
    from ..plotting._plotting import _format_unit_axes, plot_unit_sweep

    fig = _figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(f"{paper['name']}: accuracy against the number of LSTM units")
    plot_unit_sweep({"param_n_units": units, "mean_test_score": mean, "std_test_score": std},
                    ax=ax, label="skactrec")
    if paper["accuracy"] is not None:
        ax.plot([paper["units"]], [paper["accuracy"] / 100], marker="*", markersize=13,
                linestyle="none", color="tab:red",
                label=f"paper: {paper['accuracy']:.2f}% at {paper['units']} units")
        _format_unit_axes(ax, extra_units=[paper["units"]])
        ax.legend(fontsize=9)
    fig.savefig(path, dpi=100)


def _plot_confusion(path, confusion, labels, name):
    draw_confusion(path, confusion, labels,
                   f"{name}: confusion matrix of the best unit count\n"
                   f"{int(np.sum(confusion))} test predictions, all folds together")


def draw_confusion(path, confusion, labels, title):
    """The confusion matrix as an image titled ``title`` (also ``skactrec evaluate``'s)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    n = len(labels)
    with_values = n <= 20
    size = min(max(5.5, 0.22 * n + 3), 20)
    fig = _figure(figsize=(size + (0 if with_values else 1), size), layout="constrained")
    ax = fig.add_subplot()
    ConfusionMatrixDisplay(confusion, display_labels=labels).plot(
        ax=ax, xticks_rotation="vertical", include_values=with_values, colorbar=False,
        cmap="Blues")
    if not with_values:  # too many cells to print their counts: a colour scale reads them
        fig.colorbar(ax.images[0], ax=ax, shrink=0.6, label="test videos")
    ax.set_title(title)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    fig.savefig(path, dpi=100)


def _plot_top(path, videos, labels, scores, true_labels):
    from ..plotting._plotting import _draw_top_k

    fig = _draw_top_k(list(videos), labels, scores, true_labels=list(true_labels),
                      n_frames_shown=4, title=f"Top-{np.shape(labels)[1]} classes of test videos",
                      fig=None, new_figure=_figure)
    fig.savefig(path, dpi=100)
