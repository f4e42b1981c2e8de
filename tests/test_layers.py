"""The package's import contracts (pyproject.toml, import-linter): imports go one way between
subpackages, and no package's modules import each other in a cycle."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())", "--no-cache"]


def lint(root):
    """Run import-linter over ``root``'s skactrec with the project's own contracts."""
    return subprocess.run([*LINT, str(ROOT / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": ""}, capture_output=True,
                          text=True)


def test_the_package_keeps_its_contracts():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.fixture
def copy_of_package(tmp_path):
    shutil.copytree(ROOT / "skactrec", tmp_path / "skactrec",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


LAYERS = "skactrec's layers: utilities at the bottom, the command line on top"
CYCLES = "no import cycles between the modules of a package"


@pytest.mark.parametrize("module, line, broken, reason", [
    # utilities may not import the command line
    ("utils/_progress.py", "from ..cli import _main", LAYERS,
     "skactrec.utils._progress -> skactrec.cli._main"),
    # the video layer may not import features
    ("video/_resize.py", "from ..features import _store", LAYERS,
     "skactrec.video._resize -> skactrec.features._store"),
    # two modules of features importing each other
    ("features/_store.py", "from . import _featurizer", CYCLES,
     "No cycles are allowed in skactrec.features"),
])
def test_a_wrong_way_import_breaks_them(copy_of_package, module, line, broken, reason):
    path = copy_of_package / "skactrec" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint(copy_of_package)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken} BROKEN" in result.stdout, result.stdout
    assert reason in result.stdout, result.stdout
