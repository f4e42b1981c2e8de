"""Datasets: the data home, the paper's benchmarks' official splits, your own videos,
synthetic action videos, and videos panning over real footage."""

from ._base import DatasetNotFoundError, get_data_home
from ._hmdb51 import load_hmdb51
from ._kth import load_kth
from ._kth_download import fetch_kth
from ._own_videos import load_video_files, load_video_list
from ._panning import make_panning_videos
from ._splits import FixedSplits
from ._synthetic import make_synthetic_videos
from ._ucf11 import load_ucf11
from ._ucf101 import load_ucf101

__all__ = [
    "DatasetNotFoundError",
    "FixedSplits",
    "fetch_kth",
    "get_data_home",
    "load_hmdb51",
    "load_kth",
    "load_ucf11",
    "load_ucf101",
    "load_video_files",
    "load_video_list",
    "make_panning_videos",
    "make_synthetic_videos",
]
