"""Figures (matplotlib): the top-k strip of a video, the unit sweep, a long video's
timeline."""

from ._plotting import plot_top_k, plot_unit_sweep
from ._timeline import plot_timeline

__all__ = ["plot_timeline", "plot_top_k", "plot_unit_sweep"]
