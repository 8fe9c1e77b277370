"""Helpers shared by the benchmarks: the course, the machine, tables and notebook runs.

Benchmarks print what they measured; they never pass or fail on timings.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The repository checkout the benchmarks measure."""

BIN_DIR = Path(sys.executable).parent
"""This interpreter's `bin/`: `backprop-lab`, `nbgrader` and `alembic` live here."""


def course():
    """The course of this checkout."""
    from backprop_lab.course import Course

    return Course(ROOT)


def tool_env() -> dict[str, str]:
    """Environment for nbgrader, the CLI and kernels: this venv's `bin/` first, TensorFlow quiet."""
    env = dict(os.environ)
    env["PATH"] = str(BIN_DIR) + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def _memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def _has_gpu() -> bool:
    return Path("/proc/driver/nvidia/gpus").is_dir() or Path("/dev/nvidia0").exists()


def machine_line() -> str:
    """One line describing the machine: cores, memory, GPU, and the load when the benchmark started."""
    load1, load5, _ = os.getloadavg()
    cores = os.cpu_count() or 1
    shared = " (shared: other work was running)" if load1 > 0.5 * cores else ""
    return (
        f"machine: {platform.machine()} Linux, {cores} CPU cores, {_memory_gib():.0f} GiB RAM, "
        f"{'a GPU' if _has_gpu() else 'no GPU'}; load average at start {load1:.1f} / {load5:.1f} (1 / 5 min)"
        f"{shared}; Python {platform.python_version()}"
    )


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table (pastes straight into the README)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def mark(ok: bool) -> str:
    """`meets` or `MISSES`, for target columns."""
    return "meets" if ok else "MISSES"


class Stopwatch:
    """Wall time of a `with` block, in seconds (`elapsed`)."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.elapsed = time.perf_counter() - self.start


def execute_notebook(path: Path, workdir: Path, timeout: int = 300):
    """Runs a notebook top to bottom in a fresh `python3` kernel with nbclient.

    Errors in cells do not stop the run (like nbgrader's autograding), so a
    partly-right submission runs every cell too. Kernel start-up is included.
    The kernel starts inside `backprop_lab.course.nbgrader_bridge.nbgrader_environment`,
    as the course's own nbgrader steps do: TensorFlow quiet, and the kernel's
    stderr (inherited file descriptor 2: TensorFlow's start-up chatter) discarded.

    Returns:
        `(wall seconds, the executed notebook)`.
    """
    import nbformat
    from nbclient import NotebookClient

    from backprop_lab.course.nbgrader_bridge import nbgrader_environment

    notebook = nbformat.read(path, as_version=4)
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    with nbgrader_environment(quiet=True), Stopwatch() as watch:
        client.execute()
    return watch.elapsed, notebook
