"""Every claim a lesson makes about its experiments is asserted, in the run that produced it.

A markdown cell that says what an experiment shows carries the tag `claims`; every sentence of it
is a claim, listed in `tests/claims/NN_slug.py` as `CLAIMS = [{"says": ..., "check": ...}]` (see
CONTRIBUTING.md, "Every sentence is checked"). The fast test checks the table against the text;
the slow one runs every `check` in the kernel that has just executed the whole lesson (the
`lesson_run` fixture: the suite's single execution of each lesson, shared with
`test_solutions_execute.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from conftest import CLAIMS_DIR, ROOT, load_module, selected_lessons
from lesson_text import fragment_in, notebook_sentences, read_notebook

from backprop_lab.course import Course

LESSONS = selected_lessons()
CLAIM_KEYS = {"says", "check"}


def _has_experiment(notebook) -> bool:
    return any("experiment" in cell.metadata.get("tags", ()) for cell in notebook.cells)


def _claims_cells(notebook) -> list[int]:
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and "claims" in cell.metadata.get("tags", ())
    ]


def claims_problems(notebook, claims, table: str) -> list[str]:
    """What is wrong with a lesson's CLAIMS (`None`: no claims file; `table` names the file); [] when all is well."""
    claims_cells = _claims_cells(notebook)
    if claims is None:
        if claims_cells or _has_experiment(notebook):
            return [f"{table} is missing: the lesson has experiment or `claims` cells, so it needs CLAIMS"]
        return []
    problems = []
    if _has_experiment(notebook) and not claims_cells:
        problems.append(
            "no markdown cell is tagged `claims`: tag the cells that say what the experiment shows "
            "(every sentence of such a cell is a claim)"
        )
    if not isinstance(claims, list):
        return [*problems, f"CLAIMS in {table} must be a list of dicts, not {type(claims).__name__}"]
    valid = []
    for number, claim in enumerate(claims):
        if (
            not isinstance(claim, dict)
            or set(claim) != CLAIM_KEYS
            or not all(isinstance(v, str) for v in claim.values())
        ):
            problems.append(f"claim {number} must be a dict of two strings {sorted(CLAIM_KEYS)}: {claim!r}")
            continue
        if not claim["check"].strip():
            problems.append(f'claim "{claim["says"]}": its check is empty')
        try:
            compile(claim["check"], f"claim {number}", "exec")
        except SyntaxError as err:
            problems.append(f'claim "{claim["says"]}": its check is not valid Python: {err}')
        valid.append(claim)
    sentences = notebook_sentences(notebook)
    says = [claim["says"] for claim in valid]
    for sentence in sentences:
        if sentence.cell not in claims_cells or sentence.where == "markdown heading":
            continue
        if not any(fragment_in(s, [sentence]) for s in says):
            problems.append(f"claim without a check: {sentence}\n    -> add a claim to {table} or reword the sentence")
    for claim in valid:
        if not fragment_in(claim["says"], sentences):
            problems.append(
                f'claim "{claim["says"]}": not in any sentence of the lesson (quote a fragment of one sentence)'
            )
    return problems


def _lesson(lesson: str):
    return read_notebook(Course(ROOT).solution_path(lesson)), f"tests/claims/{lesson}.py"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_sentence_of_a_claims_cell_has_a_check(lesson):
    notebook, table = _lesson(lesson)
    module = load_module(CLAIMS_DIR / f"{lesson}.py")
    claims = None if module is None else getattr(module, "CLAIMS", "missing")
    assert claims != "missing", f"{table} defines no CLAIMS"
    problems = claims_problems(notebook, claims, table)
    if problems:
        pytest.fail(f"{lesson}: {len(problems)} problem(s) with its claims:\n" + "\n".join(problems), pytrace=False)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_experiment_claims_hold(lesson, lesson_run):
    notebook, table = _lesson(lesson)
    module = load_module(CLAIMS_DIR / f"{lesson}.py")
    if module is None:
        assert not _has_experiment(notebook) and not _claims_cells(notebook), f"{table} is missing"
        return
    claims = module.CLAIMS
    run = lesson_run(lesson)
    assert run.error is None, f"{lesson} did not run to the end, so its claims were not checked: {run.error}"
    failed = [claim.report() for claim in run.claims if not claim.passed]
    if run.claims_error:
        failed.append(run.claims_error)
    if failed:
        pytest.fail(
            f"{lesson}: {len(failed)} of {len(claims)} claims do not hold:\n" + "\n\n".join(failed), pytrace=False
        )
    assert len(run.claims) == len(claims), (
        f"{table} has {len(claims)} claims but {len(run.claims)} were checked: "
        "see test_every_sentence_of_a_claims_cell_has_a_check for malformed ones"
    )


# --- the table check, on a small hand-made notebook -----------------------------------------------------------------


def _notebook(claims_text="### What it shows\n\nWithout dropout the loss falls to zero. Dropout keeps it higher."):
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## 4. Experiment"),
            nbformat.v4.new_code_cell("losses = {0.0: 0.01, 0.5: 0.3}", metadata={"tags": ["experiment"]}),
            nbformat.v4.new_markdown_cell(claims_text, metadata={"tags": ["claims"]}),
        ]
    )


CLAIMS = [
    {"says": "without dropout the loss falls to zero", "check": "assert losses[0.0] < 0.05, losses"},
    {"says": "Dropout keeps it `higher`", "check": "assert losses[0.5] > losses[0.0]"},
]


def test_claims_that_cover_every_sentence_pass():
    assert claims_problems(_notebook(), CLAIMS, "tests/claims/99_toy.py") == []


def test_a_sentence_of_a_claims_cell_without_a_claim_fails():
    (problem,) = claims_problems(_notebook(), CLAIMS[:1], "tests/claims/99_toy.py")
    assert "claim without a check: cell 2 (markdown): Dropout keeps it higher." in problem
    assert "add a claim to tests/claims/99_toy.py or reword the sentence" in problem


def test_a_claim_not_in_the_lesson_or_not_python_fails():
    claims = [*CLAIMS, {"says": "dropout wins", "check": "assert ("}]
    problems = claims_problems(_notebook(), claims, "tests/claims/99_toy.py")
    assert any('claim "dropout wins": its check is not valid Python' in p for p in problems)
    assert any('claim "dropout wins": not in any sentence of the lesson' in p for p in problems)


def test_a_lesson_with_an_experiment_needs_a_claims_file_and_a_claims_cell():
    (problem,) = claims_problems(_notebook(), None, "tests/claims/99_toy.py")
    assert "tests/claims/99_toy.py is missing" in problem
    untagged = _notebook()
    untagged.cells[2].metadata["tags"] = []
    (problem,) = claims_problems(untagged, CLAIMS, "tests/claims/99_toy.py")
    assert "no markdown cell is tagged `claims`" in problem
    untagged.cells[1].metadata["tags"] = []
    assert claims_problems(untagged, None, "tests/claims/99_toy.py") == []


@pytest.fixture(scope="module")
def local_kernel(tmp_path_factory):
    """This Python as a kernel under the name lesson_runs expects: run_lesson tested without building a venv."""
    import subprocess
    import sys

    from lesson_runs import KERNEL_NAME, ColabKernel

    root = tmp_path_factory.mktemp("kernel")
    subprocess.run(
        [sys.executable, "-m", "ipykernel", "install", "--prefix", root, "--name", KERNEL_NAME],
        check=True,
        capture_output=True,
    )
    return ColabKernel(Path(sys.prefix), root / "share" / "jupyter")


@pytest.mark.slow
def test_run_lesson_checks_each_claim_and_reports_the_failures(local_kernel, tmp_path, monkeypatch):
    import lesson_runs

    monkeypatch.setattr(lesson_runs, "CELL_TIMEOUT", 5)
    claims = [
        ("holds", "assert x == 2"),
        ("is false", "print('measured', x)\nassert x > 5, f'x is only {x}'"),
        ("raises", "print('before')\n1 / 0"),
        ("holds after failures", "assert x + 1 == 3"),
        ("hangs", "import time\ntime.sleep(60)"),
        ("never runs", "assert True"),
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# toy"), nbformat.v4.new_code_cell("x = 2\nprint('lesson ran')")]
    )
    run = lesson_runs.run_lesson(notebook, claims, local_kernel, tmp_path)
    assert run.error is None and Path(run.prefix) == Path(sys.prefix)
    assert len(run.notebook.cells) == 2 and run.notebook.cells[1].outputs[0].text == "lesson ran\n"
    assert [c.says for c in run.claims] == ["holds", "is false", "raises", "holds after failures", "hangs"]
    assert [c.passed for c in run.claims] == [True, False, False, True, False]
    report = run.claims[1].report()
    assert 'claim "is false" does not hold: AssertionError: x is only 2' in report
    assert "measured 2" in report and "assert x > 5" in report
    assert "ZeroDivisionError: division by zero" in run.claims[2].report() and "before" in run.claims[2].report()
    assert "Timeout" in run.claims[4].error and 'the check of "hangs" stopped the run' in run.claims_error


@pytest.mark.slow
def test_run_lesson_stops_at_a_failing_lesson_cell(local_kernel, tmp_path):
    from lesson_runs import run_lesson

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 2"), nbformat.v4.new_code_cell("raise ValueError('broken lesson')")]
    )
    run = run_lesson(notebook, [("holds", "assert x == 2")], local_kernel, tmp_path)
    assert run.error.startswith("cell 1 failed: CellExecutionError") and "broken lesson" in run.error
    assert run.claims == []
