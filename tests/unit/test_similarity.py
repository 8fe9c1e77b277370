"""The similarity report's detector, on throwaway classes of real notebooks built from lesson 01's release."""

import dataclasses
import functools

import nbformat
import pytest
from conftest import ROOT, write_class

from backprop_lab.course import Course
from backprop_lab.course.synthetic import build_submission
from backprop_lab.errors import UserError
from backprop_lab.grading.similarity import check_class, compare_answers, own_code, template_of

LESSON = "01_manual_backprop"
CELL = "softmax_cross_entropy"

ALICE = """
    logits = tf.convert_to_tensor(logits)
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_probs = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
    onehot = tf.one_hot(labels, tf.shape(logits)[1], dtype=logits.dtype)
    n = tf.cast(tf.shape(logits)[0], logits.dtype)
    loss = -tf.reduce_sum(onehot * log_probs) / n
    dlogits = (tf.exp(log_probs) - onehot) / n
    return loss, dlogits
"""

BOB = """
    # my own derivation
    z = tf.convert_to_tensor(logits)
    s = z - tf.reduce_max(z,
                          axis=1, keepdims=True)
    lp = s - tf.math.log(tf.reduce_sum(tf.exp(s), axis=1,keepdims=True))
    oh = tf.one_hot(labels, tf.shape(z)[1], dtype=z.dtype)

    count = tf.cast(tf.shape(z)[0], z.dtype)
    l = -tf.reduce_sum(oh*lp)/count
    grad = (tf.exp(lp)-oh)/count
    return l, grad
"""
"""Alice's answer with every variable renamed, a comment added, lines split and spaces changed."""

HONEST = [
    """
    probs = tf.nn.softmax(logits)
    n = tf.shape(logits)[0]
    onehot = tf.one_hot(labels, tf.shape(logits)[1], dtype=logits.dtype)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return loss, (probs - onehot) / tf.cast(n, logits.dtype)
""",
    """
    x = np.asarray(logits)
    x = x - x.max(axis=1, keepdims=True)
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    rows = np.arange(x.shape[0])
    loss = -np.log(p[rows, labels]).mean()
    p[rows, labels] -= 1
    return tf.constant(loss, logits.dtype), tf.constant(p / x.shape[0], logits.dtype)
""",
    """
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    return loss, tape.gradient(loss, logits)
""",
    """
    lse = tf.reduce_logsumexp(logits, axis=-1)
    picked = tf.gather(logits, labels, batch_dims=1)
    size = tf.cast(tf.size(labels), logits.dtype)
    probabilities = tf.exp(logits - lse[:, None])
    targets = tf.one_hot(labels, depth=logits.shape[-1], dtype=logits.dtype)
    return tf.reduce_sum(lse - picked) / size, (probabilities - targets) / size
""",
]
"""Four honest answers, each its own approach."""

ONE_LINERS = [
    "def dense_forward(x, W, b):\n    return tf.matmul(x, W) + b\n",
    "def dense_forward(x, W, b):\n    return tf.matmul(x,W)+b  # the affine map\n",
    "def dense_forward(x, W, b):\n    out = tf.matmul(x, W) + b\n    return out\n",
    "def dense_forward(x, W, b):\n    return x @ W + b\n",
    "def dense_forward(x, W, b):\n    return tf.add(tf.matmul(x, W), b)\n",
    "def dense_forward(x, W, b):\n    return tf.matmul(x, W) + b\n",
]
"""What six students write for `dense_forward`: the same line, by necessity."""


@functools.cache
def _answer(body: str) -> str:
    """The released cell (signature and docstring) with `body` in place of `raise NotImplementedError()`."""
    released = Course(ROOT).lesson(LESSON).released[CELL]
    return released.replace("    # YOUR CODE HERE\n    raise NotImplementedError()", body.strip("\n"))


@pytest.fixture
def class_folder(course, tmp_path):
    """alice and bob share a disguised copy; carol..frank answer alone; everyone writes the same one-liners."""
    students = {"alice": ALICE, "bob": BOB, **dict(zip(["carol", "dan", "erin", "frank"], HONEST, strict=True))}
    notebooks = {
        (student, LESSON): build_submission(course, LESSON, {CELL: _answer(body), "dense_forward": one_liner})
        for (student, body), one_liner in zip(students.items(), ONE_LINERS, strict=True)
    }
    notebooks[("gina", LESSON)] = build_submission(course, LESSON, fill=False)
    notebooks[("hank", LESSON)] = build_submission(course, LESSON, fill=False)
    return write_class(tmp_path / "class", notebooks)


def test_a_renamed_reformatted_copy_is_caught_and_nothing_else(course, class_folder):
    found = check_class(class_folder, course)
    assert [(p.grade_id, p.students) for p in found.pairs] == [(CELL, ("alice", "bob"))], found.summary()
    pair = found.pairs[0]
    assert pair.lesson_id == LESSON and pair.similarity >= 0.95
    assert "Mean softmax" not in pair.codes[0], "the template (signature, docstring) is not compared"
    for code, spans in zip(pair.codes, pair.spans, strict=True):
        marked = "".join(code[start:end] for start, end in spans)
        assert "tf.one_hot(labels" in marked and "tf.reduce_max" in marked
    assert not found.notes
    assert "alice and bob" in found.summary() and "1 flagged pair" in found.summary()


LONG_LINE = (
    "    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)), "
    "(tf.nn.softmax(logits) - tf.one_hot(labels, tf.shape(logits)[1])) / tf.cast(tf.shape(logits)[0], tf.float32)\n"
)
"""A one-line answer long enough to be fingerprinted, that two students write alike."""


def test_one_line_answers_written_alike_are_not_flagged(course, tmp_path):
    notebooks = {
        (f"s{i}", LESSON): build_submission(
            course, LESSON, {"dense_forward": line, CELL: _answer(LONG_LINE if i < 2 else "")}, fill=False
        )
        for i, line in enumerate(ONE_LINERS)
    }
    found = check_class(write_class(tmp_path / "class", notebooks), course, threshold=0.05)
    assert found.pairs == [], found.summary()


def test_the_template_never_counts(course, tmp_path):
    untouched = build_submission(course, LESSON, fill=False)
    found = check_class(
        write_class(tmp_path / "class", {("gina", LESSON): untouched, ("hank", LESSON): untouched}), course
    )
    assert found.pairs == [] and found.answers == 0
    lesson = course.lesson(LESSON)
    unreleased = dataclasses.replace(lesson, released={})  # a course whose lessons/ is not built yet
    for cell_id, released in lesson.released.items():
        if cell_id in lesson.answers:
            assert own_code(released, template_of(lesson, cell_id)) == "", cell_id
            assert own_code(released, template_of(unreleased, cell_id)) == "", cell_id


def test_the_threshold_decides_what_is_flagged(course, tmp_path):
    half = "\n".join(ALICE.splitlines()[:5]) + "\n" + HONEST[0]  # alice's first four lines, then carol's answer
    notebooks = {
        ("alice", LESSON): build_submission(course, LESSON, {CELL: _answer(ALICE)}, fill=False),
        ("ivan", LESSON): build_submission(course, LESSON, {CELL: _answer(half)}, fill=False),
    }
    folder = write_class(tmp_path / "class", notebooks)
    share = check_class(folder, course, threshold=0.01).pairs[0].similarity
    assert 0.2 < share < 0.8
    assert [p.students for p in check_class(folder, course, threshold=share - 0.01).pairs] == [("alice", "ivan")]
    assert check_class(folder, course, threshold=share + 0.01).pairs == []
    with pytest.raises(UserError, match="threshold"):
        check_class(folder, course, threshold=1.5)


def test_bad_notebooks_are_skipped_with_a_note(course, class_folder):
    broken = class_folder / "zoe" / LESSON / f"{LESSON}.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [')
    listless = class_folder / "yann" / LESSON / f"{LESSON}.ipynb"
    listless.parent.mkdir(parents=True)
    listless.write_text("[]")
    gutted = build_submission(course, LESSON, {CELL: _answer(ALICE)})
    gutted.cells = [c for c in gutted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != CELL]
    nbformat.write(gutted, class_folder / "gina" / LESSON / f"{LESSON}.ipynb")
    found = check_class(class_folder, course)
    notes = "\n".join(found.notes)
    assert f"zoe {LESSON}: not valid notebook JSON" in notes
    assert f"yann {LESSON}:" in notes
    assert f"gina {LESSON}: no answer cell {CELL}" in notes
    assert [p.students for p in found.pairs] == [("alice", "bob")], "the rest of the class is still compared"


def test_the_report_shows_each_flagged_pair_side_by_side(course, class_folder, tmp_path):
    from backprop_lab.grading.gradebook import write_checks, write_gradebook
    from backprop_lab.grading.report import write_report
    from backprop_lab.grading.results import GradeResult

    out = tmp_path / "out"
    out.mkdir()
    results = [GradeResult(s, LESSON, 10.0, 16.0, "graded") for s in ("alice", "bob", "carol")]
    write_gradebook(results, out / "gradebook.csv")
    write_checks(results, out / "checks.csv")
    page = write_report(out, similarity=check_class(class_folder, course)).read_text()
    section = page[page.index("<h2 id='similarity'>") :]
    assert section.count("<div class='pair'>") == 1 and "<b>alice</b> and <b>bob</b>" in section
    assert section.count("<pre>") == 2 and section.count("<mark>") >= 2
    assert "z = tf.convert_to_tensor(logits)" in section, "bob's own code is shown"
    assert "not checked" not in section.lower()
    assert "Not checked" in write_report(out).read_text(), "without submissions the section says how to get it"


def test_respacing_a_matrix_product_keeps_the_fingerprints():
    """Pygments reads `x@W` (no space) as a decorator; the detector must not lose the copy to that."""
    code = "    hidden = tf.nn.relu(x @ W1 + b1)\n    logits = hidden @ W2 + b2\n    return tf.nn.softmax(logits, -1)\n"
    respaced = code.replace(" @ ", "@")
    pairs = compare_answers(LESSON, CELL, {"ada": code, "ben": respaced}, threshold=0.99)
    assert [p.students for p in pairs] == [("ada", "ben")]


def test_the_command_line_summary_stays_short():
    from backprop_lab.grading.similarity import Pair, Similarity

    pairs = [Pair(LESSON, CELL, (f"s{i}", f"t{i}"), 0.9, ("", ""), ((), ())) for i in range(30)]
    text = Similarity(0.8, pairs, ["zoe: broken"]).summary(most=5)
    assert "30 flagged pair(s) at threshold 0.8" in text and "s4 and t4" in text and "s5 and t5" not in text
    assert "skipped: zoe: broken" in text and "25 more line(s) in report.html" in text


def test_student_code_is_escaped_in_the_report():
    from backprop_lab.grading.report import similarity_section
    from backprop_lab.grading.similarity import Pair, Similarity

    code = "    x = '</pre><script>alert(1)</script>'\n    return x\n"
    pair = Pair(LESSON, CELL, ("<b>eve</b>", "mal"), 1.0, (code, code), (((4, 20),), ((4, 20),)))
    section = similarity_section(Similarity(0.8, [pair]))
    assert "<script>" not in section and "alert(1)&lt;/script&gt;" in section and "&lt;b&gt;eve" in section
