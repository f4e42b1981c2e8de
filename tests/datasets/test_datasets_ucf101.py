"""UCF-101 loader: list parsing, file-system scan, splits, on fake layouts of empty files."""

import numpy as np
import pytest

from skactrec.datasets import DatasetNotFoundError, FixedSplits
from skactrec.datasets._ucf101 import load_ucf101, parse_ucf101_lists, scan_ucf101

REAL_SIZES = [(9537, 3783), (9586, 3734), (9624, 3696)]

# A small, fully fake UCF-101: 3 classes, 4 groups, 2 clips per group.
CLASSES = ["ApplyEyeMakeup", "Basketball", "HandstandPushups"]
TEST_GROUPS = {1: [1], 2: [2], 3: [3]}  # split -> groups in its test side


def _clip(cls, g, c):
    name = "HandStandPushups" if cls == "HandstandPushups" else cls  # the real case quirk
    return f"{cls}/v_{name}_g{g:02d}_c{c:02d}.avi"


def _write_small_lists(list_dir):
    list_dir.mkdir(parents=True)
    # CRLF line ends, as in the official files
    (list_dir / "classInd.txt").write_bytes(
        "".join(f"{i} {c}\r\n" for i, c in enumerate(CLASSES, 1)).encode()
    )
    for k, test_groups in TEST_GROUPS.items():
        train, test = [], []
        for i, cls in enumerate(CLASSES, 1):
            for g in range(1, 5):
                for c in (1, 2):
                    if g in test_groups:
                        test.append(f"{_clip(cls, g, c)}\r\n")
                    else:
                        train.append(f"{_clip(cls, g, c)} {i}\r\n")
        (list_dir / f"trainlist0{k}.txt").write_bytes("".join(train).encode())
        (list_dir / f"testlist0{k}.txt").write_bytes("".join(test).encode())


def _touch_clips(root, relpaths):
    for relpath in relpaths:
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


@pytest.fixture
def small_ucf(tmp_path):
    """data_home/UCF-101/<class>/*.avi and data_home/ucfTrainTestlist/ beside it."""
    _write_small_lists(tmp_path / "ucfTrainTestlist")
    _touch_clips(tmp_path / "UCF-101",
                 [_clip(c, g, k) for c in CLASSES for g in range(1, 5) for k in (1, 2)])
    return tmp_path


@pytest.fixture(scope="module")
def real_lists(shared_data_dir):
    path = shared_data_dir / "splits" / "ucf101_ucfTrainTestlist"
    if not path.is_dir():
        pytest.skip(f"official UCF-101 lists not found at {path}")
    return path


@pytest.fixture(scope="module")
def real_layout(real_lists, tmp_path_factory):
    """A fake UCF-101 of 13320 empty files named by the official lists (linked, not copied)."""
    home = tmp_path_factory.mktemp("ucf101_real")
    (home / "ucfTrainTestlist").symlink_to(real_lists, target_is_directory=True)
    _, splits = parse_ucf101_lists(real_lists)
    _touch_clips(home / "UCF-101", sorted({r for tr, te in splits for r in tr + te}))
    return home


def _check_splits(cv, n_samples):
    assert isinstance(cv, FixedSplits)
    sizes = []
    for train, test in cv.split(np.zeros(n_samples)):
        assert not np.intersect1d(train, test).size
        assert len(np.union1d(train, test)) == n_samples
        sizes.append((len(train), len(test)))
    return sizes


def test_parse_real_lists(real_lists):
    class_names, splits = parse_ucf101_lists(real_lists)
    assert len(class_names) == 101
    assert class_names[0] == "ApplyEyeMakeup" and class_names[-1] == "YoYo"
    assert [(len(tr), len(te)) for tr, te in splits] == REAL_SIZES
    for train, test in splits:
        assert len(set(train) | set(test)) == 13320 and not set(train) & set(test)


def test_load_real_layout(real_layout):
    ucf = load_ucf101(real_layout)
    assert ucf.filenames.shape == ucf.target.shape == ucf.groups.shape == (13320,)
    assert list(ucf.filenames) == sorted(ucf.filenames)
    assert len(ucf.target_names) == 101 and set(ucf.target) == set(range(101))
    assert set(ucf.groups) == set(range(1, 26))
    assert _check_splits(ucf.cv, 13320) == REAL_SIZES
    for train, test in ucf.cv.split(ucf.filenames):
        # the official splits keep each group on one side
        assert not set(zip(ucf.target[train], ucf.groups[train], strict=True)) & set(
            zip(ucf.target[test], ucf.groups[test], strict=True))
    hand = list(ucf.target_names).index("HandstandPushups")
    assert "v_HandStandPushups_" in ucf.filenames[ucf.target == hand][0]
    for split, (n_train, n_test) in enumerate(REAL_SIZES, start=1):
        assert load_ucf101(real_layout, subset="train", split=split).filenames.size == n_train
        assert load_ucf101(real_layout, subset="test", split=split).filenames.size == n_test


def test_small_layout_targets_groups_splits(small_ucf):
    ucf = load_ucf101(small_ucf)
    assert ucf.filenames.size == 24 and ucf.DESCR.startswith(".. _ucf101_dataset:")
    assert list(ucf.target_names) == CLASSES
    assert np.bincount(ucf.target).tolist() == [8, 8, 8]
    assert sorted(set(ucf.groups)) == [1, 2, 3, 4]
    assert _check_splits(ucf.cv, 24) == [(18, 6)] * 3
    for (train, test), k in zip(ucf.cv.split(ucf.filenames), TEST_GROUPS, strict=True):
        assert set(ucf.groups[test]) == set(TEST_GROUPS[k])
        assert not set(ucf.filenames[test]) & set(ucf.filenames[train])
    target_of = {name: i for i, name in enumerate(CLASSES)}
    for filename, target in zip(ucf.filenames, ucf.target, strict=True):
        assert target_of[filename.split("/")[-2]] == target


def test_subset_split_and_return_X_y(small_ucf):
    full = load_ucf101(small_ucf)
    X, y = load_ucf101(small_ucf, return_X_y=True)
    np.testing.assert_array_equal(X, full.filenames)
    np.testing.assert_array_equal(y, full.target)
    for split in (1, 2, 3):
        train = load_ucf101(small_ucf, subset="train", split=split)
        test = load_ucf101(small_ucf, subset="test", split=split)
        assert train.cv is None and (train.subset, train.split) == ("train", split)
        assert train.filenames.size == 18 and test.filenames.size == 6
        assert set(test.groups) == set(TEST_GROUPS[split])
        assert not set(train.filenames) & set(test.filenames)
        tr, te = full.cv.splits[split - 1]
        assert set(full.filenames[te]) == set(test.filenames)
        assert set(full.filenames[tr]) == set(train.filenames)


@pytest.mark.parametrize("kwargs", [{"subset": "validation"}, {"split": 0}, {"split": 4},
                                    {"subset": None}])
def test_bad_parameters(small_ucf, kwargs):
    with pytest.raises(ValueError, match="subset|split"):
        load_ucf101(small_ucf, **kwargs)


def test_data_home_holder_or_dataset_folder_and_lists_inside(small_ucf, tmp_path):
    a = load_ucf101(small_ucf).filenames
    b = load_ucf101(small_ucf / "UCF-101").filenames
    np.testing.assert_array_equal(a, b)
    # lists inside the dataset folder, which is named UCF101
    (small_ucf / "ucfTrainTestlist").rename(small_ucf / "UCF-101" / "ucfTrainTestlist")
    (small_ucf / "UCF-101").rename(small_ucf / "UCF101")
    c = load_ucf101(small_ucf)
    assert c.filenames.size == 24 and all("/UCF101/" in f for f in c.filenames)


def test_missing_dataset_message(tmp_path):
    with pytest.raises(DatasetNotFoundError,
                       match=r"(?s)UCF-101.*ucfTrainTestlist.*crcv\.ucf\.edu.*unrar x"):
        load_ucf101(tmp_path)


def test_missing_lists_message(small_ucf):
    (small_ucf / "ucfTrainTestlist" / "classInd.txt").unlink()
    with pytest.raises(DatasetNotFoundError, match="(?s)classInd.txt.*UCF101.php"):
        load_ucf101(small_ucf)
    (small_ucf / "ucfTrainTestlist" / "testlist02.txt").unlink()
    with pytest.raises(DatasetNotFoundError, match="testlist02.txt missing"):
        parse_ucf101_lists(small_ucf / "ucfTrainTestlist")


def test_incomplete_dataset_message(small_ucf):
    for relpath in (_clip("Basketball", 2, 1), _clip("ApplyEyeMakeup", 4, 2)):
        (small_ucf / "UCF-101" / relpath).unlink()
    with pytest.raises(DatasetNotFoundError,
                       match=r"incomplete: 2 of the 24 clips.*v_ApplyEyeMakeup_g04_c02\.avi"):
        load_ucf101(small_ucf)


def test_unexpected_files_warn_and_are_skipped(small_ucf):
    root = small_ucf / "UCF-101"
    (root / "notes.txt").touch()
    (root / "Basketball" / "thumbs.jpg").touch()
    (root / "Basketball" / "v_Basketball_g09_c01.avi").touch()  # well named but unlisted
    (root / ".DS_Store").touch()  # hidden: silently skipped
    with pytest.warns(UserWarning) as record:
        ucf = load_ucf101(small_ucf)
    messages = " ".join(str(w.message) for w in record)
    assert "notes.txt" in messages and "Basketball/thumbs.jpg" in messages
    assert "no official list" in messages and "v_Basketball_g09_c01.avi" in messages
    assert ".DS_Store" not in messages
    assert ucf.filenames.size == 24


def test_parse_rejects_inconsistent_labels(small_ucf):
    path = small_ucf / "ucfTrainTestlist" / "trainlist01.txt"
    path.write_bytes(path.read_bytes().replace(b" 2\r", b" 3\r", 1))
    with pytest.raises(ValueError, match="labelled 3"):
        parse_ucf101_lists(small_ucf / "ucfTrainTestlist")


def test_scan_alone(small_ucf):
    relpaths = scan_ucf101(small_ucf / "UCF-101", CLASSES)
    assert len(relpaths) == 24 and relpaths == sorted(relpaths)
    assert relpaths[0] == "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi"
