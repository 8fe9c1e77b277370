"""`backprop-lab grade`: grade a whole class, sandboxed, in parallel, here or on a cluster.

`grade` is three steps:

1. `plan`: `discover` the submissions (nbgrader layout, flat folder or zip),
   read each lesson once (`course.Lesson`), reuse cached results, and `check`
   every other submission: reject what cannot be graded (`empty`,
   `invalid_notebook`, `wrong_lesson`, `not_a_lesson`), `assemble` the program
   to run from the student's answers and the trusted cells, and `screen` the
   student's code for constructs that could change a verdict (`flagged`);
2. `run`: derive each lesson's time limit from its reference solution
   (`lesson_timeouts`), run the programs on sandboxed fork servers
   (`backprop_lab.sandbox.pool`: `--workers` here, or a Dask cluster's), and
   `interpret` each `Answer` as a `GradeResult`, saved at once;
3. `write`: `gradebook.csv`, `checks.csv` and one HTML feedback page per
   student and lesson.

Results are cached in `OUT/results/` keyed by the submission's and the
lesson's content, so grading again is idempotent and an interrupted batch
resumes without regrading finished submissions. See autograder/README.md for
what the sandbox and the harness guarantee.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import Lesson, hidden_line_numbers, load_notebook
from backprop_lab.errors import UserError
from backprop_lab.grading import results as cache
from backprop_lab.grading.results import CheckResult, GradeResult
from backprop_lab.grading.submissions import Submission, discover
from backprop_lab.sandbox import pool
from backprop_lab.sandbox.protocol import Answer, Job, Limits

DEFAULT_MEMORY_GB = Limits.memory / 2**30
"""Address space one notebook may use, in GiB."""

MIN_TIMEOUT = 30
"""No lesson's derived time limit is shorter (seconds)."""

REFERENCE_FACTOR = 10
"""A notebook may run this many times as long as the lesson's reference solution, plus `TIMEOUT_MARGIN`."""

TIMEOUT_MARGIN = 10

REFERENCE_TIMEOUT = 600
"""Seconds the reference solution itself may run while its time is measured."""

SAVED_RUNS = ".saved-runs"
"""`OUT/.saved-runs/`: lesson 12's broken recipes, trained once by the grader (not once per
submission) and shared read-only with the workers (`backprop_lab.recipes.use_saved_runs`)."""

ResultCallback = Callable[[GradeResult, int, int], None]


def default_workers() -> int:
    """One worker per CPU core."""
    return os.cpu_count() or 1


@dataclass
class Pending:
    """A submission that passed the checks and waits to run."""

    submission: Submission
    lesson: Lesson
    program: object  # grading.assembly.Program
    key: str


@dataclass
class Plan:
    """What `grade` will do: results known without running anything, and programs to run."""

    course: Course
    lessons: dict[str, Lesson]
    done: list[GradeResult] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    submitted: dict = field(default_factory=dict)  # (student_id, lesson_id) -> when it was handed in

    @property
    def total(self) -> int:
        return len(self.done) + len(self.pending)


def grade(
    submissions: str | Path,
    out: str | Path,
    *,
    course: Course | None = None,
    lesson: str | None = None,
    workers: int | None = None,
    timeout: float | None = None,
    memory_gb: float = DEFAULT_MEMORY_GB,
    scheduler: str | None = None,
    sandboxed: bool | None = None,
    on_result: ResultCallback | None = None,
) -> list[GradeResult]:
    """Grades every submission under `submissions` and writes the results to `out`.

    Args:
        submissions: folder in nbgrader's layout, flat folder, or zip.
        out: output folder; `gradebook.csv`, `checks.csv`, `feedback/` go here.
        course: the course; found from the current folder when None.
        lesson: lesson id (or its number) of a flat folder or zip.
        workers: parallel graders on this machine; one per CPU core when None.
        timeout: seconds a whole notebook may run; None derives each lesson's limit from its
            reference solution (`lesson_timeouts`).
        memory_gb: GiB of address space a notebook may use.
        scheduler: address of a Dask scheduler (`tcp://HOST:PORT`) to grade on; None grades here.
        sandboxed: require bubblewrap (True), never use it (False), or use it when installed (None).
        on_result: called as `on_result(result, done, total)` after each submission.

    Returns:
        One `GradeResult` per submission, sorted by lesson and student.
    """
    if workers is not None and workers < 1:
        raise UserError(f"--workers must be at least 1, got {workers}")
    if (timeout is not None and timeout <= 0) or memory_gb <= 0:
        raise UserError("--timeout and --memory must be positive")
    if sandboxed and not scheduler and not pool.bwrap_path():
        raise UserError("--sandbox needs bubblewrap (`bwrap`): install Debian's `bubblewrap` package")
    course = course or Course.locate()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    saved_runs = out / SAVED_RUNS
    saved_runs.mkdir(exist_ok=True)
    runner = Runner(workers or default_workers(), scheduler, sandboxed, int(memory_gb * 2**30), saved_runs)
    try:
        if not scheduler:
            runner.pool.prestart(1)  # a worker imports TensorFlow while the submissions are read
        the_plan = plan(Path(submissions), out, course, lesson)
        if not scheduler:
            runner.pool.prestart(len(the_plan.pending))  # as many as there is work for, up to `workers`
        if not scheduler and any(trains_broken_recipes(p.lesson) for p in the_plan.pending):
            save_broken_runs(saved_runs)  # while the workers start
        for done, result in enumerate(the_plan.done, 1):
            if on_result:
                on_result(result, done, the_plan.total)
        results = the_plan.done + list(run(the_plan, out, runner, timeout, on_result))
    finally:
        runner.close()  # also stops a worker still starting, so nothing mounts saved_runs any more
        if not any(saved_runs.iterdir()):
            saved_runs.rmdir()  # no lesson 12 in this batch: no empty folder left in OUT
    results.sort(key=lambda r: (r.lesson_id, r.student_id))
    write(results, out, the_plan)
    return results


def plan(submissions: Path, out: Path, course: Course, lesson: str | None) -> Plan:
    """Discovers the submissions, reads every lesson once, and sorts what must run from what need not."""
    found = discover(submissions, course, lesson, out / ".work")
    lessons = {lesson_id: course.lesson(lesson_id) for lesson_id in course.lesson_ids()}  # each source read once
    the_plan = Plan(course, lessons, submitted={(s.student_id, s.lesson_id): s.timestamp for s in found})
    for sub in found:
        les = lessons.get(sub.lesson_id)
        key = _key(sub, les) if les and not sub.problem else ""
        cached = cache.load_cached(out, sub.lesson_id, sub.student_id, key) if key else None
        if cached is not None:
            the_plan.done.append(cached)
            continue
        checked = check(sub, les, lessons)
        if isinstance(checked, GradeResult):
            checked.key = key
            the_plan.done.append(checked)
        else:
            the_plan.pending.append(Pending(sub, les, checked, key))
    return the_plan


def check(sub: Submission, lesson: Lesson | None, lessons: dict[str, Lesson]):
    """The program to run for a submission, or the `GradeResult` that says why it cannot run."""
    from backprop_lab.grading.assembly import assemble, lesson_of

    if sub.problem or lesson is None:
        return _problem_result(sub)
    notebook, problem = load_notebook(sub.path)
    if problem:
        status = "empty" if problem in ("the file is empty", "the notebook has no code cells") else "invalid_notebook"
        return _failed(sub, lesson, status, problem)
    owner = lesson_of(notebook, lessons)
    if owner is None:
        return _failed(
            sub,
            lesson,
            "not_a_lesson",
            f"the notebook has none of {sub.lesson_id}'s grading cells (was it started from the lesson?)",
        )
    if owner != sub.lesson_id:
        return _failed(sub, lesson, "wrong_lesson", f"this is lesson {owner}, submitted as {sub.lesson_id}")
    program = assemble(lesson, notebook)
    flags = screen(program)
    if flags:
        return _failed(
            sub,
            lesson,
            "flagged",
            "score withheld for review: the code " + "; ".join(flags[:6]) + ". No exercise needs this.",
        )
    return program


def screen(program) -> list[str]:
    """What the screen (`backprop_lab.screen.findings`) flags in a program's student cells, one sentence each."""
    from backprop_lab.screen import findings

    return [
        f
        for i, c in enumerate(program.cells)
        if c.kind == "student"
        for f in findings(c.source, f"cell {c.grade_id or i}")
    ]


class Runner:
    """Where programs run: a pool of fork servers here (started when first needed), or a Dask cluster.

    Args:
        workers: fork servers on this machine.
        scheduler: a Dask scheduler's address, or None.
        sandboxed: see `sandbox.pool.Worker`.
        memory: bytes of address space one notebook may use.
        saved_runs: the folder of `save_broken_runs`, shared read-only with the workers here.
    """

    def __init__(self, workers: int, scheduler: str | None, sandboxed: bool | None, memory: int, saved_runs=None):
        self.scheduler, self.sandboxed, self.memory = scheduler, sandboxed, memory
        self.pool = pool.WorkerPool(workers, sandboxed, saved_runs)

    def run(self, jobs: list[tuple[object, Job]]):
        try:
            yield from pool.run_jobs(jobs, self.pool, self.scheduler, self.sandboxed)
        except pool.WorkerError as err:
            raise UserError(f"{err}. Finished results are saved; run the same command again to resume.") from err

    def close(self) -> None:
        self.pool.close()


def run(the_plan: Plan, out: Path, runner: Runner, timeout: float | None, on_result: ResultCallback | None):
    """Runs every pending program and yields its `GradeResult` as it finishes (saved at once)."""
    if not the_plan.pending:
        return
    if not runner.scheduler and not pool.bwrap_path() and runner.sandboxed is None:
        print(pool.UNSANDBOXED_WARNING, file=sys.stderr, flush=True)
    lesson_ids = sorted({p.lesson.lesson_id for p in the_plan.pending})
    if timeout is None:
        timeouts = lesson_timeouts(the_plan.course, [the_plan.lessons[i] for i in lesson_ids], out, runner)
    else:
        timeouts = dict.fromkeys(lesson_ids, float(timeout))
    jobs = []
    for index, pending in enumerate(the_plan.pending):
        limits = Limits(timeout=timeouts[pending.lesson.lesson_id], memory=runner.memory)
        jobs.append((index, Job(pending.program.job_cells(), limits)))
    warned = not runner.scheduler  # locally the warning was printed above; a cluster's workers tell with each answer
    done = len(the_plan.done)
    for index, answer in runner.run(jobs):
        if answer.sandboxed is False and not warned:
            print(
                pool.UNSANDBOXED_WARNING.replace("is not installed", "is not installed on a Dask worker"),
                file=sys.stderr,
                flush=True,
            )
            warned = True
        pending = the_plan.pending[index]
        result = interpret(pending.submission, pending.lesson, pending.program, answer, jobs[index][1].limits)
        result.key = pending.key
        cache.save(out, result)
        done += 1
        if on_result:
            on_result(result, done, the_plan.total)
        yield result


def trains_broken_recipes(lesson: Lesson) -> bool:
    """Whether the lesson's trusted cells train `recipes.BROKEN_RECIPES` (lesson 12's evidence)."""
    trusted = [lesson.setup, *(c.source for c in lesson.cells if c.kind == "locked")]
    return any("train_recipe" in source and "BROKEN_RECIPES" in source for source in trusted)


def save_broken_runs(folder: Path) -> bool:
    """Trains the broken recipes into `folder` in a process of the grader's own (no submission runs in it).

    A failure only costs time (every submission then trains them itself): it is reported, not raised.

    Returns:
        True when the runs are saved.
    """
    code = "import sys; from backprop_lab import recipes; recipes.save_runs(sys.argv[1])"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(
            f"WARNING: could not train lesson 12's broken recipes ahead of its submissions (each will train "
            f"them itself, which is slower):\n{done.stderr[-2000:]}",
            file=sys.stderr,
            flush=True,
        )
    return done.returncode == 0


def lesson_timeouts(course: Course, lessons: list[Lesson], out: Path, runner: Runner) -> dict[str, float]:
    """Each lesson's time limit: `REFERENCE_FACTOR` times its reference solution's run, never under `MIN_TIMEOUT`.

    The reference's time is measured on first use (the reference solution graded like a submission)
    and recorded in `OUT/results/<lesson_id>/.reference.json` with the lesson's digest, so a changed
    lesson is measured again. A reference that does not get full marks is reported on stderr.
    """
    from backprop_lab.course.synthetic import build_submission
    from backprop_lab.grading.assembly import assemble

    seconds, jobs = {}, []
    for lesson in lessons:
        recorded = _recorded_reference(out, lesson)
        if recorded is not None:
            seconds[lesson.lesson_id] = recorded
        elif course.lesson_path(lesson.lesson_id).is_file():
            program = assemble(lesson, build_submission(course, lesson.lesson_id))
            jobs.append((lesson, Job(program.job_cells(), Limits(REFERENCE_TIMEOUT, runner.memory))))
        else:  # never released: nothing to build a reference submission from
            seconds[lesson.lesson_id] = REFERENCE_TIMEOUT / REFERENCE_FACTOR
    for lesson, answer in runner.run(jobs):
        ok = not answer.worker_error and _all_tests_passed(answer)
        if not ok:
            print(
                f"WARNING: {lesson.lesson_id}'s reference solution does not pass its own tests here; "
                f"its submissions get the full {REFERENCE_TIMEOUT} s",
                file=sys.stderr,
                flush=True,
            )
        seconds[lesson.lesson_id] = answer.seconds if ok else REFERENCE_TIMEOUT / REFERENCE_FACTOR
        path = cache.result_path(out, lesson.lesson_id, ".reference")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"digest": lesson.digest, "seconds": seconds[lesson.lesson_id]}))
    return {lesson_id: derived_timeout(s) for lesson_id, s in seconds.items()}


def derived_timeout(reference_seconds: float) -> float:
    """`REFERENCE_FACTOR` x the reference's time + `TIMEOUT_MARGIN`, never under `MIN_TIMEOUT`, whole seconds."""
    return float(max(MIN_TIMEOUT, math.ceil(REFERENCE_FACTOR * reference_seconds + TIMEOUT_MARGIN)))


def _recorded_reference(out: Path, lesson: Lesson) -> float | None:
    path = cache.result_path(out, lesson.lesson_id, ".reference")
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return float(data["seconds"]) if data.get("digest") == lesson.digest else None


def _all_tests_passed(answer: Answer) -> bool:
    events = [json.loads(line) for line in answer.events]
    return bool(events) and events[-1].get("event") == "end" and all(e.get("ok", True) for e in events)


def write(results: list[GradeResult], out: Path, the_plan: Plan | None = None) -> None:
    """Writes `gradebook.csv` (due dates and late penalties from the course configuration), `checks.csv`
    and every feedback page."""
    from backprop_lab.grading import feedback, gradebook

    lateness = gradebook.Lateness.of(the_plan.course, the_plan.submitted) if the_plan else None
    gradebook.write_gradebook(results, out / "gradebook.csv", lateness)
    gradebook.write_checks(results, out / "checks.csv")
    for result in results:
        feedback.write_feedback(result, out / "feedback")


def interpret(sub: Submission, lesson: Lesson, program, answer: Answer, limits: Limits) -> GradeResult:
    """A `GradeResult` from a fork server's answer: one check per test cell, plus a status."""
    if answer.worker_error:
        return _failed(sub, lesson, "kernel_died", f"the grading worker died: {answer.worker_error[:300]}")
    outcomes, tamper, out_of_memory = read_events(answer.events, len(program.cells))
    if answer.forged:
        tamper = "wrote forged reports to the grader"
    if tamper:
        return _failed(sub, lesson, "tampered", f"score withheld: the code {tamper}")
    points = dict(lesson.tests)
    checks = {}
    for index, cell in enumerate(program.cells):
        if cell.kind != "test" or cell.grade_id in checks:
            continue
        event = outcomes.get(index)
        ok = bool(event and event.get("ok"))
        hidden = not ok and bool(event) and event.get("line", 0) in hidden_line_numbers(cell.source)
        message = "" if ok else _message(event, lesson, hidden)
        checks[cell.grade_id] = CheckResult(
            cell.grade_id, points[cell.grade_id] if ok else 0.0, points[cell.grade_id], message, hidden
        )
    ordered = [checks.get(gid, CheckResult(gid, 0.0, pts, "the test did not run")) for gid, pts in lesson.tests]
    status, reason = _status(answer, outcomes, out_of_memory, program, limits)
    reason = "; ".join(r for r in [reason, *program.notes, sub.note] if r)
    return GradeResult(
        sub.student_id,
        sub.lesson_id,
        sum(c.score for c in ordered),
        lesson.max_score,
        status,
        reason,
        ordered,
        seconds=answer.seconds,
        timeout=limits.timeout,
        versions=_recorded_versions(sub.path),
    )


def _recorded_versions(path: Path) -> dict[str, str]:
    """The student's Python, TensorFlow and Keras versions, as the submission's setup cell recorded them."""
    from backprop_lab.environment import recorded_versions

    try:
        return recorded_versions(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def read_events(lines: list[str], cell_count: int) -> tuple[dict[int, dict], str, bool]:
    """The harness's reports: one per cell, in order, then `end` (or `oom`); anything else is tampering.

    Returns:
        `(outcomes by cell index, what tampering was seen or "", whether memory ran out)`.
    """
    outcomes: dict[int, dict] = {}
    forged = "wrote forged reports to the grader"
    ended = False
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            return outcomes, forged, False
        kind = event.get("event") if isinstance(event, dict) else None
        if kind == "tamper":
            return outcomes, str(event.get("reason", "tampered with the grader"))[:500], False
        if ended or kind not in ("cell", "end", "oom") or len(outcomes) >= cell_count and kind == "cell":
            return outcomes, forged, False
        if kind == "cell" and event.get("index") != len(outcomes):
            return outcomes, forged, False
        if kind == "oom":
            return outcomes, "", True
        if kind == "end":
            ended = True
        else:
            outcomes[event["index"]] = event
    return outcomes, "", False


def _status(answer: Answer, outcomes: dict, oom: bool, program, limits: Limits) -> tuple[str, str]:
    errors = {event.get("ename") for event in outcomes.values()}
    if answer.timed_out:
        return "timeout", (
            f"the notebook ran longer than the lesson's limit of {limits.timeout:g} s "
            "(checks after that point scored 0)"
        )
    if oom or "MemoryError" in errors or "bad_alloc" in answer.output_tail or "ResourceExhaustedError" in errors:
        return "out_of_memory", f"the notebook ran out of memory (limit {limits.memory / 2**30:g} GiB)"
    if answer.process_limit:
        return "process_limit", f"the notebook started more than {limits.processes} processes"
    if answer.output_size >= limits.output:
        return "output_limit", f"the notebook printed more than {limits.output // 2**20} MiB"
    if len(outcomes) < len(program.cells):
        code = answer.exit_code
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-code}" if code else "no exit code"
        return "kernel_died", f"the notebook's process stopped before the end ({how})"
    return program.status, ""


def _message(event: dict | None, lesson: Lesson, hidden: bool) -> str:
    from backprop_lab.grading.assembly import redact

    if event is None:
        return "the test did not run (the notebook stopped before it)"
    name, value = event.get("ename") or "Error", str(event.get("evalue", "")).strip()
    if name == "NotImplementedError" and not value:
        return "NotImplementedError: this exercise is not done yet (the stub still raises)."
    where = "a hidden check (other inputs than the visible ones)" if hidden else "a visible check"
    text = f"{name}: {value}"[:1000] if value else name
    return f"[{where}] {redact(text, lesson)}"


def _failed(sub: Submission, lesson: Lesson, status: str, reason: str) -> GradeResult:
    checks = [CheckResult(gid, 0.0, pts, "") for gid, pts in lesson.tests]
    return GradeResult(sub.student_id, sub.lesson_id, 0.0, lesson.max_score, status, reason, checks)


def _problem_result(sub: Submission) -> GradeResult:
    status = sub.problem.replace(" ", "_")
    if sub.problem == "unknown lesson":
        reason = f"{sub.lesson_id!r} is not a lesson of this course"
    else:
        reason = f"{sub.path.name}: expected {sub.lesson_id}.ipynb or <student_id>_*.ipynb"
    return GradeResult(sub.student_id, sub.lesson_id, 0.0, 0.0, status, reason)


def _key(sub: Submission, lesson: Lesson) -> str:
    digest = hashlib.sha256(sub.path.read_bytes()).hexdigest()[:16]
    return f"{lesson.digest}-{digest}"
