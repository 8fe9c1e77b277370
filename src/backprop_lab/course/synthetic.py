"""Synthetic submissions built from the instructor source: the reference, or variants of it.

Used by the tests, the demo and the benchmarks, and by instructors who want to
check a grading change against known-wrong code: take the student version of a
lesson and fill each solution cell with the reference code or with replacement code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import is_solution, reference_code
from backprop_lab.errors import UserError


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
        UserError: `replace` names a grade id that is not a solution cell.
    """
    import nbformat

    replace = dict(replace or {})
    reference = course.lesson(lesson_id).answers
    unknown = set(replace) - set(reference)
    if unknown:
        raise UserError(
            f"{lesson_id} has no solution cells named {sorted(unknown)}; its solution cells are {sorted(reference)}"
        )
    notebook = nbformat.read(course.lesson_path(lesson_id), as_version=4)
    for cell in notebook.cells:
        if not is_solution(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if grade_id in replace:
            cell.source = replace[grade_id]
        elif fill:
            cell.source = reference_code(reference[grade_id])
    return notebook


def load_variants(path: str | Path) -> dict:
    """The `VARIANTS` dict of a variants file, or {} if there is none.

    Args:
        path: a file such as `tests/variants/01_manual_backprop.py`.

    Returns:
        `{scenario: {"cells": {grade_id: source}, "failing": [test grade ids], ...}}`.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"variants_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS


def lesson_class(course: Course, lesson_id: str, variants: dict | None = None, *, untouched: bool = True) -> dict:
    """A class of one lesson: `reference`, `untouched` (unless False) and one student per variant.

    Args:
        course: the course.
        lesson_id: the lesson.
        variants: `{name: {"cells": {grade_id: source}, ...}}`, e.g. `load_variants(...)`.
        untouched: include the untouched release.

    Returns:
        `{student_id: notebook}`, the students named after their scenario.
    """
    notebooks = {"reference": build_submission(course, lesson_id)}
    if untouched:
        notebooks["untouched"] = build_submission(course, lesson_id, fill=False)
    for name, variant in (variants or {}).items():
        notebooks[name] = build_submission(course, lesson_id, variant["cells"])
    return notebooks


def write_class(folder: str | Path, notebooks: dict) -> Path:
    """Writes `{(student_id, lesson_id): notebook or raw text}` in nbgrader's layout under `folder`.

    Returns:
        `folder`, holding `<student_id>/<lesson_id>/<lesson_id>.ipynb`.
    """
    import nbformat

    folder = Path(folder)
    for (student_id, lesson_id), notebook in notebooks.items():
        path = folder / student_id / lesson_id / f"{lesson_id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, (str, bytes)):
            path.write_bytes(notebook.encode() if isinstance(notebook, str) else notebook)
        else:
            nbformat.write(notebook, path)
    return folder
