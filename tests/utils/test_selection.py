"""The best point of a sweep: the highest mean score, ties to the smallest setting."""

import numpy as np
import pytest

from skactrec.utils._selection import best_index


@pytest.mark.parametrize("settings, scores, best", [
    ([40, 80, 360], [0.5, 0.9, 0.8], 1),
    ([360, 40, 80], [0.9, 0.9, 0.5], 1),  # a tie: the fewest units, wherever it stands
    ([4, 16], [np.nan, 0.1], 1),  # a failed fit counts as the worst
    ([8], [0.2], 0),
])
def test_best_index(settings, scores, best):
    assert best_index(settings, scores) == best


def test_best_index_needs_one_score_per_setting():
    with pytest.raises(ValueError, match="same length"):
        best_index([4, 8], [0.5])
    with pytest.raises(ValueError, match="non-empty"):
        best_index([], [])
