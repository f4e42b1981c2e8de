"""benchmarks/bench_fit.py --smoke runs and prints its comparison (timings not judged here:
a 2-core test machine is too noisy for a 5 % target on a run of seconds)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_fit.py"


def test_bench_fit_smoke():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("raw Keras fit:") for line in lines), result.stdout
    assert any(line.startswith("LSTMVideoClassifier.fit:") for line in lines), result.stdout
    assert any(line.startswith("fit ratio ") and "(target <= 1.05): " in line
               for line in lines), result.stdout
