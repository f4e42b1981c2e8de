"""HMDB-51 (Kuehne et al., 2011): 6766 clips of 51 actions, three official 70/30 splits."""

import os
import re
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._base import (
    DatasetNotFoundError,
    check_listed_files,
    find_dataset_dir,
    load_descr,
    warn_skipped,
)
from ._splits import FixedSplits

FOLDER_NAMES = ("hmdb51", "HMDB51", "hmdb51_org")
SPLITS_FOLDER = "testTrainMulti_7030_splits"
N_SPLITS = 3
UNUSED, TRAIN, TEST = 0, 1, 2
_SPLIT_FILE = re.compile(r"^(?P<cls>.+)_test_split(?P<k>[1-9])\.txt$")
# <source>_<action>_<body part>_<camera motion>_<people>_<viewpoint>_<quality>_<index>.avi
_META = r"_[a-z]+_[a-z]+_np\d+_[a-z]+_[a-z]+_\d+\.avi$"

HOW_TO_GET = (
    "Download hmdb51_org.rar and test_train_splits.rar from "
    "https://serre-lab.clps.brown.edu/resource/hmdb-a-large-human-motion-database/ and "
    "extract them into the data home: `unrar x test_train_splits.rar DATA_HOME/`, then "
    "`unrar x hmdb51_org.rar DATA_HOME/hmdb51_org/` and, inside DATA_HOME/hmdb51_org/, each "
    "per-class archive (`for f in *.rar; do unrar x \"$f\" && rm \"$f\"; done`; `7z x` works "
    "too; the per-class .rar files are not needed once extracted), so that "
    f"DATA_HOME holds hmdb51_org/<class>/*.avi and {SPLITS_FOLDER}/ (inside hmdb51_org/ or "
    "beside it)."
)
WHAT = (
    "HMDB-51's class folders (<class>/*.avi) with the official "
    f"{SPLITS_FOLDER}/ folder (<class>_test_split[1-3].txt) inside that folder or beside it"
)


def parse_hmdb51_splits(split_dir):
    """Parse the official ``testTrainMulti_7030_splits`` folder of HMDB-51.

    This reads only the split files; it does not look at the videos.

    Parameters
    ----------
    split_dir : str or os.PathLike
        The folder holding ``<class>_test_split{1,2,3}.txt``, whose lines read
        ``<video>.avi <id>``: 1 for training, 2 for test, 0 for unused.

    Returns
    -------
    class_names : list of str
        The classes, sorted.
    assignments : dict of str to tuple of int
        For each video, as ``<class>/<video>.avi``, its id in each of the three splits; a
        video that a split's file does not list is unused (0) in that split.

    Raises
    ------
    DatasetNotFoundError
        No split file, or a class lacks one of its three files.
    ValueError
        A line is not ``<video>.avi <0, 1 or 2>``.

    Examples
    --------
    >>> from skactrec.datasets._hmdb51 import parse_hmdb51_splits
    >>> class_names, assignments = parse_hmdb51_splits(
    ...     "testTrainMulti_7030_splits")  # doctest: +SKIP
    >>> len(class_names), len(assignments)  # doctest: +SKIP
    (51, 6766)
    """
    split_dir = Path(split_dir)
    files = {}
    for path in sorted(split_dir.iterdir()) if split_dir.is_dir() else []:
        match = _SPLIT_FILE.match(path.name)
        if match and path.is_file():
            files.setdefault(match["cls"], {})[int(match["k"])] = path
    if not files:
        raise DatasetNotFoundError(f"No HMDB-51 split file in {split_dir}.\n{HOW_TO_GET}")
    incomplete = [f"{cls}_test_split{k}.txt" for cls, by_k in files.items()
                  for k in range(1, N_SPLITS + 1) if k not in by_k]
    if incomplete:
        raise DatasetNotFoundError(
            f"HMDB-51's split files in {split_dir} are incomplete: {', '.join(incomplete[:5])}"
            f"{' ...' if len(incomplete) > 5 else ''} missing.\n{HOW_TO_GET}"
        )
    assignments = {}
    for cls in sorted(files):
        for k in range(1, N_SPLITS + 1):
            path = files[cls][k]
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                parts = line.split()
                if not parts:
                    continue
                if (len(parts) != 2 or not parts[0].endswith(".avi")
                        or parts[1] not in {"0", "1", "2"}):
                    raise ValueError(
                        f"{path}: line {number} should read '<video>.avi <0, 1 or 2>', "
                        f"got {line!r}."
                    )
                ids = assignments.setdefault(f"{cls}/{parts[0]}", [UNUSED] * N_SPLITS)
                ids[k - 1] = int(parts[1])
    return sorted(files), {video: tuple(ids) for video, ids in assignments.items()}


def _find_splits(path):
    for candidate in (path / SPLITS_FOLDER, path.parent / SPLITS_FOLDER):
        if candidate.is_dir():
            return candidate
    return None


def _looks_like_hmdb51(path):
    split_dir = _find_splits(path)
    if split_dir is None:
        return False
    for split_file in split_dir.iterdir():
        match = _SPLIT_FILE.match(split_file.name)
        if match and (path / match["cls"]).is_dir():
            return True
    return False


def scan_hmdb51(root, class_names):
    """Relative paths ``<class>/<video>.avi`` of the clips under ``root``.

    Files and folders that are not ``.avi`` clips in a class folder are skipped with a
    :class:`UserWarning` naming them (hidden files and the split folder silently).

    Parameters
    ----------
    root : str or os.PathLike
        HMDB-51's folder, holding one folder per class.
    class_names : sequence of str
        The class folders to read.

    Returns
    -------
    relpaths : list of str
        Sorted.

    Examples
    --------
    >>> from skactrec.datasets._hmdb51 import scan_hmdb51
    >>> len(scan_hmdb51("hmdb51_org", ["brush_hair"]))  # doctest: +SKIP
    107
    """
    root = Path(root)
    classes = set(class_names)
    relpaths, skipped = [], []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == SPLITS_FOLDER:
            continue
        if not entry.is_dir() or entry.name not in classes:
            skipped.append(entry.name)
            continue
        for clip in sorted(entry.iterdir()):
            if clip.name.startswith("."):
                continue
            if clip.is_file() and clip.suffix == ".avi":
                relpaths.append(f"{entry.name}/{clip.name}")
            else:
                skipped.append(f"{entry.name}/{clip.name}")
    warn_skipped("HMDB-51", "unexpected files or folders", skipped)
    return relpaths




def _source_groups(relpaths):
    """Integer id of each clip's source: its file name's prefix before the action name."""
    sources = []
    for relpath in relpaths:
        cls, name = relpath.split("/", 1)
        match = re.match(rf"^(?P<source>.+)_{re.escape(cls)}{_META}", name)
        # A name without the usual tags is its own source.
        sources.append(f"{cls}/{match['source']}" if match else relpath)
    _, groups = np.unique(np.array(sources), return_inverse=True)
    return groups.astype(int)


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "subset": [StrOptions({"all", "train", "test"})],
        "split": [Interval(Integral, 1, N_SPLITS, closed="both")],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_hmdb51(data_home=None, *, subset="all", split=1, return_X_y=False):
    """Load the file list of HMDB-51 (Kuehne et al., 2011) with its three official splits.

    Videos are not decoded: the loader returns their paths.

    ========================   ============
    Classes                              51
    Samples total                      6766
    Train/test, each split        3570/1530
    Unused, each split                 1666
    ========================   ============

    Read more in the user guide: :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The folder that holds ``hmdb51_org/`` (also accepted: ``hmdb51/``, ``HMDB51/``), or
        that folder itself. The official ``testTrainMulti_7030_splits/`` folder must be
        inside it or beside it. By default :func:`~skactrec.datasets.get_data_home`.
    subset : {"all", "train", "test"}, default="all"
        ``"all"``: every clip, with the three splits in ``cv``. ``"train"`` or ``"test"``:
        one side of split ``split``.
    split : {1, 2, 3}, default=1
        The official split that ``subset="train"`` or ``"test"`` selects; recorded in the
        result but otherwise unused with ``subset="all"``.
    return_X_y : bool, default=False
        Return ``(filenames, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        filenames : ndarray of str
            Absolute paths of the clips, sorted.
        target : ndarray of int
            Index of each clip's class in ``target_names``.
        target_names : ndarray of str
            The class names, sorted.
        groups : ndarray of int
            An id of each clip's source movie or video: the part of its file name before
            the action name (``April_09`` in ``April_09_brush_hair_u_nm_np1_ba_goo_0.avi``),
            per class. HMDB-51 ships no person ids; a name without the usual tags is its own
            group. For :class:`~sklearn.model_selection.GroupKFold`-style protocols; the
            benchmark's protocol is ``cv``.
        cv : :class:`~skactrec.datasets.FixedSplits` or None
            With ``subset="all"``, the three official splits as indices into ``filenames``
            (unused clips of a split are in neither side); ``None`` for one side of a split.
        subset : str
            The ``subset`` asked for.
        split : int
            The ``split`` asked for.
        DESCR : str
            A description of the dataset.

    (filenames, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    DatasetNotFoundError
        The dataset or its split files are missing, or clips the split files name are.

    See Also
    --------
    parse_hmdb51_splits : Read the official split files alone.
    scan_hmdb51 : Read the clips present on disk alone.

    Notes
    -----
    Orozco et al. (section 3.3) report the mean accuracy over the three splits: 47.36%
    with 400 LSTM units. Clips on disk that no split file names are skipped with a warning.

    Examples
    --------
    >>> from skactrec.datasets import load_hmdb51  # doctest: +SKIP
    >>> hmdb = load_hmdb51()  # doctest: +SKIP
    >>> hmdb.filenames.shape, len(hmdb.target_names)  # doctest: +SKIP
    ((6766,), 51)
    >>> [(len(tr), len(te)) for tr, te in hmdb.cv.split()]  # doctest: +SKIP
    [(3570, 1530), (3570, 1530), (3570, 1530)]
    """
    root = find_dataset_dir(data_home, FOLDER_NAMES, _looks_like_hmdb51, WHAT, HOW_TO_GET)
    class_names, assignments = parse_hmdb51_splits(_find_splits(root))
    present = set(scan_hmdb51(root, class_names))
    listed = set(assignments)
    check_listed_files("HMDB-51", root, listed, present, "split file", HOW_TO_GET)

    if subset == "all":
        relpaths = sorted(listed)
    else:
        wanted = TRAIN if subset == "train" else TEST
        relpaths = sorted(r for r in listed if assignments[r][split - 1] == wanted)
    index = {name: i for i, name in enumerate(class_names)}
    filenames = np.array([str(root / relpath) for relpath in relpaths])
    target = np.array([index[relpath.split("/")[0]] for relpath in relpaths], dtype=int)
    cv = None
    if subset == "all":
        ids = np.array([assignments[r] for r in relpaths], dtype=int).reshape(-1, N_SPLITS)
        cv = FixedSplits([(np.flatnonzero(ids[:, k] == TRAIN), np.flatnonzero(ids[:, k] == TEST))
                          for k in range(N_SPLITS)])
    if return_X_y:
        return filenames, target
    return Bunch(
        filenames=filenames,
        target=target,
        target_names=np.array(class_names),
        groups=_source_groups(relpaths),
        cv=cv,
        subset=subset,
        split=split,
        DESCR=load_descr("hmdb51"),
    )
