"""HMDB-51 loader on a fake layout of empty files with split files written here."""

import numpy as np
import pytest

from skactrec.datasets import DatasetNotFoundError, FixedSplits
from skactrec.datasets._hmdb51 import load_hmdb51, parse_hmdb51_splits, scan_hmdb51

CLASSES = (
    "brush_hair cartwheel catch chew clap climb climb_stairs dive draw_sword dribble drink eat "
    "fall_floor fencing flic_flac golf handstand hit hug jump kick kick_ball kiss laugh pick "
    "pour pullup punch push pushup ride_bike ride_horse run shake_hands shoot_ball shoot_bow "
    "shoot_gun sit situp smile smoke somersault stand swing_baseball sword sword_exercise talk "
    "throw turn walk wave"
).split()
N_TOTAL = 6766


def _n_clips(i):
    return 133 if i < 34 else 132  # 34 * 133 + 17 * 132 == 6766


def _clip(cls, j):
    return f"Movie{j // 5}_{cls}_u_nm_np1_fr_goo_{j % 5}.avi"  # 5 clips per source


def _split_id(j, k, n):
    """Split k of n clips: they rotate by 40 per split; 70 train, 30 test, the rest unused."""
    position = (j + 40 * (k - 1)) % n
    return 1 if position < 70 else 2 if position < 100 else 0


def _make_hmdb51(home, folder="hmdb51_org", n_classes=51):
    split_dir = home / "testTrainMulti_7030_splits"
    split_dir.mkdir(parents=True)
    for i, cls in enumerate(CLASSES[:n_classes]):
        (home / folder / cls).mkdir(parents=True)
        for j in range(_n_clips(i)):
            (home / folder / cls / _clip(cls, j)).touch()
        for k in (1, 2, 3):
            # trailing spaces, as in the official files
            lines = [f"{_clip(cls, j)} {_split_id(j, k, _n_clips(i))} \n"
                     for j in range(_n_clips(i))]
            (split_dir / f"{cls}_test_split{k}.txt").write_text("".join(lines))
    return home


@pytest.fixture(scope="module")
def hmdb_home(tmp_path_factory):
    return _make_hmdb51(tmp_path_factory.mktemp("hmdb"))


@pytest.fixture
def small_home(tmp_path):
    """Three classes only, for tests that change the layout."""
    return _make_hmdb51(tmp_path, n_classes=3)


def test_counts_classes_splits(hmdb_home):
    data = load_hmdb51(hmdb_home)
    assert data.filenames.shape == data.target.shape == data.groups.shape == (N_TOTAL,)
    assert list(data.filenames) == sorted(data.filenames)
    assert list(data.target_names) == sorted(CLASSES) and len(CLASSES) == 51
    assert set(data.target) == set(range(51))
    assert isinstance(data.cv, FixedSplits) and data.cv.get_n_splits() == 3
    for train, test in data.cv.split(data.filenames):
        assert (len(train), len(test)) == (3570, 1530)
        assert not np.intersect1d(train, test).size
        assert np.bincount(data.target[train]).tolist() == [70] * 51
        assert np.bincount(data.target[test]).tolist() == [30] * 51
    assert "6766" in data.DESCR and "Kuehne" in data.DESCR


def test_groups_are_source_videos(hmdb_home):
    data = load_hmdb51(hmdb_home)
    n_sources = sum(-(-_n_clips(i) // 5) for i in range(51))
    assert len(set(data.groups)) == n_sources
    same = [f.split("/")[-1].startswith("Movie0_brush_hair_") for f in data.filenames]
    assert len(set(data.groups[same])) == 1 and sum(same) == 5
    # the same source name in two classes is two groups
    other = [f.split("/")[-1].startswith("Movie0_wave_") for f in data.filenames]
    assert set(data.groups[same]).isdisjoint(data.groups[other])


@pytest.mark.parametrize("split", [1, 2, 3])
def test_subset_and_split(hmdb_home, split):
    full = load_hmdb51(hmdb_home)
    train = load_hmdb51(hmdb_home, subset="train", split=split)
    test = load_hmdb51(hmdb_home, subset="test", split=split)
    assert (train.filenames.size, test.filenames.size) == (3570, 1530)
    assert train.cv is None and (test.subset, test.split) == ("test", split)
    tr, te = full.cv.splits[split - 1]
    assert set(full.filenames[tr]) == set(train.filenames)
    assert set(full.filenames[te]) == set(test.filenames)
    for filename in test.filenames[:50]:
        cls, name = filename.split("/")[-2:]
        j = next(j for j in range(133) if _clip(cls, j) == name)
        assert _split_id(j, split, _n_clips(CLASSES.index(cls))) == 2


def test_return_X_y_and_data_home_rule(hmdb_home):
    data = load_hmdb51(hmdb_home)
    X, y = load_hmdb51(hmdb_home / "hmdb51_org", return_X_y=True)
    np.testing.assert_array_equal(X, data.filenames)
    np.testing.assert_array_equal(y, data.target)


def test_other_folder_name_and_splits_inside(small_home):
    (small_home / "testTrainMulti_7030_splits").rename(
        small_home / "hmdb51_org" / "testTrainMulti_7030_splits")
    (small_home / "hmdb51_org").rename(small_home / "HMDB51")
    data = load_hmdb51(small_home)
    assert data.filenames.size == 3 * 133 and all("/HMDB51/" in f for f in data.filenames)
    assert [(len(tr), len(te)) for tr, te in data.cv.split()] == [(210, 90)] * 3


@pytest.mark.parametrize("kwargs", [{"subset": "val"}, {"split": 0}, {"split": 4}])
def test_bad_parameters(small_home, kwargs):
    with pytest.raises(ValueError, match="subset|split"):
        load_hmdb51(small_home, **kwargs)


def test_missing_dataset_message(tmp_path):
    with pytest.raises(DatasetNotFoundError,
                       match=r"(?s)testTrainMulti_7030_splits.*hmdb51_org.*serre-lab.*unrar x"):
        load_hmdb51(tmp_path)


def test_incomplete_dataset_messages(small_home):
    (small_home / "hmdb51_org" / "catch" / _clip("catch", 7)).unlink()
    with pytest.raises(DatasetNotFoundError,
                       match=r"incomplete: 1 of the 399 clips.*Movie1_catch_u_nm_np1_fr_goo_2"):
        load_hmdb51(small_home)
    (small_home / "testTrainMulti_7030_splits" / "cartwheel_test_split2.txt").unlink()
    with pytest.raises(DatasetNotFoundError, match="cartwheel_test_split2.txt missing"):
        parse_hmdb51_splits(small_home / "testTrainMulti_7030_splits")


def test_malformed_split_line(small_home):
    path = small_home / "testTrainMulti_7030_splits" / "catch_test_split1.txt"
    path.write_text(path.read_text() + "extra.avi 7\n")
    with pytest.raises(ValueError, match=r"line 134 .*extra\.avi 7"):
        parse_hmdb51_splits(small_home / "testTrainMulti_7030_splits")


def test_unexpected_files_warn_and_are_skipped(small_home):
    root = small_home / "hmdb51_org"
    (root / "readme.txt").touch()
    (root / "catch" / "frames").mkdir()
    (root / "catch" / "Movie99_catch_u_nm_np1_fr_goo_0.avi").touch()  # unlisted
    (root / "catch" / ".hidden.avi").touch()
    with pytest.warns(UserWarning) as record:
        data = load_hmdb51(small_home)
    messages = " ".join(str(w.message) for w in record)
    assert "readme.txt" in messages and "catch/frames" in messages
    assert "no split file" in messages and "Movie99_catch" in messages
    assert ".hidden" not in messages
    assert data.filenames.size == 3 * 133


def test_parse_and_scan_alone(small_home):
    class_names, assignments = parse_hmdb51_splits(small_home / "testTrainMulti_7030_splits")
    assert class_names == ["brush_hair", "cartwheel", "catch"]
    assert len(assignments) == 399
    assert assignments[f"catch/{_clip('catch', 0)}"] == (1, 1, 2)  # positions 0, 40, 80
    relpaths = scan_hmdb51(small_home / "hmdb51_org", class_names)
    assert sorted(relpaths) == relpaths and set(relpaths) == set(assignments)
