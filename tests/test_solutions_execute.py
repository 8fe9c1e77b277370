"""Every instructor notebook runs top to bottom in a real Jupyter kernel, experiments included."""

import nbformat
import pytest
from conftest import ROOT, selected_lessons
from nbclient import NotebookClient

from backprop_lab.course import Course

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lesson_id", selected_lessons())
def test_solution_notebook_executes(lesson_id, tmp_path, monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = nbformat.read(Course(ROOT).solution_path(lesson_id), as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        (index, output.ename, output.evalue)
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
    figures = [
        output for cell in notebook.cells for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert figures, f"{lesson_id} shows no figure: every lesson's experiment ends in a plot"
