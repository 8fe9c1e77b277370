"""Due dates, submission times and late penalties, from `autograder/course.toml` to the gradebook,
the report and the LMS exports: a small class graded end to end with `backprop-lab` in tmp_path."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, copy_course, write_class

from backprop_lab.course import Course
from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.submissions import discover, parse_timestamp

LESSON = "01_manual_backprop"
EXE = Path(sys.executable).parent / "backprop-lab"
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)


def _stamp(when: datetime) -> str:
    """A time as `nbgrader submit` writes it into timestamp.txt."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def test_nbgrader_timestamps_are_read():
    assert parse_timestamp("2026-12-01 22:10:05.123456 UTC") == datetime(
        2026, 12, 1, 22, 10, 5, 123456, tzinfo=timezone.utc
    )
    assert parse_timestamp("2026-12-01T22:10:05+01:00") == datetime(2026, 12, 1, 21, 10, 5, tzinfo=timezone.utc)
    assert parse_timestamp("2026-12-01 22:10:05") == datetime(2026, 12, 1, 22, 10, 5, tzinfo=timezone.utc)
    assert parse_timestamp("yesterday") is None


def test_submission_time_comes_from_timestamp_txt_then_the_zip_then_the_file(course, tmp_path):
    notebook = nbformat.writes(nbformat.v4.new_notebook())
    folder = write_class(tmp_path / "class", {("ada", LESSON): notebook, ("ben", LESSON): notebook})
    (folder / "ada" / LESSON / "timestamp.txt").write_text(_stamp(DUE))
    mtime = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc).timestamp()
    os.utime(folder / "ben" / LESSON / f"{LESSON}.ipynb", (mtime, mtime))
    found = {s.student_id: s.timestamp for s in discover(folder, course, None, tmp_path / "work")}
    assert found == {"ada": DUE, "ben": datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)}

    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"carl_{LESSON}.ipynb", date_time=(2026, 12, 2, 9, 30, 0)), notebook)
    (carl,) = discover(archive, course, LESSON, tmp_path / "zipwork")
    assert carl.timestamp == datetime(2026, 12, 2, 9, 30).astimezone(timezone.utc)  # a zip's dates are local time


def _course_with_config(tmp_path) -> Course:
    course = copy_course(tmp_path / "course", [LESSON])
    course.lesson_path(LESSON).parent.mkdir(parents=True)
    shutil.copyfile(Course(ROOT).lesson_path(LESSON), course.lesson_path(LESSON))
    (course.autograder_dir / "course.toml").write_text(
        "[late_policy]\nmethod = 'per_day'\nper_day = 0.1\ncap = 0.5\n\n"
        "[assignments]\n01 = { due = 2026-12-01T23:59:00Z, canvas_id = '777' }\n\n"
        + "".join(
            f"[[students]]\nid = '{sid}'\nfirst_name = '{first}'\nlast_name = 'Test'\n"
            f"email = '{sid}@example.edu'\nlms_id = '{lms}'\nsis_id = 'S{lms}'\n\n"
            for sid, first, lms in [("ada", "Ada", 1), ("ben", "Ben", 2), ("chloe", "Chloe", 3), ("dan", "Dan", 4)]
        )
    )
    return course


def _run(*args, cwd):
    result = subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_class_graded_end_to_end_with_due_dates_penalties_roster_and_exports(tmp_path):
    course = _course_with_config(tmp_path)
    reference = build_submission(course, LESSON)
    folder = write_class(tmp_path / "class", {(s, LESSON): reference for s in ("ada", "ben", "chloe", "eve")})
    (folder / "ada" / LESSON / "timestamp.txt").write_text(_stamp(datetime(2026, 12, 1, 20, 0)))  # on time
    (folder / "ben" / LESSON / "timestamp.txt").write_text(_stamp(datetime(2026, 12, 3, 1, 0)))  # 2 days late
    late = datetime(2026, 12, 20, tzinfo=timezone.utc).timestamp()  # chloe: no timestamp.txt, the file's time
    os.utime(folder / "chloe" / LESSON / f"{LESSON}.ipynb", (late, late))
    # dan hands nothing in; eve is not on the roster

    grading = ["--course", str(course.root)]
    _run(*grading, "grade", "class", "--out", "out", "--workers", "1", "--timeout", "300", "--quiet", cwd=tmp_path)
    with open(tmp_path / "out" / "gradebook.csv", newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {"ada", "ben", "chloe", "eve"}
    full = float(rows["ada"]["max_score"])
    assert all(float(row["raw_score"]) == full for row in rows.values()), rows
    assert {row["duedate"] for row in rows.values()} == {"2026-12-01 23:59:00+00:00"}
    assert rows["ada"]["timestamp"] == "2026-12-01 20:00:00+00:00" and float(rows["ada"]["score"]) == full
    assert rows["ben"]["timestamp"] == "2026-12-03 01:00:00+00:00"
    assert float(rows["ben"]["late_submission_penalty"]) == pytest.approx(0.2 * full)
    assert rows["chloe"]["timestamp"] == "2026-12-20 00:00:00+00:00"
    assert float(rows["chloe"]["late_submission_penalty"]) == pytest.approx(0.5 * full)  # capped
    assert float(rows["chloe"]["score"]) == pytest.approx(0.5 * full)
    assert (rows["ada"]["first_name"], rows["ada"]["email"]) == ("Ada", "ada@example.edu")

    _run(*grading, "report", "out", cwd=tmp_path)
    page = (tmp_path / "out" / "report.html").read_text()
    late_part = page[page.index("Late submissions") :]
    assert "ben" in late_part and "chloe" in late_part and "<td>ada</td>" not in late_part
    missing = page[page.index("Missing submissions") : page.index("Late submissions")]
    assert "<td>dan</td>" in missing and "Handed in but not on the roster: eve" in missing

    result = _run(*grading, "export", "out", "--to", "canvas", cwd=tmp_path)
    assert "not on the roster" in result.stderr and "eve" in result.stderr
    with open(tmp_path / "out" / "canvas.csv", newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{LESSON} (777)"]
    assert canvas[1][0] == "Points Possible" and float(canvas[1][5]) == full
    assert canvas[2][:3] == ["Test, Ada", "1", "S1"] and float(canvas[2][5]) == full
    assert canvas[5][:2] == ["Test, Dan", "4"] and canvas[5][5] == ""
    _run(*grading, "export", "out", "--to", "moodle", cwd=tmp_path)
    with open(tmp_path / "out" / "moodle.csv", newline="") as fh:
        moodle = list(csv.reader(fh))
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", LESSON]
    assert moodle[2][:4] == ["Ben", "Test", "S2", "ben@example.edu"] and float(moodle[2][4]) == pytest.approx(
        0.8 * full
    )
