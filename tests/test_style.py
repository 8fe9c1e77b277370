"""The code base stays ruff-clean (`ruff check`), as CONTRIBUTING.md asks."""

import subprocess
import sys

from conftest import ROOT


def test_ruff_check_passes():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *[p for p in ("src", "tests", "benchmarks") if (ROOT / p).is_dir()]],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
