"""Benchmark 2: each solution notebook's run time and peak memory on CPU.

Every `solutions/NN_slug/NN_slug.ipynb` runs top to bottom, experiments
included, in a fresh Jupyter kernel driven by nbclient, one lesson at a time.
Each lesson runs in a helper process of its own (this script with `--one`),
so the kernel is that process's only child and the peak resident memory of
the kernel is read exactly from `getrusage(RUSAGE_CHILDREN).ru_maxrss` once it
has exited. Time is wall time including kernel start-up.

Targets: each lesson under 60 s, the whole course under 8 minutes.

    .venv/bin/python benchmarks/lesson_runtime.py            # every lesson in solutions/
    .venv/bin/python benchmarks/lesson_runtime.py 01 04      # some lessons
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from _common import course, execute_notebook, machine_line, mark, markdown_table

LESSON_TARGET_S = 60.0
COURSE_TARGET_S = 8 * 60.0
CURRICULUM_LESSONS = 12


@dataclass
class LessonRun:
    """One notebook's run: wall seconds, the kernel's peak memory, cells that raised."""

    lesson: str
    seconds: float
    peak_mib: float
    errors: int


def run_one(path: Path) -> dict:
    """Executes one notebook in this process's kernel child; returns seconds, peak MiB and error count."""
    with tempfile.TemporaryDirectory(prefix="bench-lesson-") as tmp:
        seconds, notebook = execute_notebook(path, Path(tmp))
    errors = sum(1 for cell in notebook.cells for out in cell.get("outputs", []) if out.get("output_type") == "error")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mib": peak_kib / 1024, "errors": errors}


def measure(lesson: str, path: Path) -> LessonRun:
    """Runs `path` in a helper process of its own and reads back its measurement."""
    done = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{lesson} could not be executed:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return LessonRun(lesson, data["seconds"], data["peak_mib"], data["errors"])


def tiny_notebook(folder: Path) -> Path:
    """A two-cell notebook for `--quick`: proves the measuring works without a lesson's run time."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell("x = np.ones((256, 256))\nfloat((x @ x).sum())"),
    ]
    path = folder / "quick.ipynb"
    nbformat.write(notebook, path)
    return path


def report(runs: list[LessonRun], quick: bool) -> str:
    """The per-lesson table, the total, and the ratio lines."""
    rows = [
        [r.lesson, f"{r.seconds:.1f}", f"{r.peak_mib:.0f}", r.errors, mark(r.seconds < LESSON_TARGET_S)] for r in runs
    ]
    total = sum(r.seconds for r in runs)
    rows.append(
        [
            f"**total, {len(runs)} notebooks**",
            f"{total:.1f}",
            f"{max(r.peak_mib for r in runs):.0f} (max)",
            sum(r.errors for r in runs),
            f"{mark(total < COURSE_TARGET_S)} (< {COURSE_TARGET_S:.0f} s)",
        ]
    )
    slowest = max(runs, key=lambda r: r.seconds)
    what = (
        "a 2-cell synthetic notebook (--quick), not a lesson"
        if quick
        else (f"{len(runs)} of the curriculum's {CURRICULUM_LESSONS} lessons exist in solutions/")
    )
    lines = [
        machine_line(),
        f"notebooks: {what}; each runs top to bottom, experiments included, in a fresh kernel (nbclient)",
        "",
        markdown_table(["lesson", "wall s", "peak kernel RSS MiB", "cells with errors", "under 60 s"], rows),
        "",
        f"RATIO slowest lesson / 60 s target: {slowest.seconds / LESSON_TARGET_S:.2f} ({slowest.lesson}, "
        f"{slowest.seconds:.1f} s: {mark(slowest.seconds < LESSON_TARGET_S)})",
        f"RATIO course total / 8 min target: {total / COURSE_TARGET_S:.2f} ({total:.1f} s for {len(runs)} "
        f"notebooks: {mark(total < COURSE_TARGET_S)})",
    ]
    return "\n".join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    parser.add_argument("--quick", action="store_true", help="a tiny 2-cell notebook instead of the lessons")
    parser.add_argument("--one", metavar="NOTEBOOK", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Runs the benchmark (or, with `--one`, measures one notebook for it) and prints the result."""
    args = parse_args(argv)
    if args.one:
        print(json.dumps(run_one(Path(args.one))))
        return 0
    if args.quick:
        with tempfile.TemporaryDirectory(prefix="bench-quick-") as tmp:
            runs = [measure("quick", tiny_notebook(Path(tmp)))]
    else:
        the_course = course()
        lessons = the_course.check_lessons(args.lessons) if args.lessons else the_course.lesson_ids()
        runs = []
        for lesson in lessons:
            runs.append(measure(lesson, the_course.solution_path(lesson)))
            print(f"  {lesson}: {runs[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    print(report(runs, args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
