"""Which point of a sweep is best: the highest mean score, ties to the smallest setting.

One rule for every sweep over the LSTM's units: the search's choice (``GridSearchCV``'s
``refit``), the tables and summaries of ``reproduce``, and the best point marked by
``plot_unit_sweep``; and for ``skactrec fit``'s candidates, whose setting is their place in
the list, cheapest first.
"""

import numpy as np


def best_index(settings, scores):
    """Index of the highest score; among equal scores, of the smallest setting.

    The smallest setting (fewest LSTM units) is the cheapest model that scores as well.
    NaN scores (failed fits) count as the worst.

    Examples
    --------
    >>> from skactrec.utils._selection import best_index
    >>> best_index([360, 40, 80], [0.9, 0.9, 0.5])
    1
    """
    settings = np.asarray(settings, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if settings.shape != scores.shape or settings.ndim != 1 or not len(settings):
        raise ValueError(f"settings {settings.shape} and scores {scores.shape} must be two "
                         "non-empty 1-d sequences of the same length.")
    scores = np.where(np.isnan(scores), -np.inf, scores)
    # lexsort's last key is the primary one: the highest score, then the smallest setting.
    return int(np.lexsort((settings, -scores))[0])
