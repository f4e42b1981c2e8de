"""How ``VGG16FrameFeaturizer.transform`` fills its output, video by video.

For each video in order, a read-ahead thread looks the video up in the feature store and,
on a miss, decodes and resizes its frames (:func:`read_video`, an ffmpeg child process),
up to ``_READ_AHEAD`` videos ahead of VGG16, so decoding and store reads overlap with
inference. The frames of the videos that need VGG16 go through it in full batches across
videos (:class:`~skactrec.features._frame_batches.FrameBatcher`); each video's features are
written to the store (when there is one) and into the output as soon as its last frame is
through. A video that appears twice in one call is computed once: its later copies wait for
the first one's features. An unreadable video is recorded, not raised: the caller raises
one error naming all of them once every other video is done.

With ``n_jobs`` other than 1, the videos are cut into a few consecutive chunks per worker
(``_CHUNKS_PER_WORKER``: an even load, and each worker's read-ahead thread still has a next
video to decode), each featurized by :func:`featurize` in a joblib worker (a local process
or a Dask worker) with a copy of the fitted featurizer, and gathered in order.

The functions take the fitted featurizer as their first argument and use its parameters,
its ``_store()`` and its ``_extractor()``.
"""

import queue
import threading

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone

from ..utils._progress import Progress
from ..video._reader import read_video
from ._frame_batches import FrameBatcher

_READ_AHEAD = 2  # videos read ahead of VGG16: enough to hide decoding, little memory
_CHUNKS_PER_WORKER = 4


def featurize(featurizer, videos, store, out, progress):
    """Features of ``videos`` into ``out`` in this process; ``(index, error)`` of the
    unreadable ones.

    The frames of the videos that need VGG16 go through it in batches of the featurizer's
    ``batch_size`` across videos.
    """
    errors, extractor, written = [], None, set()
    n_stored = 0
    # Store entry -> indices of later copies of a video whose features are on the way.
    copies = {}

    def forward(frames):
        nonlocal extractor
        if extractor is None:  # built (once per process) only if a video needs it
            extractor = featurizer._extractor()
        return extractor(frames, batch_size=len(frames))

    def finish(videos_done):
        for (i, entry), features in videos_done:
            features = features.astype(featurizer.dtype, copy=False)
            if entry is not None:
                store.write(entry, features)
                written.add(entry)
            for j in [i] + copies.pop(entry, []):
                out[j] = features
                progress.update(note=f"{n_stored} from store" if store is not None else "")

    batcher = FrameBatcher(forward, featurizer.batch_size)
    for i, (entry, features, frames, error) in enumerate(read_ahead(featurizer, videos, store)):
        if error is not None:
            errors.append((i, error))
            progress.update(note="unreadable")
        elif entry is not None and entry in copies:  # the same video, on its way
            copies[entry].append(i)
        elif features is not None or entry in written:
            # Stored before, or by this call since the read-ahead thread looked it up.
            out[i] = features if features is not None else store.read(entry)
            n_stored += 1
            progress.update(note=f"{n_stored} from store")
        else:
            if entry is not None:
                copies[entry] = []
            finish(batcher.add((i, entry), frames))
    finish(batcher.flush())
    return errors


def featurize_in_parallel(featurizer, videos, out, progress):
    """:func:`featurize` of consecutive chunks of ``videos`` by joblib's workers (local
    processes, or a Dask cluster's), gathered into ``out`` in order."""
    n_workers = effective_n_jobs(featurizer.n_jobs)
    n_chunks = min(len(videos), _CHUNKS_PER_WORKER * n_workers)
    bounds = np.linspace(0, len(videos), n_chunks + 1).astype(int)
    chunks = list(zip(bounds[:-1], bounds[1:], strict=True))
    worker = clone(featurizer).set_params(n_jobs=1, memmap=False, verbose=0)
    worker.frame_size_, worker.n_features_out_ = featurizer.frame_size_, featurizer.n_features_out_
    if hasattr(featurizer, "calibration_id_"):
        worker.calibration_id_ = featurizer.calibration_id_
    results = Parallel(n_jobs=featurizer.n_jobs, return_as="generator")(
        delayed(_featurize_chunk)(worker, videos[start:stop]) for start, stop in chunks
    )
    errors = []
    for (start, stop), (features, chunk_errors) in zip(chunks, results, strict=True):
        out[start:stop] = features
        errors.extend((start + i, error) for i, error in chunk_errors)
        progress.update(stop - start, note=f"{len(errors)} unreadable" if errors else "")
    return errors


def _featurize_chunk(featurizer, videos):
    """In a joblib worker: ``(features, errors)`` of ``videos`` (unreadable ones left 0)."""
    out = np.zeros((len(videos), featurizer.n_frames, featurizer.n_features_out_),
                   featurizer.dtype)
    with Progress(len(videos), "VGG16 features", verbose=0) as progress:
        errors = featurize(featurizer, videos, featurizer._store(), out, progress)
    return out, errors


def _read(featurizer, video, store):
    """``(entry, stored features, frames, error)`` of one video, one of the last three set."""
    entry = _store_entry(store, video)
    features = store.read(entry) if entry is not None else None
    if features is not None:
        return entry, features, None, None
    try:
        frames = read_video(video, n_frames=featurizer.n_frames,
                            frame_size=featurizer.frame_size_, sampling=featurizer.sampling)
    except ValueError as exc:  # VideoReadError, or an array of a bad shape
        return entry, None, None, exc
    return entry, None, frames, None


def read_ahead(featurizer, videos, store):
    """``_read`` of each video in order, computed by a thread up to two videos ahead.

    Decoding (ffmpeg, another process) and store reads then overlap with VGG16. The
    thread is stopped and joined when the caller stops early (error, interrupt).
    """
    results = queue.Queue(maxsize=_READ_AHEAD)
    stop = threading.Event()

    def hand_over(item):
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def produce():
        try:
            for video in videos:
                if not hand_over(_read(featurizer, video, store)):
                    return
        except BaseException as exc:  # an unexpected error: raised in the caller
            hand_over(_Failure(exc))

    thread = threading.Thread(target=produce, name="skactrec-read-ahead", daemon=True)
    thread.start()
    try:
        for _ in videos:
            item = results.get()
            if isinstance(item, _Failure):
                raise item.exception
            yield item
    finally:
        stop.set()
        thread.join()


class _Failure:
    """An exception raised in the read-ahead thread, carried to the caller."""

    def __init__(self, exception):
        self.exception = exception


def _store_entry(store, video):
    """Where the store keeps the features of ``video`` (hashed once), or None.

    None without a store, and for a file that cannot be read: read_video then raises the
    error that explains why.
    """
    if store is None:
        return None
    try:
        return store.path(video)
    except OSError:  # missing file, directory...
        return None
