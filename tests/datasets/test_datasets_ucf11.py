"""UCF-11 loader on fake layouts of empty files: classes, groups, leave-one-group-out."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import LeaveOneGroupOut

from skactrec.datasets import DatasetNotFoundError
from skactrec.datasets._ucf11 import PREFIXES, load_ucf11, scan_ucf11

CLASSES = sorted(PREFIXES)


def _n_clips(i, g):
    return 1 + (i + g) % 4  # 1 to 4 clips per group, varying


def _make_ucf11(root, suffix=".mpg", annotations=True):
    for i, cls in enumerate(CLASSES):
        prefix = PREFIXES[cls]
        if annotations:
            (root / cls / "Annotation").mkdir(parents=True)
            (root / cls / "Annotation" / f"v_{prefix}_01_01.xgtf").touch()
        for g in range(1, 26):
            group_dir = root / cls / f"v_{prefix}_{g:02d}"
            group_dir.mkdir(parents=True)
            for c in range(1, _n_clips(i, g) + 1):
                (group_dir / f"v_{prefix}_{g:02d}_{c:02d}{suffix}").touch()
                if annotations:
                    (group_dir / f"v_{prefix}_{g:02d}_{c:02d}.xgtf").touch()
    if annotations:
        (root / "Annotation").mkdir()
    return root


N_TOTAL = sum(_n_clips(i, g) for i in range(11) for g in range(1, 26))


@pytest.fixture
def ucf11_home(tmp_path):
    _make_ucf11(tmp_path / "UCF11_updated_mpg")
    return tmp_path


def test_counts_classes_groups(ucf11_home):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the .xgtf files and Annotation/ folders are silent
        data = load_ucf11(ucf11_home)
    assert data.filenames.shape == data.target.shape == data.groups.shape == (N_TOTAL,)
    assert list(data.filenames) == sorted(data.filenames)
    assert all(f.endswith(".mpg") for f in data.filenames)
    assert list(data.target_names) == CLASSES and len(CLASSES) == 11
    assert data.target_names[0] == "basketball" and data.target_names[-1] == "walking"
    for i in range(11):
        assert (data.target == i).sum() == sum(_n_clips(i, g) for g in range(1, 26))
    assert sorted(set(data.groups)) == list(range(1, 26))
    for filename, target, group in zip(data.filenames, data.target, data.groups, strict=True):
        cls, group_dir, clip = filename.split("/")[-3:]
        assert CLASSES[target] == cls and group_dir == f"v_{PREFIXES[cls]}_{group:02d}"
        assert clip.startswith(group_dir + "_")
    assert "1600" in data.DESCR and "Liu" in data.DESCR


def test_leave_one_group_out_25_folds(ucf11_home):
    data = load_ucf11(ucf11_home)
    assert isinstance(data.cv, LeaveOneGroupOut)
    folds = list(data.cv.split(data.filenames, data.target, groups=data.groups))
    assert len(folds) == data.cv.get_n_splits(groups=data.groups) == 25
    held_out = []
    for train, test in folds:
        assert len(set(data.groups[test])) == 1
        assert data.groups[test][0] not in set(data.groups[train])
        assert len(train) + len(test) == N_TOTAL
        held_out.append(data.groups[test][0])
    assert sorted(held_out) == list(range(1, 26))


def test_return_X_y_and_data_home_rule(ucf11_home, tmp_path):
    data = load_ucf11(ucf11_home)
    X, y = load_ucf11(ucf11_home / "UCF11_updated_mpg", return_X_y=True)
    np.testing.assert_array_equal(X, data.filenames)
    np.testing.assert_array_equal(y, data.target)
    # the older release: .avi clips, no annotations, another folder name
    _make_ucf11(tmp_path / "old" / "action_youtube_naudio", suffix=".avi", annotations=False)
    old = load_ucf11(tmp_path / "old")
    assert old.filenames.size == N_TOTAL and all(f.endswith(".avi") for f in old.filenames)


@pytest.mark.parametrize("subset", ["train", "test"])
def test_subset_other_than_all_points_to_logo(ucf11_home, subset):
    with pytest.raises(ValueError, match="(?s)LeaveOneGroupOut.*groups"):
        load_ucf11(ucf11_home, subset=subset)


def test_bad_subset_type(ucf11_home):
    with pytest.raises(ValueError, match="subset"):
        load_ucf11(ucf11_home, subset=1)


def test_missing_dataset_message(tmp_path):
    with pytest.raises(DatasetNotFoundError,
                       match=r"(?s)basketball.*UCF11_updated_mpg.*UCF_YouTube_Action.*unrar x"):
        load_ucf11(tmp_path)


def test_incomplete_dataset_message(ucf11_home):
    root = ucf11_home / "UCF11_updated_mpg"
    (root / "diving").rename(ucf11_home / "diving_elsewhere")
    with pytest.raises(DatasetNotFoundError, match="incomplete: class folders diving are missing"):
        load_ucf11(ucf11_home)
    (ucf11_home / "diving_elsewhere").rename(root / "diving")
    for clip in (root / "swing").rglob("*.mpg"):
        clip.unlink()
    with pytest.raises(DatasetNotFoundError, match="swing hold no clips"):
        load_ucf11(ucf11_home)


def test_unexpected_files_warn_and_are_skipped(ucf11_home):
    root = ucf11_home / "UCF11_updated_mpg"
    (root / "README.txt").touch()
    (root / "running").mkdir()
    (root / "biking" / "v_biking_26").mkdir()
    (root / "biking" / "v_biking_01" / "v_biking_01_01.mp4").touch()
    (root / "biking" / "v_biking_01" / "v_diving_01_09.mpg").touch()
    with pytest.warns(UserWarning) as record:
        data = load_ucf11(ucf11_home)
    assert len(record) == 1
    message = str(record[0].message)
    for name in ("README.txt", "running", "biking/v_biking_26", "v_biking_01_01.mp4",
                 "v_diving_01_09.mpg"):
        assert name in message
    assert ".xgtf" not in message and "Annotation" not in message
    assert data.filenames.size == N_TOTAL


def test_scan_alone(ucf11_home):
    clips = scan_ucf11(ucf11_home / "UCF11_updated_mpg")
    assert len(clips) == N_TOTAL
    assert clips[0] == ("basketball/v_shooting_01/v_shooting_01_01.mpg", "basketball", 1)
    assert ("walking/v_walk_dog_25/v_walk_dog_25_01.mpg", "walking", 25) in clips
