"""The grader graded: a corpus of submissions with known scores, in one real nbgrader batch.

For every lesson: the reference solution must get full marks, the untouched
release 0, each known-wrong variant must lose exactly the points of the test
cells it names, and each alternative correct implementation must keep full
marks. Lesson 01 also gets broken and noisy submissions.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, lesson_class, load_variants, selected_lessons, write_class

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.gradebook import GRADEBOOK_COLUMNS
from backprop_lab.grading.pipeline import SAVED_RUNS, grade

pytestmark = pytest.mark.slow

LESSONS = selected_lessons()
FIRST = "01_manual_backprop"
# Scenarios built on lesson 01 run whenever it is selected (always, unless $BACKPROP_LAB_LESSONS narrows the run).
needs_first = pytest.mark.skipif(FIRST not in LESSONS, reason="lesson 01 not selected by $BACKPROP_LAB_LESSONS")
CASES = [(lesson, name) for lesson in LESSONS for name in load_variants(lesson)]

NOISY_FORWARD = """
import sys
import warnings

def dense_forward(x, W, b):
    print("debug: forward pass", file=sys.stderr)
    warnings.warn("a harmless warning a student left in")
    return tf.matmul(x, W) + b
"""


def _broken_submissions() -> dict[str, str]:
    return {
        "invalid-json": '{"cells": [ this is not json',
        "empty-file": "",
        "not-a-notebook": json.dumps({"hello": "world"}),
        "json-list-not-a-notebook": "[]",
    }


@pytest.fixture(scope="module")
def corpus(course, tmp_path_factory):
    """Grades every scenario of every lesson in one batch; returns (results by key, out folder)."""
    notebooks = {}
    for lesson in LESSONS:
        for name, notebook in lesson_class(course, lesson, load_variants(lesson)).items():
            notebooks[(name, lesson)] = notebook
    if FIRST in LESSONS:
        notebooks[("noisy-stderr", FIRST)] = build_submission(course, FIRST, {"dense_forward": NOISY_FORWARD})
        for name, text in _broken_submissions().items():
            notebooks[(name, FIRST)] = text
    root = tmp_path_factory.mktemp("grading")
    submissions = write_class(root / "submissions", notebooks)
    out = root / "out"
    results = grade(submissions, out, course=course, workers=2)
    return {(r.lesson_id, r.student_id): r for r in results}, submissions, out


def _test_cells(course, lesson):
    notebook = nbformat.read(course.solution_path(lesson), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("lesson", LESSONS)
def test_reference_gets_full_marks(corpus, lesson):
    result = corpus[0][(lesson, "reference")]
    failed = {c.grade_id: c.message for c in result.checks if c.score < c.max_score}
    assert result.status == "graded" and not failed, failed
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_release_scores_zero(corpus, lesson):
    result = corpus[0][(lesson, "untouched")]
    assert result.status == "graded"
    assert result.score == 0
    assert all(c.message for c in result.checks), "every failed check of an untouched release needs a message"


@pytest.mark.parametrize("lesson, name", CASES, ids=[f"{lesson}-{name}" for lesson, name in CASES])
def test_variant_loses_exactly_the_expected_points(course, corpus, lesson, name):
    variant = load_variants(lesson)[name]
    result = corpus[0][(lesson, name)]
    assert result.status == "graded", result.reason
    unknown = set(variant["failing"]) - _test_cells(course, lesson)
    assert not unknown, f"variant {name} names unknown test cells {unknown}"
    for check in result.checks:
        if check.grade_id in variant["failing"]:
            assert check.score == 0, f"{name}: {check.grade_id} should fail but scored {check.score}"
        else:
            assert check.score == check.max_score, f"{name}: {check.grade_id} lost points: {check.message}"


MESSAGE_CASES = [(lesson, name) for lesson, name in CASES if load_variants(lesson)[name].get("messages")]


@pytest.mark.parametrize("lesson, name", MESSAGE_CASES, ids=[f"{lesson}-{name}" for lesson, name in MESSAGE_CASES])
def test_variant_gets_the_promised_messages(corpus, lesson, name):
    """`"messages": {test cell: fragment}`: that cell fails and its graded message contains the fragment."""
    variant = load_variants(lesson)[name]
    result = corpus[0][(lesson, name)]
    assert result.status == "graded", result.reason
    checks = {check.grade_id: check for check in result.checks}
    problems = []
    for cell, fragment in variant["messages"].items():
        check = checks.get(cell)
        if check is None:
            problems.append(f"{cell}: no such graded test cell")
        elif check.score == check.max_score:
            problems.append(f"{cell} passed, so the student never sees {fragment!r}")
        elif fragment not in check.message:
            problems.append(f"{cell}: the message lacks {fragment!r}; the student sees:\n    {check.message}")
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_has_two_wrong_variants_and_an_alternative(course, lesson):
    variants = load_variants(lesson)
    for grade_id in course.lesson(lesson).answers:
        wrong = [name for name, v in variants.items() if grade_id in v["cells"] and f"test_{grade_id}" in v["failing"]]
        assert len(wrong) >= 2, f"{lesson}: {grade_id} has {len(wrong)} known-wrong variants, needs 2"
    assert any(not v["failing"] for v in variants.values()), f"{lesson} has no alternative correct variant"


@needs_first
@pytest.mark.skipif("12_diagnose_and_fix" not in LESSONS, reason="lesson 12 not selected by $BACKPROP_LAB_LESSONS")
def test_lesson_12s_broken_recipes_are_trained_once_for_the_whole_batch(course, corpus):
    from backprop_lab.grading.pipeline import trains_broken_recipes

    trains = {lesson_id for lesson_id in course.lesson_ids() if trains_broken_recipes(course.lesson(lesson_id))}
    assert trains == {"12_diagnose_and_fix"}
    assert len(list((corpus[2] / SAVED_RUNS).glob("*.npz"))) == 5  # one per broken recipe, shared by the workers


@needs_first
def test_stderr_output_and_warnings_cost_no_points(corpus):
    result = corpus[0][(FIRST, "noisy-stderr")]
    assert result.score == result.max_score, [c for c in result.checks if c.score < c.max_score]


@needs_first
@pytest.mark.parametrize(
    "name, status, reason",
    [
        ("invalid-json", "invalid_notebook", "not valid notebook JSON"),
        ("empty-file", "empty", "the file is empty"),
        ("not-a-notebook", "invalid_notebook", "not a valid notebook"),
        ("json-list-not-a-notebook", "invalid_notebook", "not a notebook"),
    ],
)
def test_broken_files_get_a_status_and_reason(corpus, name, status, reason):
    result = corpus[0][(FIRST, name)]
    assert result.status == status and result.score == 0
    assert reason in result.reason
    assert result.max_score == corpus[0][(FIRST, "reference")].max_score


@needs_first
def test_gradebook_and_feedback_files(course, corpus):
    results, _, out = corpus
    with open(out / "gradebook.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == GRADEBOOK_COLUMNS
    assert len(rows) == len(results)
    row = next(r for r in rows if r["student_id"] == "reference" and r["assignment"] == FIRST)
    assert float(row["score"]) == float(row["max_score"]) and row["status"] == "graded"
    hidden = _hidden_test_lines(course, FIRST)
    assert hidden
    for (lesson, student), result in results.items():
        page = (out / "feedback" / student / f"{lesson}.html").read_text()
        assert f"{result.score:g} / {result.max_score:g}" in page
        if lesson == FIRST:
            assert not [line for line in hidden if line in page], f"hidden test source leaked into {student}"
    untouched = (out / "feedback" / "untouched" / f"{FIRST}.html").read_text()
    assert "not done yet" in untouched and "failed" in untouched


def _hidden_test_lines(course, lesson):
    lines, inside = [], False
    for cell in nbformat.read(course.solution_path(lesson), as_version=4).cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 25:
                lines.append(line.strip())
    return lines


@needs_first
def test_grading_again_reuses_results_and_resumes(course, corpus, tmp_path):
    results, submissions, out = corpus
    saved = out / "results" / FIRST
    (saved / "reference.json").unlink()
    before = {p.stem: p.stat().st_mtime_ns for p in saved.glob("*.json")}
    again = grade(submissions, out, course=course, workers=2)
    assert {(r.lesson_id, r.student_id): (r.score, r.status) for r in again} == {
        key: (r.score, r.status) for key, r in results.items()
    }
    after = {p.stem: p.stat().st_mtime_ns for p in saved.glob("*.json")}
    regraded = {name for name, mtime in after.items() if before.get(name) != mtime}
    assert regraded == {"reference"}, f"only the missing result should be regraded, got {regraded}"


@needs_first
def test_cli_grades_a_colab_zip(course, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"Copy of alice_{FIRST} (1).ipynb", nbformat.writes(build_submission(course, FIRST)))
        zf.writestr(f"alice_{FIRST}.ipynb", nbformat.writes(build_submission(course, FIRST, fill=False)))
    exe = Path(sys.executable).parent / "backprop-lab"
    result = subprocess.run(  # relative paths, run from outside the checkout, as a user would
        [str(exe), "--course", str(ROOT), "grade", "class.zip", "--out", "out", "--lesson", "01", "--workers", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out" / "gradebook.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["student_id"] == "alice" and float(row["score"]) == float(row["max_score"])
    assert "latest download" in row["reason"]
    assert "[1/1] alice" in result.stderr
    assert not (tmp_path / "out" / SAVED_RUNS).exists(), "lesson 01 trains no broken recipe: no folder for them"


@needs_first
def test_demo_sets_up_the_sandbox_and_shows_reference_release_and_partial_scores(tmp_path):
    """The README's first command: `backprop-lab demo` grades the sample class in the sandbox."""
    exe = Path(sys.executable).parent / "backprop-lab"
    done = subprocess.run(
        [exe, "demo", "--out", tmp_path / "demo", "--workers", "2"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Sandbox: submissions run in the sandbox" in done.stdout and "WITHOUT" not in done.stderr
    with open(tmp_path / "demo" / "gradebook.csv", newline="") as fh:
        results = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(results["reference"]["score"]) == float(results["reference"]["max_score"])
    assert float(results["untouched"]["score"]) == 0
    partial = [row for name, row in results.items() if name not in {"reference", "untouched"}]
    assert len(partial) >= 3
    assert all(0 < float(r["score"]) < float(r["max_score"]) and r["status"] == "graded" for r in partial)
    report = (tmp_path / "demo" / "report.html").read_text()
    assert "Class report" in report and "Answers that look copied" in report and "Not checked" not in report
