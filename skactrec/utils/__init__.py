"""Utilities every other part uses: atomic files and hashing, progress and messages, the best
point of a sweep, the hardware, the compute precisions. Nothing here knows about videos or
models."""

from ._saved_version import InconsistentSkactrecVersionWarning

__all__ = ["InconsistentSkactrecVersionWarning"]
