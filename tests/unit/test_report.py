"""The class report, from gradebook files written by the real gradebook writer."""

import base64
import re

import pytest

from backprop_lab.errors import UserError
from backprop_lab.grading.gradebook import write_checks, write_gradebook
from backprop_lab.grading.pipeline import CheckResult, GradeResult
from backprop_lab.grading.report import summarize, write_report


def _result(student, lesson, scores, status="graded"):
    checks = [
        CheckResult(f"test_{name}", got, 2.0, "" if got == 2 else "AssertionError: wrong")
        for name, got in scores.items()
    ]
    return GradeResult(student, lesson, sum(scores.values()), 2.0 * len(scores), status, "", checks)


@pytest.fixture
def graded_folder(tmp_path):
    results = [
        _result("ada", "01_x", {"forward": 2, "backward": 0}),
        _result("ben", "01_x", {"forward": 2, "backward": 0}),
        _result("cy", "01_x", {"forward": 0, "backward": 0}),
        _result("ada", "02_y", {"relu": 2}),
        _result("cy", "02_y", {"relu": 0}, status="invalid_notebook"),
    ]
    write_gradebook(results, tmp_path / "gradebook.csv")
    write_checks(results, tmp_path / "checks.csv")
    return tmp_path


def test_summary_numbers(graded_folder):
    import csv

    def read(name):
        with open(graded_folder / name, newline="") as fh:
            return list(csv.DictReader(fh))

    summary = summarize(read("gradebook.csv"), read("checks.csv"))
    assert summary["failure_rates"]["01_x"] == {"test_forward": pytest.approx(1 / 3), "test_backward": 1.0}
    assert summary["failure_rates"]["02_y"] == {"test_relu": 0.0}, "ungraded submissions are not counted"
    assert summary["missing"] == {"01_x": [], "02_y": ["ben"]}
    assert [row["student_id"] for row in summary["problems"]] == ["cy"]
    assert set(summary["need_help"]) == {"ben", "cy"}
    assert summary["shares"]["01_x"] == [0.5, 0.5, 0.0]


def test_report_page_embeds_figures(graded_folder):
    page = write_report(graded_folder).read_text()
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert len(images) == 3, "one score figure and one failure figure per lesson"
    assert all(base64.b64decode(img).startswith(b"\x89PNG") for img in images)
    assert "Hardest check: <b>backward</b>" in page
    assert "invalid_notebook" in page and "ben" in page


def test_report_without_grading_says_what_to_do(tmp_path):
    with pytest.raises(UserError, match="run `backprop-lab grade"):
        write_report(tmp_path)
