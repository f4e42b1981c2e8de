"""Downloading KTH: the six zip files of its official page, each checked and extracted into
``<data_home>/KTH/<action>/``, then loaded by :func:`~skactrec.datasets.load_kth`."""

import logging
import warnings
import zipfile
from numbers import Integral, Real
from pathlib import Path

from sklearn.utils._param_validation import Interval, validate_params

from . import _kth
from ._base import DatasetNotFoundError, find_dataset_dir, get_data_home
from ._download import fetch_file
from ._kth import (
    _COMMON_PARAMS,
    _VIDEO_NAME,
    ACTIONS,
    SEQUENCES_FILE,
    _expected_names,
    _looks_like_kth,
    _missing_names,
    _scan,
    load_kth,
)

__all__ = ["fetch_kth"]

logger = logging.getLogger(__name__)

# Checksums of the six zip files: no official SHA-256 is published, and none could be
# checked here, so none is enforced (None); fetch_kth verifies each zip with zipfile
# instead (it opens, testzip() finds no CRC error, it holds .avi files of its action).
# For the record, vipy (github.com/visym/vipy, vipy/dataset/kthactions.py) lists these
# SHA-1 values, unverified here: walking a3e81537271a0ab4576591774baa38c2d97b7e3a,
# jogging 21943bdbcef9dad106db0d74661e49eaeaa15a25, running
# da83bb313edfd4455fffdda6263696fa10d43c6f, boxing adb36ed9c29c846d44d2ba15f348bd115c951bbd,
# handwaving 0792f7cd69f7f895a205c08ac212ddaa7177e370, handclapping
# d3b81261aa822ef63d0d1523f945bfaff27814d2.
ZIP_SHA256 = dict.fromkeys(ACTIONS)


def _verify_zip(path, action):
    """Raise OSError unless ``path`` is a sound zip holding .avi files of ``action``."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            videos = [Path(n).name for n in archive.namelist() if n.lower().endswith(".avi")]
    except (zipfile.BadZipFile, OSError) as error:
        raise OSError(f"{path} is not a valid zip file ({error}).") from error
    if bad is not None:
        raise OSError(f"{path} is corrupted: {bad} fails its CRC check.")
    if not any((m := _VIDEO_NAME.match(n)) and m["action"] == action for n in videos):
        raise OSError(f"{path} holds no {action} video of KTH ({len(videos)} .avi files).")


def _extract_videos(path, action, directory):
    """Extract the KTH videos of ``path`` into ``directory/action``, flattening folders."""
    destination = directory / action
    destination.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = Path(info.filename).name
            if info.is_dir() or not _VIDEO_NAME.match(name):
                continue
            # Only the base name is used, so no member can be written outside `destination`.
            with archive.open(info) as source, open(destination / name, "wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)


def _download_actions(home, directory, actions, n_retries, delay):
    for action in actions:
        archive = home / f"{action}.zip"
        fetch_file(f"{_kth.KTH_URL}{action}.zip", archive, sha256=ZIP_SHA256[action],
                   n_retries=n_retries, delay=delay)
        try:
            _verify_zip(archive, action)
            logger.info("Extracting %s into %s", archive, directory / action)
            _extract_videos(archive, action, directory)
        except OSError as error:
            raise OSError(
                f"{error} Downloaded from {_kth.KTH_URL}{action}.zip; it was deleted, try again "
                f"or download it by hand and extract it into {directory / action}."
            ) from error
        finally:
            archive.unlink(missing_ok=True)


@validate_params(
    {
        **_COMMON_PARAMS,
        "download_if_missing": ["boolean"],
        "n_retries": [Interval(Integral, 0, None, closed="left")],
        "delay": [Interval(Real, 0.0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def fetch_kth(
    data_home=None,
    *,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    with_frame_ranges=False,
    n_retries=3,
    delay=1.0,
):
    """Load the KTH human actions dataset, downloading it first if it is missing.

    Downloads the six zip files of https://www.csc.kth.se/cvap/actions/ (about 1 GB in
    all) into the data home, checks each one, extracts its videos into
    ``<data_home>/KTH/<action>/`` and deletes it, then calls :func:`load_kth`. Only the
    actions with missing videos are downloaded again. With ``with_frame_ranges=True``
    it also downloads ``00sequences.txt`` if missing.

    Read more in the user guide: :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The data home holding the ``KTH`` folder, or that folder itself. By default
        :func:`~skactrec.datasets.get_data_home`.
    subset : {"all", "train", "test"}, default="all"
        See :func:`load_kth`.
    download_if_missing : bool, default=True
        If False, raise a :class:`~skactrec.datasets.DatasetNotFoundError` when the
        dataset is missing or incomplete instead of downloading it.
    return_X_y : bool, default=False
        Return ``(filenames, target)`` instead of a Bunch.
    with_frame_ranges : bool, default=False
        See :func:`load_kth`.
    n_retries : int, default=3
        Number of retries of each download after a network error.
    delay : float, default=1.0
        Seconds between retries.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        As returned by :func:`load_kth`.

    Raises
    ------
    DatasetNotFoundError
        ``download_if_missing=False`` and the dataset is missing or incomplete.
    OSError
        A download failed after its retries, or a zip file is not valid.

    See Also
    --------
    load_kth : Load the dataset without downloading anything.

    Examples
    --------
    >>> from skactrec.datasets import fetch_kth  # doctest: +SKIP
    >>> kth = fetch_kth()  # doctest: +SKIP
    >>> kth.cv  # doctest: +SKIP
    FixedSplits(n_splits=1, train/test sizes: 383/216)
    """
    home = get_data_home(data_home)
    params = dict(subset=subset, return_X_y=return_X_y, with_frame_ranges=with_frame_ranges)
    try:
        directory = find_dataset_dir(home, ["KTH", "kth"], _looks_like_kth, "", "")
    except DatasetNotFoundError:
        directory = None
    if directory is None:
        missing = _expected_names()
        directory = home / "KTH"
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # load_kth warns about them below
            missing = _missing_names(_scan(directory))
    sequences_missing = with_frame_ranges and not (directory / SEQUENCES_FILE).is_file()
    if (missing or sequences_missing) and not download_if_missing:
        return load_kth(home, **params)  # raises DatasetNotFoundError, saying what is missing
    if missing:
        actions = [a for a in ACTIONS if any(name.split("_")[1] == a for name in missing)]
        logger.info("Downloading KTH (%s) into %s", ", ".join(actions), home)
        _download_actions(home, directory, actions, n_retries, delay)
    if sequences_missing:
        fetch_file(f"{_kth.KTH_URL}{SEQUENCES_FILE}", directory / SEQUENCES_FILE,
                   n_retries=n_retries, delay=delay)
    return load_kth(directory, **params)
