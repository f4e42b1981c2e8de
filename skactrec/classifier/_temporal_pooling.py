"""``TemporalPooling``: each video's frame features pooled over time, for any scikit-learn
classifier."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils._saved_version import SavedVersionMixin
from ._batches import BatchReader
from ._sequence_inputs import validate_sequences

STATISTICS = ("mean", "max", "min", "std")

# Videos pooled at a time: a memmap X is read a batch at a time, never whole.
_BATCH_VIDEOS = 64


class TemporalPooling(SavedVersionMixin, TransformerMixin, BaseEstimator):
    """Pool each video's frame features over time: a fixed-size vector per video.

    The light alternative to :class:`LSTMVideoClassifier`: statistics of each feature
    over a video's frames (its mean, its maximum...), side by side, so that any
    scikit-learn classifier takes the videos, e.g.
    ``make_pipeline(VGG16FrameFeaturizer(), TemporalPooling(), LogisticRegression())``.
    It sees which features occur in a video, not in which order: actions told apart by
    their order (sitting down against standing up) need the LSTM.

    Read more in the :doc:`User Guide </user_guide/own_videos>`.

    Parameters
    ----------
    statistics : tuple of {"mean", "max", "min", "std"}, default=("mean", "max")
        The statistics over the frames, in the output's order: for each, one block of
        ``n_features_in_`` columns. The standard deviation is the population one (0
        for a single frame).

    Attributes
    ----------
    n_features_in_ : int
        Features per frame seen in :meth:`fit` (the last axis of ``X``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, set only when ``X`` was a 2-D pandas DataFrame with
        string column names.

    See Also
    --------
    LSTMVideoClassifier : The paper's classifier of the frame sequences.

    Notes
    -----
    ``X`` is ``(n_videos, n_frames, n_features)`` as :class:`VGG16FrameFeaturizer`
    returns it (a 2-D array is one frame per video); a float32 or float16 array, np.memmap
    included, is read 64 videos at a time, never copied whole. The output is float32.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec import TemporalPooling
    >>> X = np.array([[[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]]])  # 1 video, 3 frames, 2 features
    >>> TemporalPooling().fit_transform(X)
    array([[2., 4., 4., 8.]], dtype=float32)
    >>> TemporalPooling(statistics=("std",)).fit(X).get_feature_names_out()
    array(['std_x0', 'std_x1'], dtype=object)
    """

    _parameter_constraints = {"statistics": [tuple, list]}

    def __init__(self, statistics=("mean", "max")):
        self.statistics = statistics

    def _check_statistics(self):
        statistics = list(self.statistics)
        unknown = [s for s in statistics if not (isinstance(s, str) and s in STATISTICS)]
        if not statistics or unknown or len(set(statistics)) != len(statistics):
            raise ValueError(
                f"statistics must name each of {STATISTICS} at most once, and at least one; "
                f"got {self.statistics!r}."
            )
        return statistics

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and remember its feature count.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video.
        y : None
            Ignored.

        Returns
        -------
        self : TemporalPooling
            The fitted transformer.
        """
        self._check_statistics()
        validate_sequences(self, X, reset=True)
        return self

    def transform(self, X):
        """Pool each video's frames.

        Parameters
        ----------
        X : array-like of shape (n_videos, n_frames, n_features) or (n_videos, n_features)
            Frame features of each video; any number of frames.

        Returns
        -------
        pooled : ndarray of shape (n_videos, len(statistics) * ``n_features_in_``)
            The statistics of each video, float32.
        """
        check_is_fitted(self)
        statistics = self._check_statistics()
        X, _ = validate_sequences(self, X, reset=False)
        out = np.empty((len(X), len(statistics) * X.shape[2]), np.float32)
        with BatchReader(X) as reader:
            start = 0
            for batch in reader.chunks(_BATCH_VIDEOS):
                batch = batch.astype(np.float32, copy=False)
                stop = start + len(batch)
                out[start:stop] = np.concatenate(
                    [_pool(batch, statistic) for statistic in statistics], axis=1)
                start = stop
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output's columns: ``"<statistic>_<input feature>"``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the input features; ``x0``, ``x1``... (or ``feature_names_in_``)
            if None.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray([f"{s}_{name}" for s in self._check_statistics() for name in names],
                          dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float32"]  # float16 and float64 too give float32
        return tags


def _pool(batch, statistic):
    if statistic == "std":
        return batch.std(axis=1)
    return getattr(batch, statistic)(axis=1)
