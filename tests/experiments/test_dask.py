"""On a Dask cluster through joblib's Dask backend: a LocalCluster of 2 worker processes on
127.0.0.1, started here. Featurization and a small GridSearchCV(LeaveOneGroupOut) give the
local run's results exactly; a worker killed mid-run loses and damages no store entry."""

import os
import signal
import threading
import time

import numpy as np
import pytest
from _features import assert_same_features, store_entries

distributed = pytest.importorskip("distributed", reason="needs pip install '.[dask]'")

from joblib import parallel_config  # noqa: E402
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer  # noqa: E402

SMALL = dict(n_frames=4, frame_size=32, layer="block3_pool", weights=None, pooling="avg")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, worker_dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _videos(n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (4, 40, 40, 3), dtype=np.uint8) for _ in range(n)]


def test_featurization_on_the_cluster_equals_the_local_run(client, tmp_path, synthetic_videos):
    videos = _videos(10) + list(synthetic_videos.filenames)
    local = VGG16FrameFeaturizer(**SMALL).fit_transform(videos)
    featurizer = VGG16FrameFeaturizer(**SMALL, memory=tmp_path / "store", n_jobs=-1)
    with parallel_config(backend="dask"):
        remote = featurizer.fit_transform(videos)
    assert_same_features(remote, local)
    # Both workers built their own VGG16 and wrote into the one shared store.
    assert len(store_entries(tmp_path / "store")) == len(videos)
    worker_pids = set(client.run(os.getpid).values())
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids


def test_grid_search_on_the_cluster_equals_the_local_run(client, tmp_path, synthetic_videos):
    data = synthetic_videos
    y = data.target_names[data.target]

    def search():
        pipe = make_pipeline(
            VGG16FrameFeaturizer(**SMALL, memory=tmp_path / "store"),
            LSTMVideoClassifier(epochs=3, batch_size=4, random_state=0),
        )
        return GridSearchCV(pipe, {"lstmvideoclassifier__n_units": [2, 4]},
                            cv=LeaveOneGroupOut(), n_jobs=-1)

    local = search().fit(data.filenames, y, groups=data.groups)
    with parallel_config(backend="dask"):
        remote = search().fit(data.filenames, y, groups=data.groups)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score",
                "split2_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    # The refitted best model came back from the cluster and predicts like the local one.
    np.testing.assert_array_equal(remote.predict_proba(data.filenames),
                                  local.predict_proba(data.filenames))
    # No fit left its LSTM alive on a worker (its memory goes back to TensorFlow). A
    # worker's VGG16, built once per process by design, is not counted.
    assert set(client.run(_live_lstm_models).values()) == {0}


def _live_lstm_models():
    import gc

    import keras

    gc.collect()
    return sum(isinstance(obj, keras.Model) and obj.name.startswith("cnn_lstm")
               for obj in gc.get_objects())


def _entries(store_dir):
    """The store's finished entries: not the temporary files of writes (a killed writer's
    stays until a later process sweeps it, an hour on)."""
    return store_entries(store_dir)


def test_a_worker_killed_mid_run_loses_no_store_entry(client, tmp_path):
    videos = _videos(24, seed=1)
    store_dir = tmp_path / "store"
    featurizer = VGG16FrameFeaturizer(**SMALL, memory=store_dir, n_jobs=-1)
    expected = VGG16FrameFeaturizer(**SMALL).fit_transform(videos)
    outcome = {}

    def run():
        try:
            with parallel_config(backend="dask"):
                outcome["features"] = featurizer.fit_transform(videos)
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 300
    while len(_entries(store_dir)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    n_at_kill = len(_entries(store_dir))
    assert 3 <= n_at_kill < len(videos), "the worker was not killed mid-run"
    thread.join(timeout=600)
    assert not thread.is_alive()

    if "error" in outcome:  # a clear error, not a hang or garbage
        assert "worker" in str(outcome["error"]).lower(), outcome["error"]
    else:  # rescheduled on the other worker (or the nanny's restarted one)
        assert_same_features(outcome["features"], expected)
        assert len(_entries(store_dir)) == len(videos)
    # Every entry left in the store is whole and right.
    featurizer.fit(videos)
    store = featurizer._store()
    assert store_entries(store_dir)
    for i, video in enumerate(videos):
        stored = store.read(store.path(video))
        if stored is not None:
            assert_same_features(stored, expected[i])


def _accuracy_lines(out):
    return [line for line in out.splitlines() if line.strip().split("|")[0].strip().isdigit()]


def test_cli_runs_on_the_scheduler(client, tmp_path, capsys, monkeypatch):
    from skactrec.cli._main import main
    from skactrec.experiments import _demo

    # A smaller demo (9 videos, 2 folds): what is tested is where its fits run. Three
    # classes, as the demo reports a top-3.
    monkeypatch.setattr(_demo, "DEMO_DATA", {"n_classes": 3, "n_groups": 3,
                                             "n_videos_per_group": 1})
    demo = ["demo", "--units", "2", "8", "--epochs", "5"]
    assert main([*demo, "--workdir", str(tmp_path / "local")]) == 0
    local = capsys.readouterr()
    address = client.scheduler.address
    assert main([*demo, "--workdir", str(tmp_path / "cluster"), "--scheduler", address]) == 0
    remote = capsys.readouterr()
    assert f"connecting to the Dask scheduler at {address}" in remote.err
    assert "2 workers" in remote.err
    assert _accuracy_lines(remote.out) == _accuracy_lines(local.out) and _accuracy_lines(local.out)


def test_cli_unreachable_scheduler_is_one_clear_line(capsys, monkeypatch):
    from skactrec.cli import _main as _cli
    from skactrec.cli._main import main

    monkeypatch.setattr(_cli, "SCHEDULER_TIMEOUT", "2s")  # nothing answers: not 30 s here
    code = main(["demo", "--scheduler", "tcp://127.0.0.1:9", "--units", "2"])
    err = capsys.readouterr().err
    assert code == 1 and "tcp://127.0.0.1:9" in err and len(err.strip().splitlines()) <= 2
