"""FixedSplits: a dataset's official train/test splits as a scikit-learn cross-validator."""

import numpy as np
from sklearn.model_selection import BaseCrossValidator


class FixedSplits(BaseCrossValidator):
    """Official train/test splits of a dataset, usable as ``cv=`` of any scikit-learn search.

    Unlike :class:`~sklearn.model_selection.PredefinedSplit`, a sample may be in the test
    set of several splits (HMDB-51's and UCF-101's three splits) or in none (KTH's or
    HMDB-51's unused samples).

    Parameters
    ----------
    splits : sequence of (train, test) pairs
        Indices, into the loader's file list, of the training and test samples of each
        split.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec.datasets import FixedSplits
    >>> cv = FixedSplits([([0, 1], [2, 3]), ([2, 3], [0])])
    >>> cv.get_n_splits()
    2
    >>> [(tr.tolist(), te.tolist()) for tr, te in cv.split(np.zeros(4))]
    [([0, 1], [2, 3]), ([2, 3], [0])]
    """

    def __init__(self, splits):
        self.splits = [
            (np.asarray(train, dtype=np.intp), np.asarray(test, dtype=np.intp))
            for train, test in splits
        ]
        for i, (train, test) in enumerate(self.splits):
            if np.intersect1d(train, test).size:
                raise ValueError(f"Split {i} has samples both in its training and test sets.")

    def split(self, X=None, y=None, groups=None):
        """Yield the ``(train, test)`` indices of each split.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...), default=None
            The loader's samples, in its order; their number is checked.
        y, groups : object
            Ignored.

        Yields
        ------
        train, test : ndarray of int
        """
        if X is not None:
            n_samples = len(X)
            largest = max(max(train.max(initial=-1), test.max(initial=-1))
                          for train, test in self.splits)
            if largest >= n_samples:
                raise ValueError(
                    f"These splits index {largest + 1} samples or more, but X has {n_samples}: "
                    "pass the loader's file list, in its order."
                )
        for train, test in self.splits:
            yield train.copy(), test.copy()

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of splits."""
        return len(self.splits)

    def __repr__(self):
        sizes = ", ".join(f"{len(tr)}/{len(te)}" for tr, te in self.splits)
        return f"FixedSplits(n_splits={len(self.splits)}, train/test sizes: {sizes})"
