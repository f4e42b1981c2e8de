"""Reading a fitted model's answers: the top-k classes of each video, and the timeline of a
long video classified window by window."""

from ._timeline import predict_timeline
from ._top_k import predict_top_k

__all__ = ["predict_timeline", "predict_top_k"]
