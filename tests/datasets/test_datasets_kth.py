"""Tests of skactrec.datasets._kth on fake KTH layouts (empty files with the real names)."""

import io
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from skactrec.datasets import DatasetNotFoundError, FixedSplits, _kth, _kth_download
from skactrec.datasets._kth import _expected_names, _parse_sequences, load_kth
from skactrec.datasets._kth_download import fetch_kth

ACTIONS = ["boxing", "handclapping", "handwaving", "jogging", "running", "walking"]
TRAINING = {11, 12, 13, 14, 15, 16, 17, 18}
VALIDATION = {19, 20, 21, 23, 24, 25, 1, 4}
TEST = {22, 2, 3, 5, 6, 7, 8, 9, 10}
REAL_SEQUENCES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "splits"
    / "kth_00sequences.txt"
)


def all_names():
    """The 599 video names, written out independently of the module's own list."""
    return [
        f"person{p:02d}_{a}_d{d}_uncomp.avi"
        for p in range(1, 26) for a in ACTIONS for d in range(1, 5)
        if (p, a, d) != (13, "handclapping", 3)
    ]


def make_fake_kth(directory, layout="per_action", names=None):
    """Empty files named like KTH's, all in ``directory`` or in per-action subfolders."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in all_names() if names is None else names:
        folder = directory / name.split("_")[1] if layout == "per_action" else directory
        folder.mkdir(exist_ok=True)
        (folder / name).touch()
    return directory


@pytest.fixture(scope="module")
def fake_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    make_fake_kth(home / "KTH")
    return home


@pytest.fixture(scope="module")
def kth(fake_home):
    return load_kth(fake_home)


def test_expected_names():
    names = _expected_names()
    assert len(names) == len(set(names)) == 599
    assert [n + "_uncomp.avi" for n in names] == all_names()
    assert "person13_handclapping_d3" not in names
    assert names[0] == "person01_boxing_d1" and names[-1] == "person25_walking_d4"


def test_counts_and_labels(kth):
    assert isinstance(kth.filenames, np.ndarray) and len(kth.filenames) == 599
    assert [Path(f).name for f in kth.filenames] == all_names()  # person, action, scenario
    assert list(kth.target_names) == ACTIONS
    assert np.bincount(kth.target).tolist() == [100, 99, 100, 100, 100, 100]
    assert sorted(set(kth.groups)) == list(range(1, 26))
    assert sorted(set(kth.scenario)) == [1, 2, 3, 4]
    for filename, target, group, scenario in zip(
        kth.filenames, kth.target, kth.groups, kth.scenario, strict=True
    ):
        person, action, d, _ = Path(filename).name.split("_")
        assert (ACTIONS[target], group, scenario) == (action, int(person[6:]), int(d[1:]))
        assert Path(filename).parent.name == action and Path(filename).is_file()
    assert "Schuldt" in kth.DESCR and "https://www.csc.kth.se/cvap/actions/" in kth.DESCR
    assert "frame_ranges" not in kth


def test_official_split(kth):
    assert TRAINING | VALIDATION | TEST == set(range(1, 26))
    for subset, persons in [("train", TRAINING), ("validation", VALIDATION), ("test", TEST)]:
        assert set(kth.groups[kth.subset_of_file == subset]) == persons
    assert np.sum(kth.subset_of_file != "test") == 383
    assert np.sum(kth.subset_of_file == "test") == 216


def test_cv_separates_people(kth):
    assert isinstance(kth.cv, FixedSplits) and kth.cv.get_n_splits() == 1
    [(train, test)] = list(kth.cv.split(kth.filenames))
    assert (len(train), len(test)) == (383, 216)
    assert set(kth.groups[train]) == TRAINING | VALIDATION
    assert set(kth.groups[test]) == TEST
    assert not set(kth.groups[train]) & TEST
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(599))


@pytest.mark.parametrize("subset, n, persons", [("train", 383, TRAINING | VALIDATION),
                                                ("test", 216, TEST)])
def test_subsets(fake_home, kth, subset, n, persons):
    part = load_kth(fake_home, subset=subset)
    assert len(part.filenames) == len(part.target) == len(part.groups) == n
    assert set(part.groups) == persons
    expected = np.isin(kth.groups, list(persons))
    np.testing.assert_array_equal(part.filenames, kth.filenames[expected])
    np.testing.assert_array_equal(part.target, kth.target[expected])
    # cv indexes this bunch: every file on one side, the empty side the other.
    [(train, test)] = list(part.cv.split(part.filenames))
    assert len(train if subset == "train" else test) == n


def test_return_X_y(fake_home, kth):
    X, y = load_kth(fake_home, return_X_y=True)
    np.testing.assert_array_equal(X, kth.filenames)
    np.testing.assert_array_equal(y, kth.target)
    X_test, _ = load_kth(fake_home, subset="test", return_X_y=True)
    assert len(X_test) == 216


@pytest.mark.parametrize("subset", ["training", "validation", "", None])
def test_bad_subset(fake_home, subset):
    with pytest.raises(ValueError, match="subset"):
        load_kth(fake_home, subset=subset)


@pytest.mark.parametrize("layout", ["flat", "per_action"])
@pytest.mark.parametrize("folder", ["KTH", "kth"])
@pytest.mark.parametrize("point_at", ["home", "dataset"])
def test_layouts_and_data_home(tmp_path, layout, folder, point_at):
    dataset = make_fake_kth(tmp_path / folder, layout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean dataset warns about nothing
        kth = load_kth(tmp_path if point_at == "home" else dataset)
    assert len(kth.filenames) == 599
    assert all(Path(f).is_file() for f in kth.filenames)
    assert Path(kth.filenames[0]).parent == (dataset / "boxing" if layout == "per_action"
                                             else dataset)


def test_data_home_from_the_environment(fake_home, monkeypatch):
    monkeypatch.setenv("SKACTREC_DATA", str(fake_home))
    assert len(load_kth().filenames) == 599


def test_missing_dataset(tmp_path):
    (tmp_path / "KTH").mkdir()
    (tmp_path / "KTH" / "readme.txt").touch()
    with pytest.raises(DatasetNotFoundError, match="(?s)Dataset not found.*fetch_kth") as info:
        load_kth(tmp_path)
    message = str(info.value)
    assert str(tmp_path / "KTH") in message and "https://www.csc.kth.se/cvap/actions/" in message
    assert "boxing.zip" in message


def test_incomplete_dataset(tmp_path):
    names = all_names()
    missing = [names[5], names[300], names[598]]
    make_fake_kth(tmp_path / "KTH", "flat", [n for n in names if n not in missing])
    with pytest.raises(DatasetNotFoundError, match="incomplete: 3 of the 599") as info:
        load_kth(tmp_path)
    for name in missing:
        assert name in str(info.value)


def test_incomplete_message_lists_the_first_few(tmp_path):
    make_fake_kth(tmp_path / "KTH", "per_action", all_names()[:10])
    with pytest.raises(DatasetNotFoundError, match="589 of the 599") as info:
        load_kth(tmp_path)
    assert all_names()[10] in str(info.value)
    assert all_names()[-1] not in str(info.value)  # only the first few


def test_unexpected_files_warn_and_are_skipped(tmp_path):
    dataset = make_fake_kth(tmp_path / "KTH")
    odd = [
        dataset / "notes.txt",
        dataset / "boxing" / "person01_boxing_d1.avi",
        dataset / "handclapping" / "person13_handclapping_d3_uncomp.avi",  # never recorded
        dataset / "walking" / "person26_walking_d1_uncomp.avi",
    ]
    for path in odd:
        path.touch()
    (dataset / ".DS_Store").touch()  # hidden files are ignored silently
    (dataset / "00sequences.txt").touch()  # known extras too
    unexpected = r"skipped files that are not KTH videos .*\(4\)"
    with pytest.warns(UserWarning, match=unexpected) as record:
        kth = load_kth(tmp_path)
    assert len(record) == 1
    assert record[0].filename == __file__  # points at the caller's line, not at the library
    for path in odd:
        assert str(path) in str(record[0].message)
    assert len(kth.filenames) == 599
    assert not {Path(f).name for f in kth.filenames} & {p.name for p in odd}


def test_duplicate_videos_warn(tmp_path):
    dataset = make_fake_kth(tmp_path / "KTH")
    (dataset / "person01_boxing_d1_uncomp.avi").touch()  # also in boxing/
    with pytest.warns(UserWarning, match="duplicate"):
        kth = load_kth(tmp_path)
    assert len(kth.filenames) == 599


SEQUENCES = (
    "person01_boxing_d1\t\tframes\t1-95, 96-185, 186-245, 246-360\r\n"
    "\r\n"
    "person13_handclapping_d3\t*missing*\r\n"
    "person13_handwaving_d4    \tframes\t1-180, 181-288\r\n"
)


def test_parse_sequences(tmp_path):
    path = tmp_path / "00sequences.txt"
    path.write_bytes(SEQUENCES.encode())
    assert _parse_sequences(path) == {
        "person01_boxing_d1": [(1, 95), (96, 185), (186, 245), (246, 360)],
        "person13_handwaving_d4": [(1, 180), (181, 288)],
    }
    path.write_text("person01_boxing_d1\tframes 1-95, oops\n")
    with pytest.raises(ValueError, match="line 1"):
        _parse_sequences(path)


def test_frame_ranges_from_the_dataset_folder(tmp_path):
    dataset = make_fake_kth(tmp_path / "KTH")
    with pytest.raises(DatasetNotFoundError, match="00sequences.txt") as info:
        load_kth(tmp_path, with_frame_ranges=True)
    assert str(dataset / "00sequences.txt") in str(info.value)
    with pytest.raises(DatasetNotFoundError, match="00sequences.txt"):
        load_kth(tmp_path, with_frame_ranges=True, return_X_y=True)
    (dataset / "00sequences.txt").write_bytes(SEQUENCES.encode())
    kth = load_kth(tmp_path, subset="test", with_frame_ranges=True)
    assert len(kth.frame_ranges) == 216
    assert kth.frame_ranges[0] == []  # person02_boxing_d1: not in this short file
    kth = load_kth(tmp_path, with_frame_ranges=True)
    assert kth.frame_ranges[0] == [(1, 95), (96, 185), (186, 245), (246, 360)]


@pytest.fixture
def real_sequences():
    if not REAL_SEQUENCES.is_file():
        pytest.skip(f"the real KTH 00sequences.txt is not at {REAL_SEQUENCES} "
                    "(only present in the dev workspace)")
    return REAL_SEQUENCES


def test_real_sequences_file(real_sequences, tmp_path):
    ranges = _parse_sequences(real_sequences)
    assert len(ranges) == 599
    assert set(ranges) == set(_expected_names())
    assert ranges["person01_boxing_d1"] == [(1, 95), (96, 185), (186, 245), (246, 360)]
    assert ranges["person25_walking_d4"] == [(1, 100), (178, 295), (296, 398), (488, 592)]
    assert ranges["person13_handwaving_d4"] == [(1, 180), (181, 288), (289, 383), (384, 556)]
    assert ranges["person13_handwaving_d3"] == [(1, 125), (126, 240), (241, 336)]
    assert sum(len(r) for r in ranges.values()) == 599 * 4 - 5  # five videos have 3
    assert all(1 <= a <= b for r in ranges.values() for a, b in r)

    dataset = make_fake_kth(tmp_path / "KTH")
    shutil.copy(real_sequences, dataset / "00sequences.txt")
    kth = load_kth(tmp_path, with_frame_ranges=True)
    assert len(kth.frame_ranges) == 599 and all(kth.frame_ranges)
    i = list(kth.filenames).index(str(dataset / "boxing" / "person01_boxing_d1_uncomp.avi"))
    assert kth.frame_ranges[i] == [(1, 95), (96, 185), (186, 245), (246, 360)]


# --- fetch_kth, against a local server ---------------------------------------------------


def make_zip(names, folder=""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(folder + name, b"not really a video")
    return buffer.getvalue()


@pytest.fixture
def kth_server(http_server, monkeypatch):
    """A local server publishing fake KTH zips (boxing's inside a folder, as some copies
    are) and 00sequences.txt, with KTH_URL pointed at it."""
    for action in ACTIONS:
        http_server.files[f"/actions/{action}.zip"] = make_zip(
            [n for n in all_names() if n.split("_")[1] == action],
            folder="boxing/" if action == "boxing" else "",
        )
    http_server.files["/actions/00sequences.txt"] = SEQUENCES.encode()
    monkeypatch.setattr(_kth, "KTH_URL", f"{http_server.url}/actions/")
    return http_server


def test_fetch_kth_end_to_end(kth_server, tmp_path):
    kth_server.failures["/actions/jogging.zip"] = 1  # retried
    kth = fetch_kth(tmp_path, delay=0)
    assert len(kth.filenames) == 599 and len(set(kth.groups)) == 25
    assert sorted(kth_server.requests) == sorted(
        [f"/actions/{a}.zip" for a in ACTIONS] + ["/actions/jogging.zip"]
    )
    for action in ACTIONS:
        assert len(list((tmp_path / "KTH" / action).iterdir())) == (99 if action ==
                                                                    "handclapping" else 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["KTH"]  # the zips are deleted
    assert not (tmp_path / "KTH" / "boxing" / "boxing").exists()  # folders flattened

    # Present now: nothing downloaded again; the frame ranges file only when asked for.
    n_requests = len(kth_server.requests)
    X, y = fetch_kth(tmp_path, subset="test", return_X_y=True)
    assert len(X) == len(y) == 216 and len(kth_server.requests) == n_requests
    kth = fetch_kth(tmp_path / "KTH", with_frame_ranges=True, delay=0)
    assert kth_server.requests[n_requests:] == ["/actions/00sequences.txt"]
    assert kth.frame_ranges[0] == [(1, 95), (96, 185), (186, 245), (246, 360)]


def test_fetch_kth_downloads_only_the_missing_actions(kth_server, tmp_path):
    dataset = make_fake_kth(tmp_path / "KTH")
    (dataset / "walking" / "person07_walking_d2_uncomp.avi").unlink()
    kth = fetch_kth(tmp_path, delay=0)
    assert kth_server.requests == ["/actions/walking.zip"]
    assert len(kth.filenames) == 599


def test_fetch_kth_download_if_missing_false(kth_server, tmp_path):
    with pytest.raises(DatasetNotFoundError, match="Dataset not found"):
        fetch_kth(tmp_path, download_if_missing=False)
    make_fake_kth(tmp_path / "KTH", names=all_names()[1:])
    with pytest.raises(DatasetNotFoundError, match="incomplete: 1 of the 599"):
        fetch_kth(tmp_path, download_if_missing=False)
    make_fake_kth(tmp_path / "KTH")
    with pytest.raises(DatasetNotFoundError, match="00sequences.txt"):
        fetch_kth(tmp_path, download_if_missing=False, with_frame_ranges=True)
    assert kth_server.requests == []
    assert len(fetch_kth(tmp_path, download_if_missing=False).filenames) == 599


@pytest.mark.parametrize("body, match", [
    (b"this is not a zip", "not a valid zip"),
    (make_zip(["person01_walking_d1_uncomp.avi"]), "holds no boxing video"),
])
def test_fetch_kth_rejects_a_bad_zip(kth_server, tmp_path, body, match):
    kth_server.files["/actions/boxing.zip"] = body
    with pytest.raises(OSError, match=f"(?s){match}.*boxing.zip"):
        fetch_kth(tmp_path, delay=0)
    assert not (tmp_path / "boxing.zip").exists()


def test_fetch_kth_checksum_mismatch(kth_server, tmp_path, monkeypatch):
    monkeypatch.setitem(_kth_download.ZIP_SHA256, "boxing", "0" * 64)
    with pytest.raises(OSError, match="SHA-256"):
        fetch_kth(tmp_path, delay=0)
    assert not (tmp_path / "boxing.zip").exists()
    assert kth_server.requests == ["/actions/boxing.zip"]


def test_fetch_kth_gives_up(kth_server, tmp_path):
    kth_server.failures["/actions/boxing.zip"] = 10
    with pytest.raises(OSError, match="(?s)boxing.zip.*2 attempt.*by hand"):
        fetch_kth(tmp_path, n_retries=1, delay=0)
    assert kth_server.requests == ["/actions/boxing.zip"] * 2
