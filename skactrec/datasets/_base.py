"""What every dataset loader shares: the data home, finding a dataset's folder, descriptions."""

import os
import sys
import warnings
from importlib import resources
from pathlib import Path

DATA_HOME_ENV = "SKACTREC_DATA"


class DatasetNotFoundError(FileNotFoundError):
    """A dataset is missing or incomplete; the message says what is missing, where it looked,
    and how to get it.

    Examples
    --------
    >>> from skactrec.datasets import DatasetNotFoundError
    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


def get_data_home(data_home=None):
    """The folder that holds skactrec's datasets.

    Read more in the user guide: :ref:`datasets`.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The folder to use. By default the ``SKACTREC_DATA`` environment variable, or
        ``~/skactrec_data``. It is created if missing.

    Returns
    -------
    data_home : pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> from skactrec.datasets import get_data_home
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     get_data_home(tmp).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV, Path("~") / "skactrec_data")
    data_home = Path(data_home).expanduser()
    data_home.mkdir(parents=True, exist_ok=True)
    return data_home


def find_dataset_dir(data_home, folder_names, looks_like, what, how_to_get):
    """The dataset's own folder: ``data_home`` itself, or one of ``folder_names`` inside it.

    Parameters
    ----------
    data_home : str, os.PathLike or None
        Passed to :func:`get_data_home`.
    folder_names : sequence of str
        Names the dataset's folder may have inside the data home.
    looks_like : callable
        ``looks_like(path) -> bool``: whether a folder holds the dataset.
    what : str
        What the dataset's folder must contain, for the error message.
    how_to_get : str
        How to download and extract it, for the error message.

    Returns
    -------
    path : pathlib.Path

    Raises
    ------
    DatasetNotFoundError
        No candidate folder holds the dataset.
    """
    home = get_data_home(data_home)
    candidates = [home] + [home / name for name in folder_names]
    for candidate in candidates:
        if candidate.is_dir() and looks_like(candidate):
            return candidate
    looked = "\n".join(f"  {c}" for c in candidates)
    raise DatasetNotFoundError(
        f"Dataset not found. Looked for {what} in:\n{looked}\n{how_to_get}"
    )


def load_descr(name):
    """The text of ``descr/<name>.rst`` shipped with the package."""
    return resources.files("skactrec.datasets").joinpath("descr", f"{name}.rst").read_text(
        encoding="utf-8"
    )


def shorten_list(items, n_shown=5):
    """``items`` as text for a message: the first ``n_shown``, then how many more.

    Examples
    --------
    >>> from skactrec.datasets._base import shorten_list
    >>> shorten_list(["a", "b", "c"], n_shown=2)
    'a, b and 1 more'
    """
    shown = ", ".join(str(item) for item in items[:n_shown])
    return shown + (f" and {len(items) - n_shown} more" if len(items) > n_shown else "")


def warn_skipped(dataset, kind, items):
    """One UserWarning naming what a loader skipped (nothing when ``items`` is empty).

    It points at the user's line that called the loader.
    """
    if items:
        # "kind (count)": the same words for one item or many.
        warnings.warn(f"{dataset}: skipped {kind} ({len(items)}): {shorten_list(items)}.",
                      UserWarning, stacklevel=_stacklevel_outside_libraries())


def _stacklevel_outside_libraries():
    """The ``stacklevel`` for a ``warnings.warn`` in the caller that names the first frame
    outside skactrec and scikit-learn (whose parameter validation wraps the loaders)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
            "skactrec", "sklearn"):
        frame, level = frame.f_back, level + 1
    return level


def check_listed_files(dataset, root, listed, present, lists, how_to_get):
    """Compare the clips a dataset's official lists name with those on disk.

    Parameters
    ----------
    dataset : str
        The dataset's name, for the messages.
    root : pathlib.Path
        The dataset's folder.
    listed, present : set of str
        Relative paths named by the lists, and found on disk.
    lists : str
        What names the clips, in the singular (e.g. "split file"), for the messages.
    how_to_get : str
        How to download and extract the dataset, for the error.

    Raises
    ------
    DatasetNotFoundError
        Some listed clips are missing. Clips on disk that no list names are skipped
        with a warning.
    """
    missing = sorted(listed - present)
    if missing:
        raise DatasetNotFoundError(
            f"{dataset} at {root} is incomplete: {len(missing)} of the {len(listed)} clips that "
            f"the {lists}s name are missing, e.g. {shorten_list(missing)}.\n{how_to_get}"
        )
    warn_skipped(dataset, f"clips that no {lists} names", sorted(present - listed))
