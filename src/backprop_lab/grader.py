"""`backprop-lab grade`: grade a whole class with nbgrader, one submission at a time.

The pipeline, one small step each:

1. `discover` the submissions (nbgrader layout, flat folder or zip);
2. `prepare_lesson`: register each lesson's grade cells in a template gradebook;
3. `grade_submission`: autograde one notebook in its own nbgrader folder, so a
   broken notebook cannot stop the batch or touch anyone else's grade;
4. write `gradebook.csv`, `checks.csv` and one HTML feedback page per student
   and lesson.

Results are cached in `OUT/results/` keyed by the submission's and the
lesson's content, so grading again is idempotent and an interrupted batch
resumes without regrading finished submissions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from backprop_lab import nbgrader_bridge
from backprop_lab.course import Course, CourseError, notebook_problem
from backprop_lab.submissions import Submission, discover

DEFAULT_TIMEOUT = 300
"""Seconds one cell may run before the submission is marked `timeout`."""

KERNEL_STARTUP_TIMEOUT = 300
"""Seconds a kernel may take to start on a busy machine."""


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
    """A lesson registered with nbgrader: its gradebook and its test cells."""

    lesson_id: str
    root: Path
    source_dir: Path
    max_score: float
    tests: tuple[tuple[str, float], ...]
    digest: str


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
    on_result: Callable[[GradeResult, int, int], None] | None = None,
) -> list[GradeResult]:
    """Grades every submission under `submissions` and writes the results to `out`.

    Args:
        submissions: folder in nbgrader's layout, flat folder, or zip.
        out: output folder; `gradebook.csv`, `checks.csv`, `feedback/` go here.
        course: the course; found from the current folder when None.
        lesson: lesson id (or its number) of a flat folder or zip.
        workers: parallel graders; one per CPU core when None.
        timeout: seconds a single cell may run.
        on_result: called as `on_result(result, done, total)` after each submission.

    Returns:
        One `GradeResult` per submission, sorted by lesson and student.
    """
    from backprop_lab import feedback, gradebook

    course = course or Course.locate()
    out = Path(out).resolve()
    if workers is not None and workers < 1:
        raise CourseError(f"--workers must be at least 1, got {workers}")
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    found = discover(Path(submissions), course, lesson, work)
    templates = {
        lesson_id: prepare_lesson(course, lesson_id, work / "templates")
        for lesson_id in sorted({s.lesson_id for s in found if not s.problem})
    }

    results: list[GradeResult] = []
    pending: list[tuple[Submission, LessonTemplate, str]] = []
    for sub in found:
        template = templates.get(sub.lesson_id)
        cached = _cached(out, sub, template)
        if cached is not None:
            results.append(cached)
        elif sub.problem or template is None:
            results.append(_problem_result(sub, course))
        else:
            problem = notebook_problem(sub.path)
            if problem:
                results.append(_failed(sub, template, "invalid_notebook", problem))
            else:
                pending.append((sub, template, _key(sub, template)))

    total = len(found)
    for done, result in enumerate(results, 1):
        if on_result:
            on_result(result, done, total)
    done = len(results)
    jobs = [(sub, template, key, course.root, str(work / "runs"), timeout) for sub, template, key in pending]
    for result in _run(jobs, workers or default_workers()):
        _save(out, result)
        results.append(result)
        done += 1
        if on_result:
            on_result(result, done, total)

    results.sort(key=lambda r: (r.lesson_id, r.student_id))
    gradebook.write_gradebook(results, out / "gradebook.csv")
    gradebook.write_checks(results, out / "checks.csv")
    for result in results:
        feedback.write_feedback(result, out / "feedback")
    return results


def _run(jobs, workers: int):
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            yield _grade_job(job)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        yield from pool.map(_grade_job, jobs)


def _grade_job(job) -> GradeResult:
    sub, template, key, course_root, runs_dir, timeout = job
    result = grade_submission(Course(Path(course_root)), sub, template, Path(runs_dir), timeout)
    result.key = key
    return result


def prepare_lesson(course: Course, lesson_id: str, templates_dir: Path) -> LessonTemplate:
    """Registers a lesson with nbgrader in a template folder shared by all its submissions."""
    from backprop_lab.release import check_source

    check_source(course, lesson_id)
    source = course.solution_path(lesson_id)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    root = templates_dir / lesson_id
    if root.exists():
        shutil.rmtree(root)
    source_dir = root / "source"
    (source_dir / lesson_id).mkdir(parents=True)
    shutil.copyfile(source, source_dir / lesson_id / source.name)
    config = nbgrader_bridge.load_config(course, root, source_directory=str(source_dir))
    with nbgrader_bridge.nbgrader_environment():
        result = nbgrader_bridge.api(config).generate_assignment(lesson_id, force=True, create=True)
    try:
        nbgrader_bridge.run_step(result, f"generate_assignment {lesson_id}")
    except RuntimeError as err:
        raise CourseError(f"could not register {lesson_id} with nbgrader: {err}") from err
    tests = tuple(
        (cell.metadata["nbgrader"]["grade_id"], float(cell.metadata["nbgrader"]["points"]))
        for cell in nbformat.read(source, as_version=4).cells
        if cell.metadata.get("nbgrader", {}).get("grade")
    )
    return LessonTemplate(
        lesson_id, root, source_dir, sum(p for _, p in tests), tests, digest
    )


def grade_submission(
    course: Course, sub: Submission, template: LessonTemplate, runs_dir: Path, timeout: int
) -> GradeResult:
    """Autogrades one notebook in a folder of its own and reads back its grades."""
    root = runs_dir / sub.lesson_id / sub.student_id
    if root.exists():
        shutil.rmtree(root)
    submitted = root / "submitted" / sub.student_id / sub.lesson_id
    submitted.mkdir(parents=True)
    shutil.copyfile(sub.path, submitted / f"{sub.lesson_id}.ipynb")
    shutil.copyfile(template.root / "gradebook.db", root / "gradebook.db")
    config = nbgrader_bridge.load_config(course, root, source_directory=str(template.source_dir))
    config = nbgrader_bridge.with_experiment_cells_blanked(config)
    config.Execute.timeout = timeout
    config.Execute.startup_timeout = KERNEL_STARTUP_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="bpl-") as sockets:
        # Unix sockets instead of TCP ports: parallel kernels cannot race for a port.
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(sockets, "kernel")
        with nbgrader_bridge.nbgrader_environment():
            outcome = nbgrader_bridge.api(config).autograde(sub.lesson_id, sub.student_id)
    if not outcome.get("success"):
        log = f"{outcome.get('log', '')}\n{outcome.get('error', '')}"
        (root / "nbgrader.log").write_text(log)
        status, reason = _explain_failure(log)
        return _failed(sub, template, status, reason)
    checks = _read_checks(root, sub, template)
    score = sum(c.score for c in checks)
    status, reason = "graded", sub.note
    if any(c.message.startswith("CellTimeoutError") for c in checks):
        status, reason = "timeout", f"a cell ran longer than {timeout} s"
    return GradeResult(sub.student_id, sub.lesson_id, score, template.max_score, status, reason, checks)


def _read_checks(root: Path, sub: Submission, template: LessonTemplate) -> list[CheckResult]:
    from nbgrader.api import Gradebook

    db_url = f"sqlite:///{root / 'gradebook.db'}"
    with Gradebook(db_url) as gb:
        notebook = gb.find_submission_notebook(sub.lesson_id, sub.lesson_id, sub.student_id)
        scores = {g.name: float(g.score) for g in notebook.grades}
    graded = root / "autograded" / sub.student_id / sub.lesson_id / f"{sub.lesson_id}.ipynb"
    messages = {}
    for cell in nbformat.read(graded, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if grade_id and errors:
            messages[grade_id] = _error_message(errors[0])
    return [
        CheckResult(grade_id, scores.get(grade_id, 0.0), points, messages.get(grade_id, ""))
        for grade_id, points in template.tests
    ]


def _error_message(output) -> str:
    name, value = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
    if name == "NotImplementedError" and not value:
        return "NotImplementedError: this exercise is not done yet (the stub still raises)."
    return f"{name}: {value}"[:1000] if value else name


def _explain_failure(log: str) -> tuple[str, str]:
    if "DeadKernelError" in log or "Kernel died" in log:
        return "kernel_died", "the Python kernel died while running the notebook (out of memory?)"
    if "missing grade cells" in log.lower() or "grade_id" in log:
        return "cells_altered", "grading cells were deleted or altered"
    errors = [
        line.removeprefix("[ERROR]").strip()
        for line in log.splitlines()
        if line.startswith("[ERROR]") and "Traceback" not in line and "see the the above" not in line
    ]
    lines = errors or [line for line in log.strip().splitlines() if line.strip()]
    return "error", ("; ".join(lines[:3]) if lines else "nbgrader could not grade this notebook")[:500]


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
