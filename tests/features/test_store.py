"""The feature store: keys, atomic writes, damaged entries, no pickles, hash-only names."""

import logging

import numpy as np
import pytest

from skactrec.features._nonzeros import encode_nonzeros
from skactrec.features._store import STORE_FORMAT, FeatureStore, video_digest


@pytest.fixture
def store(tmp_path):
    return FeatureStore(tmp_path, {"layer": "block5_pool", "n_frames": 2}, shape=(2, 3))


def _video(seed=0):
    return np.random.RandomState(seed).randint(0, 256, (2, 8, 8, 3)).astype(np.uint8)


def test_round_trip_and_settings_isolation(tmp_path, store):
    video, features = _video(), np.arange(6, dtype=np.float32).reshape(2, 3)
    assert store.get(video) is None
    store.put(video, features)
    np.testing.assert_array_equal(store.get(video), features)
    assert store.get(_video(1)) is None
    other = FeatureStore(tmp_path, {"layer": "block4_pool", "n_frames": 2}, shape=(2, 3))
    assert other.get(video) is None  # other settings never see these features
    assert other.directory != store.directory
    assert (store.directory / "settings.json").read_text().count("block5_pool") == 1


def test_file_videos_are_keyed_by_content(tmp_path, store):
    a, b = tmp_path / "my secret name.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    store.put(a, np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(store.get(b), np.ones((2, 3)))
    assert video_digest(a) == video_digest(b)


def test_names_come_from_hashes_only(tmp_path, store):
    video = tmp_path / "user path with spaces élan.mp4"
    video.write_bytes(b"content")
    store.put(video, np.zeros((2, 3), np.float32))
    entries = [p for p in (tmp_path / STORE_FORMAT).rglob("*") if p.is_file()]
    assert len(entries) == 2  # the entry and settings.json
    for entry in entries:
        assert "user" not in str(entry.relative_to(tmp_path)) and "élan" not in str(entry)
    assert not list(tmp_path.rglob(".tmp-*")), "no temporary file may stay behind"


def test_put_rejects_wrong_features(store):
    with pytest.raises(ValueError, match="do not fit"):
        store.put(_video(), np.zeros((3, 3), np.float32))
    with pytest.raises(ValueError, match="do not fit"):
        store.put(_video(), np.zeros((2, 3), np.float64))


DENSE = np.ones((2, 3), np.float32)  # stored as .npy
SPARSE = np.array([[0, 0, 0], [0, 2.5, 0]], np.float32)  # stored as non-zeros (.nz)


def _sparse(shape, dtype):
    features = np.zeros(shape, dtype)
    features.flat[1] = 1
    return features


def _damage(file, kind):
    nonzeros = file.suffix == ".nz"

    def write(features):
        if nonzeros:
            file.write_bytes(encode_nonzeros(features))
        else:
            np.save(file, features)

    if kind == "truncated":
        file.write_bytes(file.read_bytes()[:-5])
    elif kind == "wrong shape":
        write(_sparse((3, 2), np.float32))
    elif kind == "wrong dtype":
        write(_sparse((2, 3), np.float64))
    elif kind == "pickled object":
        np.save(file, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    elif kind == "position out of range":
        data = bytearray(file.read_bytes())
        data[40:44] = (10**6).to_bytes(4, "little")  # the first position, after the header
        file.write_bytes(bytes(data))
    else:
        file.write_bytes(b"\x00not an entry")


@pytest.mark.parametrize(("features", "damage"), [
    *[(DENSE, kind) for kind in ["truncated", "wrong shape", "wrong dtype", "pickled object",
                                 "garbage"]],
    *[(SPARSE, kind) for kind in ["truncated", "wrong shape", "wrong dtype",
                                  "position out of range", "garbage"]],
])
def test_damaged_entries_are_reported_deleted_and_never_returned(store, caplog, features,
                                                                 damage):
    video = _video()
    store.put(video, features)
    [file] = [f for f in store.files(store.path(video)) if f.exists()]
    assert file.suffix == (".npy" if features is DENSE else ".nz")
    _damage(file, damage)
    with caplog.at_level(logging.WARNING, logger="skactrec.features._store"):
        assert store.get(video) is None
    assert str(file) in caplog.text
    assert not file.exists()


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_mostly_zero_features_are_stored_smaller_and_read_exactly(tmp_path, dtype):
    rng = np.random.RandomState(0)
    features = (rng.rand(40, 1000) * (rng.rand(40, 1000) < 0.1)).astype(dtype)  # 90% zeros
    store = FeatureStore(tmp_path, {"layer": "block5_pool"}, shape=features.shape, dtype=dtype)
    store.put(_video(), features)
    nonzeros, plain = store.files(store.path(_video()))
    assert nonzeros.exists() and not plain.exists()
    assert nonzeros.stat().st_size < features.nbytes / 3
    read = store.get(_video())
    assert read.dtype == features.dtype
    np.testing.assert_array_equal(read, features)


def test_stores_of_plain_npy_entries_are_still_read(store):
    """A store written before the non-zeros format: every entry a ``<digest>.npy``."""
    video = _video()
    _, plain = store.files(store.path(video))
    plain.parent.mkdir(parents=True)
    np.save(plain, SPARSE, allow_pickle=False)
    np.testing.assert_array_equal(store.get(video), SPARSE)


def test_failed_write_leaves_nothing(store):
    class Boom(Exception):
        pass

    video = _video()
    from skactrec.features import _store

    original = np.save

    def failing_save(*args, **kwargs):
        raise Boom

    _store.np.save = failing_save
    try:
        with pytest.raises(Boom):
            store.put(video, np.ones((2, 3), np.float32))
    finally:
        _store.np.save = original
    assert store.get(video) is None
    assert not list(store.directory.rglob(".tmp-*"))


def test_stale_temporary_files_of_killed_writers_are_removed(tmp_path, caplog):
    """A writer killed between creating its temporary file and moving it into place leaves
    the file behind; the next process to open the store removes it once it is old enough,
    and never touches a fresh one (a write in progress elsewhere)."""
    import os
    import time

    from skactrec.features import _store

    first = FeatureStore(tmp_path, {"layer": "x"}, shape=(2, 3))
    entry_dir = first.directory / "ab"
    entry_dir.mkdir()
    old, fresh = entry_dir / ".tmp-old.npy", entry_dir / ".tmp-fresh.npy"
    old.write_bytes(b"partial"), fresh.write_bytes(b"partial")
    hours_ago = time.time() - 2 * _store.STALE_AFTER_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    _store._SWEPT.discard(first.directory)  # as in a new process
    with caplog.at_level(logging.INFO, logger="skactrec.features._store"):
        FeatureStore(tmp_path, {"layer": "x"}, shape=(2, 3))
    assert not old.exists() and fresh.exists()
    assert "Removed 1 temporary files" in caplog.text
