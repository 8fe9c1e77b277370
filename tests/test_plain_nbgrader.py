"""Instructors who already run nbgrader use `autograder/` as a course root with nbgrader's own CLI."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import copy_course

from backprop_lab.builder import build_submission

pytestmark = pytest.mark.slow
LESSON = "01_manual_backprop"


def nbgrader(*args, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_generate_autograde_export(tmp_path, course):
    copy = copy_course(tmp_path / "course", [LESSON])
    autograder = copy.autograder_dir
    nbgrader("generate_assignment", LESSON, "--force", cwd=autograder)
    released = copy.lesson_path(LESSON)
    assert released.is_file(), "generate_assignment must write the student version to ../lessons"
    assert "BEGIN SOLUTION" not in released.read_text()

    submitted = autograder / "submitted"
    # build from the real course (its lessons/ is committed); the released copy is identical in content
    for student, notebook in {
        "alice": build_submission(course, LESSON),
        "bob": build_submission(course, LESSON, fill=False),
    }.items():
        path = submitted / student / LESSON / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, path)
    nbgrader("autograde", LESSON, cwd=autograder)
    nbgrader("export", "--to", "grades.csv", cwd=autograder)
    with open(autograder / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) > 0
    assert float(rows["bob"]["score"]) == 0
