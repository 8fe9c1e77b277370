"""The last cell of every lesson prints where the student stands (issue 15 §3)."""

import nbformat
import pytest
from conftest import ROOT, selected_lessons

from backprop_lab.course import Course

COURSE = Course(ROOT)
SUMMARY_CELL = (
    "# Before handing in: which visible checks pass and which exercises are still unanswered.\nprogress.summary()"
)


@pytest.mark.parametrize("lesson_id", selected_lessons())
def test_the_last_cell_prints_the_summary(lesson_id):
    for path in (COURSE.solution_path(lesson_id), COURSE.lesson_path(lesson_id)):
        notebook = nbformat.read(path, as_version=4)
        last = notebook.cells[-1]
        assert last.cell_type == "code" and last.source == SUMMARY_CELL, f"{path.name}: the last cell"
        assert last.metadata.get("tags") == ["summary"] and "nbgrader" not in last.metadata
        setup = next(c for c in notebook.cells if "setup" in c.metadata.get("tags", []))
        assert "progress" in setup.source.split("from backprop_lab import", 1)[1].splitlines()[0]
