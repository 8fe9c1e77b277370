"""`backprop-lab grade`: grade a whole class, sandboxed, in parallel, here or on a cluster.

The pipeline, one small step each:

1. `discover` the submissions (nbgrader layout, flat folder or zip);
2. `load_lessons`: read each lesson's trusted cells (solutions with hidden
   tests) and its released student version;
3. `check`: reject what cannot be graded (`empty`, `invalid_notebook`,
   `wrong_lesson`, `not_a_lesson`), `assemble` the program to run from the
   student's answers and the trusted test cells, and `scan` the student's
   code for what no exercise needs (`flagged`);
4. run the programs on sandboxed fork servers (`backprop_lab.engine`):
   `--workers` of them here, or a Dask cluster's with `--scheduler`;
5. turn each run's reports into a `GradeResult` (`timeout`, `out_of_memory`,
   `kernel_died`, `output_limit`, `tampered` or `graded`), and write
   `gradebook.csv`, `checks.csv` and one HTML feedback page per student and lesson.

Results are cached in `OUT/results/` keyed by the submission's and the
lesson's content, so grading again is idempotent and an interrupted batch
resumes without regrading finished submissions. See autograder/README.md for
what the sandbox and the harness guarantee.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from backprop_lab import engine, scan
from backprop_lab.course import Course, CourseError, notebook_problem
from backprop_lab.program import Lesson, Program, assemble, lesson_of, redact
from backprop_lab.sandbox import Limits
from backprop_lab.submissions import Submission, discover

DEFAULT_TIMEOUT = int(Limits.timeout)
"""Seconds one notebook may run before the submission is marked `timeout`."""

DEFAULT_MEMORY_GB = Limits.memory / 2**30
"""Address space one notebook may use, in GiB."""


@dataclass
class CheckResult:
    """The outcome of one graded test cell."""

    grade_id: str
    score: float
    max_score: float
    message: str = ""


@dataclass
class GradeResult:
    """The outcome of one submission: a gradebook row plus its checks."""

    student_id: str
    lesson_id: str
    score: float
    max_score: float
    status: str
    reason: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    key: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> GradeResult:
        checks = [CheckResult(**c) for c in data.pop("checks", [])]
        return cls(**data, checks=checks)


@dataclass(frozen=True)
class LessonTemplate:
    """A lesson as the grader sees it: its trusted cells, test cells and a content digest."""

    lesson: Lesson
    max_score: float
    tests: tuple[tuple[str, float], ...]
    digest: str

    @property
    def lesson_id(self) -> str:
        return self.lesson.lesson_id


def default_workers() -> int:
    """One worker per CPU core."""
    return os.cpu_count() or 1


def grade(
    submissions: str | Path,
    out: str | Path,
    *,
    course: Course | None = None,
    lesson: str | None = None,
    workers: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    memory_gb: float = DEFAULT_MEMORY_GB,
    scheduler: str | None = None,
    sandboxed: bool | None = None,
    on_result: Callable[[GradeResult, int, int], None] | None = None,
) -> list[GradeResult]:
    """Grades every submission under `submissions` and writes the results to `out`.

    Args:
        submissions: folder in nbgrader's layout, flat folder, or zip.
        out: output folder; `gradebook.csv`, `checks.csv`, `feedback/` go here.
        course: the course; found from the current folder when None.
        lesson: lesson id (or its number) of a flat folder or zip.
        workers: parallel graders on this machine; one per CPU core when None.
        timeout: seconds a whole notebook may run.
        memory_gb: GiB of address space a notebook may use.
        scheduler: address of a Dask scheduler (`tcp://HOST:PORT`) to grade on; None grades here.
        sandboxed: require bubblewrap (True), never use it (False), or use it when installed (None).
        on_result: called as `on_result(result, done, total)` after each submission.

    Returns:
        One `GradeResult` per submission, sorted by lesson and student.
    """
    from backprop_lab import feedback, gradebook

    course = course or Course.locate()
    out = Path(out).resolve()
    if workers is not None and workers < 1:
        raise CourseError(f"--workers must be at least 1, got {workers}")
    if timeout <= 0 or memory_gb <= 0:
        raise CourseError("--timeout and --memory must be positive")
    limits = Limits(timeout=float(timeout), memory=int(memory_gb * 2**30))
    out.mkdir(parents=True, exist_ok=True)
    found = discover(Path(submissions), course, lesson, out / ".work")
    templates = load_lessons(course)

    results: list[GradeResult] = []
    pending: list[tuple[Submission, LessonTemplate, Program, str]] = []
    for sub in found:
        template = templates.get(sub.lesson_id)
        cached = _cached(out, sub, template)
        if cached is not None:
            results.append(cached)
            continue
        checked = check(sub, template, templates, course)
        if isinstance(checked, GradeResult):
            checked.key = _key(sub, template) if template else ""
            results.append(checked)
        else:
            pending.append((sub, template, checked, _key(sub, template)))

    total = len(found)
    for done, result in enumerate(results, 1):
        if on_result:
            on_result(result, done, total)
    if sandboxed and not scheduler and not engine.sandbox.bwrap_path():
        raise CourseError("--sandbox needs bubblewrap (`bwrap`): install Debian's `bubblewrap` package")
    if pending and not scheduler and not engine.sandbox.bwrap_path() and sandboxed is None:
        print(engine.UNSANDBOXED_WARNING, file=sys.stderr, flush=True)
    jobs = [((i,), program.as_jobs()) for i, (_, _, program, _) in enumerate(pending)]
    done = len(results)
    warned = not scheduler  # locally the warning was printed above; a cluster's workers tell with each answer
    try:
        for (index,), answer in engine.run_jobs(jobs, limits, workers or default_workers(), scheduler, sandboxed):
            if answer.get("sandboxed") is False and not warned:
                print(engine.UNSANDBOXED_WARNING.replace("is not installed", "is not installed on a Dask worker"),
                      file=sys.stderr, flush=True)
                warned = True
            sub, template, program, key = pending[index]
            result = interpret(sub, template, program, answer, limits)
            result.key = key
            _save(out, result)  # saved at once: an interrupted batch resumes from here
            results.append(result)
            done += 1
            if on_result:
                on_result(result, done, total)
    except engine.WorkerError as err:
        raise CourseError(f"{err}. Finished results are saved; run the same command again to resume.") from err

    results.sort(key=lambda r: (r.lesson_id, r.student_id))
    gradebook.write_gradebook(results, out / "gradebook.csv")
    gradebook.write_checks(results, out / "checks.csv")
    for result in results:
        feedback.write_feedback(result, out / "feedback")
    return results


def load_lessons(course: Course) -> dict[str, LessonTemplate]:
    """Every lesson of the course, read from its solution (trusted cells) and its release."""
    from backprop_lab.release import check_source

    templates = {}
    for lesson_id in course.lesson_ids():
        check_source(course, lesson_id)
        source, released = course.solution_path(lesson_id), course.lesson_path(lesson_id)
        released = released if released.is_file() else None  # unreleased: compare with the source
        lesson = Lesson.load(lesson_id, source, released)
        tests = tuple(
            (cell.metadata["nbgrader"]["grade_id"], float(cell.metadata["nbgrader"]["points"]))
            for cell in nbformat.read(source, as_version=4).cells
            if cell.metadata.get("nbgrader", {}).get("grade")
        )
        digest = hashlib.sha256(source.read_bytes() + (released.read_bytes() if released else b"")).hexdigest()[:16]
        templates[lesson_id] = LessonTemplate(lesson, sum(p for _, p in tests), tests, digest)
    return templates


def check(sub: Submission, template: LessonTemplate | None, templates: dict, course: Course):
    """The `Program` to run for a submission, or the `GradeResult` that says why it cannot run."""
    if sub.problem or template is None:
        return _problem_result(sub, course)
    problem = notebook_problem(sub.path)
    if problem:
        status = "empty" if problem in ("the file is empty", "the notebook has no code cells") else "invalid_notebook"
        return _failed(sub, template, status, problem)
    notebook = nbformat.read(sub.path, as_version=4)
    owner = lesson_of(notebook, {k: t.lesson for k, t in templates.items()})
    if owner is None:
        return _failed(sub, template, "not_a_lesson",
                       f"the notebook has none of {sub.lesson_id}'s grading cells (was it started from the lesson?)")
    if owner != sub.lesson_id:
        return _failed(sub, template, "wrong_lesson", f"this is lesson {owner}, submitted as {sub.lesson_id}")
    program = assemble(template.lesson, notebook)
    flags = [f for i, c in enumerate(program.cells) if c.kind == "student"
             for f in scan.findings(c.source, f"cell {c.grade_id or i}")]
    if flags:
        return _failed(sub, template, "flagged",
                       "score withheld for review: the code " + "; ".join(flags[:6]) + ". No exercise needs this.")
    return program


def interpret(sub: Submission, template: LessonTemplate, program: Program, answer: dict,
              limits: Limits) -> GradeResult:
    """A `GradeResult` from a fork server's answer: one check per test cell, plus a status."""
    if "worker_error" in answer:
        return _failed(sub, template, "kernel_died", f"the grading worker died: {answer['worker_error'][:300]}")
    outcomes, tamper, out_of_memory = _read_events(answer["events"], len(program.cells))
    if answer.get("forged"):
        tamper = "wrote forged reports to the grader"
    if tamper:
        return _failed(sub, template, "tampered", f"score withheld: the code {tamper}")
    points = dict(template.tests)
    checks = {}
    for index, cell in enumerate(program.cells):
        if cell.kind != "test" or cell.grade_id in checks:
            continue
        event = outcomes.get(index)
        ok = bool(event and event.get("ok"))
        message = "" if ok else _message(event, template.lesson)
        checks[cell.grade_id] = CheckResult(cell.grade_id, points[cell.grade_id] if ok else 0.0,
                                            points[cell.grade_id], message)
    ordered = [checks.get(gid, CheckResult(gid, 0.0, pts, "the test did not run")) for gid, pts in template.tests]
    status, reason = _status(answer, outcomes, out_of_memory, program, limits)
    reason = "; ".join(r for r in [reason, *program.notes, sub.note] if r)
    return GradeResult(sub.student_id, sub.lesson_id, sum(c.score for c in ordered), template.max_score,
                       status, reason, ordered)


def _read_events(lines: list[str], cell_count: int) -> tuple[dict[int, dict], str, bool]:
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


def _status(answer: dict, outcomes: dict, oom: bool, program: Program, limits: Limits) -> tuple[str, str]:
    errors = {event.get("ename") for event in outcomes.values()}
    tail = answer.get("output_tail", "")
    if answer.get("timed_out"):
        return "timeout", f"the notebook ran longer than {limits.timeout:g} s (checks after that point scored 0)"
    if oom or "MemoryError" in errors or "bad_alloc" in tail or "ResourceExhaustedError" in errors:
        return "out_of_memory", f"the notebook ran out of memory (limit {limits.memory / 2**30:g} GiB)"
    if answer.get("process_limit"):
        return "process_limit", f"the notebook started more than {limits.processes} processes"
    if answer.get("output_size", 0) >= limits.output:
        return "output_limit", f"the notebook printed more than {limits.output // 2**20} MiB"
    if len(outcomes) < len(program.cells):
        code = answer.get("exit_code")
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-code}" if code else "no exit code"
        return "kernel_died", f"the notebook's process stopped before the end ({how})"
    return program.status, ""


def _message(event: dict | None, lesson: Lesson) -> str:
    if event is None:
        return "the test did not run (the notebook stopped before it)"
    name, value = event.get("ename") or "Error", str(event.get("evalue", "")).strip()
    if name == "NotImplementedError" and not value:
        return "NotImplementedError: this exercise is not done yet (the stub still raises)."
    return redact(f"{name}: {value}"[:1000] if value else name, lesson)


def _failed(sub: Submission, template: LessonTemplate, status: str, reason: str) -> GradeResult:
    checks = [CheckResult(gid, 0.0, pts, "") for gid, pts in template.tests]
    return GradeResult(sub.student_id, sub.lesson_id, 0.0, template.max_score, status, reason, checks)


def _problem_result(sub: Submission, course: Course) -> GradeResult:
    status = sub.problem.replace(" ", "_")
    if sub.problem == "unknown lesson":
        reason = f"{sub.lesson_id!r} is not a lesson of this course"
    else:
        reason = f"{sub.path.name}: expected {sub.lesson_id}.ipynb or <student_id>_*.ipynb"
    return GradeResult(sub.student_id, sub.lesson_id, 0.0, 0.0, status, reason)


def _key(sub: Submission, template: LessonTemplate) -> str:
    digest = hashlib.sha256(sub.path.read_bytes()).hexdigest()[:16]
    return f"{template.digest}-{digest}"


def _result_path(out: Path, lesson_id: str, student_id: str) -> Path:
    return out / "results" / lesson_id / f"{student_id}.json"


def _cached(out: Path, sub: Submission, template: LessonTemplate | None) -> GradeResult | None:
    path = _result_path(out, sub.lesson_id, sub.student_id)
    if template is None or sub.problem or not path.is_file():
        return None
    try:
        result = GradeResult.from_dict(json.loads(path.read_text()))
    except (ValueError, TypeError):
        return None
    return result if result.key == _key(sub, template) else None


def _save(out: Path, result: GradeResult) -> None:
    path = _result_path(out, result.lesson_id, result.student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(result), indent=1))
    tmp.replace(path)
