"""UCF-101 (Soomro et al., 2012): 13320 YouTube clips of 101 actions, three official splits."""

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

FOLDER_NAMES = ("UCF-101", "UCF101", "ucf101")
LISTS_FOLDER = "ucfTrainTestlist"
N_SPLITS = 3
_CLIP = re.compile(r"^v_(?P<name>.+)_g(?P<group>\d+)_c(?P<clip>\d+)\.avi$")

HOW_TO_GET = (
    "Download UCF101.rar and UCF101TrainTestSplits-RecognitionTask.zip from "
    "https://www.crcv.ucf.edu/data/UCF101.php and extract both into the data home, e.g. "
    "`unrar x UCF101.rar DATA_HOME/` (or `7z x UCF101.rar -oDATA_HOME`) and "
    "`unzip UCF101TrainTestSplits-RecognitionTask.zip -d DATA_HOME/`, so that DATA_HOME holds "
    f"UCF-101/<ClassName>/v_*.avi and {LISTS_FOLDER}/ (inside UCF-101/ or beside it)."
)
WHAT = (
    "UCF-101's class folders (UCF-101/<ClassName>/v_<ClassName>_gGG_cCC.avi) with the official "
    f"{LISTS_FOLDER}/ folder (classInd.txt, trainlist0[1-3].txt, testlist0[1-3].txt) inside "
    "that folder or beside it"
)


def _lines(path):
    """Non-empty, stripped lines of a list file (the official ones end lines with CRLF)."""
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _norm(relpath):
    return relpath.replace("\\", "/").strip("/")


def parse_ucf101_lists(list_dir):
    """Parse the official ``ucfTrainTestlist`` folder of UCF-101.

    This reads only the list files; it does not look at the videos.

    Parameters
    ----------
    list_dir : str or os.PathLike
        The folder holding ``classInd.txt``, ``trainlist0{1,2,3}.txt`` and
        ``testlist0{1,2,3}.txt``.

    Returns
    -------
    class_names : list of str
        The class names, in ``classInd.txt`` order (index ``i`` is class ``i + 1`` there).
    splits : list of (list of str, list of str)
        For each of the three splits, the training and test files as relative paths
        ``<ClassName>/v_<ClassName>_gGG_cCC.avi``, in the order of the lists.

    Raises
    ------
    DatasetNotFoundError
        A list file is missing.
    ValueError
        A list file is malformed: bad class indices, a file in a folder that is not a class,
        or a training label that disagrees with the file's folder.

    Examples
    --------
    >>> from skactrec.datasets._ucf101 import parse_ucf101_lists
    >>> class_names, splits = parse_ucf101_lists("ucfTrainTestlist")  # doctest: +SKIP
    >>> len(class_names), [(len(tr), len(te)) for tr, te in splits]  # doctest: +SKIP
    (101, [(9537, 3783), (9586, 3734), (9624, 3696)])
    """
    list_dir = Path(list_dir)
    names = ["classInd.txt"] + [f"{kind}list0{k}.txt" for k in range(1, N_SPLITS + 1)
                                for kind in ("train", "test")]
    missing = [name for name in names if not (list_dir / name).is_file()]
    if missing:
        raise DatasetNotFoundError(
            f"UCF-101's split lists are incomplete: {', '.join(missing)} missing from "
            f"{list_dir}.\n{HOW_TO_GET}"
        )
    class_names = []
    for number, line in enumerate(_lines(list_dir / "classInd.txt"), start=1):
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) != number:
            raise ValueError(
                f"{list_dir / 'classInd.txt'}: line {number} should read '{number} <ClassName>', "
                f"got {line!r}."
            )
        class_names.append(parts[1])
    index = {name: i for i, name in enumerate(class_names)}

    def class_of(relpath, where):
        folder = relpath.split("/")[0]
        if "/" not in relpath or folder not in index:
            raise ValueError(f"{where}: {relpath!r} is not in a class folder of classInd.txt.")
        return index[folder]

    splits = []
    for k in range(1, N_SPLITS + 1):
        train, test = [], []
        train_path = list_dir / f"trainlist0{k}.txt"
        for line in _lines(train_path):
            parts = line.split()
            relpath = _norm(parts[0])
            target = class_of(relpath, train_path)
            if len(parts) > 1 and parts[1] != str(target + 1):
                raise ValueError(
                    f"{train_path}: {relpath!r} is labelled {parts[1]} but its folder is class "
                    f"{target + 1} in classInd.txt."
                )
            train.append(relpath)
        test_path = list_dir / f"testlist0{k}.txt"
        for line in _lines(test_path):
            relpath = _norm(line.split()[0])
            class_of(relpath, test_path)
            test.append(relpath)
        splits.append((train, test))
    return class_names, splits


def _find_lists(path):
    for candidate in (path / LISTS_FOLDER, path.parent / LISTS_FOLDER):
        if (candidate / "classInd.txt").is_file():
            return candidate
    return None


def _looks_like_ucf101(path):
    lists = _find_lists(path)
    if lists is None:
        return False
    lines = _lines(lists / "classInd.txt")
    return bool(lines) and len(lines[0].split()) == 2 and (path / lines[0].split()[1]).is_dir()




def scan_ucf101(root, class_names):
    """Relative paths of UCF-101's clips under ``root``, from the file system only.

    Files and folders that do not fit the layout ``<ClassName>/v_<Name>_gGG_cCC.avi`` are
    skipped with a :class:`UserWarning` naming them (hidden files and the
    ``ucfTrainTestlist`` folder silently).

    Parameters
    ----------
    root : str or os.PathLike
        UCF-101's folder, holding one folder per class.
    class_names : sequence of str
        The class folders to read.

    Returns
    -------
    relpaths : list of str
        ``<ClassName>/<file>.avi``, sorted.

    Examples
    --------
    >>> from skactrec.datasets._ucf101 import scan_ucf101
    >>> scan_ucf101("UCF-101", ["ApplyEyeMakeup"])[:1]  # doctest: +SKIP
    ['ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi']
    """
    root = Path(root)
    classes = set(class_names)
    relpaths, skipped = [], []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name == LISTS_FOLDER:
            continue
        if not entry.is_dir() or entry.name not in classes:
            skipped.append(entry.name)
            continue
        for clip in sorted(entry.iterdir()):
            if clip.name.startswith("."):
                continue
            match = _CLIP.match(clip.name)
            # The official names differ from their folder in case once (HandstandPushups/
            # v_HandStandPushups_*), so the name is compared without case.
            if clip.is_file() and match and match["name"].lower() == entry.name.lower():
                relpaths.append(f"{entry.name}/{clip.name}")
            else:
                skipped.append(f"{entry.name}/{clip.name}")
    warn_skipped("UCF-101", "unexpected files or folders", skipped)
    return relpaths


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "subset": [StrOptions({"all", "train", "test"})],
        "split": [Interval(Integral, 1, N_SPLITS, closed="both")],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_ucf101(data_home=None, *, subset="all", split=1, return_X_y=False):
    """Load the file list of UCF-101 (Soomro et al., 2012) with its three official splits.

    Videos are not decoded: the loader returns their paths, to be passed to
    :class:`~skactrec.VGG16FrameFeaturizer` or any video reader.

    ========================   ============
    Classes                             101
    Samples total                     13320
    Split 1 train/test            9537/3783
    Split 2 train/test            9586/3734
    Split 3 train/test            9624/3696
    Groups (gGG)                         25
    ========================   ============

    Read more in the user guide: :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The folder that holds ``UCF-101/`` (also accepted: ``UCF101/``, ``ucf101/``), or
        that folder itself. The official ``ucfTrainTestlist/`` folder must be inside it or
        beside it. By default :func:`~skactrec.datasets.get_data_home`.
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
            Class of each clip: its ``classInd.txt`` number minus one.
        target_names : ndarray of str
            The 101 class names, in ``classInd.txt`` order.
        groups : ndarray of int
            The ``gGG`` number of each clip (1-25): clips of one group come from the same long
            video, and the official splits never share a group between train and test.
        cv : :class:`~skactrec.datasets.FixedSplits` or None
            With ``subset="all"``, the three official splits as indices into ``filenames``
            (the benchmark's figure is their mean accuracy); ``None`` for one side of a split.
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
        The dataset or its lists are missing, or clips the lists name are missing.

    See Also
    --------
    parse_ucf101_lists : Read the official split lists alone.
    scan_ucf101 : Read the clips present on disk alone.

    Notes
    -----
    Orozco et al. name UCF-101 as future work (conclusion); the protocol is the official
    one of Soomro et al. (2012): mean accuracy over the three splits. Clips on disk that no
    list names are skipped with a warning.

    Examples
    --------
    >>> from skactrec.datasets import load_ucf101  # doctest: +SKIP
    >>> ucf = load_ucf101()  # doctest: +SKIP
    >>> ucf.filenames.shape, len(ucf.target_names), ucf.cv.get_n_splits()  # doctest: +SKIP
    ((13320,), 101, 3)
    >>> X_train, y_train = load_ucf101(subset="train", split=1, return_X_y=True)  # doctest: +SKIP
    >>> X_train.shape  # doctest: +SKIP
    (9537,)
    """
    root = find_dataset_dir(data_home, FOLDER_NAMES, _looks_like_ucf101, WHAT, HOW_TO_GET)
    class_names, splits = parse_ucf101_lists(_find_lists(root))
    on_disk = scan_ucf101(root, class_names)
    listed = set()
    for train, test in splits:
        listed.update(train)
        listed.update(test)
    check_listed_files("UCF-101", root, listed, set(on_disk), "official list", HOW_TO_GET)

    if subset == "all":
        relpaths = sorted(listed)
    else:
        train, test = splits[split - 1]
        relpaths = sorted(train if subset == "train" else test)
    position = {relpath: i for i, relpath in enumerate(relpaths)}
    index = {name: i for i, name in enumerate(class_names)}
    filenames = np.array([str(root / relpath) for relpath in relpaths])
    target = np.array([index[relpath.split("/")[0]] for relpath in relpaths], dtype=int)
    groups = np.array([int(_CLIP.match(relpath.split("/")[1])["group"]) for relpath in relpaths],
                      dtype=int)
    cv = None
    if subset == "all":
        cv = FixedSplits([
            ([position[r] for r in train], [position[r] for r in test]) for train, test in splits
        ])
    if return_X_y:
        return filenames, target
    return Bunch(
        filenames=filenames,
        target=target,
        target_names=np.array(class_names),
        groups=groups,
        cv=cv,
        subset=subset,
        split=split,
        DESCR=load_descr("ucf101"),
    )
