"""Reading a fitted model's answers: the top-k classes of each video, the timeline of a
long video classified window by window, and a live source classified as it arrives."""

from ._timeline import predict_timeline
from ._top_k import predict_top_k
from ._watch import watch

__all__ = ["predict_timeline", "predict_top_k", "watch"]
