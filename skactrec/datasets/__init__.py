"""Datasets: synthetic action videos written as real video files (and, later, loaders)."""

from ._synthetic import make_synthetic_videos

__all__ = ["make_synthetic_videos"]
