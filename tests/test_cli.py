"""The command line: fast --help without TensorFlow, and the demo end to end."""

import subprocess
import sys

import pytest

from skactrec._cli import main


def test_help_does_not_import_tensorflow():
    code = (
        "import sys; from skactrec._cli import main\n"
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
    assert len(list((tmp_path / "features").rglob("*.npy"))) == 80
