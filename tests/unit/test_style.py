"""The code base stays ruff-clean (`ruff check` and `ruff format`), as CONTRIBUTING.md asks.

The test extra pins ruff's version, so that a newer formatter cannot turn a clean tree red.
"""

import subprocess
import sys

import pytest
from conftest import ROOT

FOLDERS = [p for p in ("src", "tests", "benchmarks") if (ROOT / p).is_dir()]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_is_clean(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *FOLDERS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
