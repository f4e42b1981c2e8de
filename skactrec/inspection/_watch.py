"""watch: a live source classified window by window, as its frames arrive.

The windows are the timeline's (:class:`~skactrec.inspection._timeline._Windows`): the
model's ``n_frames`` consecutive frames every ``stride`` frames, each frame through VGG16
once, in the featurizer's batches. What a live source adds is falling behind: the frames
come from :class:`~skactrec.video._live.LiveFrames`, which drops the oldest beyond a bound;
when frames were dropped, or a later window than the one under way is complete and the
model is behind (:func:`_behind`), the windows restart at the latest complete one. Once a
result came later than the lag budget (a window and a stride of stream time, at least a
second), the model waits for a window to be complete and reads the latest complete one
whole, rather than starting windows it would give up; it reads frames as they come again
once a result is in time. So each
window is built from the latest frames, what is held stays bounded however long the stream
runs, and the frames no window used are counted. Frames go through VGG16 in full batches
as they come, except the last ones of a window, computed as soon as its last frame is in.
"""

import time

import numpy as np

from ..video._live import LiveFrames
from ._timeline import (
    _check_stride,
    _frame_features,
    _parts,
    _warn_if_not_consecutive,
    _Windows,
)
from ._top_k import check_k, top_k_of_proba

LIVE_TIMEOUT = 10.0  # seconds without a frame before a live source counts as stalled
# Frames a live source may have waiting, at least (a window and a stride, twice, if more):
# a burst (a stream's start, a network hiccup) is read in order, not dropped.
BUFFER_FRAMES = 256
# Seconds a window may wait before it is given up for a later one, however short windows are
# (a model's first calls, a short burst, are not its pace).
MIN_LAG = 1.0


def watch(model, source, *, stride=None, k=3, realtime=False, timeout=LIVE_TIMEOUT,
          retries=3, backoff=1.0):
    """Classify a live video source window by window, as its frames arrive.

    A generator: each window of the model's ``n_frames`` consecutive frames, one every
    ``stride`` frames (the windows of :func:`predict_timeline`), is classified as soon as
    its last frame has arrived, and its result yielded. When the model is slower than the
    source, frames are dropped rather than queued: each window is then the latest one
    complete, and the frames no window used are counted. Memory stays flat however long
    the stream runs. Closing the generator (or Ctrl-C) stops the source's ffmpeg process.

    Parameters
    ----------
    model : Pipeline
        A fitted :class:`~sklearn.pipeline.Pipeline` whose first step is a
        :class:`VGG16FrameFeaturizer` and whose last step has ``predict_proba``.
    source : str
        A URL that ffmpeg reads (``http(s)``, ``rtsp``, ``rtmp``, ``udp``, ``srt``...), a
        capture device (``/dev/video0``), or a video file played at its own frame rate
        (with ``realtime=True``, to try things out).
    stride : int, default=None
        Frames from one window's start to the next; None: ``n_frames``.
    k : int, default=3
        Classes per window, best first.
    realtime : bool, default=False
        Must be True for a file: it is played at its own frame rate, as a live source.
    timeout : float, default=10
        Seconds without a frame before the source counts as stalled.
    retries : int, default=3
        Times a network stream that fails after its first frame is opened again before
        the error is raised.
    backoff : float, default=1.0
        Seconds before the first retry, doubled at each next one.

    Yields
    ------
    window : dict
        ``start``, ``end``: the window's first frame's time and its last frame's end,
        in seconds of the stream (frames counted at its frame rate; the time a
        reconnection took is not counted). ``labels``, ``scores``: the ``k`` best classes
        and their probabilities. ``latency``: seconds from the arrival of the window's
        last frame to its result. ``dropped``: frames that no window used so far because
        the model was behind.

    Raises
    ------
    TypeError
        ``model`` is not a fitted Pipeline starting with a VGG16FrameFeaturizer.
    ValueError
        ``source`` is a file and ``realtime`` is False, or a URL of another protocol;
        ``stride`` or ``k`` is out of range.
    VideoReadError
        While iterating: nothing came from the source within ``timeout`` seconds, it
        failed, or it failed again after ``retries`` retries.

    See Also
    --------
    predict_timeline : The same windows over a whole video file.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.pipeline import make_pipeline
    >>> from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, watch
    >>> from skactrec.datasets import make_synthetic_videos
    >>> data = make_synthetic_videos(tempfile.mkdtemp(), n_classes=2, n_groups=1,
    ...                              n_videos_per_group=2, n_frames=8, frame_size=32)
    >>> model = make_pipeline(
    ...     VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block1_pool",
    ...                          weights=None, pooling="avg"),
    ...     LSTMVideoClassifier(n_units=2, epochs=1, random_state=0),
    ... ).fit(data.filenames, data.target_names[data.target])
    >>> for window in watch(model, data.filenames[0], realtime=True, k=1):
    ...     print(window["start"], window["end"], len(window["labels"]))
    0.0 0.4 1
    0.4 0.8 1
    """
    featurizer, head = _parts(model, "watch")
    classes = np.asarray(model.classes_)
    k = check_k(k, len(classes))
    stride = _check_stride(stride, featurizer.n_frames)
    _warn_if_not_consecutive(featurizer)
    capacity = max(BUFFER_FRAMES, 2 * (featurizer.n_frames + stride))
    live = LiveFrames(source, featurizer.frame_size_, capacity,
                      realtime=realtime, timeout=timeout, retries=retries, backoff=backoff)
    return _windows_of(live, featurizer, head, classes, k, stride)


def _windows_of(live, featurizer, head, classes, k, stride):
    """The generator of :func:`watch`'s results."""
    n = featurizer.n_frames
    windows = _Windows(n, stride, _frame_features(featurizer))
    arrivals, dropped, expected = {}, 0, 0
    slow = [False]  # the last window's result came later than _lag_budget: read whole windows

    def result(window):
        start, end, features = window
        proba = np.asarray(head.predict_proba(features[None]), dtype=np.float64)
        labels, scores = top_k_of_proba(classes, proba, k)
        last_arrival = arrivals.get(end - 1)
        latency = None if last_arrival is None else round(time.monotonic() - last_arrival, 4)
        slow[0] = latency is not None and latency > _lag_budget(live, windows)
        first, last = _stream_time(live, arrivals, start), _stream_time(live, arrivals, end)
        for index in [i for i in arrivals if i != "first" and i < start]:  # in order
            del arrivals[index]
        return {"start": first, "end": last, "labels": labels[0].tolist(),
                "scores": [round(float(s), 6) for s in scores[0]],
                "latency": latency, "dropped": dropped}

    with live:
        # A model slower than the source waits until a window is complete, then reads the
        # latest complete one whole; otherwise frames are read as they come.
        while taken := live.take(until=windows.next_start + n - 1 if slow[0] else None):
            if taken[0][0] > expected:  # the reader dropped frames
                dropped += windows.restart(taken[0][0])
            expected = taken[-1][0] + 1
            arrivals.setdefault("first", taken[0][1])
            arrivals.update((index, arrival) for index, arrival, _ in taken
                            if index >= windows.next_start)
            newest = taken[-1][0]
            latest_start = newest - n + 1 - (newest - n + 1) % stride
            if slow[0] or _behind(live, windows, arrivals, taken[-1]):
                dropped += windows.restart(latest_start)
            for index, _, frame in taken:
                if index < windows.next_start:
                    continue  # given up
                done = windows.add(index, frame)
                for window in done:
                    yield result(window)
                if done and _behind(live, windows, arrivals, taken[-1]):
                    dropped += windows.restart(latest_start)
            if windows.next_start + n - 1 in windows.held:
                for window in windows.flush():  # the window's last frame is in: finish it
                    yield result(window)
        for window in windows.finish(live.n_received):
            yield result(window)


def _lag_budget(live, windows):
    """Seconds a window's result may come after its last frame before the model counts as
    behind: a window and a stride of stream time, at least ``MIN_LAG``."""
    if not live.fps:
        return MIN_LAG
    return max(MIN_LAG, (windows.n + windows.stride) / live.fps)


def _behind(live, windows, arrivals, newest):
    """Whether to give up the window under way for the latest complete one: a later window
    is complete, and the last frame of the one under way came longer ago than the lag
    budget. A burst of frames (a stream's start, a network hiccup) that the model reads fast
    enough is read in order; a source without a frame rate gives up the window as soon as a
    later one is complete."""
    due_last = windows.next_start + windows.n - 1
    if newest[0] < due_last + windows.stride or due_last not in arrivals:
        return False
    if not live.fps:
        return True
    return time.monotonic() - arrivals[due_last] > _lag_budget(live, windows)


def _stream_time(live, arrivals, index):
    """Frame ``index``'s time in the stream: at its frame rate, else (a source that gives
    none) its arrival's, or the latest arrival's, since the first frame's."""
    if live.fps:
        return round(index / live.fps, 4)
    arrival = arrivals.get(index, max(arrivals.values()))
    return round(arrival - arrivals["first"], 4)
