"""UCF-11, the UCF YouTube Action dataset (Liu et al., 2009): 11 actions, 25 groups."""

import os
import re
from pathlib import Path

import numpy as np
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ._base import DatasetNotFoundError, find_dataset_dir, load_descr, warn_skipped

FOLDER_NAMES = ("UCF11_updated_mpg", "action_youtube_naudio", "UCF11", "ucf11")
# class folder -> the prefix of its group folders and clips
PREFIXES = {
    "basketball": "shooting",
    "biking": "biking",
    "diving": "diving",
    "golf_swing": "golf",
    "horse_riding": "riding",
    "soccer_juggling": "juggle",
    "swing": "swing",
    "tennis_swing": "tennis",
    "trampoline_jumping": "jumping",
    "volleyball_spiking": "spiking",
    "walking": "walk_dog",
}
N_GROUPS = 25
VIDEO_SUFFIXES = (".avi", ".mpg")
# Shipped beside the clips by UCF11_updated_mpg: expected, skipped without a warning.
ANNOTATION_FOLDER = "Annotation"
ANNOTATION_SUFFIX = ".xgtf"

HOW_TO_GET = (
    "Download UCF11_updated_mpg.rar from https://www.crcv.ucf.edu/data/UCF_YouTube_Action.php "
    "and extract it into the data home with `unrar x UCF11_updated_mpg.rar DATA_HOME/` or "
    "`7z x UCF11_updated_mpg.rar -oDATA_HOME`, so that DATA_HOME holds "
    "UCF11_updated_mpg/<class>/v_<prefix>_GG/v_<prefix>_GG_CC.mpg (the older "
    "action_youtube_naudio release, with .avi clips, works too)."
)
WHAT = (
    "UCF-11's 11 class folders (" + ", ".join(PREFIXES)
    + "), each holding v_<prefix>_GG/v_<prefix>_GG_CC.(avi|mpg)"
)


def _looks_like_ucf11(path):
    return any((path / name).is_dir() for name in PREFIXES)


def _is_hidden_or_annotation(entry):
    return (entry.name.startswith(".") or entry.name == ANNOTATION_FOLDER
            or (entry.is_file() and entry.suffix.lower() == ANNOTATION_SUFFIX))


def scan_ucf11(root):
    """Clips of UCF-11 under ``root``, from the file system.

    Files that do not fit ``<class>/v_<prefix>_GG/v_<prefix>_GG_CC.(avi|mpg)`` are skipped
    with a :class:`UserWarning` naming them; ``.xgtf`` annotation files, ``Annotation/``
    folders and hidden files are skipped silently.

    Parameters
    ----------
    root : str or os.PathLike
        UCF-11's folder, holding the 11 class folders.

    Returns
    -------
    clips : list of (str, str, int)
        ``(relative path, class name, group)`` of each clip, sorted by path.

    Examples
    --------
    >>> from skactrec.datasets._ucf11 import scan_ucf11
    >>> scan_ucf11("UCF11_updated_mpg")[0]  # doctest: +SKIP
    ('basketball/v_shooting_01/v_shooting_01_01.mpg', 'basketball', 1)
    """
    root = Path(root)
    clips, skipped = [], []
    for entry in sorted(root.iterdir()):
        if _is_hidden_or_annotation(entry):
            continue
        if not entry.is_dir() or entry.name not in PREFIXES:
            skipped.append(entry.name)
            continue
        prefix = re.escape(PREFIXES[entry.name])
        group_re = re.compile(rf"^v_{prefix}_(\d\d)$")
        for group_dir in sorted(entry.iterdir()):
            if _is_hidden_or_annotation(group_dir):
                continue
            match = group_re.match(group_dir.name)
            if not group_dir.is_dir() or not match or not 1 <= int(match[1]) <= N_GROUPS:
                skipped.append(f"{entry.name}/{group_dir.name}")
                continue
            clip_re = re.compile(rf"^v_{prefix}_{match[1]}_\d+\.(avi|mpg)$", re.IGNORECASE)
            for clip in sorted(group_dir.iterdir()):
                if _is_hidden_or_annotation(clip):
                    continue
                relpath = f"{entry.name}/{group_dir.name}/{clip.name}"
                if clip.is_file() and clip_re.match(clip.name):
                    clips.append((relpath, entry.name, int(match[1])))
                else:
                    skipped.append(relpath)
    warn_skipped("UCF-11", "unexpected files or folders", skipped)
    return sorted(clips)


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "subset": [str],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_ucf11(data_home=None, *, subset="all", return_X_y=False):
    """Load the file list of UCF-11, the UCF YouTube Action dataset (Liu et al., 2009).

    Videos are not decoded: the loader returns their paths.

    ========================   ============
    Classes                              11
    Samples total                      1600
    Groups (folds)                       25
    ========================   ============

    Read more in the user guide: :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The folder that holds ``UCF11_updated_mpg/`` (also accepted:
        ``action_youtube_naudio/``, ``UCF11/``, ``ucf11/``), or that folder itself. By
        default :func:`~skactrec.datasets.get_data_home`.
    subset : {"all"}, default="all"
        UCF-11's protocol is leave-one-group-out over its 25 groups, not a fixed train/test
        split, so only ``"all"`` is valid: split with ``cv`` and ``groups``.
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
            The 11 class folder names, sorted (``basketball`` ... ``walking``).
        groups : ndarray of int
            The group ``GG`` (1-25) of each clip: clips of a group share actor, background or
            viewpoint, so a group is never split between train and test.
        cv : :class:`~sklearn.model_selection.LeaveOneGroupOut`
            The paper's protocol: 25 folds, each holding out one group; pass
            ``groups=data.groups`` to its ``split`` (or to ``cross_validate``).
        subset : str
            The ``subset`` asked for.
        DESCR : str
            A description of the dataset.

    (filenames, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ValueError
        ``subset`` is not ``"all"``.
    DatasetNotFoundError
        The dataset is missing, or some of its 11 class folders are.

    See Also
    --------
    scan_ucf11 : Read the clips present on disk alone.

    Notes
    -----
    Orozco et al. (section 3.2) evaluate on UCF-11 with leave-one-out cross validation over
    its predefined 25 folds (the groups), reaching 91.94% mean accuracy with 320 LSTM units.

    Examples
    --------
    >>> from sklearn.model_selection import cross_validate  # doctest: +SKIP
    >>> from skactrec.datasets import load_ucf11  # doctest: +SKIP
    >>> ucf11 = load_ucf11()  # doctest: +SKIP
    >>> ucf11.filenames.shape, ucf11.cv.get_n_splits(groups=ucf11.groups)  # doctest: +SKIP
    ((1600,), 25)
    >>> cross_validate(model, ucf11.filenames, ucf11.target, groups=ucf11.groups,
    ...                cv=ucf11.cv)  # doctest: +SKIP
    """
    if subset != "all":
        raise ValueError(
            f"UCF-11 has no fixed train/test split (got subset={subset!r}); its protocol is "
            "leave-one-group-out: load subset='all' and split with the result's cv "
            "(LeaveOneGroupOut) and groups=data.groups."
        )
    root = find_dataset_dir(data_home, FOLDER_NAMES, _looks_like_ucf11, WHAT, HOW_TO_GET)
    missing = [name for name in PREFIXES if not (root / name).is_dir()]
    if missing:
        raise DatasetNotFoundError(
            f"UCF-11 at {root} is incomplete: class folders {', '.join(missing)} are missing."
            f"\n{HOW_TO_GET}"
        )
    clips = scan_ucf11(root)
    empty = sorted(set(PREFIXES) - {cls for _, cls, _ in clips})
    if empty:
        raise DatasetNotFoundError(
            f"UCF-11 at {root} is incomplete: class folders {', '.join(empty)} hold no clips."
            f"\n{HOW_TO_GET}"
        )
    target_names = sorted(PREFIXES)
    index = {name: i for i, name in enumerate(target_names)}
    filenames = np.array([str(root / relpath) for relpath, _, _ in clips])
    target = np.array([index[cls] for _, cls, _ in clips], dtype=int)
    if return_X_y:
        return filenames, target
    return Bunch(
        filenames=filenames,
        target=target,
        target_names=np.array(target_names),
        groups=np.array([group for _, _, group in clips], dtype=int),
        cv=LeaveOneGroupOut(),
        subset=subset,
        DESCR=load_descr("ucf11"),
    )
