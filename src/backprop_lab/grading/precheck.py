"""`backprop-lab check NOTEBOOK`: a student's check before handing in, with the grader's own pipeline.

A student's install has no course data (no `solutions/`, no hidden tests), so
the checks come from the notebook itself: its test cells as released hold the
visible checks only (hidden-test blocks, if any are there, are removed). The
notebook is then graded like a submission, by the same steps as `grade`:

- `assemble` builds the program to run (setup cell, answers, the student's
  own cells, test cells; `experiment` cells left out);
- the grader's screen (`screen.findings`) lists what would get the score
  withheld for review (status `flagged`);
- the program runs on the same fork-server worker `grade --no-sandbox` uses,
  and `pipeline.interpret` turns its answer into one check per test cell,
  with the grader's messages.

Besides, `unanswered` lists the exercises whose cell is still the released
template or still raises `NotImplementedError`, and `edited_cells` the locked
cells changed since the release (nbgrader's checksum): the grader runs the
original of those, so their result here may differ. The notebook is only
read, never written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from backprop_lab.course.lesson import HIDDEN, Lesson, LessonCell, hidden_line_numbers, load_notebook
from backprop_lab.errors import UserError
from backprop_lab.grading.results import CheckResult

DEFAULT_TIMEOUT = 600
"""Seconds the notebook may run (`grade` derives a lesson's limit from its reference, which a student lacks)."""

_LESSON_ID = re.compile(r"\d\d_[a-z0-9_]+")


@dataclass
class PreCheck:
    """What `check` found in one notebook.

    Attributes:
        path: the notebook.
        lesson_id: the lesson, as named by the file.
        checks: one per test cell, with the grader's message when it failed.
        unanswered: grade ids of the exercises still as released or still raising NotImplementedError.
        flags: what the grader's screen would flag (the score is then withheld for review).
        edited: grade ids of locked or test cells changed since the release.
        status: the grader's status of the run ("graded", "timeout", "kernel_died"...).
        reason: what the status means.
        versions: the Python, TensorFlow and Keras versions the setup cell recorded ({} if not run).
    """

    path: Path
    lesson_id: str
    checks: list[CheckResult] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    status: str = "graded"
    reason: str = ""
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> list[CheckResult]:
        return [c for c in self.checks if c.score >= c.max_score]

    @property
    def ok(self) -> bool:
        """Every visible check passes and nothing would be flagged."""
        return bool(self.checks) and len(self.passed) == len(self.checks) and not self.flags

    def text(self) -> str:
        """The report printed by `backprop-lab check`."""
        from backprop_lab.environment import format_versions, newer_than_tested

        points = sum(c.score for c in self.checks)
        total = sum(c.max_score for c in self.checks)
        lines = [
            f"{self.path.name} (lesson {self.lesson_id}), graded like a submission with its visible checks only:",
            f"Visible checks: {len(self.passed)} of {len(self.checks)} pass ({points:g} of {total:g} points)",
        ]
        for check in self.checks:
            ok = check.score >= check.max_score
            name = check.grade_id.removeprefix("test_")
            lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f": {check.message}"))
        if self.status != "graded" or self.reason:
            lines.append(f"Status: {self.status}" + (f": {self.reason}" if self.reason else ""))
        if self.unanswered:
            lines.append(
                "Unanswered (still as released, or still raising NotImplementedError): " + ", ".join(self.unanswered)
            )
        else:
            lines.append("Unanswered: none")
        if self.edited:
            lines.append(
                "Edited since the release: " + ", ".join(self.edited) + ". The grader runs the original cells, "
                "so their results may differ from these."
            )
        if self.flags:
            lines.append("Screen: the grader would withhold the score for review, because the code:")
            lines += [f"  {flag}" for flag in self.flags]
            lines.append("  No exercise needs this: remove it before handing in.")
        else:
            lines.append("Screen: nothing in your code would be flagged.")
        if self.versions:
            lines.append(f"Versions recorded by the setup cell: {format_versions(self.versions)}")
            lines += [f"  Warning: {w}" for w in newer_than_tested(self.versions)]
        else:
            lines.append("Versions: not recorded (run the setup cell and save the notebook before handing in).")
        lines.append(
            "The grader also runs hidden checks on other inputs. "
            + ("Ready to hand in." if self.ok and not self.unanswered else "Not ready yet.")
        )
        return "\n".join(lines)


def read_notebook(path: str | Path):
    """The notebook at `path`, validated.

    Raises:
        UserError: the file is missing, not a notebook, or not a lesson of this course.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if path.suffix != ".ipynb":
        raise UserError(f"{path} is not a notebook (.ipynb): give the lesson notebook you saved")
    notebook, problem = load_notebook(path)
    if problem:
        raise UserError(f"{path} cannot be checked: {problem}")
    meta = [c.metadata.get("nbgrader", {}) for c in notebook.cells]
    if not any(m.get("grade") for m in meta):
        raise UserError(
            f"{path} is not a Backprop Lab lesson: it has no graded test cells (nbgrader metadata). "
            "Check the notebook you started from the lesson (File > Save, then check that file)."
        )
    return notebook


def visible_source(source: str) -> str:
    """A test cell's source without its hidden-test block (markers included)."""
    hidden = hidden_line_numbers(source)
    return "\n".join(
        line
        for number, line in enumerate(source.splitlines(), 1)
        if number not in hidden and line.strip() not in HIDDEN
    )


def visible_lesson(path: Path, lesson_id: str) -> Lesson:
    """The lesson as the notebook itself carries it, test cells reduced to their visible checks."""
    lesson = Lesson.load(lesson_id, path)
    cells = tuple(
        replace(c, source=visible_source(c.source)) if c.kind == "test" else LessonCell(c.kind, c.grade_id, c.source)
        for c in lesson.cells
    )
    # `released` is what the notebook holds, so that `assemble` does not call the visible checks "edited"
    released = {c.grade_id: c.source for c in lesson.cells if c.kind != "answer"}
    return replace(lesson, cells=cells, released=released, hidden_lines=frozenset())


def nbgrader_checksum(cell) -> str:
    """nbgrader's checksum of a cell (`nbgrader.utils.compute_checksum`), without needing nbgrader."""
    meta = cell.metadata.get("nbgrader", {})
    grade, solution = bool(meta.get("grade", False)), bool(meta.get("solution", False))
    locked = False if solution else True if grade else bool(meta.get("locked", False))
    digest = hashlib.md5()  # noqa: S324 - nbgrader's own choice, for comparison only
    for part in (cell.source, cell.cell_type, str(meta.get("grade", False)), str(meta.get("solution", False))):
        digest.update(part.encode("utf-8"))
    digest.update(str(locked).encode("utf-8"))
    digest.update(meta["grade_id"].encode("utf-8"))
    if grade:
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def _unchanged(cell) -> bool | None:
    """Whether a cell is as released (None: the release recorded no checksum)."""
    recorded = cell.metadata.get("nbgrader", {}).get("checksum")
    if not recorded:
        return None
    try:
        return nbgrader_checksum(cell) == recorded
    except (KeyError, TypeError, ValueError):
        return None


def unanswered(notebook) -> list[str]:
    """Grade ids of the answer cells still as released (the template) or still raising NotImplementedError."""
    from backprop_lab.progress import still_raises_not_implemented

    found = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            if _unchanged(cell) or still_raises_not_implemented(cell.source):
                found.append(meta["grade_id"])
    return found


def edited_cells(notebook) -> list[str]:
    """Grade ids of the test and locked cells whose source changed since the release."""
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in notebook.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade_id")
        and not c.metadata["nbgrader"].get("solution")
        and _unchanged(c) is False
    ]


def lesson_id_of(path: Path) -> str:
    """`01_manual_backprop` from `alice_01_manual_backprop (2).ipynb`, else the file's stem."""
    match = _LESSON_ID.search(path.stem)
    return match.group(0) if match else path.stem


def precheck(
    path: str | Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_gb: float | None = None,
    sandboxed: bool | None = False,
) -> PreCheck:
    """Grades one notebook like a submission, with the visible checks it holds, and reports.

    Args:
        path: the student's saved notebook; only read.
        timeout: seconds the notebook may run.
        memory_gb: GiB of address space it may use (the grader's default when None).
        sandboxed: as `grade --sandbox/--no-sandbox`; False (default) runs it as the student's own code.

    Returns:
        The `PreCheck`; `ok` is True when every visible check passes and nothing is flagged.

    Raises:
        UserError: the file is not a notebook or not a lesson, or the worker cannot start.
    """
    from backprop_lab.environment import recorded_versions
    from backprop_lab.grading import pipeline
    from backprop_lab.grading.assembly import assemble
    from backprop_lab.grading.submissions import Submission
    from backprop_lab.sandbox.protocol import Job, Limits

    path = Path(path).resolve()
    notebook = read_notebook(path)
    lesson_id = lesson_id_of(path)
    lesson = visible_lesson(path, lesson_id)
    program = assemble(lesson, notebook)
    report = PreCheck(
        path,
        lesson_id,
        unanswered=unanswered(notebook),
        flags=pipeline.screen(program),
        edited=edited_cells(notebook),
        versions=recorded_versions(json.loads(path.read_text(encoding="utf-8"))),
    )
    memory = int((memory_gb or pipeline.DEFAULT_MEMORY_GB) * 2**30)
    limits = Limits(timeout=float(timeout), memory=memory)
    runner = pipeline.Runner(1, None, sandboxed, memory)
    try:
        ((_, answer),) = list(runner.run([(0, Job(program.job_cells(), limits))]))
    finally:
        runner.close()
    result = pipeline.interpret(Submission("you", lesson_id, path), lesson, program, answer, limits)
    report.checks, report.status, report.reason = result.checks, result.status, result.reason
    if not lesson.setup:
        missing = "the setup cell (tagged `setup`) is missing: the grader puts it back, this check cannot"
        report.reason = "; ".join(r for r in (report.reason, missing) if r)
    return report
