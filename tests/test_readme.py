"""README.md stays true: its example runs, and CI runs exactly its test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _block(marker):
    match = re.search(rf"<!-- {marker} -->\n```\w*\n(.*?)```\n<!-- /{marker} -->", README, re.S)
    assert match, f"README.md has no block between <!-- {marker} --> markers"
    return match.group(1)


def test_readme_example_runs(capsys):
    exec(compile(_block("readme-example"), "README.md example", "exec"), {})
    out = capsys.readouterr().out
    assert "8 LSTM units: accuracy" in out and "top-3:" in out


def test_ci_runs_the_readme_test_command():
    command = _block("test-command").strip()
    assert "pip install" in command and ".[test]" in command and "pytest" in command
    ci = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in ci and "README.md" in ci


def test_demo_command_installs_and_runs_the_demo():
    command = _block("demo-command").strip()
    assert "pip install ." in command and command.endswith("skactrec demo")


def test_docs_command_builds_with_warnings_as_errors():
    command = _block("docs-command").strip()
    assert 'pip install ".[docs]"' in command and command.endswith("make -C docs html")
    makefile = (ROOT / "docs" / "Makefile").read_text()
    assert "html:" in makefile and "-W --keep-going" in makefile
