"""Resumable searches: each finished fit's scores on disk, keyed by content; the interrupted
fit resumed from its backup.

A search killed after hours (a UCF-11 sweep is 25 folds x 8 unit counts of one-hour fits)
would otherwise start again from nothing. :class:`FitJournal` is a folder of records, one
file per fit and scored set, written as each score is computed: the key of a fit is a
SHA-256 of skactrec's version, every parameter of the Pipeline that changes the result (not
``verbose``, ``n_jobs``, the store's place; of Keras callbacks, their kinds), and the
content of its training videos (their files' SHA-256, as the feature store keys them) and
labels; the key of a scored set is that of its videos and labels. So a record is reused
only by the same fit of the same data.

``GridSearchCV`` sees a :class:`JournaledPipeline`, whose ``fit`` only notes what it is
given, and a :class:`JournaledScorer`: the scorer returns the record when there is one, and
otherwise has the Pipeline fitted there and then, scores it and records the scores. A fit
whose scores are all on record is never run; the LSTM of one that is run trains with a
``keras.callbacks.BackupAndRestore`` in the journal's ``backups/<fit key>``, so that a fit
killed half-way resumes from its last epoch. ``cv_results_``'s ``fit_time`` then counts
nothing, and the time of a fit falls in its first ``score_time``.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from ..utils._files import write_atomically

# Parameters that change how a fit runs, not what it gives; a Pipeline's steps, whose own
# parameters are in the key one by one; the journal.
_NOT_IN_KEY = ("verbose", "n_jobs", "memory", "memmap", "steps", "journal")


class FitJournal:
    """The records of a search's fits in ``directory``."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def scores(self, fit_key, data_key):
        """The recorded scores of fit ``fit_key`` on the set ``data_key``, or None."""
        path = self._record(fit_key, data_key)
        try:
            return json.loads(path.read_text())["scores"]
        except (OSError, ValueError, KeyError):
            return None

    def record(self, fit_key, data_key, scores):
        """Record ``scores`` (a number or a dict of numbers), atomically."""
        text = json.dumps({"scores": _jsonable(scores)})
        write_atomically(self._record(fit_key, data_key), lambda f: f.write(text.encode()))

    def backup_dir(self, fit_key):
        return self.directory / "backups" / fit_key

    def _record(self, fit_key, data_key):
        return self.directory / "scores" / fit_key[:2] / f"{fit_key}-{data_key}.json"


def data_key(X, y):
    """SHA-256 of the videos' content (files or arrays) and the labels."""
    from ..features._store import video_digest

    digest = hashlib.sha256()
    if isinstance(X, np.ndarray) and X.dtype != object:
        digest.update(video_digest(X).encode())
    else:
        for video in X:
            digest.update(video_digest(video if isinstance(video, np.ndarray)
                                       else os.fspath(video)).encode())
    labels = np.asarray(y)
    digest.update(json.dumps(labels.tolist()).encode())
    return digest.hexdigest()


def fit_key(estimator, X, y):
    """SHA-256 of what decides a fit of ``estimator`` on ``X, y``."""
    from .._version import __version__

    params = {}
    for name, value in estimator.get_params(deep=True).items():
        last = name.rsplit("__", 1)[-1]
        if hasattr(value, "get_params") or last in _NOT_IN_KEY:
            continue
        # Keras callbacks have no stable text: their kinds are in the key, not their settings.
        params[name] = [type(c).__name__ for c in value or []] if last == "callbacks" else value
    text = json.dumps({"skactrec": __version__, "estimator": type(estimator).__name__,
                       "steps": [type(step).__name__ for _, step in estimator.steps],
                       "params": params, "data": data_key(X, y)},
                      sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def journaled(pipeline, scorer, journal):
    """``(pipeline, scorer)`` for a search whose fits ``journal`` records."""
    return JournaledPipeline(pipeline.steps, journal=journal), JournaledScorer(scorer)


class JournaledPipeline(Pipeline):
    """A Pipeline whose ``fit`` waits until a :class:`JournaledScorer` needs it (see the
    module's docstring); ``journal`` is a :class:`FitJournal`."""

    def __init__(self, steps, *, journal, memory=None, transform_input=None, verbose=False):
        super().__init__(steps, memory=memory, transform_input=transform_input,
                         verbose=verbose)
        self.journal = journal

    def fit(self, X, y=None, **params):
        self.fit_key_ = fit_key(self, X, y)
        self._pending = (X, y, params)
        return self

    def fit_now(self):
        """Fit on what ``fit`` was given, if not yet done; the LSTMs back up as they train."""
        if getattr(self, "_pending", None) is None:
            return self
        import keras

        X, y, params = self._pending
        backup = keras.callbacks.BackupAndRestore(self.journal.backup_dir(self.fit_key_))
        for name, step in _lstm_steps(self):
            self.set_params(**{f"{name}__callbacks": [*(step.callbacks or []), backup]})
        super().fit(X, y, **params)
        self._pending = None
        return self


def _lstm_steps(pipeline, prefix=""):
    """``(parameter prefix, step)`` of each LSTMVideoClassifier in ``pipeline``, nested ones
    included."""
    from ..classifier import LSTMVideoClassifier

    for name, step in pipeline.steps:
        if isinstance(step, LSTMVideoClassifier):
            yield prefix + name, step
        elif isinstance(step, Pipeline):
            yield from _lstm_steps(step, f"{prefix}{name}__")


class JournaledScorer:
    """``scorer``, answered from the journal of the :class:`JournaledPipeline` it scores
    when the scores are on record, and recorded when they are not."""

    def __init__(self, scorer):
        self.scorer = scorer

    def __call__(self, estimator, X, y, **kwargs):
        key = data_key(X, y)
        scores = estimator.journal.scores(estimator.fit_key_, key)
        if scores is None:
            scores = self.scorer(estimator.fit_now(), X, y, **kwargs)
            estimator.journal.record(estimator.fit_key_, key, scores)
        return scores


def _jsonable(scores):
    if isinstance(scores, dict):
        return {name: float(value) for name, value in scores.items()}
    return float(scores)
