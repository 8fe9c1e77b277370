"""The feedback page shows the student's versions beside a failed check (issue 15 §3)."""

from __future__ import annotations

import json

from backprop_lab.environment import ENVIRONMENT_MIME
from backprop_lab.grading import pipeline
from backprop_lab.grading.feedback import render_feedback
from backprop_lab.grading.results import CheckResult, GradeResult

VERSIONS = {"python": "3.11.7", "tensorflow": "2.99.0", "keras": "3.15.1"}


def _result(versions):
    checks = [
        CheckResult("test_relu", 1.0, 1.0),
        CheckResult("test_dense", 0.0, 2.0, "[a visible check] AssertionError: db is the mean of dy"),
    ]
    return GradeResult("alice", "01_manual_backprop", 1.0, 3.0, "graded", checks=checks, versions=versions)


def _rows(page: str) -> dict[str, str]:
    return {row.split("</td>")[0].removeprefix("<td>"): row for row in page.split("<tr>")[2:]}


def test_a_failed_check_shows_the_versions_and_which_are_newer_than_tested():
    rows = _rows(render_feedback(_result(VERSIONS)))
    assert "Your versions: Python 3.11.7 · TensorFlow 2.99.0 · Keras 3.15.1" in rows["dense"]
    assert "newer than tested with: Python" in rows["dense"]
    assert "Your versions" not in rows["relu"], "a passed check needs no versions"


def test_tested_versions_get_no_warning_and_unknown_versions_no_line():
    rows = _rows(render_feedback(_result({**VERSIONS, "tensorflow": "2.16.1"})))
    assert "Your versions: Python 3.11.7 · TensorFlow 2.16.1" in rows["dense"] and "newer" not in rows["dense"]
    assert "Your versions" not in render_feedback(_result({}))


def test_the_versions_survive_the_cache_and_an_older_cached_result_has_none():
    from dataclasses import asdict

    assert GradeResult.from_dict(json.loads(json.dumps(asdict(_result(VERSIONS))))).versions == VERSIONS
    old = asdict(_result(VERSIONS))
    del old["versions"]
    assert GradeResult.from_dict(old).versions == {}


def test_the_grader_reads_them_from_the_submitted_setup_cell(tmp_path):
    setup = {
        "cell_type": "code",
        "metadata": {"tags": ["setup"]},
        "source": "",
        "execution_count": 1,
        "outputs": [{"output_type": "display_data", "data": {ENVIRONMENT_MIME: VERSIONS}, "metadata": {}}],
    }
    path = tmp_path / "alice.ipynb"
    path.write_text(json.dumps({"cells": [setup], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert pipeline._recorded_versions(path) == VERSIONS
    path.write_text("{not json")
    assert pipeline._recorded_versions(path) == {}
