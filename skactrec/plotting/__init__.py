"""Figures (matplotlib): the top-k strip of a video, the unit sweep, a long video's
timeline."""

from ._timeline import plot_timeline
from ._top_k import plot_top_k
from ._unit_sweep import plot_unit_sweep

__all__ = ["plot_timeline", "plot_top_k", "plot_unit_sweep"]
