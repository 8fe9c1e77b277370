"""The parts of `backprop-lab check` that need no kernel: the notebook's own checks, stubs, edits, bad input."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

from backprop_lab.course import Course
from backprop_lab.errors import UserError
from backprop_lab.grading import precheck

COURSE = Course(ROOT)
LESSON = "01_manual_backprop"


@pytest.fixture(scope="module")
def released():
    return nbformat.read(COURSE.lesson_path(LESSON), as_version=4)


def test_the_checksum_is_nbgraders(released):
    from nbgrader.utils import compute_checksum

    cells = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id")]
    assert cells
    for cell in cells:
        assert precheck.nbgrader_checksum(cell) == compute_checksum(cell) == cell.metadata.nbgrader.checksum


def test_a_released_lesson_is_all_unanswered_and_unedited(released):
    answers = [c.metadata.nbgrader.grade_id for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert precheck.unanswered(released) == answers
    assert precheck.edited_cells(released) == []


def test_answered_and_edited_cells_are_told_apart(released):
    from backprop_lab.course.synthetic import build_submission

    notebook = build_submission(COURSE, LESSON, {"relu_backward": "def relu_backward(dy, z):\n    return dy\n"})
    assert precheck.unanswered(notebook) == []
    test = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_relu_backward")
    test.source += "\nassert True"
    assert precheck.edited_cells(notebook) == ["test_relu_backward"]
    stub = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "sgd_step")
    stub.source = "def sgd_step(params, grads, lr):\n    # TODO\n    raise NotImplementedError('later')\n"
    assert precheck.unanswered(notebook) == ["sgd_step"]


def test_the_visible_source_drops_the_hidden_block():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nassert secret()\n### END HIDDEN TESTS\nb = 2"
    assert precheck.visible_source(source) == "a = 1\nb = 2"


def test_the_lesson_comes_from_the_notebook_with_visible_checks_only(tmp_path):
    """Even a notebook holding hidden tests (the instructor's) is checked with its visible part only."""
    lesson = precheck.visible_lesson(COURSE.solution_path(LESSON), LESSON)
    tests = [c for c in lesson.cells if c.kind == "test"]
    assert len(tests) == 9 and not any("HIDDEN" in c.source for c in tests)
    assert lesson.setup and not lesson.hidden_lines
    released = COURSE.lesson(LESSON).released
    for cell in tests:
        assert cell.source.strip() == released[cell.grade_id].strip()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.ipynb", None, "no such file"),
        ("answers.py", "x = 1\n", "is not a notebook"),
        ("broken.ipynb", "{not json", "cannot be checked: not valid notebook JSON"),
        ("empty.ipynb", "", "cannot be checked: the file is empty"),
    ],
)
def test_bad_input_is_refused_clearly_and_left_alone(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(UserError, match=message):
        precheck.read_notebook(path)
    if content is not None:
        assert path.read_text() == content


def test_a_notebook_that_is_not_a_lesson_is_refused(tmp_path):
    path = tmp_path / "mine.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), path)
    with pytest.raises(UserError, match="is not a Backprop Lab lesson"):
        precheck.read_notebook(path)


def test_the_lesson_id_comes_from_the_file_name(tmp_path):
    assert precheck.lesson_id_of(tmp_path / "alice_01_manual_backprop (2).ipynb") == "01_manual_backprop"
    assert precheck.lesson_id_of(tmp_path / "homework.ipynb") == "homework"


def test_the_report_says_what_to_fix():
    from backprop_lab.grading.results import CheckResult

    report = precheck.PreCheck(
        ROOT / "x.ipynb",
        LESSON,
        checks=[CheckResult("test_a", 1, 1), CheckResult("test_b", 0, 2, "[a visible check] AssertionError: db")],
        unanswered=["c"],
        flags=["cell c: imports subprocess"],
        edited=["test_b"],
        versions={"python": "3.11.7", "tensorflow": "99.0.0", "keras": "3.15.1"},
    )
    text = report.text()
    assert not report.ok
    for fragment in (
        "Visible checks: 1 of 2 pass (1 of 3 points)",
        "PASS  a",
        "FAIL  b: [a visible check] AssertionError: db",
        "Unanswered (still as released, or still raising NotImplementedError): c",
        "Edited since the release: test_b",
        "would withhold the score for review",
        "cell c: imports subprocess",
        "TensorFlow 99.0.0 · Keras 3.15.1",
        "Warning: TensorFlow 99.0.0 is newer",
        "Not ready yet",
    ):
        assert fragment in text, fragment
    report.checks, report.flags, report.unanswered = report.checks[:1], [], []
    assert report.ok and "Ready to hand in" in report.text()
