"""Datasets: synthetic action videos written as real video files (loaders of the paper's datasets to come)."""

from ._synthetic import make_synthetic_videos

__all__ = ["make_synthetic_videos"]
