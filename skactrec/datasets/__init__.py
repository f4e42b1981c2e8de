"""Datasets: the data home, the paper's benchmarks' official splits, synthetic action videos."""

from ._base import DatasetNotFoundError, get_data_home
from ._splits import FixedSplits
from ._synthetic import make_synthetic_videos

__all__ = [
    "DatasetNotFoundError",
    "FixedSplits",
    "get_data_home",
    "make_synthetic_videos",
]
