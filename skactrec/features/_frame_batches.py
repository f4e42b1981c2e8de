"""Frames of consecutive videos batched together for VGG16, features handed back per video.

Batching the frames of each video on its own leaves a short last batch per video (40
frames in batches of 32: 32 + 8), and with clips shorter than the batch (16 frames on a
GPU that wants 64) every batch is short. :class:`FrameBatcher` instead cuts the stream of
frames of all the videos that need VGG16 into full batches, whatever the videos'
boundaries, and hands each video's features back as soon as its last frame has been
through. VGG16 computes each frame on its own, so the features are the same.

It is skactrec's one batching mechanism: ``predict_timeline`` also batches with it the
frames of a long video (each a one-frame "video") and the windows it classifies (each
``forward`` a ``predict_proba``). Anything computed row by row can go through it.
"""

import numpy as np


class FrameBatcher:
    """Collects videos' frames, runs ``forward`` on full batches, returns finished videos.

    Parameters
    ----------
    forward : callable
        A batch of rows to their results, row by row: for VGG16, uint8 frames
        ``(n, height, width, 3)`` to float32 features ``(n, n_features)``.
    batch_size : int
        Frames per call of ``forward`` (the last call of :meth:`flush` may have fewer).

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec.features._frame_batches import FrameBatcher
    >>> calls = []
    >>> def forward(frames):
    ...     calls.append(len(frames))
    ...     return frames.reshape(len(frames), -1)[:, :2].astype(np.float32)
    >>> batcher = FrameBatcher(forward, batch_size=4)
    >>> batcher.add("a", np.zeros((3, 1, 1, 3), np.uint8))
    []
    >>> [key for key, _ in batcher.add("b", np.ones((3, 1, 1, 3), np.uint8))]
    ['a']
    >>> [(key, features.shape) for key, features in batcher.flush()]
    [('b', (3, 2))]
    >>> calls  # 6 frames in batches of 4: one full batch and the rest
    [4, 2]
    """

    def __init__(self, forward, batch_size):
        self.forward = forward
        self.batch_size = batch_size
        self._pending = []  # _Video, in the order they were added
        self._n_waiting = 0  # frames added and not yet through forward

    def add(self, key, frames):
        """Queue the frames of one video; ``[(key, features), ...]`` of the videos finished
        by the full batches this made, in the order they were added."""
        if len(frames) == 0:
            raise ValueError(f"video {key!r} has no frames")
        self._pending.append(_Video(key, frames))
        self._n_waiting += len(frames)
        finished = []
        while self._n_waiting >= self.batch_size:
            finished += self._run(self.batch_size)
        return finished

    def flush(self):
        """Run what is left (batches of at most ``batch_size``); the videos it finishes."""
        finished = []
        while self._n_waiting:
            finished += self._run(min(self.batch_size, self._n_waiting))
        return finished

    def clear(self):
        """Forget every video waiting (none of their features are computed)."""
        self._pending, self._n_waiting = [], 0

    def _run(self, n):
        """One call of ``forward`` on the next ``n`` waiting frames; the videos it finishes."""
        pieces, spans, n_taken = [], [], 0
        for video in self._pending:
            take = min(len(video.frames) - video.done, n - n_taken)
            if take:
                pieces.append(video.frames[video.done : video.done + take])
                spans.append((video, take))
                n_taken += take
            if n_taken == n:
                break
        out = self.forward(pieces[0] if len(pieces) == 1 else np.concatenate(pieces))
        start = 0
        for video, take in spans:
            if video.features is None:
                video.features = np.empty((len(video.frames),) + out.shape[1:], out.dtype)
            video.features[video.done : video.done + take] = out[start : start + take]
            video.done += take
            start += take
        self._n_waiting -= n
        finished = []
        while self._pending and self._pending[0].done == len(self._pending[0].frames):
            video = self._pending.pop(0)
            finished.append((video.key, video.features))
        return finished


class _Video:
    """A video in a :class:`FrameBatcher`: its frames, how many went through, their features."""

    def __init__(self, key, frames):
        self.key, self.frames = key, frames
        self.features, self.done = None, 0
