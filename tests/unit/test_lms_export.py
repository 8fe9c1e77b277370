"""`backprop-lab export OUT --to canvas|moodle`: the gradebook in each LMS's documented grade-import format.

Canvas imports the columns of its own gradebook export: `Student` ("Last, First"), `ID` (Canvas's user
id), `SIS User ID`, `SIS Login ID`, `Section`, then one column per assignment named `Name (assignment
id)`, with a `Points Possible` row under the header. Moodle's CSV import takes a header row, an
identifier column mapped to a user field (`ID number` -> idnumber, `Email address` -> email) and one
column per grade item.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from conftest import ROOT

from backprop_lab.course import Course
from backprop_lab.course.config import Assignment, CourseConfig, LatePolicy, parse_config
from backprop_lab.errors import UserError
from backprop_lab.grading.export import CANVAS_COLUMNS, MOODLE_COLUMNS, export
from backprop_lab.grading.gradebook import Lateness, read_gradebook, write_gradebook
from backprop_lab.grading.results import GradeResult

LESSONS = Course(ROOT).lesson_ids()
CONFIG = """
[late_policy]
method = "per_day"
per_day = 0.1
cap = 0.5

[assignments]
01 = { due = 2026-12-01T23:59:00Z, canvas_id = "48213" }
02 = 2026-12-08T23:59:00Z

[[students]]
id = "ada"
first_name = "Ada"
last_name = "Lovelace"
email = "ada@example.edu"
lms_id = "10231"
sis_id = "S1001"
login = "ada.l"
section = "A"

[[students]]
id = "ben"
first_name = "Ben"
last_name = "Okafor"
email = "ben@example.edu"
lms_id = "10232"
sis_id = "S1002"
login = "ben.o"
section = "B"

[[students]]
id = "dan"
first_name = "Dan"
last_name = "Ito"
email = "dan@example.edu"
sis_id = "S1004"
"""


def _config() -> CourseConfig:
    import tomllib

    return parse_config(tomllib.loads(CONFIG), LESSONS, "course.toml")


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def out(tmp_path):
    """A graded class: ada on time, ben 2 days late on 01, ada's 02 flagged, eve not on the roster, dan absent."""
    first, second = LESSONS[:2]
    results = [
        GradeResult("ada", first, 10.0, 10.0, "graded"),
        GradeResult("ben", first, 8.0, 10.0, "graded"),
        GradeResult("eve", first, 4.0, 10.0, "graded"),
        GradeResult("ada", second, 0.0, 6.0, "flagged", "score withheld for review"),
        GradeResult("ben", second, 6.0, 6.0, "graded"),
    ]
    times = {
        ("ada", first): datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc),
        ("ben", first): datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc),
        ("ben", second): datetime(2026, 12, 8, 23, 0, tzinfo=timezone.utc),
    }
    write_gradebook(results, tmp_path / "gradebook.csv", Lateness(_config(), times))
    return tmp_path


def test_the_gradebook_has_due_dates_timestamps_and_penalties(out):
    rows = {(r["student_id"], r["assignment"]): r for r in read_gradebook(out / "gradebook.csv")}
    ada, ben, eve = (rows[(s, LESSONS[0])] for s in ("ada", "ben", "eve"))
    assert ada["duedate"] == ben["duedate"] == "2026-12-01 23:59:00+00:00"
    assert ada["timestamp"] == "2026-12-01 12:00:00+00:00" and ada["late_submission_penalty"] == "0"
    assert (ada["first_name"], ada["last_name"], ada["email"]) == ("Ada", "Lovelace", "ada@example.edu")
    # ben: 1 day 10 h late = 2 started days = 20% of 10 points
    assert ben["raw_score"] == "8" and ben["late_submission_penalty"] == "2" and ben["score"] == 6.0
    assert eve["timestamp"] == "" and eve["late_submission_penalty"] == "0" and eve["first_name"] == ""


def test_canvas_file_has_the_documented_columns(out):
    done = export(out, "canvas", _config())
    rows = _rows(done.path)
    assert done.path == out / "canvas.csv"
    assert rows[0] == [*CANVAS_COLUMNS, f"{LESSONS[0]} (48213)", LESSONS[1]]
    assert CANVAS_COLUMNS == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10", "6"]
    by_name = {row[0]: row for row in rows[2:]}
    assert by_name["Lovelace, Ada"] == ["Lovelace, Ada", "10231", "S1001", "ada.l", "A", "10", ""]  # 02 withheld
    assert by_name["Okafor, Ben"] == ["Okafor, Ben", "10232", "S1002", "ben.o", "B", "6", "6"]  # after penalty
    assert by_name["Ito, Dan"] == ["Ito, Dan", "", "S1004", "", "", "", ""]  # handed nothing in
    assert by_name["eve"][1:] == ["", "", "", "", "4", ""]
    assert [row[0] for row in rows[2:]] == ["Lovelace, Ada", "Okafor, Ben", "Ito, Dan", "eve"]  # roster order
    assert any("withheld" in w and "ada" in w for w in done.warnings)
    assert any("not on the roster" in w and "eve" in w for w in done.warnings)


def test_moodle_file_has_identifier_columns_and_one_column_per_lesson(out, tmp_path):
    done = export(out, "moodle", _config(), tmp_path / "grades" / "moodle-import.csv")
    rows = _rows(done.path)
    assert rows[0] == [*MOODLE_COLUMNS, *LESSONS[:2]]
    assert MOODLE_COLUMNS == ["First name", "Last name", "ID number", "Email address"]
    assert rows[1] == ["Ada", "Lovelace", "S1001", "ada@example.edu", "10", ""]
    assert rows[2] == ["Ben", "Okafor", "S1002", "ben@example.edu", "6", "6"]
    assert rows[3] == ["Dan", "Ito", "S1004", "dan@example.edu", "", ""]
    assert len(rows) == 5 and rows[4][:4] == ["", "", "", ""]


def test_without_assignments_every_graded_lesson_is_a_column_and_a_missing_roster_is_said(out):
    done = export(out, "canvas", CourseConfig(late_policy=LatePolicy()))
    assert _rows(done.path)[0][len(CANVAS_COLUMNS) :] == LESSONS[:2]
    assert any("has no roster" in w for w in done.warnings)


def test_export_errors_are_user_errors(tmp_path, out):
    with pytest.raises(UserError, match="unknown export format 'blackboard'"):
        export(out, "blackboard", CourseConfig())
    with pytest.raises(UserError, match="gradebook.csv not found"):
        export(tmp_path / "nothing", "canvas", CourseConfig())


def test_the_report_lists_late_and_missing_submissions_against_the_roster(out):
    from backprop_lab.grading.report import render_report, summarize

    checks = []
    summary = summarize(
        read_gradebook(out / "gradebook.csv"), checks, _config(), now=datetime(2026, 12, 10, tzinfo=timezone.utc)
    )
    assert [(r["student_id"], r["assignment"]) for r in summary["late"]] == [("ben", LESSONS[0])]
    assert summary["missing"][LESSONS[0]] == ["dan"] and summary["missing"][LESSONS[1]] == ["dan", "eve"]
    assert summary["not_on_roster"] == ["eve"]
    page = render_report(summary)
    assert "Late submissions" in page and "2026-12-03 10:00:00+00:00" in page and "Handed in but not on" in page
    third = Assignment(LESSONS[2], datetime(2026, 12, 9, tzinfo=timezone.utc))
    config = replace(_config(), assignments=(*_config().assignments, third))
    for now, expected in (
        (datetime(2026, 12, 8, tzinfo=timezone.utc), None),
        (third.due, None),
        (datetime(2026, 12, 10, tzinfo=timezone.utc), ["ada", "ben", "dan", "eve"]),
    ):
        summary = summarize(read_gradebook(out / "gradebook.csv"), checks, config, now=now)
        assert summary["missing"].get(LESSONS[2]) == expected, "an assigned lesson is missing once it is due"
