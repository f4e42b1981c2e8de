"""The unit sweep every experiment runs: the feature store filled once, then ``GridSearchCV``
over the Pipeline's LSTM units.

``reproduce``, ``fit_own_videos`` (``skactrec fit``) and the demo all go through
:func:`fill_store` and :func:`sweep_units`. The search's scorer also counts the fits for the
progress bar: a fit run in this process (``n_jobs=1``, or joblib's threading backend) moves
it on; fits run in other processes (``n_jobs > 1``, a Dask cluster) are not counted, and
the bar shows none of them.
"""

import json
import logging
import os

import numpy as np
from sklearn.utils import Bunch

from ..utils._progress import Progress
from ..utils._selection import best_index
from ._journal import journaled

logger = logging.getLogger(__name__)

# The searched parameter: the LSTM's units in a make_pipeline(featurizer, classifier).
UNITS_PARAM = "lstmvideoclassifier__n_units"

_STORE_CHUNK = 64  # videos per transform while filling the store: 256 MB at the paper's


def fill_store(featurizer, videos, *, n_jobs=None, verbose=0):
    """Every video through VGG16 once, into ``featurizer``'s store, a chunk at a time.

    The features themselves are not kept: one ``transform`` of the whole dataset would
    write them all to a temporary file first (25 GB for HMDB-51). A video that cannot be
    read does not stop the others; one error names every such video at the end. Nothing
    is done when ``featurizer`` has no store (``memory=None``).

    Parameters
    ----------
    featurizer : VGG16FrameFeaturizer
        Its settings and its store (``memory``); it is not fitted or changed here.
    videos : sequence of str
        Video files.
    n_jobs : int, default=None
        Parallel jobs of the featurization (joblib).
    verbose : int, default=0
        ``>= 1`` shows a progress bar (or logs it, off a terminal).
    """
    from joblib import effective_n_jobs
    from sklearn.base import clone

    from ..features._featurizer import BatchVideoReadError

    if featurizer.memory is None:
        return
    chunk_size = max(_STORE_CHUNK, 8 * effective_n_jobs(n_jobs))
    worker = clone(featurizer).set_params(memmap=False, n_jobs=n_jobs).fit(list(videos))
    errors = []
    with Progress(len(videos), "VGG16 features", verbose) as progress:
        for start in range(0, len(videos), chunk_size):
            chunk = list(videos[start:start + chunk_size])
            try:
                worker.transform(chunk)
            except BatchVideoReadError as exc:
                errors.extend((start + i, error) for i, error in exc.errors)
            progress.update(len(chunk))
    if errors:
        raise BatchVideoReadError(errors, len(videos))


class CountedScorer:
    """``scorer``, moving ``progress`` on by one fit at every ``calls_per_fit`` calls made in
    this process (2 where the training folds are scored too)."""

    def __init__(self, scorer, calls_per_fit=1):
        self.scorer = scorer
        self.calls_per_fit = calls_per_fit
        self.progress = None
        self._calls = 0

    def __call__(self, estimator, X, y, **kwargs):
        scores = self.scorer(estimator, X, y, **kwargs)
        self._calls += 1
        if self.progress is not None and self._calls % self.calls_per_fit == 0:
            self.progress.update()
        return scores

    def __getstate__(self):  # a copy in another process has no bar to move
        return {**self.__dict__, "progress": None}


def _refit_best(cv_results):
    """GridSearchCV's ``refit``: the best unit count by :func:`best_index`'s rule."""
    return best_index(cv_results[f"param_{UNITS_PARAM}"], cv_results["mean_test_score"])


def sweep_units(pipeline, X, y, *, units, cv, groups=None, scoring=None, refit=True,
                journal=None, n_jobs=None, verbose=0):
    """``GridSearchCV`` of ``pipeline`` over its LSTM's units: the fitted search.

    Parameters
    ----------
    pipeline : Pipeline
        ``make_pipeline(VGG16FrameFeaturizer(...), LSTMVideoClassifier(...))``. Fill its
        featurizer's store first (:func:`fill_store`): the folds and unit counts then all
        read the features from there.
    X, y : array-like
        Video files and their labels.
    units : sequence of int
        Unit counts to compare, searched in increasing order.
    cv : int, cross-validation generator or iterable
        As in ``GridSearchCV``.
    groups : array-like, default=None
        Group of each video, for a group splitter.
    scoring : callable, default=None
        As in ``GridSearchCV`` (``scorer(estimator, X, y)``, a number or a dict of
        numbers); accuracy if None.
    refit : bool, default=True
        Refit the best unit count on all of ``X``. The best is the highest mean test
        score, ties to the fewest units (single-metric scoring only).
    journal : FitJournal, default=None
        Record each fit's scores there as it ends, and take them from there when they
        are on record: a killed search run again redoes only the fits it had not
        finished, the interrupted one from its backup (:mod:`._journal`). Only without
        ``refit``.
    n_jobs : int, default=None
        Parallel fits (joblib; on a Dask cluster inside
        ``joblib.parallel_config(backend="dask")``).
    verbose : int, default=0
        ``>= 1`` shows a progress bar of the fits made in this process.

    Returns
    -------
    search : GridSearchCV
        Fitted.
    """
    from sklearn.metrics import get_scorer
    from sklearn.model_selection import GridSearchCV, check_cv

    units = sorted(int(u) for u in units)
    n_splits = check_cv(cv, y, classifier=True).get_n_splits(X, y, groups)
    scorer = get_scorer("accuracy") if scoring is None else scoring
    if journal is not None:
        if refit:
            raise ValueError("a journal records scores, not models: use it with refit=False.")
        pipeline, scorer = journaled(pipeline, scorer, journal)
    search = GridSearchCV(pipeline, {UNITS_PARAM: units}, scoring=CountedScorer(scorer), cv=cv,
                          refit=_refit_best if refit else False, n_jobs=n_jobs,
                          error_score="raise")
    logger.debug("GridSearchCV over %s = %s, %d folds", UNITS_PARAM, units, n_splits)
    return fit_with_progress(search, X, y, groups=groups, n_fits=len(units) * n_splits,
                             label="LSTM fits (units x folds)", verbose=verbose)


def fit_with_progress(search, X, y, *, groups, n_fits, label, verbose):
    """Fit ``search``, whose ``scoring`` is a :class:`CountedScorer`, with a progress bar of
    its ``n_fits`` fits; return it."""
    with Progress(n_fits, label, verbose, unit="fit") as progress:
        search.scoring.progress = progress
        try:
            search.fit(X, y, groups=groups)
        finally:
            search.scoring.progress = None
    return search


def sweep_scores(search, metric="score"):
    """The scores of a fitted :func:`sweep_units` search, per unit count.

    Returns a Bunch: ``units`` (list of int, increasing), ``mean``, ``std``, ``folds``
    (``(n_units, n_splits)``), ``best`` (the index of the best unit count),
    ``best_units`` and ``best_score``.
    """
    results = search.cv_results_
    units = [int(u) for u in results[f"param_{UNITS_PARAM}"]]
    folds = np.array([results[f"split{i}_test_{metric}"] for i in range(search.n_splits_)],
                     dtype=float).reshape(search.n_splits_, len(units)).T
    mean = np.asarray(results[f"mean_test_{metric}"], dtype=float)
    std = np.asarray(results[f"std_test_{metric}"], dtype=float)
    best = best_index(units, mean)
    return Bunch(units=units, mean=mean, std=std, folds=folds, best=best,
                 best_units=units[best], best_score=float(mean[best]))


def jsonable_params(estimator):
    """``estimator``'s parameters that JSON can hold (numbers, strings, None, lists of them),
    paths as strings: for a model card or a run's summary."""
    kept = {}
    for name, value in estimator.get_params(deep=False).items():
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
