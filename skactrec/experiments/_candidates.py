"""Which model generalizes on a user's videos: LSTM settings and the pooling head compared
by cross-validation, on features read from the store once filled.

``skactrec fit`` runs :func:`search_candidates`: every candidate is the featurizer followed
by a head (an :class:`~skactrec.LSTMVideoClassifier` of some units and learning rate, or
:class:`~skactrec.TemporalPooling` and a logistic regression), scored on held-out folds and
on its own training folds, with the training folds that did not fit counted.
"""

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils import Bunch

from ..utils._selection import best_index
from ._journal import journaled
from ._sweep import CountedScorer, fit_with_progress

POOLING_HEAD = "mean+max pooling, logistic regression"

# The name of the searched step of the search's two-step Pipeline.
_HEAD = "head"


def pooling_head():
    """The baseline beside the LSTM: each feature's mean and maximum over the frames,
    standardized, then a logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from ..classifier import TemporalPooling

    return make_pipeline(TemporalPooling(("mean", "max")), StandardScaler(),
                         LogisticRegression(max_iter=1000))


def lstm_name(n_units, learning_rate):
    return f"LSTM {n_units} units, lr {learning_rate:g}"


def default_candidates(classifier, *, units, learning_rates, pooling=True):
    """The heads to compare, cheapest first (ties go to the first): the pooling head, then
    ``classifier`` at each unit count (increasing) and learning rate (in the given order).

    Returns a dict of name to head (an estimator or a Pipeline of the steps after the
    featurizer).
    """
    heads = {POOLING_HEAD: pooling_head()} if pooling else {}
    for n_units in sorted({int(u) for u in units}):
        for learning_rate in dict.fromkeys(float(r) for r in learning_rates):
            heads[lstm_name(n_units, learning_rate)] = clone(classifier).set_params(
                n_units=n_units, learning_rate=learning_rate)
    if not heads:
        raise ValueError("no candidate to compare: give LSTM units and learning rates, or "
                         "keep the pooling head.")
    return heads


def _fit_report(estimator, X, y):
    """Scorer: accuracy, and 1 where the last step's training loss stayed above half of
    guessing's (an LSTM's ``ConvergenceWarning``; read on the training folds, which it was
    fitted on)."""
    from ..classifier._fit_check import unfitted_loss

    head = estimator[-1]
    unfitted = 0.0
    if hasattr(head, "history_") and hasattr(head, "output_activation"):
        Y = np.asarray(y)[:, None] == head.classes_  # one-hot, as the head was fitted
        unfitted = float(unfitted_loss(head, Y.astype(float)) is not None)
    return {"accuracy": float(estimator.score(X, y)), "unfitted": unfitted}


def flat_pipeline(featurizer, head):
    """``make_pipeline(featurizer, *head's steps)``: the saved model has the steps a user
    would write, not a Pipeline nested in a Pipeline."""
    steps = [step for _, step in head.steps] if isinstance(head, Pipeline) else [head]
    return make_pipeline(featurizer, *steps)


def search_candidates(featurizer, candidates, X, y, *, cv, groups=None, journal=None,
                      verbose=0):
    """Cross-validate each candidate head after ``featurizer``; refit the best on all videos.

    Parameters
    ----------
    featurizer : VGG16FrameFeaturizer
        With its store filled (:func:`~skactrec.experiments._sweep.fill_store`), the folds
        and candidates read their features from there.
    candidates : dict of str to estimator
        Heads by name, as :func:`default_candidates` gives them; the first of equally
        accurate ones wins.
    X, y : array-like
        Video files and their labels.
    cv : cross-validation generator
        The folds.
    groups : array-like, default=None
        Group of each video, for a group splitter.
    journal : FitJournal, default=None
        Where each fit's scores are recorded as it ends and found again: a killed search
        run again redoes only what it had not finished (:mod:`._journal`).
    verbose : int, default=0
        ``>= 1`` shows a progress bar of the fits.

    Returns
    -------
    result : Bunch
        ``names``; per candidate ``mean``, ``std``, ``folds`` (``(n_candidates,
        n_splits)``), ``train`` (mean accuracy on the training folds), ``unfitted``
        (training folds that did not fit); ``best`` (its index), ``best_name``,
        ``model`` (the best refitted on all videos, a flat Pipeline), ``n_splits``.
    """
    from sklearn.model_selection import GridSearchCV, check_cv

    names, heads = list(candidates), list(candidates.values())
    n_splits = check_cv(cv, y, classifier=True).get_n_splits(X, y, groups)
    pipeline = Pipeline([("vgg16framefeaturizer", featurizer), (_HEAD, heads[0])])
    scorer = _fit_report
    if journal is not None:
        pipeline, scorer = journaled(pipeline, scorer, journal)
    search = GridSearchCV(pipeline, {_HEAD: heads},
                          scoring=CountedScorer(scorer, calls_per_fit=2),  # test and train
                          cv=cv, refit=False, return_train_score=True, error_score="raise")
    fit_with_progress(search, X, y, groups=groups, n_fits=len(heads) * n_splits,
                      label="fits (candidates x folds)", verbose=verbose)
    results = search.cv_results_
    folds = np.array([results[f"split{i}_test_accuracy"] for i in range(n_splits)]).T
    unfitted = np.array([results[f"split{i}_train_unfitted"] for i in range(n_splits)]).T
    mean = np.asarray(results["mean_test_accuracy"], float)
    best = best_index(np.arange(len(names)), mean)  # ties: the first, the cheapest
    model = flat_pipeline(clone(featurizer), clone(heads[best])).fit(X, y)
    return Bunch(names=names, mean=mean, std=np.asarray(results["std_test_accuracy"], float),
                 folds=folds, train=np.asarray(results["mean_train_accuracy"], float),
                 unfitted=unfitted.sum(axis=1).astype(int), best=best, best_name=names[best],
                 model=model, n_splits=n_splits)
