"""Every requirement a lesson states has a row in its table: a test cell that enforces it and a variant that breaks it.

A requirement is a sentence of a solution notebook's markdown or of a solution cell's docstring
that contains must, never, raise(s/d), refuse(s/d), return(s), strictly or "in this order"
(`tests/lesson_text.py` says how sentences are split). `tests/variants/NN_slug.py` lists them in
`REQUIREMENTS` (see CONTRIBUTING.md, "Every sentence is checked"); `tests/test_grading.py` then
proves that each variant loses exactly its cells. Fast: nothing is graded or executed here.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT, VARIANTS_DIR, load_module, selected_lessons
from lesson_text import (
    code_docstrings,
    docstring_sentences,
    fragment_in,
    graded_cell_ids,
    is_requirement,
    markdown_sentences,
    normalize,
    notebook_sentences,
    read_notebook,
    split_sentences,
)

from backprop_lab.course import Course

LESSONS = selected_lessons()
ROW_KEYS = {"says", "cell", "variant"}


def requirement_problems(notebook, requirements, variants, table: str) -> list[str]:
    """What is wrong with a lesson's REQUIREMENTS table (`table` names its file); [] when it covers the lesson."""
    sentences = notebook_sentences(notebook)
    test_cells = graded_cell_ids(notebook)
    hint = f"add a row to REQUIREMENTS in {table} or reword the sentence"
    problems = []
    rows = []
    for number, row in enumerate(requirements):
        if not isinstance(row, dict) or set(row) != ROW_KEYS or not all(isinstance(v, str) for v in row.values()):
            problems.append(f"row {number} must be a dict of three strings {sorted(ROW_KEYS)}: {row!r}")
        else:
            rows.append(row)
    says = [normalize(row["says"]) for row in rows]
    for sentence in sentences:
        if sentence.is_requirement and not any(s and s in sentence.normalized for s in says):
            problems.append(f"requirement without a row: {sentence}\n    -> {hint}")
    for row in rows:
        where = f'row "{row["says"]}"'
        if not fragment_in(row["says"], sentences):
            problems.append(f"{where}: not in any sentence of the lesson (quote a fragment of one sentence as written)")
        if row["cell"] not in test_cells:
            problems.append(f"{where}: {row['cell']!r} is not a test cell of the lesson ({sorted(test_cells)})")
        variant = variants.get(row["variant"])
        if variant is None:
            problems.append(f"{where}: no variant {row['variant']!r} in VARIANTS of {table}")
        elif row["cell"] not in variant.get("failing", ()):
            problems.append(
                f"{where}: variant {row['variant']!r} must fail {row['cell']!r}, "
                f"but its failing cells are {variant.get('failing')}"
            )
    return problems


def message_problems(variants, test_cells) -> list[str]:
    """Promised messages (`"messages"`) must belong to test cells the variant fails."""
    problems = []
    for name, variant in variants.items():
        for cell, fragment in variant.get("messages", {}).items():
            if cell not in test_cells or cell not in variant.get("failing", ()):
                problems.append(f"variant {name!r} promises a message for {cell!r}, not one of its failing cells")
            if not isinstance(fragment, str) or not fragment:
                problems.append(f"variant {name!r}: the message promised for {cell!r} must be a non-empty string")
    return problems


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_requirement_has_a_check_and_a_variant(lesson):
    table = f"tests/variants/{lesson}.py"
    module = load_module(VARIANTS_DIR / f"{lesson}.py")
    assert module is not None, f"{table} is missing"
    notebook = read_notebook(Course(ROOT).solution_path(lesson))
    problems = requirement_problems(notebook, getattr(module, "REQUIREMENTS", []), module.VARIANTS, table)
    if not hasattr(module, "REQUIREMENTS"):
        problems.insert(0, f"{table} has no REQUIREMENTS: list every requirement the lesson states (CONTRIBUTING.md)")
    if problems:
        pytest.fail(f"{lesson}: {len(problems)} problem(s) with REQUIREMENTS:\n" + "\n".join(problems), pytrace=False)


@pytest.mark.parametrize("lesson", LESSONS)
def test_promised_messages_belong_to_failing_cells(lesson):
    module = load_module(VARIANTS_DIR / f"{lesson}.py")
    notebook = read_notebook(Course(ROOT).solution_path(lesson))
    problems = message_problems(module.VARIANTS if module else {}, graded_cell_ids(notebook))
    assert not problems, "\n".join(problems)


# --- the sentence splitter and the table check, on small hand-made notebooks ------------------------------------

SOLUTION = {"grade": False, "grade_id": "scale", "locked": False, "schema_version": 3, "solution": True, "task": False}
TEST = {
    "grade": True,
    "grade_id": "test_scale",
    "locked": True,
    "points": 1,
    "schema_version": 3,
    "solution": False,
    "task": False,
}
SCALE = '''def scale(x, factor):
    """Multiplies x by factor.

    Args:
        x: a tensor.
        factor: a positive number; a zero factor
            must raise a ValueError.

    Returns:
        A tensor shaped like x,
        each entry multiplied by factor.

    Raises:
        ValueError: factor is not positive.
    """
    ### BEGIN SOLUTION
    return x * factor
    ### END SOLUTION
'''
MARKDOWN = """## 1. Scaling

Write `scale`. It must keep the **dtype** of `x`. Use TensorFlow operations.

```python
return x  # code is not text
```

- never change `x` in place;
- the `return` keyword alone is not a requirement.
"""
VARIANTS = {
    "wrong-dtype": {"cells": {"scale": "..."}, "failing": ["test_scale"]},
    "correct": {"cells": {"scale": "..."}, "failing": []},
}
ROWS = [
    {"says": "must raise a ValueError", "cell": "test_scale", "variant": "wrong-dtype"},
    {"says": "A tensor shaped like x", "cell": "test_scale", "variant": "wrong-dtype"},
    {"says": "ValueError: factor is not positive", "cell": "test_scale", "variant": "wrong-dtype"},
    {"says": "It must keep the dtype of `x`", "cell": "test_scale", "variant": "wrong-dtype"},
    {"says": "never change x in place", "cell": "test_scale", "variant": "wrong-dtype"},
]


def _notebook():
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(MARKDOWN),
            nbformat.v4.new_code_cell(SCALE, metadata={"nbgrader": SOLUTION}),
            nbformat.v4.new_code_cell("assert scale(1, 2) == 2", metadata={"nbgrader": TEST}),
        ]
    )


def _problems(rows, variants=VARIANTS):
    return requirement_problems(_notebook(), rows, variants, "tests/variants/99_toy.py")


def test_markdown_sentences_skip_code_blocks_and_keep_inline_code():
    assert markdown_sentences(MARKDOWN) == [
        "1. Scaling",
        "Write `scale`.",
        "It must keep the **dtype** of `x`.",
        "Use TensorFlow operations.",
        "never change `x` in place;",
        "the `return` keyword alone is not a requirement.",
    ]


def test_sentences_are_not_split_inside_inline_code_or_after_abbreviations():
    assert split_sentences("Call `f(x). Then` once, e.g. at start. He et al. Said so. Done") == [
        "Call `f(x). Then` once, e.g. at start.",
        "He et al. Said so.",
        "Done",
    ]


def test_table_rows_and_list_items_are_sentences():
    source = "| a | b |\n|---|:-:|\n| must x | y |\n\n1. first item\n   continued.\n2. second"
    assert markdown_sentences(source) == ["a | b", "must x | y", "first item continued.", "second"]


def test_docstring_sections_returns_and_raises_are_one_sentence_each():
    ((_, docstring),) = code_docstrings(SCALE)
    assert docstring_sentences(docstring) == [
        "Multiplies x by factor.",
        "x: a tensor.",
        "factor: a positive number; a zero factor must raise a ValueError.",
        "Returns: A tensor shaped like x, each entry multiplied by factor.",
        "Raises: ValueError: factor is not positive.",
    ]


def test_raises_entries_are_separate_sentences():
    docstring = "Does it.\n\nRaises:\n    ValueError: bad value,\n        really.\n    TypeError: bad type."
    assert docstring_sentences(docstring) == [
        "Does it.",
        "Raises: ValueError: bad value, really.",
        "Raises: TypeError: bad type.",
    ]


def test_requirement_words_are_whole_words_outside_inline_code():
    requirements = [s.text for s in notebook_sentences(_notebook()) if s.is_requirement]
    assert requirements == [
        "It must keep the **dtype** of `x`.",
        "never change `x` in place;",
        "factor: a positive number; a zero factor must raise a ValueError.",
        "Returns: A tensor shaped like x, each entry multiplied by factor.",
        "Raises: ValueError: factor is not positive.",
    ]
    assert is_requirement("Check them in this order.")
    assert is_requirement("It is refused STRICTLY.")
    assert not is_requirement("Use `return_sequences` and `raise` here; the returned value.")


def test_a_complete_table_passes_and_backticks_asterisks_and_case_are_ignored():
    assert _problems(ROWS) == []
    assert _problems([*ROWS[:3], {**ROWS[3], "says": "it MUST keep the dtype of x"}, ROWS[4]]) == []


def test_a_requirement_without_a_row_fails_with_the_cell_and_a_hint():
    (problem,) = _problems(ROWS[1:])
    assert "requirement without a row: cell 1 (docstring of scale): factor: a positive number" in problem
    assert "add a row to REQUIREMENTS in tests/variants/99_toy.py or reword the sentence" in problem


def test_a_fragment_that_is_not_in_the_lesson_fails():
    (problem,) = _problems([*ROWS, {"says": "must be fast", "cell": "test_scale", "variant": "wrong-dtype"}])
    assert 'row "must be fast": not in any sentence of the lesson' in problem


def test_a_fragment_spanning_two_sentences_is_not_in_the_lesson():
    problems = _problems([*ROWS, {"says": "Write scale. It must", "cell": "test_scale", "variant": "wrong-dtype"}])
    assert len(problems) == 1 and "not in any sentence" in problems[0]


def test_a_row_with_a_wrong_cell_a_missing_variant_or_a_passing_variant_fails():
    rows = [{**ROWS[0], "cell": "scale"}, *ROWS[1:]]
    assert any("'scale' is not a test cell" in p for p in _problems(rows))
    rows = [{**ROWS[0], "variant": "nope"}, *ROWS[1:]]
    assert any("no variant 'nope'" in p for p in _problems(rows))
    rows = [{**ROWS[0], "variant": "correct"}, *ROWS[1:]]
    assert any("variant 'correct' must fail 'test_scale'" in p for p in _problems(rows))
    rows = [{"says": "must raise a ValueError", "cell": "test_scale"}, *ROWS[1:]]
    assert any("row 0 must be a dict of three strings" in p for p in _problems(rows))


def test_promised_messages_must_name_failing_cells():
    variants = {
        "ok": {"cells": {}, "failing": ["test_scale"], "messages": {"test_scale": "wrong sign"}},
        "passing": {"cells": {}, "failing": [], "messages": {"test_scale": "wrong sign"}},
    }
    (problem,) = message_problems(variants, {"test_scale"})
    assert "'passing' promises a message for 'test_scale', not one of its failing" in problem
