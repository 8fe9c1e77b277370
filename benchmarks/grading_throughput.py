"""Benchmark 1: grading throughput of `backprop-lab grade` against plain `nbgrader autograde`.

A synthetic class of one lesson (reference solutions, known-wrong variants
from `tests/variants/<lesson>.py`, untouched releases and broken files) is
graded three ways, back to back, on the same files:

1. `backprop-lab grade` (its CLI, default workers: one per core);
2. plain `nbgrader autograde <lesson>` in an nbgrader course built from the
   same instructor notebook and the course's `autograder/nbgrader_config.py`
   (`nbgrader generate_assignment` runs first and is not timed);
3. nbclient alone, executing exactly the notebooks `backprop-lab grade`
   executed (its autograded copies, hidden tests in, experiment cells blank),
   with as many parallel workers: the floor any nbgrader-based grader pays.

It prints the wall-time ratio nbgrader / backprop-lab (target: at least 5)
and the overhead per submission beyond nbclient (target: under 1 s), defined
as `(wall_backprop_lab - wall_nbclient) * workers / executed_submissions`:
the worker-seconds spent on anything but running the notebooks.

    .venv/bin/python benchmarks/grading_throughput.py --students 40
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from _common import (
    BIN_DIR,
    NO_SANDBOX,
    ROOT,
    Stopwatch,
    course,
    execute_notebook,
    machine_line,
    mark,
    markdown_table,
    tool_env,
)

SPEEDUP_TARGET = 5.0
OVERHEAD_TARGET_S = 1.0

BROKEN = {
    "invalid-json": '{"cells": [ this is not json',
    "empty-file": "",
    "not-a-notebook": json.dumps({"hello": "world"}),
}
"""Files a class always contains: they must cost next to nothing and stop nothing."""

PALETTE = ["reference", "broken", "variant", "untouched", "variant", "variant", "reference", "variant",
           "variant", "variant"]
"""Kinds of student, cycled: per 10 students 2 correct, 6 partly right, 1 untouched, 1 broken file.
The first four hold one of each, so even a tiny class is a mix."""


@dataclass
class Run:
    """One way of grading the class: its wall time and what it produced."""

    name: str
    seconds: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    note: str = ""


def load_variants(lesson_id: str) -> dict:
    """`VARIANTS` of `tests/variants/<lesson_id>.py`, or {} when the lesson has none."""
    from backprop_lab.builder import load_variants as load

    return load(ROOT / "tests" / "variants" / f"{lesson_id}.py")


def class_plan(students: int, variants: dict) -> list[tuple[str, str]]:
    """`(student_id, kind)` for each student; kind is `reference`, `untouched`, `variant:NAME` or `broken:NAME`."""
    names, broken = sorted(variants), sorted(BROKEN)
    plan, used = [], 0
    for i in range(students):
        kind = PALETTE[i % len(PALETTE)]
        if kind == "variant":
            kind = f"variant:{names[used % len(names)]}" if names else "reference"
            used += 1
        elif kind == "broken":
            kind = f"broken:{broken[(i // len(PALETTE)) % len(broken)]}"
        plan.append((f"s{i:03d}", kind))
    return plan


def write_class(lesson_id: str, plan: list[tuple[str, str]], variants: dict, folder: Path) -> Path:
    """Writes the class in nbgrader's layout `folder/<student>/<lesson>/<lesson>.ipynb`."""
    from backprop_lab.builder import build_submission

    the_course = course()
    for student_id, kind in plan:
        path = folder / student_id / lesson_id / f"{lesson_id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        what, _, name = kind.partition(":")
        if what == "broken":
            path.write_text(BROKEN[name])
            continue
        replace = variants[name]["cells"] if what == "variant" else None
        nbformat.write(build_submission(the_course, lesson_id, replace, fill=what != "untouched"), path)
    return folder


def run_backprop_lab(submissions: Path, out: Path, workers: int) -> Run:
    """Grades the class with the `backprop-lab grade` command."""
    command = [str(BIN_DIR / "backprop-lab"), "--course", str(ROOT), "grade", str(submissions),
               "--out", str(out), "--workers", str(workers), "--quiet"]
    with Stopwatch() as watch:
        done = subprocess.run(command, env=tool_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"backprop-lab grade failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(out / "gradebook.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    graded = {r["student_id"]: float(r["score"]) for r in rows if r["status"] == "graded"}
    statuses = sorted({r["status"] for r in rows})
    return Run("backprop-lab grade", watch.elapsed, graded, f"statuses: {', '.join(statuses)}")


def setup_nbgrader_course(lesson_id: str, submissions: Path, root: Path) -> Path:
    """A plain nbgrader course under `root` with the lesson generated and the class submitted."""
    the_course = course()
    source = root / "source" / lesson_id
    source.mkdir(parents=True)
    shutil.copyfile(the_course.solution_path(lesson_id), source / f"{lesson_id}.ipynb")
    config = the_course.config_file.read_text()
    config += (
        "\n# benchmark: this folder is the course root\n"
        'c.CourseDirectory.source_directory = "source"\n'
        'c.CourseDirectory.release_directory = "release"\n'
    )
    (root / "nbgrader_config.py").write_text(config)
    _nbgrader(root, "generate_assignment", lesson_id, "--force", check=True)
    shutil.copytree(submissions, root / "submitted")
    return root


def _nbgrader(root: Path, *args: str, check: bool) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN_DIR / "nbgrader"), *args], cwd=root, env=tool_env(),
                          capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def run_nbgrader(root: Path, lesson_id: str) -> Run:
    """Grades the submitted class with plain `nbgrader autograde`, one student after another."""
    with Stopwatch() as watch:
        done = _nbgrader(root, "autograde", lesson_id, check=False)
    (root / "autograde.log").write_text(done.stderr)
    scores = _nbgrader_scores(root, lesson_id)
    note = f"exit status {done.returncode}" + (" (it reports the broken files as errors)" if done.returncode else "")
    return Run("nbgrader autograde", watch.elapsed, scores, note)


def _nbgrader_scores(root: Path, lesson_id: str) -> dict[str, float]:
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                scores[student.id] = float(gb.find_submission(lesson_id, student.id).score)
            except MissingEntry:
                continue
    return {s: v for s, v in scores.items() if (root / "autograded" / s / lesson_id).is_dir()}


def executed_notebooks(out: Path, lesson_id: str) -> dict[str, Path]:
    """The notebooks `backprop-lab grade` executed, by student (its autograded copies under `OUT/.work`)."""
    runs = out / ".work" / "runs" / lesson_id
    found = {}
    for student_dir in sorted(runs.iterdir()) if runs.is_dir() else []:
        path = student_dir / "autograded" / student_dir.name / lesson_id / f"{lesson_id}.ipynb"
        if path.is_file():
            found[student_dir.name] = path
    return found


def _execute_job(job: tuple[str, str]) -> tuple[str, float]:
    path, workdir = job
    return Path(path).parent.name, execute_notebook(Path(path), Path(workdir))[0]


def run_nbclient(notebooks: dict[str, Path], workdir: Path, workers: int) -> tuple[Run, list[float]]:
    """Executes the same notebooks with nbclient alone, `workers` at a time."""
    jobs = [(str(path), str(workdir / student)) for student, path in notebooks.items()]
    with Stopwatch() as watch:
        if workers == 1 or len(jobs) <= 1:
            times = [_execute_job(job)[1] for job in jobs]
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                times = [seconds for _, seconds in pool.map(_execute_job, jobs)]
    return Run("nbclient only", watch.elapsed, note="the notebooks backprop-lab executed"), times


def agreement(ours: Run, theirs: Run) -> str:
    """How many submissions graded by both got the same score."""
    both = sorted(set(ours.scores) & set(theirs.scores))
    same = [s for s in both if abs(ours.scores[s] - theirs.scores[s]) < 1e-9]
    differ = [f"{s} ({ours.scores[s]:g} vs {theirs.scores[s]:g})" for s in both if s not in same]
    text = f"scores agree on {len(same)}/{len(both)} submissions graded by both"
    return text + (f"; differ: {', '.join(differ)}" if differ else "")


def report(args, plan, ours: Run, plain: Run, floor: Run, times: list[float], workers_used: int) -> str:
    """The results table and the ratio lines."""
    n, executed = len(plan), len(times)
    rows = [[r.name, n, len(r.scores), f"{r.seconds:.1f}", f"{r.seconds / n:.2f}", r.note] for r in (ours, plain)]
    rows.append([floor.name, n, executed, f"{floor.seconds:.1f}", f"{floor.seconds / n:.2f}", floor.note])
    speedup = plain.seconds / ours.seconds
    overhead = (ours.seconds - floor.seconds) * workers_used / max(executed, 1)
    kinds = {}
    for _, kind in plan:
        kinds[kind.partition(":")[0]] = kinds.get(kind.partition(":")[0], 0) + 1
    lines = [
        machine_line(),
        NO_SANDBOX,
        f"class: {n} submissions of {args.lesson} ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}); "
        f"workers: {workers_used}; nbclient mean per notebook {sum(times) / max(executed, 1):.2f} s "
        f"(min {min(times, default=0):.2f}, max {max(times, default=0):.2f})",
        "",
        markdown_table(["grader", "submissions", "graded", "wall s", "s / submission", "note"], rows),
        "",
        agreement(ours, plain),
        "note: backprop-lab grade blanks cells tagged `experiment`; plain nbgrader runs them, and runs one "
        "student at a time, and starts a kernel for broken files too.",
        f"RATIO speedup (nbgrader wall / backprop-lab wall): {speedup:.2f}x "
        f"(target >= {SPEEDUP_TARGET:g}x with the sandbox on: {mark(speedup >= SPEEDUP_TARGET)}; no sandbox yet)",
        f"RATIO overhead per submission beyond nbclient: {overhead:+.2f} s "
        f"(= ({ours.seconds:.1f} - {floor.seconds:.1f}) s x {workers_used} workers / {executed} executed; "
        f"target < {OVERHEAD_TARGET_S:g} s: {mark(overhead < OVERHEAD_TARGET_S)})",
    ]
    return "\n".join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    from backprop_lab.grader import default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40, help="class size (default: %(default)s)")
    parser.add_argument("--lesson", default="01_manual_backprop", help="lesson id or number (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="backprop-lab and nbclient workers (default: %(default)s, the CPU cores)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny class of 2: one correct notebook, one broken file (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.students = 2
    args.lesson = course().check_lessons([args.lesson])[0]
    return args


def benchmark(args, work: Path) -> str:
    """Builds the class under `work`, grades it three ways and returns the report."""
    variants = load_variants(args.lesson)
    plan = class_plan(args.students, variants)
    submissions = write_class(args.lesson, plan, variants, work / "submissions")
    print(f"grading {len(plan)} submissions of {args.lesson} with backprop-lab grade ...", flush=True)
    ours = run_backprop_lab(submissions, work / "backprop-lab", args.workers)
    print(f"  {ours.seconds:.1f} s; now plain nbgrader autograde ...", flush=True)
    plain = run_nbgrader(setup_nbgrader_course(args.lesson, submissions, work / "nbgrader"), args.lesson)
    notebooks = executed_notebooks(work / "backprop-lab", args.lesson)
    workers_used = max(1, min(args.workers, len(notebooks)))
    print(f"  {plain.seconds:.1f} s; now nbclient on {len(notebooks)} notebooks ...", flush=True)
    floor, times = run_nbclient(notebooks, work / "nbclient", workers_used)
    return report(args, plan, ours, plain, floor, times, workers_used)


def main(argv=None) -> int:
    """Runs the benchmark and prints its report."""
    args = parse_args(argv)
    if args.keep:
        work = Path(args.keep)
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(benchmark(args, work))
    else:
        with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
            print(benchmark(args, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
