"""Broken and malicious submissions, graded in one batch with honest ones (issue 5).

Each scenario of tests/corpus/scenarios.py is a student named after it. Every
one must get exactly its expected score, status and reason, and the honest
students next to them must get exactly theirs: one bad notebook never changes
anyone else's grade.
"""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT, lesson_class, load_variants, write_class

from backprop_lab.course.lesson import reference_code
from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.pipeline import grade
from backprop_lab.sandbox.bwrap import bwrap_path

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location("hostile_scenarios", ROOT / "tests" / "corpus" / "scenarios.py")
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)
LESSON = scenarios.LESSON
SCENARIOS = scenarios.SCENARIOS
HONEST = {"reference": [], "untouched": "all", "forward-forgets-bias": None}
TIMEOUT = 40


def build(course, lesson: str, spec: dict, paths: dict):
    """The notebook (or raw text) of one scenario, submitted for `lesson`."""
    if "raw" in spec:
        return spec["raw"]
    if "from_lesson" in spec:
        return build_submission(course, spec["from_lesson"])
    reference = {k: reference_code(v) for k, v in course.lesson(lesson).answers.items()}
    cells = dict(spec.get("cells", {}))
    for grade_id, extra in spec.get("append", {}).items():
        cells[grade_id] = reference[grade_id] + "\n" + extra.format(**paths)
    notebook = build_submission(course, lesson, cells)
    if "edit" in spec:
        spec["edit"](notebook)
    return notebook


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    paths = {"root": ROOT, "submissions": root / "class", "out": root / "out"}
    notebooks = {
        (name, spec.get("lesson", LESSON)): build(course, spec.get("lesson", LESSON), spec["build"], paths)
        for name, spec in SCENARIOS.items()
    }
    variant = {"forward-forgets-bias": load_variants(LESSON)["forward-forgets-bias"]}
    notebooks.update({(name, LESSON): nb for name, nb in lesson_class(course, LESSON, variant).items()})
    HONEST["forward-forgets-bias"] = variant["forward-forgets-bias"]["failing"]
    write_class(paths["submissions"], notebooks)
    results = grade(paths["submissions"], paths["out"], course=course, workers=2, timeout=TIMEOUT)
    return {r.student_id: r for r in results}


def _expected_score(result, failing) -> float:
    if failing == "all":
        return 0.0
    return sum(c.max_score for c in result.checks if c.grade_id not in failing)


def test_the_sandbox_is_there():
    assert bwrap_path(), "bubblewrap must be installed (.ci/run installs Debian's `bubblewrap`)"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_gets_its_score_status_and_reason(graded, name):
    spec, result = SCENARIOS[name], graded[name]
    assert result.status == spec["status"], result.reason
    assert spec["reason"] in result.reason
    assert result.score == _expected_score(result, spec["failing"]), [
        (c.grade_id, c.score, c.message[:200]) for c in result.checks
    ]


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_students_next_to_them_get_exact_scores(graded, name):
    result = graded[name]
    assert result.status == "graded", result.reason
    assert result.score == _expected_score(result, HONEST[name]), [
        (c.grade_id, c.score, c.message[:200]) for c in result.checks
    ]
