"""Experiments built from the estimators: the paper's unit sweeps on its datasets, fitting
and evaluating a model on your own videos, and the demo."""

from ._reproduce import reproduce

__all__ = ["reproduce"]
