"""Instructor notebooks carry no outputs; student notebooks carry no solutions."""

import json

import pytest
from conftest import ROOT

from backprop_lab.course import Course

LESSONS = Course(ROOT).lesson_ids()


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_solutions_have_no_outputs(lesson_id):
    notebook = json.loads(Course(ROOT).solution_path(lesson_id).read_text())
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {index} of {lesson_id} has outputs: clear them"
            assert cell.get("execution_count") is None, f"cell {index} of {lesson_id} has an execution count"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lessons_hold_no_solutions_or_hidden_tests(lesson_id):
    text = Course(ROOT).lesson_path(lesson_id).read_text()
    for marker in ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]:
        assert marker not in text, f"lessons/{lesson_id} contains {marker!r}: run backprop-lab release"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_grade_ids_unique_and_tests_worth_points(lesson_id):
    notebook = json.loads(Course(ROOT).solution_path(lesson_id).read_text())
    meta = [c["metadata"]["nbgrader"] for c in notebook["cells"] if "nbgrader" in c["metadata"]]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)), f"duplicated grade ids in {lesson_id}"
    assert all(m["schema_version"] == 3 for m in meta)
    for m in meta:
        if m.get("grade"):
            assert m["points"] >= 1, f"{m['grade_id']} is worth no points"
    solutions = {m["grade_id"] for m in meta if m.get("solution")}
    tests = {m["grade_id"] for m in meta if m.get("grade")}
    missing = {f"test_{name}" for name in solutions} - tests
    assert not missing, f"solution cells without a test cell in {lesson_id}: {sorted(missing)}"
