"""Each lesson's time limit follows from its reference solution (issue 14): an infinite loop costs seconds."""

from __future__ import annotations

import json

import pytest
from conftest import write_class

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading import pipeline
from backprop_lab.grading.pipeline import derived_timeout, grade

LESSON = "01_manual_backprop"


@pytest.mark.parametrize(
    "reference_seconds, limit",
    [
        (0.0, 30.0),  # never under MIN_TIMEOUT
        (1.9, 30.0),  # 10 x 1.9 + 10 = 29 -> 30
        (2.05, 31.0),  # 30.5, rounded up to whole seconds
        (8.0, 90.0),
        (60.0, 610.0),
    ],
)
def test_the_limit_is_ten_times_the_reference_plus_a_margin(reference_seconds, limit):
    assert derived_timeout(reference_seconds) == limit


@pytest.mark.slow
def test_an_infinite_loop_stops_at_the_lessons_own_limit(course, tmp_path):
    looping = build_submission(
        course, LESSON, {"relu_backward": "def relu_backward(dy, z):\n    while True:\n        pass\n"}
    )
    write_class(tmp_path / "class", {("alice", LESSON): build_submission(course, LESSON), ("bob", LESSON): looping})
    results = {r.student_id: r for r in grade(tmp_path / "class", tmp_path / "out", course=course, workers=2)}
    recorded = json.loads((tmp_path / "out" / "results" / LESSON / ".reference.json").read_text())
    assert recorded["digest"] == course.lesson(LESSON).digest and 0 < recorded["seconds"] < 60, recorded
    limit = derived_timeout(recorded["seconds"])
    alice, bob = results["alice"], results["bob"]
    assert alice.status == "graded" and alice.score == alice.max_score and alice.timeout == limit
    assert bob.status == "timeout" and bob.timeout == limit < pipeline.REFERENCE_TIMEOUT
    assert f"limit of {limit:g} s" in bob.reason
    assert bob.seconds >= limit
    page = (tmp_path / "out" / "feedback" / "bob" / f"{LESSON}.html").read_text()
    assert f"this lesson's limit: {limit:g} s" in page and "The notebook ran for" in page
    # the reference's time is recorded: grading a changed class again does not measure it again
    stamp = (tmp_path / "out" / "results" / LESSON / ".reference.json").stat().st_mtime_ns
    write_class(tmp_path / "class", {("carol", LESSON): build_submission(course, LESSON, fill=False)})
    again = {r.student_id: r for r in grade(tmp_path / "class", tmp_path / "out", course=course, workers=2)}
    assert again["carol"].timeout == limit
    assert (tmp_path / "out" / "results" / LESSON / ".reference.json").stat().st_mtime_ns == stamp
