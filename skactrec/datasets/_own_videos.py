"""A user's own labelled videos: one folder per class, or a list file (CSV or MMAction2's)."""

import csv
import io
import os
import re
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ._base import DatasetNotFoundError, shorten_list, warn_skipped

# What ffmpeg reads and people keep videos in; matched case-insensitively.
VIDEO_EXTENSIONS = (
    ".avi", ".mp4", ".mkv", ".mov", ".webm", ".mpg", ".mpeg", ".m4v", ".wmv", ".flv", ".3gp",
    ".3g2", ".ogv", ".ts", ".mts", ".m2ts", ".vob", ".asf", ".f4v",
)
LAYOUT = "container_path/<class>/<video files> (class folders may hold nested folders)"


def _is_video(name, extensions):
    return name.lower().endswith(extensions)


def _check_extensions(extensions):
    extensions = [extensions] if isinstance(extensions, str) else list(extensions)
    if not extensions or not all(isinstance(ext, str) and ext.strip(".") for ext in extensions):
        raise ValueError(f"extensions must be non-empty strings such as '.mp4'; got "
                         f"{extensions!r}.")
    return tuple("." + ext.lower().lstrip(".") for ext in extensions)


def _walk(class_dir):
    """Relative POSIX paths of the files under ``class_dir``, recursively, sorted; hidden
    files and folders left out, folder links followed (each real folder once)."""
    found, seen = [], set()
    for dirpath, dirnames, filenames in os.walk(class_dir, followlinks=True):
        real = os.path.realpath(dirpath)
        dirnames[:] = [] if real in seen else [d for d in dirnames if not d.startswith(".")]
        if real not in seen:
            rel = Path(dirpath).relative_to(class_dir)
            found += [(rel / name).as_posix() for name in filenames if not name.startswith(".")]
        seen.add(real)
    return sorted(found)


def _scan_classes(root, extensions):
    """``{class: [relative paths of its videos]}``, sorted; warns about skipped files."""
    entries = sorted(e for e in root.iterdir() if not e.name.startswith("."))
    class_dirs = [e for e in entries if e.is_dir()]
    loose = [e.name for e in entries if not e.is_dir()]
    if not class_dirs:
        found = f" (it holds only files: {shorten_list(loose)})" if loose else " (it is empty)"
        raise DatasetNotFoundError(
            f"No class folder in {root}{found}. Expected one subfolder per class: {LAYOUT}."
        )
    warn_skipped(str(root), "files outside the class folders", loose)
    videos, skipped, empty = {}, [], []
    for class_dir in class_dirs:
        files = _walk(class_dir)
        kept = [f for f in files if _is_video(f, extensions) and (class_dir / f).is_file()]
        videos[class_dir.name], kept = kept, set(kept)
        skipped += [f"{class_dir.name}/{f}" + (" (broken link)" if _is_video(f, extensions)
                                               else "") for f in files if f not in kept]
        if not kept:
            empty.append(f"{class_dir.name} (" + (
                f"only non-video files: {shorten_list(files, 3)})" if files else "empty)"))
    if empty:
        raise DatasetNotFoundError(
            f"Class folders in {root} with no video file: {'; '.join(empty)}. Videos are "
            f"recognised by their extension: {', '.join(extensions)} (pass extensions=...)."
        )
    warn_skipped(str(root), "files that are not videos (by extension)", skipped)
    return videos


def _groups_of(groups, files, root):
    """The group of each ``(class, relative path)`` in ``files``, from a pattern or a callable."""
    if callable(groups):
        values = [groups(Path(rel)) for _, rel in files]
        what = "groups returned None for"
    else:
        try:
            pattern = re.compile(groups) if isinstance(groups, str) else groups
        except re.error as exc:
            raise ValueError(f"groups={groups!r} is not a valid regular expression: {exc}.") \
                from None
        matches = [pattern.search(rel) for _, rel in files]
        values = [m and m.group(1 if pattern.groups else 0) for m in matches]
        what = (f"The groups pattern {pattern.pattern!r} does not match the path (relative to "
                "its class folder) of")
    bad = [f"{rel} (class {cls})" for (cls, rel), v in zip(files, values, strict=True)
           if v is None]
    if bad:
        raise ValueError(f"{what} {len(bad)} of the {len(files)} videos under {root}: "
                         f"{shorten_list(bad)}.")
    return np.asarray(values)


def _bunch(filenames, labels, groups, return_X_y, title, source):
    """The loaders' result; ``labels`` are all str or all int (then sorted numerically)."""
    names, target = np.unique(labels, return_inverse=True)
    filenames, target = np.array(filenames, dtype=str), target.astype(int)
    if return_X_y:
        return filenames, target
    counts = "\n".join(f"    {name}: {n}"
                       for name, n in zip(names, np.bincount(target), strict=True))
    n_groups = "none" if groups is None else len(set(groups.tolist()))
    descr = (f"{title}\n{'-' * len(title)}\n\n{source}\n\nClasses: {len(names)}\n"
             f"Videos: {len(target)}\nGroups: {n_groups}\n\nVideos per class:\n\n{counts}\n")
    return Bunch(filenames=filenames, target=target, target_names=names.astype(str),
                 groups=groups, DESCR=descr)


@validate_params(
    {"container_path": [str, os.PathLike], "groups": [None, str, re.Pattern, callable],
     "extensions": [str, list, tuple, set, frozenset], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_video_files(container_path, *, groups=None, extensions=VIDEO_EXTENSIONS,
                     return_X_y=False):
    """Load the file names of your own videos, one subfolder per class.

    Like :func:`sklearn.datasets.load_files`, for videos: ``container_path/<class>/...``,
    where each class folder holds video files, possibly in nested folders. Videos are not
    decoded: pass ``filenames`` to :class:`~skactrec.VGG16FrameFeaturizer` or a pipeline.
    Hidden files and folders (named ``.*``) are ignored.

    Read more in the user guide: :ref:`own_videos`.

    Parameters
    ----------
    container_path : str or os.PathLike
        The folder that holds one subfolder per class; the class names are the subfolder
        names, sorted.
    groups : str, re.Pattern or callable, default=None
        How to find each video's group (e.g. the actor, for leave-one-group-out):
        by default none (``groups`` is None in the result);

        - a regular expression, searched (:func:`re.search`) in the video's path relative
          to its class folder, with ``/`` separators: the group is its first capture group
          if it has one, else the whole match. Every path must match;
        - a callable taking that relative path (a :class:`pathlib.Path`) and returning the
          group (not None).
    extensions : str or sequence of str, default=VIDEO_EXTENSIONS
        The extensions of video files, matched case-insensitively; by default ``.avi``,
        ``.mp4``, ``.mkv``, ``.mov``, ``.webm``, ``.mpg``, ``.mpeg``, ``.m4v``, ``.wmv``,
        ``.flv``, ``.3gp`` and others. Other files are skipped with one warning naming them.
    return_X_y : bool, default=False
        Return ``(filenames, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        filenames : ndarray of str
            Absolute paths of the videos, by class, then by relative path.
        target : ndarray of int
            Index of each video's class in ``target_names``.
        target_names : ndarray of str
            The class folder names, sorted.
        groups : ndarray or None
            Each video's group, as found by ``groups``.
        DESCR : str
            What was loaded: the folder, the classes and their number of videos.

    (filenames, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    DatasetNotFoundError
        ``container_path`` is missing or not a folder, holds no class folder, or a class
        folder holds no video file.
    ValueError
        The ``groups`` pattern is not a valid regular expression or does not match a video's
        path; the ``groups`` callable returns None.

    See Also
    --------
    load_video_list : Load videos and labels named by a list file.
    sklearn.datasets.load_files : The same layout, for text files.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from skactrec.datasets import load_video_files
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ["walk/alice_1.mp4", "walk/bob_1.mp4", "run/alice_2.mp4"]:
    ...     (root / name).parent.mkdir(exist_ok=True)
    ...     (root / name).touch()  # the loader does not open the files
    >>> data = load_video_files(root, groups=r"^([a-z]+)_")
    >>> data.target_names.tolist(), data.target.tolist(), data.groups.tolist()
    (['run', 'walk'], [0, 1, 1], ['alice', 'alice', 'bob'])
    >>> [Path(f).relative_to(root).as_posix() for f in data.filenames]
    ['run/alice_2.mp4', 'walk/alice_1.mp4', 'walk/bob_1.mp4']
    >>> shutil.rmtree(root)
    """
    extensions = _check_extensions(extensions)
    root = Path(os.path.abspath(container_path))
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise DatasetNotFoundError(f"container_path {root} {what}. Expected {LAYOUT}.")
    videos = _scan_classes(root, extensions)
    files = [(cls, rel) for cls in videos for rel in videos[cls]]
    how = "none" if groups is None else f"found by {getattr(groups, 'pattern', groups)!r}"
    return _bunch(
        [str(root / cls / rel) for cls, rel in files], [cls for cls, _ in files],
        None if groups is None else _groups_of(groups, files, root), return_X_y,
        "Your own videos, one folder per class", f"Loaded from {root}; groups: {how}.",
    )


def _line_error(list_path, line, what):
    return ValueError(f"{list_path}, line {line}: {what}")


def _read_csv(list_path, text):
    """``(line, path, label, group)`` of each row of a CSV list with a header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    entries, header, end = [], None, 0
    try:
        for row in reader:
            line, end = end + 1, reader.line_num  # a row's first line: after the last one's
            if not any(field.strip() for field in row):
                continue
            if header is None:
                header = [field.strip().lower() for field in row]
                columns = {name: header.index(name) for name in ("path", "label", "group")
                           if name in header}
                continue
            if len(row) != len(header):
                raise _line_error(list_path, line, f"expected {len(header)} comma-separated "
                                  f"fields, as in the header; got {len(row)}: {row!r}.")
            values = {name: row[i].strip() for name, i in columns.items()}
            empty = [name for name, value in values.items() if not value]
            if empty:
                raise _line_error(list_path, line, f"empty {' and '.join(empty)}.")
            entries.append((line, values["path"], values["label"], values.get("group")))
    except csv.Error as exc:
        raise _line_error(list_path, reader.line_num, f"not valid CSV: {exc}.") from None
    return entries


def _read_plain(list_path, lines):
    """``(line, path, label, None)`` of each ``path label`` line of an MMAction2 list."""
    entries = []
    for line, text in enumerate(lines, 1):
        fields = text.split()
        if fields and not fields[0].startswith("#"):
            if len(fields) != 2:
                raise _line_error(
                    list_path, line, f"expected 'path label' (2 fields separated by "
                    f"whitespace); got {len(fields)}: {text.strip()!r}. For paths with spaces, "
                    "or groups, write a CSV file with a header line: path,label[,group]."
                )
            entries.append((line, fields[0], fields[1], None))
    return entries


def _check_entries(list_path, base, entries):
    """The entries of video files and their absolute paths; warns about non-videos, raises
    for files listed twice or missing."""
    skipped = [f"{raw} (line {line})" for line, raw, _, _ in entries
               if not _is_video(raw, VIDEO_EXTENSIONS)]
    warn_skipped(str(list_path), "listed files that are not videos (by extension)", skipped)
    entries = [entry for entry in entries if _is_video(entry[1], VIDEO_EXTENSIONS)]
    if not entries:
        raise ValueError(f"Video list {list_path} lists no video file (by extension: "
                         f"{', '.join(VIDEO_EXTENSIONS)}).")
    full = [os.path.abspath(base / raw) for _, raw, _, _ in entries]
    first, twice, missing = {}, [], []
    for (line, raw, _, _), name in zip(entries, full, strict=True):
        if first.setdefault(name, line) != line:
            twice.append(f"{raw} (lines {first[name]} and {line})")
        elif not os.path.isfile(name):
            missing.append(f"line {line}: {raw}")
    if twice:
        raise ValueError(f"{list_path}: files listed twice: {shorten_list(twice)}.")
    if missing:
        raise ValueError(
            f"{list_path}: {len(missing)} of the {len(entries)} listed files do not exist "
            f"(relative paths start from {base}): {shorten_list(missing)}."
        )
    return entries, full


def _labels(raw):
    """Labels as ints when they all are, so that they sort numerically; else as str."""
    if all(re.fullmatch(r"[+-]?[0-9]+", label) for label in raw):
        return [int(label) for label in raw]
    return list(raw)


@validate_params(
    {"path": [str, os.PathLike], "root": [str, os.PathLike, None], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_video_list(path, *, root=None, return_X_y=False):
    """Load your own videos and their labels from a list file.

    Two forms are read:

    - a CSV file whose header line names the columns ``path`` and ``label`` and optionally
      ``group``, in any order (other columns are ignored);
    - MMAction2's list of videos: a ``path label`` line per video, separated by whitespace;
      blank lines and lines starting with ``#`` are ignored.

    A label is an integer or a name. Videos are not decoded.

    Read more in the user guide: :ref:`own_videos`.

    Parameters
    ----------
    path : str or os.PathLike
        The list file (UTF-8).
    root : str or os.PathLike, default=None
        The folder that relative paths start from; by default the list file's folder.
        Absolute paths are kept.
    return_X_y : bool, default=False
        Return ``(filenames, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        filenames : ndarray of str
            Absolute paths of the videos, in the list's order.
        target : ndarray of int
            Index of each video's label in ``target_names``.
        target_names : ndarray of str
            The distinct labels, sorted (numerically when they are all integers).
        groups : ndarray of str or None
            The CSV's ``group`` column; None without one.
        DESCR : str
            What was loaded: the list, the classes and their number of videos.

    (filenames, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        The list file, or ``root``, does not exist.
    ValueError
        The list is empty or has a malformed line, a listed file does not exist, or a file
        is listed twice; the message names the list file and the line numbers. Listed files
        that are not videos (by extension) are skipped with one warning naming them.

    See Also
    --------
    load_video_files : Load videos kept in one folder per class.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from skactrec.datasets import load_video_list
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ["a.mp4", "b.avi", "c.mkv"]:
    ...     (root / name).touch()  # the loader does not open the files
    >>> _ = (root / "list.csv").write_text("label,path,group\\nwalk,a.mp4,alice\\n"
    ...                                    "run,b.avi,bob\\nwalk,c.mkv,bob\\n")
    >>> data = load_video_list(root / "list.csv")
    >>> data.target_names.tolist(), data.target.tolist(), data.groups.tolist()
    (['run', 'walk'], [1, 0, 1], ['alice', 'bob', 'bob'])
    >>> _ = (root / "list.txt").write_text("a.mp4 0\\nb.avi 1\\n")  # MMAction2's form
    >>> load_video_list(root / "list.txt").target.tolist()
    [0, 1]
    >>> shutil.rmtree(root)
    """
    list_path = Path(os.path.abspath(path))
    if not list_path.is_file():
        raise FileNotFoundError(f"Video list {list_path} does not exist (or is not a file).")
    base = list_path.parent if root is None else Path(os.path.abspath(root))
    if not base.is_dir():
        raise FileNotFoundError(f"root {base} is not a folder (for the video list {list_path}).")
    text = list_path.read_text(encoding="utf-8-sig")
    lines = [line.rstrip("\r") for line in text.split("\n")]
    header = next((line for line in lines if line.strip()), "")
    is_csv = {"path", "label"} <= {field.strip().lower() for field in header.split(",")}
    entries = _read_csv(list_path, text) if is_csv else _read_plain(list_path, lines)
    if not entries:
        raise ValueError(f"Video list {list_path} lists no video: expected 'path label' lines, "
                         "or a CSV file with a header line path,label[,group].")
    entries, full = _check_entries(list_path, base, entries)
    groups = np.array([e[3] for e in entries], dtype=str) if entries[0][3] is not None else None
    form = "CSV" if is_csv else "path label lines"
    return _bunch(full, _labels([label for _, _, label, _ in entries]), groups, return_X_y,
                  "Your own videos, from a list",
                  f"Loaded from {list_path} ({form}); relative paths from {base}.")
