"""The command line: fast --help without TensorFlow, and the demo end to end."""

import subprocess
import sys

import pytest
from _features import store_entries

from skactrec.cli._main import main


def test_help_does_not_import_tensorflow():
    code = (
        "import sys; from skactrec.cli._main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'heavy import'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout


def test_module_entry_point_and_version():
    result = subprocess.run([sys.executable, "-m", "skactrec", "--version"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("skactrec ")


def test_unknown_command_fails():
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2


def test_demo_with_missing_weights_file_is_a_clear_error(tmp_path, capsys):
    code = main(["demo", "--weights", str(tmp_path / "nope.h5"), "--workdir", str(tmp_path)])
    assert code == 1
    assert "nope.h5" in capsys.readouterr().err
    assert not (tmp_path / "videos").exists()  # said before any video is written


def test_demo_learns_and_prints_its_report(tmp_path, capsys):
    code = main(["demo", "--workdir", str(tmp_path), "--units", "4", "16"])
    assert code == 0
    out = capsys.readouterr().out
    assert "random initialisation" in out and "block4_pool" in out
    accuracies = [float(line.split("|")[1].split("+-")[0])
                  for line in out.splitlines() if line.strip().split("|")[0].strip().isdigit()]
    assert len(accuracies) == 2
    # 4 classes: chance is 0.25; the demo must show real learning with random weights.
    assert max(accuracies) >= 0.6, out
    assert "Top-3 for" in out
    assert len(store_entries(tmp_path / "features")) == 80


@pytest.fixture(scope="module")
def saved_model(synthetic_videos, tmp_path_factory):
    import joblib
    from sklearn.pipeline import make_pipeline

    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer

    data = synthetic_videos
    pipe = make_pipeline(
        VGG16FrameFeaturizer(n_frames=4, frame_size=32, layer="block2_pool", weights=None),
        LSTMVideoClassifier(n_units=4, epochs=2, random_state=0),
    ).fit(data.filenames, data.target_names[data.target])
    path = tmp_path_factory.mktemp("model") / "model.joblib"
    joblib.dump(pipe, path)
    return pipe, path


def test_predict_prints_the_top_classes(saved_model, synthetic_videos, capsys):
    pipe, path = saved_model
    videos = list(synthetic_videos.filenames[:2])
    assert main(["predict", *videos, "--model", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == videos[0] and lines[4] == videos[1] and len(lines) == 8
    ranked = [line.split() for line in lines[1:4]]
    assert [r[0] for r in ranked] == ["1.", "2.", "3."]
    scores = [float(r[2].rstrip("%")) for r in ranked]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 100.1
    assert ranked[0][1] == pipe.predict(videos[:1])[0]
    assert main(["predict", videos[0], "--model", str(path), "--top", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_predict_errors_are_one_line_unless_debug(saved_model, tmp_path, capsys):
    import joblib

    _, path = saved_model
    assert main(["predict", "v.mp4", "--model", str(tmp_path / "missing.joblib")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.joblib" in err and err.startswith("skactrec predict")
    joblib.dump({"not": "a model"}, tmp_path / "dict.joblib")
    assert main(["predict", "v.mp4", "--model", str(tmp_path / "dict.joblib")]) == 1
    assert "not a fitted classifier" in capsys.readouterr().err
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"junk" * 100)
    assert main(["predict", str(bad), "--model", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.mp4" in err
    with pytest.raises(FileNotFoundError):
        main(["--debug", "predict", "v.mp4", "--model", str(tmp_path / "missing.joblib")])


def test_export_writes_the_model_as_onnx_beside_it(saved_model, synthetic_videos, capsys):
    ort = pytest.importorskip("onnxruntime")
    import numpy as np

    from skactrec import read_video

    pipe, path = saved_model
    assert main(["export", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {path.with_suffix('.onnx')} (") and out.endswith(
        "MB): uint8 frames (videos, 4, 32, 32, 3) -> probabilities of 4 classes\n")
    videos = list(synthetic_videos.filenames[:2])
    frames = np.stack([read_video(v, n_frames=4, frame_size=32) for v in videos])
    session = ort.InferenceSession(str(path.with_suffix(".onnx")))
    np.testing.assert_allclose(session.run(None, {"frames": frames})[0],
                               pipe.predict_proba(videos), atol=1e-5)


def test_export_errors_are_one_line(saved_model, tmp_path, capsys):
    import joblib

    pipe, path = saved_model
    joblib.dump(pipe[-1], tmp_path / "head.joblib")
    assert main(["export", str(tmp_path / "head.joblib")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("skactrec export: error: export_model "
                                                    "takes a fitted Pipeline")
    assert main(["export", str(path), "--format", "keras", "--output",
                 str(tmp_path / "missing" / "m.keras")]) == 1
    assert "folder" in capsys.readouterr().err and not (tmp_path / "missing").exists()


def test_ctrl_c_is_one_line_and_exit_status_130(saved_model, monkeypatch, capsys):
    from skactrec.cli import _main

    def stopped(args):
        raise KeyboardInterrupt("Training stopped by Ctrl-C at epoch 3 of 50, after batch 2 "
                                "of 8; the backup in b holds the end of epoch 2: fit again")

    monkeypatch.setattr(_main, "_predict", stopped)  # the parser is built by main
    assert main(["predict", "v.mp4", "--model", str(saved_model[1])]) == 130
    err = capsys.readouterr().err
    assert err == ("skactrec predict: Training stopped by Ctrl-C at epoch 3 of 50, after batch 2 "
                   "of 8; the backup in b holds the end of epoch 2: fit again\n")


def test_every_option_is_documented_with_its_default():
    import argparse

    from skactrec.cli._main import _build_parser

    parser = _build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) == {"demo", "reproduce", "predict", "fit", "evaluate",
                                       "timeline", "convert-weights", "export", "watch"}
    for name, sub in [("skactrec", parser), *subparsers.choices.items()]:
        assert sub.description or sub is parser, f"{name} has no description"
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction | argparse._VersionAction):
                continue
            label = f"{name} {'/'.join(action.option_strings) or action.dest}"
            assert action.help, f"{label} has no help"
            shows_default = action.default not in (None, False) and action.option_strings
            if shows_default and not isinstance(action, argparse._StoreTrueAction):
                assert "default" in action.help, f"{label}'s help does not give its default"


def test_quiet_and_debug_set_the_log_level():
    import logging

    logger = logging.getLogger("skactrec")
    with pytest.raises(SystemExit):
        main(["-q", "predict", "--help"])
    command = ["predict", "missing.mp4", "--model", "missing.joblib"]
    for argv, level in ((["-q"], logging.WARNING), ([], logging.INFO)):
        assert main([*argv, *command]) == 1
        assert logger.level == level, argv
    with pytest.raises(FileNotFoundError):
        main(["--debug", *command])
    assert logger.level == logging.DEBUG


def test_defaults_come_from_the_functions_and_estimators_the_commands_call():
    import inspect

    from skactrec import LSTMVideoClassifier, VGG16FrameFeaturizer, reproduce
    from skactrec.cli._main import _build_parser
    from skactrec.experiments._demo import demo_pipeline, run_demo
    from skactrec.experiments._own_videos import fit_own_videos

    def default(function, name):
        return inspect.signature(function).parameters[name].default

    parser = _build_parser()
    rep = parser.parse_args(["reproduce", "kth"])
    assert rep.units == list(default(reproduce, "units"))
    featurizer, classifier = VGG16FrameFeaturizer(), LSTMVideoClassifier()
    for name in ("n_frames", "frame_size", "layer", "weights", "compute_dtype", "dtype"):
        assert getattr(rep, name) == getattr(featurizer, name), name
    assert (rep.epochs, rep.temporal_pooling) == (classifier.epochs, classifier.temporal_pooling)
    fit = parser.parse_args(["fit", "data", "--output", "m.joblib"])
    assert fit.units == list(default(fit_own_videos, "units"))
    assert fit.learning_rates == list(default(fit_own_videos, "learning_rates"))
    assert fit.pooling_head == default(fit_own_videos, "pooling")
    assert fit.cv == default(fit_own_videos, "cv") and fit.n_frames == featurizer.n_frames
    demo = parser.parse_args(["demo"])
    assert demo.units == list(default(run_demo, "units"))
    assert demo.epochs == demo_pipeline()[-1].epochs and demo.seed == default(run_demo,
                                                                               "random_state")


def test_reproduce_options_build_the_estimators(monkeypatch):
    from skactrec.cli._main import _build_parser
    from skactrec.cli._options import model_estimators

    args = _build_parser().parse_args([
        "reproduce", "kth", "--n-frames", "8", "--frame-size", "64", "--layer", "block3_pool",
        "--weights", "none", "--compute-dtype", "bfloat16", "--temporal-pooling", "attention",
        "--epochs", "3", "--seed", "7", "--dtype", "float16"])
    featurizer, classifier = model_estimators(args, dtype=args.dtype)
    assert (featurizer.n_frames, featurizer.frame_size, featurizer.layer) == (8, 64,
                                                                              "block3_pool")
    assert featurizer.weights is None and featurizer.dtype == "float16"
    assert featurizer.compute_dtype == classifier.compute_dtype == "bfloat16"
    assert (classifier.epochs, classifier.temporal_pooling, classifier.random_state) == (
        3, "attention", 7)
