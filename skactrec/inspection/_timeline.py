"""predict_timeline: a long video classified window by window, in one decoding pass.

A window is ``n_frames`` consecutive frames, the temporal scale a model trained with
``sampling="first"`` has seen. The video is decoded once, as a stream; each frame goes
through VGG16 only if some window holds it, and windows are classified as soon as their
frames are in. Both steps are batched by the featurizer's
:class:`~skactrec.features._frame_batches.FrameBatcher`: frames in full batches of the
featurizer's ``batch_size`` (each frame a one-frame "video"), windows ``WINDOWS_PER_BATCH``
per ``predict_proba`` call. What is kept is bounded whatever the video's length: the last
``n_frames + batch_size`` frames and their features, a batch of windows, one probability
row per window and at most ``MAX_THUMBNAILS`` small frames for the picture.
"""

import os
import warnings
from collections import deque
from numbers import Integral

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ..features._frame_batches import FrameBatcher
from ..video._decode import stream_video
from ..video._ffmpeg import DEFAULT_TIMEOUT
from ._top_k import check_k, top_k_of_proba

WINDOWS_PER_BATCH = 16  # windows per predict_proba call
MAX_THUMBNAILS = 64  # frames kept for the picture, evenly spread over the video
THUMBNAIL_SIZE = 64  # their greatest height in pixels


def _parts(model, caller="predict_timeline"):
    """``(featurizer, head)``: the model's VGG16FrameFeaturizer and the steps after it."""
    from ..features._featurizer import VGG16FrameFeaturizer

    if not (isinstance(model, Pipeline) and isinstance(model[0], VGG16FrameFeaturizer)
            and len(model) > 1):
        raise TypeError(
            f"{caller} needs a fitted Pipeline whose first step is a "
            f"VGG16FrameFeaturizer, followed by a classifier; got {type(model).__name__}."
        )
    check_is_fitted(model)
    head = model[1:]
    if not hasattr(head, "predict_proba"):
        raise TypeError(f"the model's last step, {type(model[-1]).__name__}, has no "
                        "predict_proba.")
    return model[0], head


def _check_stride(stride, n_frames):
    if stride is None:
        return n_frames
    if isinstance(stride, bool) or not isinstance(stride, Integral) or stride < 1:
        raise ValueError(f"stride must be a positive number of frames or None; got {stride!r}.")
    return int(stride)


def _warn_if_not_consecutive(featurizer):
    if featurizer.sampling != "first":
        warnings.warn(
            f"the model's featurizer reads videos with sampling={featurizer.sampling!r}, "
            "frames spread over whole videos; the timeline's windows are consecutive frames, "
            "a shorter temporal scale than the model was trained on.", UserWarning,
            stacklevel=3)


def _frame_features(featurizer):
    """A :class:`FrameBatcher` of the featurizer's VGG16 and batch size."""
    extractor = featurizer._extractor()

    def forward(frames):
        return extractor(frames, batch_size=len(frames)).astype(featurizer.dtype, copy=False)

    return FrameBatcher(forward, featurizer.batch_size)


class _Windows:
    """Windows ``[start, start + n)`` every ``stride`` frames, fed frames in order.

    A frame is an entry ``[index, frame, features]``; ``frames`` (a :class:`FrameBatcher`)
    computes the features of the frames a regular window holds, in full batches, and hands
    them back in order. ``held`` keeps the entries a regular window still needs (at most
    ``n + batch_size`` of them); ``recent`` the last ``n``, for the window that ends the
    video.
    """

    def __init__(self, n_frames, stride, frames):
        self.n, self.stride, self.frames = n_frames, stride, frames
        self.recent = deque(maxlen=n_frames)
        self.held = {}
        self.next_start = 0  # of the next regular window
        self.last_end = 0  # end of the last window made

    def add(self, index, frame):
        """Take the next frame; the windows ``(start, end, features)`` it completes."""
        entry = [index, frame, None]
        self.recent.append(entry)
        if index % self.stride >= self.n:  # no window holds it: no VGG16 either
            return []
        self.held[index] = entry
        self._featurize(entry)
        return self._complete()

    def finish(self, n_seen):
        """The windows left once the video's ``n_seen`` frames are in, the window that
        ends the video last."""
        windows = self.flush()
        if self.last_end < n_seen:
            windows.append(self._tail(n_seen))
        return windows

    def flush(self):
        """The windows completed by computing the frames waiting for a full batch."""
        self._set_features(self.frames.flush())
        return self._complete()

    def restart(self, index):
        """Give up the windows that start before frame ``index`` (a live reader fell
        behind): the next window is the first regular one starting at or after it. Returns
        the number of frames that regular windows would have held and none will."""
        start = -(-index // self.stride) * self.stride
        if start <= self.next_start:
            return 0
        skipped = sum(1 for i in range(max(self.next_start, self.last_end), start)
                      if i % self.stride < self.n)
        kept = [entry for i, entry in self.held.items() if i >= start]
        self.next_start, self.held = start, {entry[0]: entry for entry in kept}
        self.frames.clear()
        for entry in kept:
            if entry[2] is None:
                self._featurize(entry)
        return skipped

    def _featurize(self, entry):
        self._set_features(self.frames.add(entry, entry[1][None]))

    @staticmethod
    def _set_features(finished):
        for entry, features in finished:
            entry[2] = features[0]

    def _complete(self):
        """The regular windows whose frames all have features (they come in order)."""
        windows = []
        while (last := self.held.get(self.next_start + self.n - 1)) and last[2] is not None:
            start = self.next_start
            features = np.stack([self.held[i][2] for i in range(start, start + self.n)])
            windows.append((start, start + self.n, features))
            self.last_end, self.next_start = start + self.n, start + self.stride
            for i in range(start, min(self.next_start, start + self.n)):
                del self.held[i]
        return windows

    def _tail(self, n_seen):
        """The window of the video's last ``n`` frames, ``(start, end, features)``, the
        features of a video shorter than a window padded with its last frame's (as
        ``sampling="first"`` does)."""
        start = max(0, n_seen - self.n)
        entries = [entry for entry in self.recent if entry[0] >= start]
        for entry in entries:
            if entry[2] is None:  # a frame no regular window held
                self._featurize(entry)
        self._set_features(self.frames.flush())
        features = np.stack([entry[2] for entry in entries])
        padding = np.repeat(features[-1:], self.n - len(features), axis=0)
        return start, n_seen, np.concatenate([features, padding])


class _Thumbnails:
    """At most ``MAX_THUMBNAILS`` frames, one every ``every`` windows, ``every`` doubling
    (and every other frame dropped) whenever the limit is passed."""

    def __init__(self):
        self.times, self.frames, self.every, self.count = [], [], 1, 0

    def offer(self, time, frame):
        if self.count % self.every == 0:
            step = -(-frame.shape[0] // THUMBNAIL_SIZE)  # at most THUMBNAIL_SIZE high
            self.times.append(time)
            self.frames.append(np.ascontiguousarray(frame[::step, ::step]))
            if len(self.frames) > MAX_THUMBNAILS:
                self.times, self.frames, self.every = self.times[::2], self.frames[::2], \
                    self.every * 2
        self.count += 1


def predict_timeline(model, video, *, stride=None, k=3, timeout=DEFAULT_TIMEOUT):
    """Classify a long video window by window: what happens when.

    The video is cut into windows of the model's ``n_frames`` consecutive frames, one
    every ``stride`` frames, plus one ending at the last frame if the others stop short
    of it; each window is classified as a video of its own. The video is decoded once,
    as a stream, and never held in memory: an hour-long video needs no more memory than
    a minute-long one.

    Parameters
    ----------
    model : Pipeline
        A fitted :class:`~sklearn.pipeline.Pipeline` whose first step is a
        :class:`VGG16FrameFeaturizer` and whose last step has ``predict_proba`` (e.g.
        ``make_pipeline(VGG16FrameFeaturizer(), LSTMVideoClassifier())``). Its windows
        are consecutive frames, the temporal scale of a model trained with
        ``sampling="first"`` (the paper's; a model trained with ``"uniform"`` gives a
        warning).
    video : str or os.PathLike
        A video file that ffmpeg reads.
    stride : int, default=None
        Frames from one window's start to the next; None: ``n_frames`` (windows side by
        side). A smaller stride overlaps the windows (each frame still goes through
        VGG16 once); a larger one leaves frames between windows out (they are not
        computed).
    k : int, default=3
        Number of classes per window, best first.
    timeout : float, default=60
        Seconds to wait for each frame from ffmpeg before the read is stopped.

    Returns
    -------
    timeline : :class:`~sklearn.utils.Bunch`
        start, end : ndarray of shape (n_windows,)
            Each window's first frame's time and its last frame's end, in seconds.
        labels : ndarray of shape (n_windows, k)
            The ``k`` most probable classes of each window, best first.
        scores : ndarray of shape (n_windows, k)
            Their probabilities.
        proba : ndarray of shape (n_windows, n_classes)
            Every class's probability, in the order of ``classes``.
        classes : ndarray
            The model's ``classes_``.
        thumbnails : ndarray of shape (n_thumbnails, h, w, 3)
            At most 64 frames spread over the video (downscaled), for the picture.
        thumbnail_times : ndarray of shape (n_thumbnails,)
            Their times, in seconds.
        n_frames, fps : int, float
            Frames decoded and the video's frame rate.
        window, stride : int
            Frames per window, and from one window's start to the next.

    Raises
    ------
    TypeError
        ``model`` is not a fitted Pipeline starting with a VGG16FrameFeaturizer.
    VideoReadError
        The video cannot be read, or has no frame rate.
    ValueError
        ``stride`` or ``k`` is out of range.

    See Also
    --------
    plot_timeline : The picture of a timeline.
    predict_top_k : The top classes of whole videos.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.pipeline import make_pipeline
    >>> from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, predict_timeline
    >>> from skactrec.datasets import make_synthetic_videos
    >>> data = make_synthetic_videos(tempfile.mkdtemp(), n_classes=2, n_groups=1,
    ...                              n_videos_per_group=2, n_frames=8, frame_size=32)
    >>> model = make_pipeline(
    ...     VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block1_pool",
    ...                          weights=None, pooling="avg"),
    ...     LSTMVideoClassifier(n_units=2, epochs=1, random_state=0),
    ... ).fit(data.filenames, data.target_names[data.target])
    >>> timeline = predict_timeline(model, data.filenames[0], stride=2, k=2)
    >>> timeline.labels.shape  # windows starting at frames 0, 2 and 4
    (3, 2)
    >>> [round(float(t), 2) for t in timeline.start]  # seconds, at 10 frames/s
    [0.0, 0.2, 0.4]
    """
    featurizer, head = _parts(model)
    classes = np.asarray(model.classes_)
    k = check_k(k, len(classes))
    stride = _check_stride(stride, featurizer.n_frames)
    _warn_if_not_consecutive(featurizer)
    windows = _Windows(featurizer.n_frames, stride, _frame_features(featurizer))
    thumbnails = _Thumbnails()
    with stream_video(os.fspath(video), featurizer.frame_size_, timeout=timeout) as stream:
        classified = _classify(head, _every_window(stream, windows, thumbnails))
    spans, proba = _spans_and_proba(classified, len(classes))
    labels, scores = top_k_of_proba(classes, proba, k)
    return Bunch(
        start=spans[:, 0] / stream.fps, end=spans[:, 1] / stream.fps,
        labels=labels, scores=scores, proba=proba, classes=classes,
        thumbnails=np.stack(thumbnails.frames), thumbnail_times=np.asarray(thumbnails.times),
        n_frames=stream.n_frames, fps=stream.fps, stride=stride, window=featurizer.n_frames,
    )


def _every_window(stream, windows, thumbnails):
    """The windows ``(start, end, features)`` of the frames of ``stream``, as they are
    complete; the first frame of each stride is offered to ``thumbnails``."""
    for index, frame in enumerate(stream):
        if index % windows.stride == 0:
            thumbnails.offer(index / stream.fps, frame)
        yield from windows.add(index, frame)
    yield from windows.finish(stream.n_frames)


def _classify(head, windows):
    """``[((start, end), proba), ...]``: each window classified by ``head``, in batches of
    ``WINDOWS_PER_BATCH`` windows."""

    def forward(features):
        return np.asarray(head.predict_proba(features), dtype=np.float64)

    batcher, classified = FrameBatcher(forward, WINDOWS_PER_BATCH), []
    for start, end, features in windows:
        classified += batcher.add((start, end), features[None])
    return classified + batcher.flush()


def _spans_and_proba(classified, n_classes):
    """The windows' ``(start, end)`` frames, shape ``(n_windows, 2)``, and probabilities."""
    if not classified:
        return np.empty((0, 2)), np.empty((0, n_classes))
    spans, proba = zip(*classified, strict=True)
    return np.asarray(spans, dtype=float), np.concatenate(proba)
