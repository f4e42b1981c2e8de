"""Downloading one file: retries, SHA-256 check, atomic replace."""

import logging
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..utils._files import atomic_path, file_digest

logger = logging.getLogger(__name__)

# Seconds to wait for the server before an attempt counts as failed.
_TIMEOUT = 60


class ChecksumMismatchError(OSError):
    """The downloaded file is not the expected one (not worth another attempt)."""


def _download_once(url, temporary):
    with urllib.request.urlopen(url, timeout=_TIMEOUT) as response, open(temporary, "wb") as f:
        shutil.copyfileobj(response, f, length=1 << 20)


def fetch_file(url, target, *, sha256=None, n_retries=3, delay=1.0):
    """Download ``url`` to ``target``, retrying on network errors, checking its SHA-256.

    The file is written to a temporary file beside ``target`` and moved into place only
    once it is complete and its checksum matches, so ``target`` is never left half-written.

    Parameters
    ----------
    url : str
        What to download (any URL :func:`urllib.request.urlopen` opens).
    target : str or os.PathLike
        Where to save it; its folder is created if missing, an existing file is replaced.
    sha256 : str, default=None
        Expected SHA-256 of the file, in hexadecimal. None: not checked.
    n_retries : int, default=3
        How many times to try again after a network error (so at most ``n_retries + 1``
        attempts). A checksum mismatch is not retried.
    delay : float, default=1.0
        Seconds to wait before each new attempt.

    Returns
    -------
    target : pathlib.Path
        The downloaded file.

    Raises
    ------
    OSError
        Every attempt failed, or the checksum does not match (nothing is left behind).
        The message names the URL and the target and says how to download it by hand.
    ValueError
        ``n_retries`` is negative or ``delay`` is negative.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skactrec.datasets._download import fetch_file
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     source = Path(tmp) / "source.txt"
    ...     _ = source.write_text("hello")
    ...     path = fetch_file(source.as_uri(), Path(tmp) / "copy.txt")
    ...     path.read_text()
    'hello'
    """
    if int(n_retries) != n_retries or n_retries < 0:
        raise ValueError(f"n_retries must be an int >= 0, got {n_retries!r}")
    if delay < 0:
        raise ValueError(f"delay must be >= 0, got {delay!r}")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    manual = (
        f"Download {url} by hand (a browser, curl or wget) and save it as {target}."
    )
    n_attempts = int(n_retries) + 1
    last_error = None
    for attempt in range(1, n_attempts + 1):
        logger.info("Downloading %s to %s (attempt %d of %d)", url, target, attempt, n_attempts)
        try:
            with atomic_path(target) as temporary:
                _download_once(url, temporary)
                actual = file_digest(temporary) if sha256 is not None else None
                if actual is not None and actual != sha256.lower():
                    raise ChecksumMismatchError(
                        f"The file downloaded from {url} has SHA-256 {actual}, expected "
                        f"{sha256.lower()}: it is corrupted or has changed on the server. "
                        f"Nothing was saved to {target}. {manual}"
                    )
            return target
        except ChecksumMismatchError:
            raise
        except (urllib.error.URLError, OSError) as error:
            last_error = error
            logger.warning("Download of %s failed (attempt %d of %d): %s",
                           url, attempt, n_attempts, error)
            if attempt < n_attempts:
                time.sleep(delay)
    raise OSError(
        f"Could not download {url} to {target} after {n_attempts} attempt(s): {last_error}. "
        f"{manual}"
    ) from last_error
