"""skactrec fit, evaluate and timeline: a user's own class folders to a model and its report."""

import contextlib
import io
import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from _features import store_entries

from skactrec.cli._main import main
from skactrec.cli._own_videos import load_labelled_videos

SETTINGS = ["--n-frames", "4", "--frame-size", "32", "--layer", "block3_pool",
            "--weights", "none", "--epochs", "2"]


@pytest.fixture(scope="module")
def class_folders(synthetic_videos, tmp_path_factory):
    """The synthetic clips as a user lays them out: clips/<class>/<clip>, as links."""
    root = tmp_path_factory.mktemp("own") / "clips"
    data = synthetic_videos
    for path, target in zip(data.filenames, data.target, strict=True):
        folder = root / data.target_names[target]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / Path(path).name).symlink_to(path)
    return root


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def fitted(class_folders, tmp_path_factory):
    # With attention (beyond the paper), so that evaluate and timeline read such a model too;
    # the paper's "last" goes through the CLI in test_cli's reproduce.
    model = tmp_path_factory.mktemp("model") / "actions.joblib"
    with pytest.MonkeyPatch.context() as patch:  # the default store: in the data home
        patch.setenv("SKACTREC_DATA", str(model.parent / "data_home"))
        result = _run(["-q", "fit", str(class_folders), "--output", str(model),
                       "--groups", r"g(\d+)", "--units", "2", "4", "--learning-rates", "0.01",
                       "--temporal-pooling", "attention", *SETTINGS])
    return model, result


def test_fit_prints_each_candidate_and_saves_model_and_card(fitted, class_folders,
                                                            synthetic_videos):
    model_path, (code, out, err) = fitted
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Leave-one-group-out over 3 folds: accuracy of each candidate")
    names = ["mean+max pooling, logistic regression", "LSTM 2 units, lr 0.01",
             "LSTM 4 units, lr 0.01"]
    assert [line.strip().startswith(name) for line, name in zip(lines[2:5], names,
                                                                strict=True)] == [True] * 3
    card = json.loads(model_path.with_suffix(".json").read_text())
    assert card["classes"] == sorted(synthetic_videos.target_names)
    assert [c["name"] for c in card["candidates"]] == names
    assert all(len(c["folds"]) == 3 for c in card["candidates"])
    for line, candidate in zip(lines[2:5], card["candidates"], strict=True):
        assert f"{candidate['mean_accuracy']:.3f} +- {candidate['std_accuracy']:.3f}" in line
        assert f"{candidate['train_accuracy']:8.3f}" in line
        assert ("did not fit in" in line) == (candidate["folds_not_fitted"] > 0)
    assert card["best"] in names and f"Best: {card['best']}." in out
    assert sum("<- best" in line for line in lines) == 1
    assert card["weights_identity"] == "random-glorot-uniform-seed0"
    assert card["featurizer"]["n_frames"] == 4 and card["featurizer"]["frame_size"] == 32
    assert set(card["versions"]) >= {"skactrec", "keras", "tensorflow", "scikit-learn"}
    assert card["groups"] == 3 and card["n_videos"] == 12
    model = joblib.load(model_path)
    assert card["steps"] == [type(step).__name__ for _, step in model.steps]
    if card["best"].startswith("LSTM"):
        assert f"LSTM {model[-1].n_units} units" in card["best"]
        assert card["classifier"]["temporal_pooling"] == model[-1].temporal_pooling
    else:
        assert card["steps"][1:] == ["TemporalPooling", "StandardScaler", "LogisticRegression"]
    assert model[0].memory is None  # the default store is not named in the saved model
    store = model_path.parent / "data_home" / "features"
    assert f"features stored in {store}" in out
    assert len(store_entries(store)) == 12  # each video featurized once, kept
    assert not list(model_path.parent.glob(".*.partial.*"))  # no half-written file left


def test_fit_again_takes_the_search_from_its_record(fitted, class_folders, monkeypatch):
    """Each fit's scores were recorded beside the model as it ended: the same command run
    again (after a crash, or to see the table) fits only the best model on all videos."""
    from skactrec.classifier import _classifier

    model, (_, out, _) = fitted
    assert any((model.parent / "actions.fits" / "scores").rglob("*.json"))
    fits = []
    fit = _classifier.fit_classifier
    monkeypatch.setattr(_classifier, "fit_classifier", lambda *a, **k: fits.append(1) or fit(
        *a, **k))
    monkeypatch.setenv("SKACTREC_DATA", str(model.parent / "data_home"))
    code, again, err = _run(["-q", "fit", str(class_folders), "--output", str(model),
                             "--groups", r"g(\d+)", "--units", "2", "4", "--learning-rates",
                             "0.01", "--temporal-pooling", "attention", *SETTINGS])
    assert code == 0, err
    assert len(fits) <= 1  # the refit of the best, when it is an LSTM
    table = [line for line in out.splitlines() if "+-" in line]
    assert [line for line in again.splitlines() if "+-" in line] == table


def test_evaluate_prints_and_writes_the_report(fitted, class_folders, tmp_path):
    model_path, _ = fitted
    code, out, err = _run(["-q", "evaluate", str(class_folders), "--model", str(model_path),
                           "--output", str(tmp_path / "report")])
    assert code == 0, err
    data = load_labelled_videos(class_folders)
    accuracy = joblib.load(model_path).score(data.filenames, data.target_names[data.target])
    assert f"Accuracy: {accuracy:.3f} on 12 videos" in out
    assert "precision" in out and "recall" in out and "Confusion matrix" in out
    summary = json.loads((tmp_path / "report" / "evaluation.json").read_text())
    assert summary["accuracy"] == pytest.approx(accuracy)
    assert np.sum(summary["confusion_matrix"]) == 12
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 1000


def test_timeline_prints_each_window_and_draws_it(fitted, synthetic_videos, tmp_path):
    model_path, _ = fitted
    png = tmp_path / "timeline.png"
    code, out, err = _run(["-q", "timeline", synthetic_videos.filenames[0], "--model",
                           str(model_path), "--stride", "2", "--top", "2", "--plot", str(png)])
    assert code == 0, err
    lines = out.splitlines()
    assert "8 frames at 10 frames/s, 3 windows of 4 frames" in lines[0]
    assert lines[1].strip().startswith("00:00.0-00:00.4")
    assert len(lines[1:4]) == 3 and png.stat().st_size > 1000


def test_a_list_file_gives_the_same_videos(class_folders, tmp_path):
    folder = load_labelled_videos(class_folders, r"g(\d+)")
    listing = tmp_path / "list.csv"
    listing.write_text("path,label,group\n" + "".join(
        f"{path},{folder.target_names[t]},{g}\n"
        for path, t, g in zip(folder.filenames, folder.target, folder.groups, strict=True)))
    listed = load_labelled_videos(listing)
    np.testing.assert_array_equal(listed.target_names[listed.target],
                                  folder.target_names[folder.target])
    with pytest.raises(ValueError, match="--groups applies to a folder"):
        load_labelled_videos(listing, r"g(\d+)")


@pytest.mark.parametrize("argv, message", [
    (["fit", "{empty}", "--output", "{tmp}/m.joblib"], "empty"),
    (["fit", "{folders}", "--output", "{tmp}/m.joblib", "--cv", "5"],
     "stratified 5-fold cross-validation needs at least 5 videos per class; class 'down' "
     "has 3"),
])
def test_fit_errors_are_one_line(argv, message, class_folders, tmp_path, monkeypatch):
    monkeypatch.setenv("SKACTREC_DATA", str(tmp_path / "data_home"))
    (tmp_path / "empty").mkdir()
    argv = [a.format(empty=tmp_path / "empty", tmp=tmp_path, folders=class_folders)
            for a in argv]
    code, out, err = _run([*argv, *SETTINGS])
    assert code == 1 and len(err.strip().splitlines()) == 1 and message in err, err
    assert not (tmp_path / "m.joblib").exists()


def test_an_unreadable_video_is_named_and_the_others_features_are_kept(
        class_folders, tmp_path, monkeypatch):
    monkeypatch.setenv("SKACTREC_DATA", str(tmp_path / "data_home"))
    clips = tmp_path / "clips"
    for folder in class_folders.iterdir():
        (clips / folder.name).mkdir(parents=True)
        for clip in folder.iterdir():
            (clips / folder.name / clip.name).symlink_to(clip.resolve())
    broken = next((clips).iterdir()) / "g09_broken.mp4"
    broken.write_bytes(b"an interrupted copy")
    code, _, err = _run(["-q", "fit", str(clips), "--output", str(tmp_path / "m.joblib"),
                         "--groups", r"g(\d+)", *SETTINGS])
    assert code == 1 and "g09_broken.mp4" in err and "1 of 13 videos" in err, err
    store = tmp_path / "data_home" / "features"
    assert len(store_entries(store)) == 12  # a rerun computes none of them again
