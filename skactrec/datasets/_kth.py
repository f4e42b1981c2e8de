"""The KTH human actions dataset (Schuldt, Laptev and Caputo, ICPR 2004): 599 videos,
6 actions, 25 people, 4 scenarios.

Official page: https://www.csc.kth.se/cvap/actions/
"""

import logging
import re
from os import PathLike
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from ._base import (
    DatasetNotFoundError,
    find_dataset_dir,
    get_data_home,
    load_descr,
    shorten_list,
    warn_skipped,
)
from ._splits import FixedSplits

__all__ = ["load_kth"]

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
