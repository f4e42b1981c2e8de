"""The KTH human actions dataset (Schuldt, Laptev and Caputo, ICPR 2004): 599 videos,
6 actions, 25 people, 4 scenarios.

Official page: https://www.csc.kth.se/cvap/actions/
"""

import logging
import re
import warnings
import zipfile
from numbers import Integral, Real
from os import PathLike
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._base import (
    DatasetNotFoundError,
    find_dataset_dir,
    get_data_home,
    load_descr,
    shorten_list,
    warn_skipped,
)
from ._download import fetch_file
from ._splits import FixedSplits

__all__ = ["fetch_kth", "load_kth"]

logger = logging.getLogger(__name__)

# Where the six zip files and 00sequences.txt are published (tests point it to a local server).
KTH_URL = "https://www.csc.kth.se/cvap/actions/"

# Target i is ACTIONS[i].
ACTIONS = ("boxing", "handclapping", "handwaving", "jogging", "running", "walking")
N_PERSONS = 25
SCENARIOS = (1, 2, 3, 4)  # d1 outdoors, d2 scale variation, d3 different clothes, d4 indoors
# The one video the dataset never had (00sequences.txt marks it "*missing*").
NEVER_RECORDED = frozenset({"person13_handclapping_d3"})

# The split published with the dataset (00sequences.txt / the website).
TRAINING_PERSONS = (11, 12, 13, 14, 15, 16, 17, 18)
VALIDATION_PERSONS = (19, 20, 21, 23, 24, 25, 1, 4)
TEST_PERSONS = (22, 2, 3, 5, 6, 7, 8, 9, 10)

SEQUENCES_FILE = "00sequences.txt"

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

_VIDEO_NAME = re.compile(
    r"^person(?P<person>\d{2})_(?P<action>" + "|".join(ACTIONS) + r")_d(?P<scenario>[1-4])"
    r"_uncomp\.avi$"
)
# Files that may sit in the dataset's folder without being videos.
_KNOWN_EXTRAS = frozenset({SEQUENCES_FILE} | {f"{action}.zip" for action in ACTIONS})


def _subset_of_person(person):
    if person in TRAINING_PERSONS:
        return "train"
    if person in VALIDATION_PERSONS:
        return "validation"
    return "test"


def _expected_names():
    """Names (without ``_uncomp.avi``) of the 599 videos, sorted by person, action, scenario."""
    return [
        f"person{person:02d}_{action}_d{scenario}"
        for person in range(1, N_PERSONS + 1)
        for action in ACTIONS
        for scenario in SCENARIOS
        if f"person{person:02d}_{action}_d{scenario}" not in NEVER_RECORDED
    ]


def _how_to_get(home):
    return (
        "Get it with skactrec.datasets.fetch_kth(), or download the six zip files "
        f"({', '.join(a + '.zip' for a in ACTIONS)}) from {KTH_URL} and extract them "
        f"into {Path(home) / 'KTH'} (one subfolder per action, or all .avi files in one folder)."
    )


def _candidate_files(directory):
    """Files directly in ``directory`` and in its per-action subfolders."""
    for folder in [directory] + [directory / action for action in ACTIONS]:
        if folder.is_dir():
            yield from (path for path in folder.iterdir() if path.is_file())


def _looks_like_kth(directory):
    return any(_VIDEO_NAME.match(path.name) for path in _candidate_files(directory))


def _scan(directory):
    """``{name: path}`` of the expected videos found; warns about any other file."""
    expected = set(_expected_names())
    found, unexpected, duplicates = {}, [], []
    for path in sorted(_candidate_files(directory)):
        if path.name.startswith(".") or (path.parent == directory and path.name in _KNOWN_EXTRAS):
            continue
        match = _VIDEO_NAME.match(path.name)
        name = path.name[: -len("_uncomp.avi")] if match else None
        if name not in expected:
            unexpected.append(path)
        elif name in found:
            duplicates.append(path)
        else:
            found[name] = path
    warn_skipped("KTH", "files that are not KTH videos (expected names like "
                 "person01_boxing_d1_uncomp.avi)", unexpected)
    warn_skipped("KTH", f"duplicate videos, already found elsewhere in {directory}", duplicates)
    return found


def _missing_names(found):
    return [name for name in _expected_names() if name not in found]


def _parse_sequences(path):
    """``{video name: [(start, end), ...]}`` from a KTH ``00sequences.txt``.

    Frame numbers are as in the file: 1-based, both ends included. Videos marked
    ``*missing*`` are left out.
    """
    ranges = {}
    text = Path(path).read_text(encoding="ascii", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split(None, 1)
        if not fields:
            continue
        name, rest = fields[0], (fields[1].strip() if len(fields) > 1 else "")
        if rest == "*missing*":
            continue
        if not re.fullmatch(r"frames\s+\d+-\d+(\s*,\s*\d+-\d+)*", rest):
            raise ValueError(f"{path}, line {number}: cannot parse {line.strip()!r}")
        ranges[name] = [(int(a), int(b)) for a, b in re.findall(r"(\d+)-(\d+)", rest)]
    return ranges


_COMMON_PARAMS = {
    "data_home": [str, PathLike, None],
    "subset": [StrOptions({"all", "train", "test"})],
    "return_X_y": ["boolean"],
    "with_frame_ranges": ["boolean"],
}


@validate_params(_COMMON_PARAMS, prefer_skip_nested_validation=True)
def load_kth(data_home=None, *, subset="all", return_X_y=False, with_frame_ranges=False):
    """Load the KTH human actions dataset from disk (file names and labels).

    The videos are not decoded: pass ``filenames`` to
    :class:`~skactrec.VGG16FrameFeaturizer` or a pipeline. Use :func:`fetch_kth` to download
    the dataset when it is missing.

    Read more in the dataset's description, ``load_kth().DESCR``, and in the user guide:
    :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The data home holding a ``KTH`` (or ``kth``) folder, or that folder itself. By
        default :func:`~skactrec.datasets.get_data_home`. The ``.avi`` files may be in
        one folder or in one subfolder per action (``KTH/boxing/...``).
    subset : {"all", "train", "test"}, default="all"
        ``"train"``: the 16 people of the official training and validation sets (383
        videos), on which Orozco et al. train; ``"test"``: the 9 test people (216 videos).
    return_X_y : bool, default=False
        Return ``(filenames, target)`` instead of a Bunch.
    with_frame_ranges : bool, default=False
        Also return each video's subsequences, read from ``00sequences.txt`` in the
        dataset's folder.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes, one entry per video,
        sorted by person, action, scenario.

        filenames : ndarray of str of shape (n_videos,)
            Paths of the ``.avi`` files.
        target : ndarray of int of shape (n_videos,)
            Action of each video, an index into ``target_names``.
        target_names : ndarray of str of shape (6,)
            ``boxing, handclapping, handwaving, jogging, running, walking``.
        groups : ndarray of int of shape (n_videos,)
            Person id (1 to 25), for group-aware cross-validation.
        scenario : ndarray of int of shape (n_videos,)
            1 outdoors, 2 outdoors with scale variation, 3 outdoors with different
            clothes, 4 indoors.
        subset_of_file : ndarray of str of shape (n_videos,)
            ``"train"``, ``"validation"`` or ``"test"``: the official set of the video's
            person.
        cv : :class:`~skactrec.datasets.FixedSplits`
            One split, training and validation people against test people, as indices
            into this Bunch's ``filenames``. Meaningful with ``subset="all"`` only (with
            another subset, one of its two sides is empty).
        frame_ranges : list of list of (int, int)
            Only with ``with_frame_ranges=True``: each video's subsequences
            ``(start, end)``, frame numbers 1-based with both ends included, as in
            ``00sequences.txt``.
        DESCR : str
            Description of the dataset.

    (filenames, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    DatasetNotFoundError
        The dataset is not found, some of its 599 videos are missing, or
        ``with_frame_ranges=True`` and ``00sequences.txt`` is not in its folder.
    ValueError
        An invalid parameter, such as an unknown ``subset``.

    Warns
    -----
    UserWarning
        For each file in the dataset's folders that is not a KTH video; it is skipped.

    See Also
    --------
    fetch_kth : Download the dataset if missing, then load it.

    Examples
    --------
    >>> from skactrec.datasets import load_kth  # doctest: +SKIP
    >>> kth = load_kth()  # doctest: +SKIP
    >>> len(kth.filenames), list(kth.target_names[:2])  # doctest: +SKIP
    (599, ['boxing', 'handclapping'])
    >>> X_train, y_train = load_kth(subset="train", return_X_y=True)  # doctest: +SKIP
    >>> len(X_train)  # doctest: +SKIP
    383
    """
    home = get_data_home(data_home)
    directory = find_dataset_dir(
        home, ["KTH", "kth"], _looks_like_kth,
        "KTH videos (person01_boxing_d1_uncomp.avi, ...), in one folder or in one "
        "subfolder per action",
        _how_to_get(home),
    )
    found = _scan(directory)
    missing = _missing_names(found)
    if missing:
        shown = shorten_list([f"{name}_uncomp.avi" for name in missing])
        raise DatasetNotFoundError(
            f"The KTH dataset in {directory} is incomplete: {len(missing)} of the "
            f"{len(_expected_names())} videos are missing, e.g. {shown}. {_how_to_get(home)}"
        )

    names = _expected_names()  # already sorted by person, action, scenario
    groups = np.array([int(name[6:8]) for name in names])
    keep = {
        "all": np.ones(len(names), dtype=bool),
        "train": ~np.isin(groups, TEST_PERSONS),
        "test": np.isin(groups, TEST_PERSONS),
    }[subset]
    names = [name for name, k in zip(names, keep, strict=True) if k]
    groups = groups[keep]
    filenames = np.array([str(found[name]) for name in names])
    target = np.array([ACTIONS.index(name.split("_")[1]) for name in names])
    scenario = np.array([int(name[-1]) for name in names])
    subset_of_file = np.array([_subset_of_person(g) for g in groups])
    in_test = np.isin(groups, TEST_PERSONS)
    cv = FixedSplits([(np.flatnonzero(~in_test), np.flatnonzero(in_test))])

    if return_X_y:
        if with_frame_ranges:
            _frame_ranges(directory, names)  # still raises when the file is missing
        return filenames, target

    bunch = Bunch(
        filenames=filenames,
        target=target,
        target_names=np.array(ACTIONS),
        groups=groups,
        scenario=scenario,
        subset_of_file=subset_of_file,
        cv=cv,
        DESCR=load_descr("kth"),
    )
    if with_frame_ranges:
        bunch.frame_ranges = _frame_ranges(directory, names)
    return bunch


def _frame_ranges(directory, names):
    path = directory / SEQUENCES_FILE
    if not path.is_file():
        raise DatasetNotFoundError(
            f"with_frame_ranges=True needs {SEQUENCES_FILE}, not found at {path}. Download "
            f"{KTH_URL}{SEQUENCES_FILE} and save it there (fetch_kth does it for you)."
        )
    ranges = _parse_sequences(path)
    return [list(ranges.get(name, [])) for name in names]


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
        fetch_file(f"{KTH_URL}{action}.zip", archive, sha256=ZIP_SHA256[action],
                   n_retries=n_retries, delay=delay)
        try:
            _verify_zip(archive, action)
            logger.info("Extracting %s into %s", archive, directory / action)
            _extract_videos(archive, action, directory)
        except OSError as error:
            raise OSError(
                f"{error} Downloaded from {KTH_URL}{action}.zip; it was deleted, try again "
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
        fetch_file(f"{KTH_URL}{SEQUENCES_FILE}", directory / SEQUENCES_FILE,
                   n_retries=n_retries, delay=delay)
    return load_kth(directory, **params)
