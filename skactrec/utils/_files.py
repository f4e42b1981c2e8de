"""Files written whole or not at all, and files' content digests.

Every file skactrec writes (feature store entries, models, model cards, converted weights,
downloads) goes through :func:`atomic_path`: it is written under a temporary name beside its
destination, then renamed into place, so a crash or Ctrl-C never leaves a half-written file
under the real name. The temporary names start with ``.tmp-``, so a folder's leftovers of
killed writers can be found.
"""

import contextlib
import hashlib
import os
import threading
import uuid
from pathlib import Path

TEMPORARY_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_path(path):
    """A temporary path beside ``path``, renamed to ``path`` when the block ends without error.

    The temporary name ends with ``path``'s own name, so writers that check the extension
    (Keras, joblib) accept it. On an error the temporary file is removed and ``path`` is
    left as it was. The folder is created if missing.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skactrec.utils._files import atomic_path
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "model.txt") as partial:
    ...     _ = partial.write_text("fitted")
    >>> sorted(p.name for p in folder.iterdir())
    ['model.txt']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}.{path.name}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def replace_atomically(path, write):
    """Call ``write(temporary_path)`` (joblib.dump, Keras's save), then move it to ``path``."""
    with atomic_path(path) as partial:
        write(partial)


def write_atomically(path, write):
    """Call ``write(file)`` on a new binary file, flushed to disk, then move it to ``path``."""
    with atomic_path(path) as partial, open(partial, "xb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


def file_digest(path, algorithm="sha256"):
    """Hex digest of a file's content, read in chunks (``algorithm`` as :mod:`hashlib`)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_MEMO = {}
_MEMO_LOCK = threading.Lock()


def memoised_per_file(path, kind, compute):
    """``compute(path)``, remembered in the process under ``kind`` while the file's path, size
    and modification time stay the same."""
    stat = os.stat(path)
    key = (kind, os.path.realpath(path), stat.st_size, stat.st_mtime_ns)
    with _MEMO_LOCK:
        if key in _MEMO:
            return _MEMO[key]
    value = compute(path)
    with _MEMO_LOCK:
        _MEMO[key] = value
    return value


def file_sha256(path):
    """SHA-256 of a file's content, memoised on (path, size, mtime) within the process."""
    return memoised_per_file(path, "sha256", file_digest)
