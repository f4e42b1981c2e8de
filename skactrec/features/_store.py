"""A per-video feature store on disk: each video's features are computed once, then read.

Layout: ``<root>/skactrec-features-v1/<settings digest>/<video digest[:2]>/<video digest>``
plus a suffix: ``.nz`` for features that are mostly zeros (their non-zero values and
positions, :mod:`._nonzeros`: about a fifth of the bytes for ImageNet's ``block5_pool``
features of real frames), ``.npy`` for the others (and for every entry of stores written
before ``.nz`` existed, which are read as they are). A ``settings.json`` beside each settings
folder says what produced it. Every file name comes from a hash, never from a user's path.
Entries are written atomically (a temporary file in the same folder, then ``os.replace``)
and ``.npy`` ones read with ``allow_pickle=False``; an entry of the wrong shape or dtype,
or one that cannot be parsed, is logged, deleted and recomputed, never returned.
"""

import hashlib
import json
import logging
import threading
import time
from pathlib import Path

import numpy as np

from ..utils._files import TEMPORARY_PREFIX, file_sha256, write_atomically
from ._nonzeros import decode_nonzeros, encode_nonzeros

logger = logging.getLogger(__name__)

STORE_FORMAT = "skactrec-features-v1"


def video_digest(video):
    """SHA-256 identifying a video's content: a file's bytes, or an array's dtype, shape and data.

    Examples
    --------
    >>> import numpy as np
    >>> from skactrec.features._store import video_digest
    >>> a = np.zeros((2, 4, 4, 3), np.uint8)
    >>> video_digest(a) == video_digest(a.copy()), video_digest(a) == video_digest(a[:1])
    (True, False)
    """
    if isinstance(video, np.ndarray):
        digest = hashlib.sha256(f"array:{video.dtype.str}:{video.shape}:".encode())
        digest.update(np.ascontiguousarray(video).data)
        return digest.hexdigest()
    return file_sha256(video)


def settings_digest(settings):
    """SHA-256 of a JSON-able dict of every setting that changes the features."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


STALE_AFTER_SECONDS = 3600  # a write takes milliseconds: an older temporary file is orphaned
_SWEPT = set()  # store folders already swept by this process
_SWEPT_LOCK = threading.Lock()


def _remove_stale_temporary_files(directory):
    """Delete the temporary files that killed writers left in ``directory`` (once per
    process): those older than ``STALE_AFTER_SECONDS``, so a write in progress in another
    process is never touched."""
    with _SWEPT_LOCK:
        if directory in _SWEPT:
            return
        _SWEPT.add(directory)
    cutoff = time.time() - STALE_AFTER_SECONDS
    removed = 0
    for path in directory.rglob(f"{TEMPORARY_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # removed meanwhile by another process
            pass
    if removed:
        logger.info("Removed %d temporary files left by interrupted writes in %s", removed,
                    directory)


class FeatureStore:
    """Features of videos under one setting of the featurizer, stored as ``.npy`` files.

    Parameters
    ----------
    root : str or os.PathLike
        Directory of the store (created if missing). Several settings and processes
        can share one root.
    settings : dict
        Every parameter that changes the features (JSON-able). Entries written under
        other settings are never returned.
    shape : tuple of int
        Shape of one video's features; entries of another shape are rejected.
    dtype : str or numpy.dtype, default="float32"
        Type of the features; entries of another type are rejected.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from skactrec.features._store import FeatureStore
    >>> with tempfile.TemporaryDirectory() as root:
    ...     store = FeatureStore(root, {"layer": "block5_pool"}, shape=(2, 3))
    ...     video = np.zeros((2, 8, 8, 3), np.uint8)
    ...     print(store.get(video))
    ...     store.put(video, np.ones((2, 3), np.float32))
    ...     print(store.get(video).sum())
    None
    6.0
    """

    def __init__(self, root, settings, shape, dtype="float32"):
        self.settings = dict(settings)
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.directory = Path(root) / STORE_FORMAT / settings_digest(self.settings)[:32]
        self.directory.mkdir(parents=True, exist_ok=True)
        description = self.directory / "settings.json"
        if not description.exists():
            text = json.dumps({**self.settings, "shape": list(self.shape)}, indent=2,
                              sort_keys=True)
            write_atomically(description, lambda f: f.write(text.encode()))
        _remove_stale_temporary_files(self.directory)

    def path(self, video):
        """Where the features of ``video`` are (or would be) stored, without the suffix
        that says their format."""
        digest = video_digest(video)
        return self.directory / digest[:2] / digest

    def get(self, video):
        """The stored features of ``video``, or None if absent or damaged (then deleted)."""
        return self.read(self.path(video))

    def put(self, video, features):
        """Store the features of ``video`` atomically."""
        self.write(self.path(video), features)

    def files(self, path):
        """The files entry ``path`` (from :meth:`path`) may be in, in the order read."""
        return [path.with_name(path.name + suffix) for suffix in (".nz", ".npy")]

    def read(self, path):
        """The features in entry ``path`` (from :meth:`path`), or None if absent or damaged."""
        nonzeros, plain = self.files(path)
        for file, load in ((nonzeros, self._load_nonzeros), (plain, _load_npy)):
            try:
                features = load(file)
            except FileNotFoundError:
                continue
            except (OSError, ValueError, EOFError) as exc:
                logger.warning("Damaged feature-store entry %s (%s): recomputing it.", file, exc)
                file.unlink(missing_ok=True)
                return None
            if features.shape != self.shape or features.dtype != self.dtype:
                logger.warning(
                    "Feature-store entry %s has %s %s instead of %s %s: recomputing it.",
                    file, features.dtype, features.shape, self.dtype, self.shape,
                )
                file.unlink(missing_ok=True)
                return None
            return features
        return None

    def _load_nonzeros(self, file):
        return decode_nonzeros(file.read_bytes(), self.shape, self.dtype)

    def write(self, path, features):
        """Write ``features`` atomically as entry ``path`` (from :meth:`path`): as non-zeros
        where that is smaller, else as ``.npy``."""
        features = np.asarray(features)
        if features.shape != self.shape or features.dtype != self.dtype:
            raise ValueError(
                f"Features of shape {features.shape} and dtype {features.dtype} do not fit "
                f"this store ({self.shape}, {self.dtype})."
            )
        nonzeros, plain = self.files(path)
        encoded = encode_nonzeros(features)
        if encoded is not None:
            write_atomically(nonzeros, lambda f: f.write(encoded))
        else:
            write_atomically(plain, lambda f: np.save(f, features, allow_pickle=False))


def _load_npy(file):
    return np.load(file, allow_pickle=False)
