"""The feature store across processes: a kill -9 loses nothing, two writers agree.

Each child process featurizes array videos (from a .npy file) into one store. Afterwards
every entry in the store is compared with a fresh computation in this process.
"""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from _features import load_entry, store_entries

from skactrec import VGG16FrameFeaturizer

# Slow enough (about 0.1-0.3 s per video here) for a kill to land in the middle of a run.
PARAMS = dict(n_frames=8, frame_size=64, layer="block5_pool", weights=None)

CHILD = """
import json, sys
import numpy as np
from skactrec import VGG16FrameFeaturizer
args = json.loads(sys.argv[1])
videos = np.load(args["videos"])[args["start"]:args["stop"]]
featurizer = VGG16FrameFeaturizer(**args["params"], memory=args["store"])
features = featurizer.fit_transform(list(videos))
np.save(args["out"], features)
"""


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    path = tmp_path_factory.mktemp("videos") / "videos.npy"
    rng = np.random.RandomState(0)
    np.save(path, rng.randint(0, 256, (30, 8, 64, 64, 3), dtype=np.uint8))
    return path


@pytest.fixture(scope="module")
def fresh(videos):
    """The features of every video, computed here without a store."""
    return VGG16FrameFeaturizer(**PARAMS).fit_transform(list(np.load(videos)))


def start_child(videos, store, out, start=0, stop=None):
    args = json.dumps({"videos": str(videos), "store": str(store), "out": str(out),
                       "start": start, "stop": stop, "params": PARAMS})
    return subprocess.Popen([sys.executable, "-c", CHILD, args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def entries(store):
    return store_entries(store)


def check_store(store, videos, fresh):
    """Every entry of the store is whole and equals the fresh features of its video."""
    featurizer = VGG16FrameFeaturizer(**PARAMS, memory=store).fit(list(np.load(videos)))
    by_path = {featurizer._store().path(v): i for i, v in enumerate(np.load(videos))}
    found = entries(store)
    for path in found:
        np.testing.assert_array_equal(load_entry(path), fresh[by_path[path.with_suffix("")]])
    return found


def test_kill_9_in_the_middle_loses_nothing(videos, fresh, tmp_path):
    store = tmp_path / "store"
    child = start_child(videos, store, tmp_path / "out.npy")
    deadline = time.monotonic() + 120
    while len(entries(store)) < 3 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.poll() is None, "the child ended before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    n_before = len(check_store(store, videos, fresh))
    assert 3 <= n_before < len(fresh)

    # The next run completes, reads what was stored and computes the rest.
    child = start_child(videos, store, tmp_path / "out.npy")
    _, stderr = child.communicate(timeout=300)
    assert child.returncode == 0, stderr.decode()[-2000:]
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), fresh)
    assert len(check_store(store, videos, fresh)) == len(fresh)


def test_two_processes_sharing_a_store(videos, fresh, tmp_path):
    store = tmp_path / "store"
    first = start_child(videos, store, tmp_path / "first.npy", 0, 20)
    second = start_child(videos, store, tmp_path / "second.npy", 10, 30)  # 10 in common
    for child in (first, second):
        _, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, stderr.decode()[-2000:]
    np.testing.assert_array_equal(np.load(tmp_path / "first.npy"), fresh[:20])
    np.testing.assert_array_equal(np.load(tmp_path / "second.npy"), fresh[10:])
    assert len(check_store(store, videos, fresh)) == 30
    assert not list(store.rglob(".tmp-*")), "no temporary file may be left"
