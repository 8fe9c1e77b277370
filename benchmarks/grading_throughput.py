"""Benchmark 1: grading throughput of `backprop-lab grade`, sandbox on, against plain `nbgrader autograde`.

A synthetic class of one lesson (reference solutions, known-wrong variants
from `tests/variants/<lesson>.py`, untouched releases and broken files) is
graded two ways, back to back, on the same files:

1. `backprop-lab grade --sandbox` (its CLI; the bubblewrap sandbox is
   required, so the benchmark stops if `bwrap` is not installed; default
   workers: one fork server per core);
2. plain `nbgrader autograde <lesson>` in an nbgrader course built from the
   same instructor notebook and the course's `autograder/nbgrader_config.py`
   (`nbgrader generate_assignment` runs first and is not timed), one student
   after another as nbgrader does.

It prints the wall-time ratio nbgrader / backprop-lab (issue 5's target: at
least 5 with the sandbox on) and backprop-lab's seconds per submission. Two
small runs before them measure backprop-lab's fixed cost: one sandboxed fork
server started alone (bubblewrap plus the TensorFlow import, paid once per
worker), and the same command on a class of one student.

    .venv/bin/python benchmarks/grading_throughput.py --students 40
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import BIN_DIR, ROOT, Stopwatch, course, machine_line, mark, markdown_table, tool_env

SPEEDUP_TARGET = 5.0

BROKEN = {
    "invalid-json": '{"cells": [ this is not json',
    "empty-file": "",
    "not-a-notebook": json.dumps({"hello": "world"}),
}
"""Files a class always contains: they must cost next to nothing and stop nothing."""

PALETTE = [
    "reference",
    "broken",
    "variant",
    "untouched",
    "variant",
    "variant",
    "reference",
    "variant",
    "variant",
    "variant",
]
"""Kinds of student, cycled: per 10 students 2 correct, 6 partly right, 1 untouched, 1 broken file.
The first four hold one of each, so even a tiny class is a mix."""

_NOT_RUN = {"empty", "invalid_notebook", "not_a_lesson", "wrong_lesson", "flagged", "unknown_lesson", "wrong_file_name"}
"""Statuses `backprop-lab grade` gives without running the notebook."""

LOOP = "while True:\n    pass\n"
"""What `--infinite-loop` puts in one student's first answer cell: a notebook that never ends."""

LOOP_TARGET_S = 120.0
"""Issue 14: a class of 30 with one infinite loop grades in under two minutes on 2 cores."""

FIXED_STUDENT = ("s000", "reference")
"""The class of one that measures the fixed cost: the first student, a reference solution."""


@dataclass
class Run:
    """One way of grading the class: its wall time and what it produced."""

    name: str
    seconds: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    note: str = ""


def require_sandbox() -> str:
    """`bubblewrap X.Y.Z` when `bwrap` is installed; otherwise the benchmark stops (it measures the sandbox on)."""
    from backprop_lab.sandbox.bwrap import bwrap_path

    bwrap = bwrap_path()
    if not bwrap:
        raise SystemExit(
            "grading_throughput: bubblewrap (`bwrap`) is not installed, and this benchmark measures "
            "`backprop-lab grade --sandbox` (issue 5: the sandbox on). Install Debian's `bubblewrap` package."
        )
    done = subprocess.run([bwrap, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or bwrap


def load_variants(lesson_id: str) -> dict:
    """`VARIANTS` of `tests/variants/<lesson_id>.py`, or {} when the lesson has none."""
    from backprop_lab.course.synthetic import load_variants as load

    return load(ROOT / "tests" / "variants" / f"{lesson_id}.py")


def class_plan(students: int, variants: dict, infinite_loop: bool = False) -> list[tuple[str, str]]:
    """`(student_id, kind)` for each student; kind is `reference`, `untouched`, `variant:NAME`, `broken:NAME`
    or `loop` (the last student, with `infinite_loop`)."""
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
    if infinite_loop and len(plan) > 1:
        plan[-1] = (plan[-1][0], "loop")
    return plan


def write_class(lesson_id: str, plan: list[tuple[str, str]], variants: dict, folder: Path) -> Path:
    """Writes the class in nbgrader's layout `folder/<student>/<lesson>/<lesson>.ipynb`."""
    from backprop_lab.course import synthetic

    the_course = course()
    notebooks = {}
    for student_id, kind in plan:
        what, _, name = kind.partition(":")
        if what == "broken":
            notebooks[(student_id, lesson_id)] = BROKEN[name]
            continue
        replace = variants[name]["cells"] if what == "variant" else None
        if what == "loop":
            first = next(iter(the_course.lesson(lesson_id).answers))
            replace = {first: LOOP}
        notebook = synthetic.build_submission(the_course, lesson_id, replace, fill=what != "untouched")
        notebooks[(student_id, lesson_id)] = notebook
    return synthetic.write_class(folder, notebooks)


def time_fork_server_start() -> float:
    """Seconds until one sandboxed fork server is ready (bwrap started, TensorFlow imported); then stops it."""
    from backprop_lab.sandbox.pool import Worker

    with Stopwatch() as watch:
        worker = Worker(sandboxed=True)
    worker.close()
    return watch.elapsed


def run_backprop_lab(submissions: Path, out: Path, workers: int | None, timeout: float | None = None) -> Run:
    """Grades the class with `backprop-lab grade --sandbox` (its default workers and time limits unless given)."""
    command = [
        str(BIN_DIR / "backprop-lab"),
        "--course",
        str(ROOT),
        "grade",
        str(submissions),
        "--out",
        str(out),
        "--sandbox",
        "--quiet",
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    if timeout is not None:
        command += ["--timeout", f"{timeout:g}"]
    with Stopwatch() as watch:
        done = subprocess.run(command, env=tool_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"backprop-lab grade failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(out / "gradebook.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    statuses = {r["student_id"]: r["status"] for r in rows}
    graded = {r["student_id"]: float(r["score"]) for r in rows if r["status"] == "graded"}
    counts = Counter(statuses.values())
    note = "statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Run("backprop-lab grade --sandbox", watch.elapsed, graded, statuses, note)


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
    done = subprocess.run([str(BIN_DIR / "nbgrader"), *args], cwd=root, env=tool_env(), capture_output=True, text=True)
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
    return Run("nbgrader autograde", watch.elapsed, scores, note=note)


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


def agreement(ours: Run, theirs: Run, kinds: dict[str, str]) -> list[str]:
    """Whether the submissions graded by both got the same score, and which were graded by one only."""
    both = sorted(set(ours.scores) & set(theirs.scores))
    same = [s for s in both if abs(ours.scores[s] - theirs.scores[s]) < 1e-9]
    differ = [
        f"{s} [{kinds[s]}] backprop-lab {ours.scores[s]:g} vs nbgrader {theirs.scores[s]:g}"
        for s in both
        if s not in same
    ]
    lines = [
        f"scores agree on {len(same)}/{len(both)} submissions graded by both"
        + (f"; DIFFER: {'; '.join(differ)}" if differ else "")
    ]
    only_theirs = [
        f"{s} [{kinds[s]}] nbgrader {theirs.scores[s]:g}, backprop-lab status {ours.statuses.get(s, 'missing')}"
        for s in sorted(set(theirs.scores) - set(ours.scores))
    ]
    only_ours = [
        f"{s} [{kinds[s]}] backprop-lab {ours.scores[s]:g}" for s in sorted(set(ours.scores) - set(theirs.scores))
    ]
    if only_theirs:
        lines.append(f"graded by nbgrader only: {'; '.join(only_theirs)}")
    if only_ours:
        lines.append(f"graded by backprop-lab only: {'; '.join(only_ours)}")
    return lines


@dataclass
class FixedCost:
    """backprop-lab's cost that does not grow with the class."""

    fork_server_s: float
    one_student: Run


def report(args, plan, ours: Run, plain: Run | None, fixed: FixedCost, workers: int, sandbox: str, machine: str) -> str:
    """The results table and the ratio lines."""
    n = len(plan)
    executed = sum(1 for status in ours.statuses.values() if status not in _NOT_RUN)
    kinds = Counter(kind.partition(":")[0] for _, kind in plan)
    one = FIXED_STUDENT
    graders = (ours, plain) if plain else (ours,)
    rows = [[r.name, n, len(r.scores), f"{r.seconds:.1f}", f"{r.seconds / n:.2f}", r.note] for r in graders]
    one_s = fixed.one_student.seconds
    rows.append(
        [
            f"backprop-lab grade --sandbox, class of 1 ({one[1]})",
            1,
            len(fixed.one_student.scores),
            f"{one_s:.1f}",
            f"{one_s:.2f}",
            "fixed cost: start-up, lesson loading, 1 fork server, 1 notebook",
        ]
    )
    per_submission = ours.seconds / n
    busy = max(1, min(workers, executed))  # fork servers started: one per job at most
    worker_s = ours.seconds * busy / max(executed, 1)
    share = fixed.fork_server_s / ours.seconds
    marginal = (ours.seconds - one_s) / (n - 1) if n > 1 else float("nan")
    load1, load5, _ = os.getloadavg()
    lines = [
        machine,
        f"load average at the end {load1:.1f} / {load5:.1f} (1 / 5 min)",
        f"sandbox: on (`backprop-lab grade --sandbox`, {sandbox})",
        f"class: {n} submissions of {args.lesson} ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}); "
        f"backprop-lab workers: {workers}{'' if args.workers else ' (its default: one per core)'}; "
        "nbgrader: one student after another",
        "",
        markdown_table(["grader", "submissions", "graded", "wall s", "s / submission", "note"], rows),
        "",
        *(comparison(ours, plain, plan) if plain else ["plain nbgrader: not run (--skip-nbgrader)"]),
        *(loop_lines(ours, plan, args.timeout) if "loop" in dict(plan).values() else []),
        f"RATIO seconds per submission (backprop-lab): {per_submission:.2f} s "
        f"(= {ours.seconds:.1f} s / {n}; {executed} run in the sandbox, {worker_s:.2f} worker-s each on "
        f"{busy} workers; marginal {marginal:.2f} s per extra submission over the class of 1)",
        f"RATIO fork-server start-up share (backprop-lab): {share:.1%} of its wall "
        f"(one sandboxed fork server ready in {fixed.fork_server_s:.1f} s, bwrap + TensorFlow import; "
        f"each of the {busy} workers pays it once, in parallel; a class of 1 takes {one_s:.1f} s)",
    ]
    return "\n".join(lines)


def comparison(ours: Run, plain: Run, plan) -> list[str]:
    """The scores both graders agree on, and the speed-up ratio."""
    speedup = plain.seconds / ours.seconds
    return [
        *agreement(ours, plain, dict(plan)),
        "note: backprop-lab grade leaves out cells tagged `experiment`; plain nbgrader runs them, runs one "
        "student at a time, and starts a kernel for broken files too.",
        f"RATIO speedup (nbgrader wall / backprop-lab wall): {speedup:.2f}x "
        f"(= {plain.seconds:.1f} s / {ours.seconds:.1f} s; target >= {SPEEDUP_TARGET:g}x with the sandbox on: "
        f"{mark(speedup >= SPEEDUP_TARGET)})",
    ]


def loop_lines(ours: Run, plan, timeout: float | None = None) -> list[str]:
    """What the infinite loop cost: its status and the class's wall time against issue 14's two minutes."""
    student = next(s for s, kind in plan if kind == "loop")
    status = ours.statuses.get(student, "missing")
    limit = "the lesson's derived limit" if timeout is None else f"--timeout {timeout:g} s, not the derived limit"
    return [
        f"RATIO class with one infinite loop ({student}: status {status}): {ours.seconds:.1f} s for "
        f"{len(plan)} submissions ({limit}), {ours.seconds / LOOP_TARGET_S:.2f}x the target of {LOOP_TARGET_S:g} s "
        f"({mark(ours.seconds < LOOP_TARGET_S and status == 'timeout')})"
    ]


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40, help="class size (default: %(default)s)")
    parser.add_argument("--lesson", default="01_manual_backprop", help="lesson id or number (default: %(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="backprop-lab workers (default: the command's own default, one per CPU core)",
    )
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument(
        "--infinite-loop",
        action="store_true",
        help="the last student's first answer cell loops forever (issue 14: a class of 30 with one "
        "infinite loop grades in under two minutes)",
    )
    parser.add_argument(
        "--skip-nbgrader",
        action="store_true",
        help="grade with backprop-lab only (no plain nbgrader comparison, no speed-up ratio)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds a notebook may run (default: the lesson's limit derived from its reference solution, as "
        "`backprop-lab grade` does; a smaller one makes the --infinite-loop smoke test quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tiny class of 2: one correct notebook, one broken file (smoke test)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.students = 2
    args.lesson = course().check_lessons([args.lesson])[0]
    return args


def benchmark(args, work: Path, machine: str) -> str:
    """Builds the class under `work`, measures backprop-lab's fixed cost, grades it two ways, returns the report."""
    from backprop_lab.grading.pipeline import default_workers

    sandbox = require_sandbox()
    variants = load_variants(args.lesson)
    plan = class_plan(args.students, variants, args.infinite_loop)
    assert plan[0] == FIXED_STUDENT, plan[0]
    submissions = write_class(args.lesson, plan, variants, work / "submissions")
    one_student = work / "one-student"
    shutil.copytree(submissions / FIXED_STUDENT[0], one_student / FIXED_STUDENT[0])
    workers = args.workers or default_workers()

    print("fixed cost: starting one sandboxed fork server ...", flush=True)
    fork_server_s = time_fork_server_start()
    print(f"  {fork_server_s:.1f} s; now backprop-lab grade --sandbox on a class of 1 ...", flush=True)
    one = run_backprop_lab(one_student, work / "backprop-lab-1", args.workers, args.timeout)
    print(
        f"  {one.seconds:.1f} s; now backprop-lab grade --sandbox on {len(plan)} submissions of {args.lesson} ...",
        flush=True,
    )
    ours = run_backprop_lab(submissions, work / "backprop-lab", args.workers, args.timeout)
    print(f"  {ours.seconds:.1f} s", flush=True)
    plain = None
    if not args.skip_nbgrader:
        print("now plain nbgrader autograde ...", flush=True)
        plain = run_nbgrader(setup_nbgrader_course(args.lesson, submissions, work / "nbgrader"), args.lesson)
        print(f"  {plain.seconds:.1f} s", flush=True)
    return report(args, plan, ours, plain, FixedCost(fork_server_s, one), workers, sandbox, machine)


def main(argv=None) -> int:
    """Runs the benchmark and prints its report."""
    args = parse_args(argv)
    machine = machine_line()
    print(machine, flush=True)
    if args.keep:
        work = Path(args.keep)
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        print(benchmark(args, work, machine))
    else:
        with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
            print(benchmark(args, Path(tmp), machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
