"""Assembles what actually runs for a submission, from trusted and untrusted cells.

A student's notebook is only trusted for its answers. `assemble` walks the
submission in its own order and builds a `Program`:

- answer cells (nbgrader `solution` cells) and the student's own code cells
  run as the student wrote them;
- test cells, locked cells and the setup cell (tagged `setup`) always come
  from the instructor's source,
  hidden tests included, whatever the submission contains: an edited test is
  replaced, a deleted one restored, a duplicated one run once;
- cells tagged `experiment` (long demonstrations) are left out, unless they
  carry nbgrader metadata: tagging a test cell does not switch it off.

What was wrong with the notebook's structure is reported, not fatal: the
program is still graded and the status says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


@dataclass(frozen=True)
class Cell:
    """One cell to run: `kind` is "student", "locked" or "test"."""

    kind: str
    source: str
    grade_id: str = ""


@dataclass
class Program:
    """The cells to run for one submission, and what the assembly noticed."""

    cells: list[Cell]
    status: str = "graded"
    notes: list[str] = field(default_factory=list)

    def as_jobs(self) -> list[dict]:
        return [{"kind": c.kind, "source": c.source, "grade_id": c.grade_id} for c in self.cells]


@dataclass(frozen=True)
class Lesson:
    """What assembly needs to know about a lesson, read once from its source and release."""

    lesson_id: str
    cells: tuple[tuple[str, str, str], ...]  # (kind, grade_id, trusted source) in course order
    released: dict[str, str]  # grade_id -> source as released to students
    hidden_lines: frozenset[str]
    setup: str = ""  # the setup cell (tagged `setup`), trusted like a locked cell

    @property
    def grade_ids(self) -> set[str]:
        return {gid for _, gid, _ in self.cells}

    @classmethod
    def load(cls, lesson_id: str, source_path, release_path=None) -> Lesson:
        """Reads a lesson's trusted cells from its source, and its released cells when there is a release."""
        source = nbformat.read(source_path, as_version=4)
        cells, hidden = [], set()
        setup = next((c.source for c in source.cells if "setup" in c.metadata.get("tags", [])), "")
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade_id"):
                continue
            kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "locked"
            cells.append((kind, meta["grade_id"], cell.source))
            hidden |= _hidden_lines(cell.source)
        released = {} if release_path is None else {
            c.metadata["nbgrader"]["grade_id"]: c.source
            for c in nbformat.read(release_path, as_version=4).cells
            if c.metadata.get("nbgrader", {}).get("grade_id")
        }
        return cls(lesson_id, tuple(cells), released, frozenset(hidden), setup)


def _hidden_lines(source: str) -> set[str]:
    lines, inside = set(), False
    for line in source.splitlines():
        if line.strip() == HIDDEN[0]:
            inside = True
        elif line.strip() == HIDDEN[1]:
            inside = False
        elif inside and len(line.strip()) >= 12:
            lines.add(line.strip())
    return lines


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "") if cell.cell_type == "code" else ""


def assemble(lesson: Lesson, notebook: nbformat.NotebookNode) -> Program:
    """The program to run for `notebook`, a submission of `lesson`.

    Args:
        lesson: the lesson, as `Lesson.load` read it.
        notebook: the submitted notebook (already validated as nbformat 4).

    Returns:
        The `Program`; its `status` is "graded", or "cells_deleted",
        "cells_duplicated" or "cells_altered" with `notes` saying which.
    """
    trusted = {gid: (kind, source) for kind, gid, source in lesson.cells}
    order = [gid for _, gid, _ in lesson.cells]
    seen: dict[str, int] = {}
    cells: list[Cell] = []
    altered, duplicated = [], []
    has_setup = False
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or ("experiment" in tags and not _grade_id(cell)):
            continue
        if lesson.setup and ("setup" in tags or cell.source.strip() == lesson.setup.strip()):
            if not has_setup:
                cells.append(Cell("locked", lesson.setup, "setup"))
            has_setup = True
            continue
        gid = _grade_id(cell)
        if gid not in trusted:
            cells.append(Cell("student", cell.source))
            continue
        kind, source = trusted[gid]
        seen[gid] = seen.get(gid, 0) + 1
        if kind == "answer":
            cells.append(Cell("student", cell.source, gid))
            continue
        if seen[gid] > 1:
            duplicated.append(gid)
            continue
        if cell.source.strip() != lesson.released.get(gid, source).strip():
            altered.append(gid)
        cells.append(Cell(kind, source, gid))
    deleted = [gid for gid in order if gid not in seen]
    for gid in deleted:
        kind, source = trusted[gid]
        if kind != "answer":  # a deleted answer stays deleted: its tests fail
            cells.insert(_restore_position(cells, order, gid), Cell(kind, source, gid))
    if lesson.setup and not has_setup:
        cells.insert(0, Cell("locked", lesson.setup, "setup"))
    program = Program(cells)
    for status, gids, what in [
        ("cells_altered", altered, "were edited; the original cells were run instead"),
        ("cells_duplicated", sorted(set(duplicated)), "appear more than once; each ran once"),
        ("cells_deleted", deleted, "were deleted; they were restored from the lesson"),
    ]:
        if gids:
            program.status = status
            program.notes.append(f"grading cells {', '.join(gids)} {what}")
    return program


def _restore_position(cells: list[Cell], order: list[str], gid: str) -> int:
    """Just after the nearest cell that comes before `gid` in the lesson, else at the start."""
    earlier = order[: order.index(gid)]
    for position in range(len(cells) - 1, -1, -1):
        if cells[position].grade_id in earlier:
            return position + 1
    return 0


def lesson_of(notebook: nbformat.NotebookNode, lessons: dict[str, Lesson]) -> str | None:
    """The lesson whose grading cells a notebook carries most of, or None if it has none."""
    ids = {_grade_id(c) for c in notebook.cells} - {""}
    best = max(lessons.values(), key=lambda lesson: len(ids & lesson.grade_ids), default=None)
    return best.lesson_id if best is not None and ids & best.grade_ids else None


def redact(message: str, lesson: Lesson) -> str:
    """A check's message, withheld when it quotes a line of the hidden tests."""
    if any(line in message for line in lesson.hidden_lines):
        return "(message withheld: it quoted the hidden tests)"
    return message
