"""`grade` reads each lesson's instructor notebook once, and each submission once (issue 14)."""

from collections import Counter
from pathlib import Path

import nbformat
from conftest import write_class

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading import pipeline

LESSON = "01_manual_backprop"


def test_plan_parses_every_notebook_once(course, tmp_path, monkeypatch):
    write_class(tmp_path / "class", {("ada", LESSON): build_submission(course, LESSON)})
    parsed = Counter()
    read = nbformat.read

    def counting_read(path, *args, **kwargs):
        parsed[Path(path).resolve()] += 1
        return read(path, *args, **kwargs)

    monkeypatch.setattr(nbformat, "read", counting_read)
    the_plan = pipeline.plan(tmp_path / "class", tmp_path / "out", course, None)
    assert len(the_plan.pending) == 1
    sources = {course.solution_path(lesson_id).resolve() for lesson_id in course.lesson_ids()}
    submission = (tmp_path / "class" / "ada" / LESSON / f"{LESSON}.ipynb").resolve()
    assert {path: n for path, n in parsed.items() if path in sources | {submission}} == dict.fromkeys(
        sources | {submission}, 1
    )
