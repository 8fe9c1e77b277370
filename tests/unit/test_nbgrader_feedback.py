"""`HideHiddenTests`: plain nbgrader's feedback pages show neither hidden tests nor tracebacks quoting them."""

import nbformat
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_notebook, new_output
from traitlets.config import PyFileConfigLoader

from backprop_lab.course.nbgrader_feedback import HideHiddenTests

HIDDEN = "checks.assert_close('logits on a secret batch', got, want)"
TEST_CELL = f"assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS\nprint('done')"
GRADE = {"grade": True, "grade_id": "test_add", "locked": True, "points": 2, "schema_version": 3,
         "solution": False, "task": False}  # fmt: skip


def _autograded(traceback_line: str):
    cell = new_code_cell(TEST_CELL, metadata={"nbgrader": GRADE})
    cell.outputs = [
        new_output("stream", name="stdout", text="partial output\n"),
        new_output("error", ename="AssertionError", evalue="logits on a secret batch: max error 0.3",
                   traceback=["Traceback (most recent call last)", traceback_line, "AssertionError: ..."]),
    ]  # fmt: skip
    return new_notebook(cells=[new_code_cell("def add(a, b):\n    return a + b"), cell])


def test_hidden_region_and_quoting_traceback_are_removed():
    notebook, _ = HideHiddenTests().preprocess(_autograded(f"----> 3 {HIDDEN}"), {})
    cell = notebook.cells[1]
    assert HIDDEN not in nbformat.writes(notebook)
    assert cell.source == "assert add(1, 2) == 3\nprint('done')", "the visible tests stay"
    assert cell.outputs[0].text == "partial output\n"
    assert cell.outputs[1].traceback == ["AssertionError: logits on a secret batch: max error 0.3"]
    assert notebook.cells[0].source == "def add(a, b):\n    return a + b"


def test_the_course_config_uses_it_for_generate_feedback():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "autograder")).load_config()
    steps = list(config.GenerateFeedback.preprocessors)
    assert "backprop_lab.course.nbgrader_feedback.HideHiddenTests" in steps
    assert steps[0] == "nbgrader.preprocessors.GetGrades", "scores are read before anything is removed"
