"""predict_timeline: a long video classified window by window, in one decoding pass.

A window is ``n_frames`` consecutive frames, the temporal scale a model trained with
``sampling="first"`` has seen. The video is decoded once, as a stream; each frame goes
through VGG16 (in batches of the featurizer's ``batch_size``) only if some window holds
it, and windows are classified as soon as their frames are in. What is kept is bounded
whatever the video's length: the last ``n_frames + batch_size`` frames and their
features, a batch of windows, one probability row per window and at most
``MAX_THUMBNAILS`` small frames for the picture.
"""

import os
import warnings
from collections import deque
from numbers import Integral

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ..video._ffmpeg import DEFAULT_TIMEOUT
from ._top_k import check_k, top_k_of_proba

WINDOWS_PER_BATCH = 16  # windows per predict_proba call
MAX_THUMBNAILS = 64  # frames kept for the picture, evenly spread over the video
THUMBNAIL_SIZE = 64  # their greatest height in pixels


def _parts(model):
    """``(featurizer, head)``: the model's VGG16FrameFeaturizer and the steps after it."""
    from ..features._featurizer import VGG16FrameFeaturizer

    if not (isinstance(model, Pipeline) and isinstance(model[0], VGG16FrameFeaturizer)
            and len(model) > 1):
        raise TypeError(
            "predict_timeline needs a fitted Pipeline whose first step is a "
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


def _fill_features(entries, featurize):
    """Give the entries ``[index, frame, features]`` without features theirs, in one call."""
    missing = [entry for entry in entries if entry[2] is None]
    if missing:
        for entry, features in zip(missing, featurize([e[1] for e in missing]), strict=True):
            entry[2] = features


class _Windows:
    """Windows ``[start, start + n)`` every ``stride`` frames, fed frames in order.

    A frame is an entry ``[index, frame, features]``. ``held`` keeps the entries of the
    frames a regular window still needs (at most ``n + batch_size`` of them); ``recent``
    the last ``n``, for the window that ends the video.
    """

    def __init__(self, n_frames, stride):
        self.n, self.stride = n_frames, stride
        self.recent = deque(maxlen=n_frames)
        self.held = {}
        self.next_start = 0  # of the next regular window
        self.last_end = 0  # end of the last window made

    def add(self, entry):
        """Take a frame; whether a regular window holds it (else VGG16 may skip it)."""
        self.recent.append(entry)
        if entry[0] % self.stride < self.n:
            self.held[entry[0]] = entry
            return True
        return False

    def complete(self, n_featurized):
        """The regular windows whose frames all have features: ``(start, features)``."""
        while self.next_start + self.n <= n_featurized:
            start = self.next_start
            yield start, np.stack([self.held[i][2] for i in range(start, start + self.n)])
            self.last_end, self.next_start = start + self.n, start + self.stride
            for i in range(start, min(self.next_start, start + self.n)):
                del self.held[i]

    def tail(self, n_seen, featurize):
        """The window that covers the end of the video, if the regular ones do not:
        ``(start, end, features)``, the features of a video shorter than a window padded
        with its last frame's (as ``sampling="first"`` does)."""
        if self.last_end >= n_seen:
            return None
        start = max(0, n_seen - self.n)
        entries = [entry for entry in self.recent if entry[0] >= start]
        _fill_features(entries, featurize)  # the frames no regular window held
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
    n_frames = featurizer.n_frames
    stride = _check_stride(stride, n_frames)
    if featurizer.sampling != "first":
        warnings.warn(
            f"the model's featurizer reads videos with sampling={featurizer.sampling!r}, "
            "frames spread over whole videos; the timeline's windows are consecutive frames, "
            "a shorter temporal scale than the model was trained on.", UserWarning,
            stacklevel=2)
    from ..video._reader import stream_video

    extractor = featurizer._extractor()

    def featurize(frames):
        return extractor(np.stack(frames), batch_size=len(frames)).astype(
            featurizer.dtype, copy=False)

    windows = _Windows(n_frames, stride)
    thumbnails = _Thumbnails()
    rows, starts, ends, batch, pending = [], [], [], [], []

    def classify(flush=False):
        if batch and (flush or len(batch) >= WINDOWS_PER_BATCH):
            rows.append(np.asarray(head.predict_proba(np.stack(batch)), dtype=np.float64))
            batch.clear()

    def run_pending(n_seen):
        _fill_features(pending, featurize)
        pending.clear()
        for start, features in windows.complete(n_seen):
            starts.append(start)
            ends.append(start + n_frames)
            batch.append(features)
            classify()

    with stream_video(os.fspath(video), featurizer.frame_size_, timeout=timeout) as stream:
        fps = stream.fps
        for index, frame in enumerate(stream):
            entry = [index, frame, None]
            if index % stride == 0:
                thumbnails.offer(index / fps, frame)
            if windows.add(entry):
                pending.append(entry)
                if len(pending) == featurizer.batch_size:
                    run_pending(stream.n_frames)
        run_pending(stream.n_frames)
    n_seen = stream.n_frames
    tail = windows.tail(n_seen, featurize)
    if tail is not None:
        starts.append(tail[0])
        ends.append(tail[1])
        batch.append(tail[2])
    classify(flush=True)
    proba = np.concatenate(rows) if rows else np.empty((0, len(classes)))
    labels, scores = top_k_of_proba(classes, proba, k)
    return Bunch(
        start=np.asarray(starts, dtype=float) / fps, end=np.asarray(ends, dtype=float) / fps,
        labels=labels, scores=scores, proba=proba, classes=classes,
        thumbnails=np.stack(thumbnails.frames), thumbnail_times=np.asarray(thumbnails.times),
        n_frames=n_seen, fps=fps, stride=stride, window=n_frames,
    )
