"""Builds submissions from the instructor source: the reference, or variants of it.

Used by the tests, by the demo and by instructors who want to check a grading
change against known-wrong code: take the student version of a lesson, and
fill each solution cell with the reference code or with replacement code.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat

from backprop_lab.course import Course, CourseError

_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def reference_code(source: str) -> str:
    """A solution cell's source with the `### BEGIN/END SOLUTION` lines removed."""
    return "\n".join(line for line in source.splitlines() if not _MARKER.match(line))


def solution_cells(notebook) -> dict[str, str]:
    """Maps grade id to source for every solution cell of a notebook."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def build_submission(course: Course, lesson_id: str, replace=None, *, fill: bool = True):
    """A student notebook with its solution cells filled in.

    Args:
        course: the course.
        lesson_id: the lesson.
        replace: `{grade_id: source}` to put into those solution cells.
        fill: put the reference code into the other solution cells; if False
            they keep the released stub (an untouched submission).

    Returns:
        The notebook (an `nbformat.NotebookNode`).

    Raises:
        CourseError: `replace` names a grade id that is not a solution cell.
    """
    replace = dict(replace or {})
    reference = solution_cells(nbformat.read(course.solution_path(lesson_id), as_version=4))
    unknown = set(replace) - set(reference)
    if unknown:
        raise CourseError(
            f"{lesson_id} has no solution cells named {sorted(unknown)}; "
            f"its solution cells are {sorted(reference)}"
        )
    notebook = nbformat.read(course.lesson_path(lesson_id), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if grade_id in replace:
            cell.source = replace[grade_id]
        elif fill:
            cell.source = reference_code(reference[grade_id])
    return notebook


def load_variants(path: str | Path) -> dict:
    """The `VARIANTS` dict of a variants file (see CONTRIBUTING.md), or {} if there is none.

    Args:
        path: a file such as `tests/variants/01_manual_backprop.py`.

    Returns:
        `{scenario: {"cells": {grade_id: source}, "failing": [test grade ids]}}`.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"variants_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS
