"""The README's set-up commands are the ones CI runs."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.*?)\n```", text, re.S)


def test_readme_starts_with_two_commands():
    cmds = _commands()
    assert len(cmds) >= 2
    assert 'pip install ".[bench]"' in cmds[0] and "fastgraph-bench" in cmds[0]
    assert 'pip install ".[test,parity]"' in cmds[1] and "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert _commands()[1] in ci
