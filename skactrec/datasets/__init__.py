"""Datasets: the data home, the paper's benchmarks' official splits, synthetic action videos."""

from ._base import DatasetNotFoundError, get_data_home
from ._kth import fetch_kth, load_kth
from ._splits import FixedSplits
from ._synthetic import make_synthetic_videos

__all__ = [
    "DatasetNotFoundError",
    "FixedSplits",
    "fetch_kth",
    "get_data_home",
    "load_kth",
    "make_synthetic_videos",
]
