"""Each benchmark runs on a tiny input (`--quick`) and prints its ratios.

Benchmarks are never part of the suite's pass/fail on timings: these tests only
prove the scripts still work, and assert nothing about the numbers.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

BENCHMARKS = {
    ("grading_throughput.py",): ["RATIO speedup", "RATIO seconds per submission", "RATIO fork-server start-up share"],
    ("grading_throughput.py", "--infinite-loop", "--skip-nbgrader", "--timeout", "8"): [
        "RATIO seconds per submission",
        "RATIO class with one infinite loop (s001: status timeout)",
    ],
    ("lesson_runtime.py",): ["RATIO slowest lesson", "RATIO course total"],
    ("custom_loop_vs_fit.py",): ["RATIO tf.function loop / fit", "RATIO eager loop / fit"],
    ("grading_term.py",): [
        "RATIO worker-seconds / floor",
        "RATIO submissions per minute per core",
        "RATIO projected 300",
    ],
}


@pytest.mark.parametrize("script", sorted(BENCHMARKS), ids=" ".join)
def test_benchmark_runs_quick(script):
    name, *options = script
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), "--quick", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    for ratio in BENCHMARKS[script]:
        assert any(line.startswith(ratio) for line in done.stdout.splitlines()), done.stdout[-2000:]
