"""Loaders of a user's own videos, on layouts of empty files (the loaders do not open them):
one folder per class (load_video_files) and list files (load_video_list)."""

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import LeaveOneGroupOut

from skactrec.datasets import DatasetNotFoundError, load_video_files, load_video_list


def _touch(root, *names):
    """Empty files (or folders, for names ending with '/') under ``root``."""
    for name in names:
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
    return root


def _rel(data, root):
    return [Path(f).relative_to(root).as_posix() for f in data.filenames]


@pytest.fixture
def layout(tmp_path):
    """3 classes, nested folders, upper-case extensions, a few extensions besides .mp4."""
    return _touch(
        tmp_path / "videos",
        "walk/bob_2.mp4", "walk/alice_1.MP4", "walk/s2/carol_3.mkv", "walk/s1/dave_1.avi",
        "run/bob_1.webm", "run/alice_2.mov",
        "Jump/zoe_1.mpg",
    )


# --- load_video_files ---------------------------------------------------------------------

def test_classes_order_targets(layout):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to skip: no warning
        data = load_video_files(layout)
    assert list(data.target_names) == ["Jump", "run", "walk"]  # sorted like load_files
    assert _rel(data, layout) == [
        "Jump/zoe_1.mpg", "run/alice_2.mov", "run/bob_1.webm",
        "walk/alice_1.MP4", "walk/bob_2.mp4", "walk/s1/dave_1.avi", "walk/s2/carol_3.mkv",
    ]
    assert data.target.tolist() == [0, 1, 1, 2, 2, 2, 2]
    assert data.target.dtype.kind == "i" and data.filenames.dtype.kind == "U"
    assert data.target_names.dtype.kind == "U"
    assert all(os.path.isabs(f) and os.path.isfile(f) for f in data.filenames)
    assert data.groups is None
    assert str(layout) in data.DESCR
    assert "Classes: 3" in data.DESCR and "Videos: 7" in data.DESCR
    assert "Groups: none" in data.DESCR
    assert "Jump: 1" in data.DESCR and "run: 2" in data.DESCR and "walk: 4" in data.DESCR


def test_relative_container_path_gives_absolute_filenames(layout, monkeypatch):
    monkeypatch.chdir(layout.parent)
    data = load_video_files("videos")
    assert _rel(data, layout)[0] == "Jump/zoe_1.mpg" and os.path.isabs(data.filenames[0])


def test_return_X_y(layout):
    data = load_video_files(layout)
    X, y = load_video_files(layout, return_X_y=True)
    np.testing.assert_array_equal(X, data.filenames)
    np.testing.assert_array_equal(y, data.target)


NAMES = ["zoe", "alice", "bob", "alice", "bob", "dave", "carol"]


@pytest.mark.parametrize("groups, expected", [
    (r"^(?:s\d/)?([a-z]+)_", NAMES),  # the first capture group
    (re.compile(r"_(\d)\."), ["1", "2", "1", "1", "2", "1", "3"]),  # compiled, searched
    (r"[a-z]+_\d", ["zoe_1", "alice_2", "bob_1", "alice_1", "bob_2", "dave_1", "carol_3"]),
    (r"(?i)[a-z]+(?=_)", NAMES),  # no capture group: the whole match
    (lambda path: path.stem.split("_")[0], NAMES),
])
def test_groups(layout, groups, expected):
    data = load_video_files(layout, groups=groups)
    assert data.groups.tolist() == expected
    assert "Groups: " + str(len(set(expected))) in data.DESCR


def test_groups_callable_gets_a_relative_path(layout):
    seen = []
    load_video_files(layout, groups=lambda path: seen.append(path) or 0)
    assert all(isinstance(p, Path) and not p.is_absolute() for p in seen)
    assert [p.as_posix() for p in seen][-2:] == ["s1/dave_1.avi", "s2/carol_3.mkv"]
    data = load_video_files(layout, groups=lambda path: len(path.parts))
    assert data.groups.tolist() == [1, 1, 1, 1, 1, 2, 2]


def test_leave_one_group_out_on_loaded_groups(layout):
    data = load_video_files(layout, groups=r"([a-z]+)_")
    logo = LeaveOneGroupOut()
    folds = list(logo.split(data.filenames, data.target, data.groups))
    assert len(folds) == logo.get_n_splits(groups=data.groups) == 5  # alice bob carol dave zoe
    for train, test in folds:
        assert len(set(data.groups[test])) == 1
        assert data.groups[test][0] not in set(data.groups[train])
        assert len(train) + len(test) == 7


def test_groups_pattern_that_does_not_match_names_the_file(layout):
    _touch(layout, "run/s3/x9.avi")
    with pytest.raises(ValueError, match=r"'\(\[a-z\]\+\)_'.*s3/x9\.avi \(class run\)") as err:
        load_video_files(layout, groups=r"([a-z]+)_")
    assert "1 of the 8 videos" in str(err.value) and "dave_1" not in str(err.value)


def test_groups_errors(layout):
    with pytest.raises(ValueError, match=r"groups='\(' is not a valid regular expression"):
        load_video_files(layout, groups="(")
    with pytest.raises(ValueError, match=r"returned None for 1 of the 7 videos.*zoe_1\.mpg"):
        load_video_files(layout, groups=lambda path: None if "zoe" in path.name else "g")
    with pytest.raises(ValueError, match="groups"):
        load_video_files(layout, groups=3)


def test_missing_or_not_a_folder(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=re.escape(f"{tmp_path / 'nope'} does not "
                                                             "exist")):
        load_video_files(tmp_path / "nope")
    _touch(tmp_path, "clip.mp4")
    with pytest.raises(DatasetNotFoundError,
                       match=re.escape(f"{tmp_path / 'clip.mp4'} is not a folder")):
        load_video_files(tmp_path / "clip.mp4")
    assert issubclass(DatasetNotFoundError, FileNotFoundError)


def test_no_class_folder(tmp_path):
    layout = re.escape("container_path/<class>/<video files>")
    with pytest.raises(DatasetNotFoundError,
                       match=rf"No class folder in {re.escape(str(tmp_path))} \(it is empty\)"
                             rf".*{layout}"):
        load_video_files(tmp_path)
    _touch(tmp_path, "a.mp4", "b.avi", ".hidden/")
    with pytest.raises(DatasetNotFoundError,
                       match=rf"No class folder.*only files: a\.mp4, b\.avi\).*{layout}"):
        load_video_files(tmp_path)


def test_class_folder_without_videos(layout):
    _touch(layout, "sit/")
    with pytest.raises(DatasetNotFoundError, match=r"with no video file: sit \(empty\)"):
        load_video_files(layout)
    _touch(layout, "sit/notes.txt", "sit/deep/frame.jpg", "sit/.DS_Store")
    with pytest.raises(DatasetNotFoundError,
                       match=r"no video file: sit \(only non-video files: deep/frame\.jpg, "
                             r"notes\.txt\)\. Videos are recognised by their extension: \.avi"):
        load_video_files(layout)
    with pytest.raises(DatasetNotFoundError) as err:
        load_video_files(layout)
    assert "walk" not in str(err.value) and "run" not in str(err.value)


def test_files_outside_class_folders_warn_and_are_skipped(layout):
    _touch(layout, "README.txt", "stray.mp4")
    with pytest.warns(UserWarning) as record:
        data = load_video_files(layout)
    assert len(record) == 1
    message = str(record[0].message)
    assert message == f"{layout}: skipped files outside the class folders (2): README.txt, " \
                      "stray.mp4."
    assert record[0].filename == __file__  # points at the caller
    assert len(data.filenames) == 7


def test_non_videos_in_class_folders_one_warning(layout):
    _touch(layout, "walk/notes.txt", "run/sub/frame.jpg", "Jump/zoe_1.json")
    with pytest.warns(UserWarning) as record:
        data = load_video_files(layout)
    assert len(record) == 1
    message = str(record[0].message)
    assert "skipped files that are not videos (by extension) (3)" in message
    for name in ("walk/notes.txt", "run/sub/frame.jpg", "Jump/zoe_1.json"):
        assert name in message
    assert ".mp4" not in message and str(layout) in message
    assert len(data.filenames) == 7 and not any(f.endswith((".txt", ".jpg", ".json"))
                                                for f in data.filenames)


def test_hidden_files_and_folders_are_ignored_silently(layout):
    _touch(layout, ".git/config", ".cache/a.mp4", "walk/.DS_Store", "walk/.hidden/b.mp4",
           "run/._bob_1.webm", ".notes.txt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_video_files(layout)
    assert list(data.target_names) == ["Jump", "run", "walk"] and len(data.filenames) == 7
    assert not any("/." in f for f in data.filenames)


def test_extensions_custom_and_invalid(tmp_path):
    _touch(tmp_path, "a/x.BIN", "a/y.mp4", "b/z.bin")
    with pytest.warns(UserWarning, match="a/y.mp4"):
        data = load_video_files(tmp_path, extensions=".bin")
    assert _rel(data, tmp_path) == ["a/x.BIN", "b/z.bin"]
    assert load_video_files(tmp_path, extensions=("MP4", "bin")).filenames.size == 3
    for bad in ([], [""], ["."], [3]):
        with pytest.raises(ValueError, match="extensions must be non-empty strings"):
            load_video_files(tmp_path, extensions=bad)


def test_default_extensions(tmp_path):
    names = ["a.avi", "b.mp4", "c.mkv", "d.mov", "e.webm", "f.mpg", "g.mpeg", "h.m4v", "i.wmv",
             "j.flv", "k.3gp", "l.AVI", "m.Mp4"]
    _touch(tmp_path, *(f"c/{name}" for name in names))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _rel(load_video_files(tmp_path), tmp_path) == [f"c/{n}" for n in names]


def test_links_are_followed_once(tmp_path):
    _touch(tmp_path, "data/walk/a.mp4", "elsewhere/b.mp4")
    (tmp_path / "data/walk/more").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "data/walk/loop").symlink_to(tmp_path / "data/walk")  # no endless walk
    (tmp_path / "data/run").symlink_to(tmp_path / "elsewhere")  # a linked class folder
    (tmp_path / "data/walk/broken.mp4").symlink_to(tmp_path / "nowhere.mp4")
    with pytest.warns(UserWarning, match=r"walk/broken\.mp4 \(broken link\)"):
        data = load_video_files(tmp_path / "data")
    assert _rel(data, tmp_path / "data") == ["run/b.mp4", "walk/a.mp4", "walk/more/b.mp4"]


def test_real_clips_through_the_featurizer(tmp_path, shared_videos):
    from skactrec import VGG16FrameFeaturizer

    if len(shared_videos) < 4:
        pytest.skip("needs 4 real clips")
    for i, clip in enumerate(shared_videos[:4]):
        link = tmp_path / ("ab"[i % 2]) / f"{i}_{clip.name}"
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(clip)
    data = load_video_files(tmp_path, groups=r"^(\d)_")
    assert list(data.target_names) == ["a", "b"] and data.target.tolist() == [0, 0, 1, 1]
    assert [os.path.realpath(f) for f in data.filenames] == [
        os.path.realpath(shared_videos[i]) for i in (0, 2, 1, 3)]
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool",
                                      weights=None)
    features = featurizer.fit_transform(data.filenames)
    assert features.ndim == 3 and features.shape[:2] == (4, 2) and features.shape[2] > 0
    assert np.isfinite(features).all()


# --- load_video_list ----------------------------------------------------------------------

@pytest.fixture
def clips(tmp_path):
    return _touch(tmp_path, "v/a.mp4", "v/b.avi", "v/c.mkv", "v/sub/d.MOV", "notes.txt")


def test_csv_any_column_order_extra_columns_groups(clips):
    (clips / "list.csv").write_text(
        "comment,group,label,path\n"
        "x,alice,walk,v/a.mp4\n"
        ",bob,run,v/b.avi\n"
        "y, bob , walk ,v/sub/d.MOV\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_video_list(clips / "list.csv")
    assert _rel(data, clips) == ["v/a.mp4", "v/b.avi", "v/sub/d.MOV"]  # the list's order
    assert all(os.path.isabs(f) for f in data.filenames)
    assert list(data.target_names) == ["run", "walk"] and data.target.tolist() == [1, 0, 1]
    assert data.groups.tolist() == ["alice", "bob", "bob"] and data.groups.dtype.kind == "U"
    assert str(clips / "list.csv") in data.DESCR and "CSV" in data.DESCR
    assert "Groups: 2" in data.DESCR and "walk: 2" in data.DESCR and "run: 1" in data.DESCR


def test_csv_without_group_bom_crlf(clips):
    (clips / "list.csv").write_bytes(b"\xef\xbb\xbfPath,Label\r\nv/c.mkv,jump\r\n"
                                     b"\r\nv/a.mp4,walk\r\n")
    data = load_video_list(clips / "list.csv")
    assert _rel(data, clips) == ["v/c.mkv", "v/a.mp4"]
    assert data.groups is None and data.target.tolist() == [0, 1]


def test_mmaction2_plain_list_int_labels_sorted_numerically(clips):
    (clips / "train.txt").write_text(
        "# MMAction2 video list\n\nv/a.mp4 10\n  v/b.avi\t2\n# v/c.mkv 5\nv/sub/d.MOV 9\n\n"
    )
    data = load_video_list(clips / "train.txt")
    assert _rel(data, clips) == ["v/a.mp4", "v/b.avi", "v/sub/d.MOV"]
    assert list(data.target_names) == ["2", "9", "10"]  # not "10" < "2"
    assert data.target.tolist() == [2, 0, 1]
    assert data.target_names.dtype.kind == "U" and data.groups is None
    assert "path label lines" in data.DESCR


def test_plain_list_names_labels_and_return_X_y(clips):
    (clips / "l.txt").write_text("v/a.mp4 walk\nv/b.avi run\nv/c.mkv walk\n")
    data = load_video_list(clips / "l.txt")
    assert list(data.target_names) == ["run", "walk"] and data.target.tolist() == [1, 0, 1]
    X, y = load_video_list(str(clips / "l.txt"), return_X_y=True)
    np.testing.assert_array_equal(X, data.filenames)
    np.testing.assert_array_equal(y, data.target)


def test_root_and_absolute_paths(clips, tmp_path_factory):
    lists = tmp_path_factory.mktemp("lists")
    (lists / "l.txt").write_text(f"a.mp4 0\nsub/d.MOV 1\n{clips / 'v/b.avi'} 1\n")
    data = load_video_list(lists / "l.txt", root=clips / "v")
    assert list(data.filenames) == [str(clips / "v/a.mp4"), str(clips / "v/sub/d.MOV"),
                                    str(clips / "v/b.avi")]
    with pytest.raises(ValueError, match=r"2 of the 3 listed files do not exist"):
        load_video_list(lists / "l.txt")  # relative to the list's folder by default
    with pytest.raises(FileNotFoundError, match=re.escape(f"root {clips / 'nope'} is not a")):
        load_video_list(lists / "l.txt", root=clips / "nope")


def test_missing_and_empty_list(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "nope.txt"))):
        load_video_list(tmp_path / "nope.txt")
    for text in ("", "\n\n", "# only a comment\n", "path,label\n"):
        (tmp_path / "l.txt").write_text(text)
        with pytest.raises(ValueError, match=re.escape(f"{tmp_path / 'l.txt'} lists no video")):
            load_video_list(tmp_path / "l.txt")


@pytest.mark.parametrize("name, text, message", [
    ("l.txt", "v/a.mp4 0\n\nv/b.avi 1 extra\n", r"line 3: expected 'path label' .* got 3"),
    ("l.txt", "v/a.mp4 0\nv/b.avi\n", r"line 2: expected 'path label' .* got 1: 'v/b\.avi'"),
    ("l.csv", "path,label\nv/a.mp4,walk\nv/b.avi,run,x\n",
     r"line 3: expected 2 comma-separated fields, as in the header; got 3"),
    ("l.csv", "\npath,label\n\nv/a.mp4\n", r"line 4: expected 2 comma-separated fields"),
    ("l.csv", "path,label\nv/a.mp4,walk\nv/b.avi,\n", r"line 3: empty label\."),
    ("l.csv", "label,path\nwalk, \n", r"line 2: empty path\."),
    # a quoted field over two lines: a row's error names its first line
    ("l.csv", 'path,label,note\nv/a.mp4,walk,"a\nb"\nv/b.avi,,"c\nd"\n', r"line 4: empty label"),
    ("l.csv", "path,label,group\nv/a.mp4,walk,g\nv/b.avi,run,\n", r"line 3: empty group\."),
])
def test_malformed_lines_name_the_list_and_line(clips, name, text, message):
    (clips / name).write_text(text)
    with pytest.raises(ValueError, match=re.escape(str(clips / name)) + ", " + message):
        load_video_list(clips / name)


def test_missing_files_name_their_lines(clips):
    (clips / "l.txt").write_text("v/a.mp4 0\nv/gone.mp4 1\n")
    with pytest.raises(ValueError, match=re.escape(f"{clips / 'l.txt'}: 1 of the 2 listed files "
                                                   f"do not exist (relative paths start from "
                                                   f"{clips}): line 2: v/gone.mp4.")):
        load_video_list(clips / "l.txt")
    (clips / "l.txt").write_text("v/a.mp4 0\n" + "".join(f"g{i}.mp4 1\n" for i in range(9)))
    with pytest.raises(ValueError) as err:
        load_video_list(clips / "l.txt")
    message = str(err.value)
    assert "9 of the 10 listed files do not exist" in message
    assert "line 2: g0.mp4, line 3: g1.mp4" in message and "and 4 more" in message
    assert "g8.mp4" not in message


def test_file_listed_twice_names_both_lines(clips):
    (clips / "l.txt").write_text("v/a.mp4 0\nv/b.avi 1\n# c\n./v/../v/a.mp4 1\n")
    with pytest.raises(ValueError, match=re.escape(
            f"{clips / 'l.txt'}: files listed twice: ./v/../v/a.mp4 (lines 1 and 4).")):
        load_video_list(clips / "l.txt")


def test_listed_non_videos_one_warning(clips):
    _touch(clips, "v/e.jpg")
    (clips / "l.txt").write_text("v/a.mp4 0\nnotes.txt 1\nv/b.avi 1\nv/e.jpg 0\n")
    with pytest.warns(UserWarning) as record:
        data = load_video_list(clips / "l.txt")
    assert len(record) == 1
    assert str(record[0].message) == (f"{clips / 'l.txt'}: skipped listed files that are not "
                                      "videos (by extension) (2): notes.txt (line 2), v/e.jpg "
                                      "(line 4).")
    assert record[0].filename == __file__
    assert _rel(data, clips) == ["v/a.mp4", "v/b.avi"]
    (clips / "l.txt").write_text("notes.txt 1\n")
    one = (r"skipped listed files that are not videos \(by extension\) \(1\): "
           r"notes\.txt \(line 1\)\.$")
    with pytest.warns(UserWarning, match=one), pytest.raises(ValueError,
                                                             match="lists no video file"):
        load_video_list(clips / "l.txt")


def test_list_groups_work_with_leave_one_group_out(clips):
    (clips / "l.csv").write_text("path,label,group\nv/a.mp4,walk,1\nv/b.avi,run,1\n"
                                 "v/c.mkv,walk,2\nv/sub/d.MOV,run,2\n")
    data = load_video_list(clips / "l.csv")
    folds = list(LeaveOneGroupOut().split(data.filenames, data.target, data.groups))
    assert [test.tolist() for _, test in folds] == [[0, 1], [2, 3]]
