"""Benchmark 4: a term of grading, every lesson for N students, and each lesson's floor.

For every lesson a class of N students is built (the mix of `grading_throughput.py`:
reference solutions, known-wrong variants from `tests/variants/`, untouched releases
and broken files) and the whole term is graded in one `grade()` call, sandbox on,
`--workers` fork servers. Printed:

- per lesson: notebooks run, worker-seconds per submission (the fork server's own
  measure of each notebook's run), and the lesson's **floor**: the time the reference
  solution's cells take when executed again in an already-warm process that has run
  them once (TensorFlow started, functions traced), with nothing else: no fork, no
  sandbox, no IPython, no integrity checks. The ratio worker-seconds / floor is what
  grading adds (issue 13's target: at most 2);
- the term: wall time, submissions per minute per core, and the projected wall time of
  300 students x 12 lessons on 2 cores (issue 13's target: under 20 minutes).

    .venv/bin/python benchmarks/grading_term.py --students 10
    .venv/bin/python benchmarks/grading_term.py --quick      # 2 students, lessons 01 and 06
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from _common import ROOT, Stopwatch, course, machine_line, mark, markdown_table, tool_env
from grading_throughput import class_plan, load_variants, write_class

PROJECTED_STUDENTS, PROJECTED_CORES, TERM_TARGET_MIN, FLOOR_TARGET = 300, 2, 20.0, 2.0

_FLOOR = r"""
import json, linecache, sys, time
from backprop_lab.course import Course
from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.assembly import assemble
from backprop_lab.sandbox import forkserver

lesson_id = sys.argv[1]
from pathlib import Path
course = Course(Path(sys.argv[2]))
program = assemble(course.lesson(lesson_id), build_submission(course, lesson_id))
forkserver.preload()
sources = [c.source for c in program.cells]

def once():
    namespace = {"__name__": "__main__"}
    start = time.perf_counter()
    for index, source in enumerate(sources):
        name = f"<floor cell {index}>"  # in linecache, as IPython does, so that AutoGraph finds the source
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        exec(compile(source, name, "exec"), namespace)
    return time.perf_counter() - start

once()  # warm: TensorFlow started, functions traced, data cached
print(json.dumps({"floor": min(once() for _ in range(2))}))
"""


def floor_seconds(lesson_id: str) -> float:
    """The reference's cells run again in a warm process (see the module docstring)."""
    done = subprocess.run(
        [sys.executable, "-c", _FLOOR, lesson_id, str(ROOT)],
        env=tool_env(),
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"floor of {lesson_id} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["floor"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10, help="students per lesson (default: 10)")
    parser.add_argument("--lessons", default="", help="comma-separated lesson prefixes (default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="fork servers (default: cores)")
    parser.add_argument("--quick", action="store_true", help="2 students of lessons 01 and 06 (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.students, args.lessons = 2, "01,06"
    from backprop_lab.grading.pipeline import grade

    wanted = [w for w in args.lessons.split(",") if w]
    lessons = [lesson for lesson in course().lesson_ids() if not wanted or any(lesson.startswith(w) for w in wanted)]
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="bpl-term-") as tmp:
        submissions = Path(tmp) / "class"
        for lesson in lessons:
            variants = load_variants(lesson)
            write_class(lesson, class_plan(args.students, variants), variants, submissions)
        with Stopwatch() as watch:
            results = grade(submissions, Path(tmp) / "out", course=course(), workers=args.workers, sandboxed=True)
    ran = defaultdict(list)
    for result in results:
        if result.seconds > 0:
            ran[result.lesson_id].append(result.seconds)
    rows, per_submission = [], {}
    for lesson in lessons:
        seconds = ran.get(lesson, [])
        mean = sum(seconds) / len(seconds) if seconds else 0.0
        floor = floor_seconds(lesson)
        per_submission[lesson] = mean
        rows.append([lesson, len(seconds), f"{mean:.2f}", f"{floor:.2f}", f"{mean / floor:.2f}" if floor else "-"])
    print(markdown_table(["lesson", "notebooks run", "worker-s / submission", "floor s", "ratio"], rows))
    total = len(results)
    worst = max((float(r[4]) for r in rows if r[4] != "-"), default=0.0)
    cores = min(args.workers, os.cpu_count() or 1)
    rate = total / (watch.elapsed / 60) / cores
    projected = sum(per_submission.values()) * PROJECTED_STUDENTS / PROJECTED_CORES / 60
    print(f"term: {total} submissions of {len(lessons)} lessons in {watch.elapsed:.1f} s with {args.workers} workers")
    print(f"RATIO worker-seconds / floor, worst lesson: {worst:.2f} (target <= {FLOOR_TARGET:g}: {mark(worst <= 2)})")
    print(f"RATIO submissions per minute per core: {rate:.1f}")
    print(
        f"RATIO projected {PROJECTED_STUDENTS} students x 12 lessons on {PROJECTED_CORES} cores: "
        f"{projected * 12 / max(1, len(lessons)):.1f} min (from the mean of these lessons; target < "
        f"{TERM_TARGET_MIN:g} min: {mark(projected * 12 / max(1, len(lessons)) < TERM_TARGET_MIN)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
