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

from backprop_lab.course.lesson import Lesson, grade_id
from backprop_lab.sandbox.protocol import JobCell as Cell

__all__ = ["Cell", "Program", "assemble", "lesson_of", "redact"]


@dataclass
class Program:
    """The cells to run for one submission, and what the assembly noticed."""

    cells: list[Cell]
    status: str = "graded"
    notes: list[str] = field(default_factory=list)

    def job_cells(self) -> tuple[Cell, ...]:
        return tuple(self.cells)


def assemble(lesson: Lesson, notebook) -> Program:
    """The program to run for `notebook`, a submission of `lesson`.

    Args:
        lesson: the lesson, as `Course.lesson` read it.
        notebook: the submitted notebook (already validated as nbformat 4).

    Returns:
        The `Program`; its `status` is "graded", or "cells_deleted",
        "cells_duplicated" or "cells_altered" with `notes` saying which.
    """
    trusted = {c.grade_id: (c.kind, c.source) for c in lesson.cells}
    order = [c.grade_id for c in lesson.cells]
    seen: dict[str, int] = {}
    cells: list[Cell] = []
    altered, duplicated = [], []
    has_setup = False
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or ("experiment" in tags and not grade_id(cell)):
            continue
        if lesson.setup and ("setup" in tags or cell.source.strip() == lesson.setup.strip()):
            if not has_setup:
                cells.append(Cell("locked", lesson.setup, "setup"))
            has_setup = True
            continue
        gid = grade_id(cell)
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


def lesson_of(notebook, lessons: dict[str, Lesson]) -> str | None:
    """The lesson whose grading cells a notebook carries most of, or None if it has none."""
    ids = {grade_id(c) for c in notebook.cells} - {""}
    best = max(lessons.values(), key=lambda lesson: len(ids & lesson.grade_ids), default=None)
    return best.lesson_id if best is not None and ids & best.grade_ids else None


def redact(message: str, lesson: Lesson) -> str:
    """A check's message, withheld when it quotes a line of the hidden tests."""
    if any(line in message for line in lesson.hidden_lines):
        return "(message withheld: it quoted the hidden tests)"
    return message
