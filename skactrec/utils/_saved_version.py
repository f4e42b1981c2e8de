"""The skactrec version an estimator was saved with, checked when it is loaded.

As scikit-learn records ``_sklearn_version`` in a pickled estimator, skactrec's estimators
record ``_skactrec_version``; one loaded by another version warns, naming both.
"""

import warnings

from .._version import __version__

# 0.1.0.dev0 recorded no version: an estimator saved without one comes from it.
UNRECORDED_VERSION = "0.1.0.dev0"


class InconsistentSkactrecVersionWarning(UserWarning):
    """An estimator is loaded by another skactrec version than the one that saved it."""


class SavedVersionMixin:
    """Records skactrec's version in the pickled state; warns when it differs on load."""

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never the instance's own __dict__
        state["_skactrec_version"] = __version__
        return state

    def __setstate__(self, state):
        saved = state.pop("_skactrec_version", UNRECORDED_VERSION)
        if saved != __version__:
            warnings.warn(
                f"This {type(self).__name__} was saved by skactrec {saved} and is loaded by "
                f"skactrec {__version__}. It may predict differently or fail; if in doubt, "
                f"fit it again with skactrec {__version__}.",
                InconsistentSkactrecVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
