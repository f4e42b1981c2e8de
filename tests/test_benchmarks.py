"""Every benchmark script runs in its --smoke mode, so none can rot unnoticed.

The scripts print measured ratios against the issue's targets; no timing is asserted here.
"""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("bench_*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmarks_are_found():
    assert len(BENCHMARKS) >= 2


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.stem)
def test_smoke(path, capsys):
    load(path).main(["--smoke"])
    out = capsys.readouterr().out
    assert "target" in out, out  # each script reports its figures against a target
