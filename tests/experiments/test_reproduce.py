"""reproduce end to end on a fake KTH made of real synthetic clips, its writers, its CLI."""

import csv
import functools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from _features import store_entries

from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, reproduce
from skactrec.cli._main import main
from skactrec.datasets import make_synthetic_videos
from skactrec.experiments._paper import PAPER_RESULTS, accuracy_table, write_accuracy_csv
from skactrec.features._engines import get_extractor

ACTIONS = ["boxing", "handclapping", "handwaving", "jogging", "running", "walking"]
KTH_TEST_PEOPLE = {22, 2, 3, 5, 6, 7, 8, 9, 10}
TINY = dict(units=(2, 4),
            featurizer=VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block4_pool",
                                            weights=None),
            classifier=LSTMVideoClassifier(epochs=2, batch_size=16, random_state=0),
            verbose=0)
CLI_TINY = ["--units", "2", "4", "--n-frames", "4", "--frame-size", "32",
            "--layer", "block4_pool", "--weights", "none", "--epochs", "2"]
OUTPUTS = ["accuracy_by_units.csv", "accuracy_table.md", "accuracy_by_units.png",
           "confusion_matrix.png", "top3.png", "summary.json"]


def make_fake_kth_videos(home, clips_dir):
    """KTH's 599 names in ``home/KTH/<action>/``, each a copy of a real synthetic clip.

    Action k is synthetic class k, person p is synthetic group p % 5 + 1: 30 distinct clips.
    """
    clips = make_synthetic_videos(clips_dir, n_classes=6, n_groups=5, n_videos_per_group=1,
                                  n_frames=4, frame_size=32, random_state=0)
    clip = {(int(t), int(g)): f
            for f, t, g in zip(clips.filenames, clips.target, clips.groups, strict=True)}
    for p in range(1, 26):
        for k, action in enumerate(ACTIONS):
            for d in range(1, 5):
                if (p, action, d) == (13, "handclapping", 3):
                    continue
                folder = home / "KTH" / action
                folder.mkdir(parents=True, exist_ok=True)
                name = f"person{p:02d}_{action}_d{d}_uncomp.avi"
                shutil.copyfile(clip[k, p % 5 + 1], folder / name)
    return home


def n_vgg16_frames():
    return get_extractor("block4_pool", (32, 32), None, None).n_frames_processed


@pytest.fixture(scope="module")
def kth_home(tmp_path_factory):
    return make_fake_kth_videos(tmp_path_factory.mktemp("home"), tmp_path_factory.mktemp("clips"))


@pytest.fixture(scope="module")
def run(kth_home, tmp_path_factory):
    output = tmp_path_factory.mktemp("results") / "kth"
    before = n_vgg16_frames()
    result = reproduce("kth", data_home=kth_home, output_dir=output, **TINY)
    result.n_new_frames = n_vgg16_frames() - before
    return result


def test_fake_kth_videos_are_readable(kth_home):
    from skactrec import read_video

    video = kth_home / "KTH" / "boxing" / "person01_boxing_d1_uncomp.avi"
    assert read_video(video, n_frames=4, frame_size=32).shape == (4, 32, 32, 3)


def test_every_output_is_written(run):
    assert sorted(run.paths) == sorted(OUTPUTS)
    for name in OUTPUTS:
        path = run.output_dir / name
        assert run.paths[name] == path and path.stat().st_size > 0, name
    # Only the 30 distinct clips went through VGG16; the other 569 copies came from the store.
    assert run.n_new_frames == 30 * 4


def test_kth_protocol(run):
    [(train, test)] = run.splits
    assert (len(train), len(test)) == (383, 216)
    # The confusion matrix counts every test video of the one split, once.
    assert run.confusion_matrix.sum() == 216 and run.confusion_matrix.shape == (6, 6)
    assert list(run.labels) == ACTIONS
    assert run.fold_accuracy.shape == (2, 1)
    # One fold: the best unit count's confusion matrix (from the search's scorer) holds
    # exactly the accuracy the search measured on that fold.
    assert run.pooled_accuracy == pytest.approx(run.best_accuracy)
    assert run.fold_accuracy[run.units.index(run.best_units), 0] == run.best_accuracy
    for video in run.top_k.videos:
        assert int(Path(video).name[6:8]) in KTH_TEST_PEOPLE


def test_no_test_person_in_training(run, kth_home):
    from skactrec.datasets import load_kth

    groups = load_kth(kth_home).groups
    [(train, test)] = run.splits
    assert set(groups[test]) == KTH_TEST_PEOPLE
    assert not set(groups[train]) & set(groups[test])


def test_csv_table_and_summary_agree(run):
    with open(run.paths["accuracy_by_units.csv"], newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["units"]) for r in rows] == [2, 4]
    assert list(rows[0]) == ["units", "mean_accuracy", "std_accuracy", "fold_1"]
    for row, mean in zip(rows, run.mean_accuracy, strict=True):
        assert 0 <= float(row["mean_accuracy"]) <= 1
        assert float(row["mean_accuracy"]) == pytest.approx(mean, abs=1e-6)
    assert run.best_units in (2, 4)
    assert run.best_accuracy == max(run.mean_accuracy)

    table = run.paths["accuracy_table.md"].read_text()
    assert "| Approach | Acc (%) |" in table
    for name, acc in PAPER_RESULTS["kth"]["rows"]:
        assert f"| {name} | {acc:.2f} |" in table
    assert "| CNN-LSTM (Orozco et al., n_u=360) | 93.86 |" in table
    assert f"CNN-LSTM (skactrec, n_u={run.best_units})" in table
    assert f"{100 * run.best_accuracy:.2f}" in table
    assert table == run.table

    summary = json.loads(run.paths["summary.json"].read_text())
    assert summary["best_units"] == run.best_units
    assert summary["best_accuracy"] == run.best_accuracy
    assert summary["accuracy_by_units"] == {
        str(u): float(m) for u, m in zip(run.units, run.mean_accuracy, strict=True)}
    assert summary["paper"]["accuracy_percent"] == 93.86 and summary["paper"]["units"] == 360
    assert summary["weights"] is None and summary["settings"]["layer"] == "block4_pool"
    assert summary["settings"]["temporal_pooling"] == "last"  # the paper's model
    assert summary["settings"]["featurizer"]["n_frames"] == 4
    assert summary["settings"]["classifier"]["epochs"] == 2
    assert summary["settings"]["random_state"] == 0 and summary["settings"]["n_folds"] == 1


def test_the_sweep_is_a_grid_search_without_refit(run):
    search = run.search
    assert list(search.cv_results_["param_lstmvideoclassifier__n_units"]) == [2, 4]
    assert not hasattr(search, "best_estimator_")  # reproduce needs no model on all videos
    assert list(search.cv_results_["mean_test_accuracy"]) == list(run.mean_accuracy)
    # The given estimators are cloned, not changed.
    assert TINY["featurizer"].memory is None and TINY["classifier"].n_units == 360


def test_second_run_reads_every_video_from_the_store_and_every_fit_from_its_record(
        run, kth_home, monkeypatch):
    from skactrec.classifier import _classifier

    fits = []
    fit = _classifier.fit_classifier
    monkeypatch.setattr(_classifier, "fit_classifier", lambda *a, **k: fits.append(1) or fit(
        *a, **k))
    before = n_vgg16_frames()
    again = reproduce("kth", data_home=kth_home, output_dir=run.output_dir, **TINY)
    assert n_vgg16_frames() == before
    assert fits == []  # each fit's scores were recorded in <output>/fits as it ended
    assert again.units == run.units
    np.testing.assert_array_equal(again.fold_accuracy, run.fold_accuracy)
    np.testing.assert_array_equal(again.confusion_matrix, run.confusion_matrix)
    np.testing.assert_array_equal(again.top_k.scores, run.top_k.scores)


@pytest.mark.parametrize("kwargs, match", [
    ({"dataset": "kth2"}, "dataset must be one of"),
    ({"dataset": 3}, "dataset must be one of"),
    ({"units": ()}, "at least one"),
    ({"units": (4, 0)}, "positive ints"),
    ({"units": (4, 4)}, "repeat"),
    ({"units": "360"}, "sequence"),
    ({"n_top": 0}, "n_top"),
])
def test_bad_arguments(tmp_path, kwargs, match):
    kwargs = {"dataset": "kth", "data_home": tmp_path, "output_dir": tmp_path / "out", **kwargs}
    with pytest.raises(ValueError, match=match):
        reproduce(kwargs.pop("dataset"), **kwargs)
    assert not (tmp_path / "out").exists()


def test_writers_on_hand_made_results(tmp_path):
    path = tmp_path / "acc.csv"
    write_accuracy_csv(path, [40, 360], [0.5, 0.9], [0.1, 0.0], [[0.4, 0.6], [0.9, 0.9]])
    assert path.read_text().splitlines() == [
        "units,mean_accuracy,std_accuracy,fold_1,fold_2",
        "40,0.500000,0.100000,0.400000,0.600000",
        "360,0.900000,0.000000,0.900000,0.900000",
    ]
    table = accuracy_table("ucf11", [40, 360], [0.5, 0.9], [0.1, 0.0], 360, 0.9)
    lines = table.splitlines()
    assert lines[2:4] == ["| Approach | Acc (%) |", "|---|---:|"]
    assert "| (Liu et al., 2009) | 71.02 |" in lines and "| (Cho et al., 2014) | 88.00 |" in lines
    assert "| CNN-LSTM (Orozco et al., n_u=320) | 91.94 |" in lines
    assert "| **CNN-LSTM (skactrec, n_u=360)** | **90.00** |" in lines
    assert "| 40 | 50.00 | 10.00 |" in lines and "| 360 | 90.00 | 0.00 |" in lines
    hmdb = accuracy_table("hmdb51", [400], [0.47], [0.01], 400, 0.47)
    assert "| CNN-LSTM (Orozco et al., n_u=400) | 47.36 |" in hmdb
    ucf101 = accuracy_table("ucf101", [400], [0.47], [0.01], 400, 0.47)
    assert "Orozco et al., n_u" not in ucf101 and "future work" in ucf101


def test_cli_prints_the_table(run, kth_home, tmp_path, capsys):
    output = tmp_path / "cli"
    shutil.copytree(run.output_dir / "features", output / "features")  # no VGG16 pass again
    code = main(["reproduce", "kth", "--data-home", str(kth_home), "--output", str(output),
                 *CLI_TINY])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert str(output / "top3.png") in captured.out
    assert "| Approach | Acc (%) |" in captured.out and "(Baccouche et al., 2011)" in captured.out
    assert "CNN-LSTM (skactrec, n_u=" in captured.out
    assert (output / "summary.json").stat().st_size > 0
    # The library's messages (logging) reach stderr, the results stdout.
    assert "reproduce kth: 599 videos, 6 classes, 1 fold;" in captured.err
    assert "reproduce kth: best:" in captured.err and "Approach" not in captured.err


def test_cli_quiet_prints_only_the_results(run, kth_home, tmp_path, capsys):
    output = tmp_path / "quiet"
    shutil.copytree(run.output_dir / "features", output / "features")
    code = main(["--quiet", "reproduce", "kth", "--data-home", str(kth_home), "--output",
                 str(output), *CLI_TINY])
    captured = capsys.readouterr()
    assert code == 0 and "| Approach | Acc (%) |" in captured.out
    assert captured.err == ""


def test_cli_missing_dataset_is_a_clear_error(tmp_path, capsys):
    code = main(["reproduce", "kth", "--data-home", str(tmp_path), "--output",
                 str(tmp_path / "out"), *CLI_TINY])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("skactrec reproduce: error:") and "KTH" in err


def test_cli_missing_weights_is_a_clear_error(kth_home, tmp_path, capsys):
    code = main(["reproduce", "kth", "--data-home", str(kth_home), "--output",
                 str(tmp_path / "out"), "--weights", str(tmp_path / "nope.h5")])
    assert code == 1
    assert "nope.h5" in capsys.readouterr().err


def test_store_is_filled_chunk_by_chunk_and_bad_videos_named_by_their_index(
        tmp_path, monkeypatch, synthetic_videos):
    import numpy as np

    from skactrec import BatchVideoReadError
    from skactrec.experiments import _sweep

    monkeypatch.setattr(_sweep, "_STORE_CHUNK", 2)  # 3 chunks of 2 (and 1) videos
    good = list(synthetic_videos.filenames[:4])
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video")
    videos = np.array([good[0], good[1], good[2], str(bad), good[3]])
    featurizer = VGG16FrameFeaturizer(n_frames=2, frame_size=32, layer="block1_pool",
                                      weights=None, memory=tmp_path / "store")
    with pytest.raises(BatchVideoReadError) as info:
        _sweep.fill_store(featurizer, videos, n_jobs=1, verbose=0)
    assert [i for i, _ in info.value.errors] == [3] and info.value.n_videos == 5
    assert len(store_entries(tmp_path / "store")) == 4  # every readable video


def test_cli_compute_dtype_and_pooling_reach_vgg16_and_the_lstms(run, kth_home, tmp_path,
                                                                capsys, monkeypatch):
    from skactrec.classifier import _fitting

    built, build = [], _fitting.build_lstm_model

    @functools.wraps(build)  # scikeras passes what the signature takes
    def spy(**kwargs):
        built.append((kwargs["compute_dtype"], kwargs["temporal_pooling"]))
        return build(**kwargs)

    monkeypatch.setattr(_fitting, "build_lstm_model", spy)
    output = tmp_path / "bf16"
    code = main(["reproduce", "kth", "--data-home", str(kth_home), "--output", str(output),
                 *CLI_TINY, "--compute-dtype", "bfloat16", "--temporal-pooling", "attention"])
    assert code == 0, capsys.readouterr().err
    assert built and set(built) == {("bfloat16", "attention")}  # every fit of the sweep
    summary = json.loads((output / "summary.json").read_text())
    assert summary["settings"]["compute_dtype"] == "bfloat16"
    assert summary["settings"]["temporal_pooling"] == "attention"
    # VGG16 ran in bfloat16: the store holds features of that setting only.
    settings = [json.loads(p.read_text()) for p in (output / "features").rglob("settings.json")]
    assert [s["compute_dtype"] for s in settings] == ["bfloat16"]


@pytest.mark.parametrize("compute_dtype, shown", [("float32", True), ("bfloat16", False)])
def test_cli_says_when_a_faster_setting_exists(kth_home, tmp_path, capsys, monkeypatch,
                                               compute_dtype, shown):
    """Once the dataset is read (not before an error), as one line on stderr."""
    from skactrec.experiments import _reproduce
    from skactrec.utils import _hardware

    monkeypatch.setattr(_hardware, "cpu_flags", lambda: {"amx_bf16"})
    monkeypatch.setattr(_hardware, "gpu_present", lambda: False)

    def stop(*args, **kwargs):
        raise ValueError("stopped before VGG16")

    monkeypatch.setattr(_reproduce, "fill_store", stop)
    code = main(["reproduce", "kth", "--data-home", str(kth_home), "--output",
                 str(tmp_path / "out"), *CLI_TINY, "--compute-dtype", compute_dtype])
    err = capsys.readouterr().err
    assert code == 1 and err.splitlines()[-1] == "skactrec reproduce: error: stopped before VGG16"
    assert ("This CPU has AMX: --compute-dtype bfloat16 runs VGG16 about 6.2x faster" in err) \
        == shown


def test_held_out_scorer_counts_the_fold_and_keeps_the_chosen_videos_probabilities():
    import numpy as np

    from skactrec.experiments._reproduce import HeldOutScorer

    class Fitted:  # a fold's model that never saw class "c"
        classes_ = np.array(["a", "b"])

        def predict_proba(self, X):
            return np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])[:len(X)]

    scorer = HeldOutScorer(["a", "b", "c"], ["v2.avi", "elsewhere.avi"])
    scores = scorer(Fitted(), np.array(["v0.avi", "v1.avi", "v2.avi"]), ["a", "a", "c"])
    assert scores["accuracy"] == pytest.approx(1 / 3)
    confusion = [[scores[f"confusion_{i}_{j}"] for j in range(3)] for i in range(3)]
    assert confusion == [[1, 1, 0], [0, 0, 0], [1, 0, 0]]
    assert [scores[f"proba_0_{j}"] for j in range(3)] == [0.6, 0.4, 0.0]
    assert [scores[f"proba_1_{j}"] for j in range(3)] == [0.0, 0.0, 0.0]  # not in this fold


def test_the_paper_estimators_are_the_default(tmp_path):
    from skactrec.experiments._reproduce import _pipeline

    pipeline = _pipeline(None, None, tmp_path / "features")
    featurizer, classifier = pipeline[0], pipeline[-1]
    assert (featurizer.n_frames, featurizer.frame_size, featurizer.layer) == (
        40, 224, "block5_pool")
    assert featurizer.weights == "imagenet" and featurizer.memmap
    assert featurizer.memory == tmp_path / "features"
    assert (classifier.epochs, classifier.batch_size, classifier.learning_rate) == (50, 25, 0.001)
    assert classifier.random_state == 0
    mine = _pipeline(VGG16FrameFeaturizer(memory=tmp_path / "mine"), None, tmp_path / "x")
    assert mine[0].memory == tmp_path / "mine"
