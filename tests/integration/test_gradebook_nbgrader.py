"""`gradebook.csv` keeps nbgrader's export columns, compared with nbgrader's own exporter (its database and
alembic migrations make this an integration test)."""

import csv
import os
import sys
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin

from backprop_lab.grading.gradebook import GRADEBOOK_COLUMNS, read_gradebook, write_gradebook
from backprop_lab.grading.pipeline import GradeResult


def _header(path):
    with open(path, newline="") as fh:
        return next(csv.reader(fh))


def _nbgrader_export(tmp_path):
    """What nbgrader's own CSV exporter writes for a course with one lesson and one student."""
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment("01_manual_backprop", duedate="2026-12-01 23:59:00 UTC")
        gradebook.add_student("ada", first_name="Ada", last_name="Lovelace")
        CsvExportPlugin(to=str(tmp_path / "grades.csv")).export(gradebook)
    with open(tmp_path / "grades.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_our_columns_start_with_nbgraders_export(tmp_path, monkeypatch):
    # nbgrader creates its database with the `alembic` command installed next to this Python
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    results = [
        GradeResult("ada", "01_manual_backprop", 7.0, 10.0, "graded"),
        GradeResult("ben", "01_manual_backprop", 0.0, 10.0, "invalid_notebook", "the file is empty"),
    ]
    write_gradebook(results, tmp_path / "gradebook.csv")
    theirs = _nbgrader_export(tmp_path)
    ours = _header(tmp_path / "gradebook.csv")
    assert ours[: len(theirs[0])] == list(theirs[0]), "nbgrader's columns, in nbgrader's order, come first"
    assert ours == GRADEBOOK_COLUMNS and ours[len(theirs[0]) :] == ["status", "reason"]

    rows = read_gradebook(tmp_path / "gradebook.csv")
    assert rows[0]["assignment"] == theirs[0]["assignment"] == "01_manual_backprop"
    assert (rows[0]["student_id"], rows[0]["score"], rows[0]["max_score"]) == ("ada", 7.0, 10.0)
    assert float(rows[0]["raw_score"]) == 7.0 and float(rows[0]["late_submission_penalty"]) == 0
    assert (rows[1]["status"], rows[1]["reason"]) == ("invalid_notebook", "the file is empty")
