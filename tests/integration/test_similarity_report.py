"""`backprop-lab report OUT --submissions ...` as an instructor runs it: the similarity section and its summary."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, write_class

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.gradebook import write_checks, write_gradebook
from backprop_lab.grading.results import GradeResult
from backprop_lab.grading.similarity import DEFAULT_THRESHOLD

EXE = shutil.which("backprop-lab", path=str(Path(sys.executable).parent))
LESSON = "01_manual_backprop"
CELL = "dense_backward"

ORIGINAL = """def dense_backward(dy, x, W):
    grad_input = tf.matmul(dy, tf.transpose(W))
    grad_weights = tf.transpose(x) @ dy
    grad_bias = tf.reduce_sum(dy, axis=0)
    if grad_bias.shape != (W.shape[1],):
        raise ValueError("bias gradient has the wrong shape")
    return grad_input, grad_weights, grad_bias
"""

COPY = """def dense_backward(dy, x, W):
    dy = tf.convert_to_tensor(dy, dtype=tf.float32)
    a = tf.matmul(dy,
                  tf.transpose(W))   # input
    b = tf.transpose(x)@dy
    c = tf.reduce_sum(dy, axis = 0)
    if c.shape != (W.shape[1], ):
        raise ValueError('oops')
    return a, b, c
"""
"""Alice's answer renamed, respaced, with a line of bob's own: about 90% of it is hers."""

OTHERS = [
    """def dense_backward(dy, x, W):
    dx = tf.matmul(dy, W, transpose_b=True)
    dW = tf.matmul(x, dy, transpose_a=True)
    return dx, dW, tf.reduce_sum(dy, 0)
""",
    """def dense_backward(dy, x, W):
    with tf.GradientTape() as tape:
        tape.watch([x, W])
        y = x @ W
    b = tf.zeros(W.shape[1])
    return (*tape.gradient(y, [x, W], output_gradients=dy), tf.reduce_sum(dy, axis=0) + b)
""",
    """def dense_backward(dy, x, W):
    gx = np.dot(dy.numpy(), W.numpy().T)
    gw = np.einsum("ni,no->io", x.numpy(), dy.numpy())
    return tf.constant(gx), tf.constant(gw), tf.constant(dy.numpy().sum(0))
""",
]


def run(*args):
    return subprocess.run([EXE, "--course", str(ROOT), *args], capture_output=True, text=True, timeout=300)


def _graded_class(course, tmp_path):
    """A class in nbgrader's layout, a corrupt notebook among it, and OUT as `grade` leaves it."""
    students = {"alice": ORIGINAL, "bob": COPY, **{f"honest{i}": code for i, code in enumerate(OTHERS)}}
    notebooks = {(s, LESSON): build_submission(course, LESSON, {CELL: code}) for s, code in students.items()}
    notebooks[("zoe", LESSON)] = '{"cells": ['
    folder = write_class(tmp_path / "class", notebooks)
    results = [GradeResult(s, LESSON, 16.0, 16.0, "graded") for s in students]
    out = tmp_path / "out"
    out.mkdir()
    write_gradebook(results, out / "gradebook.csv")
    write_checks(results, out / "checks.csv")
    return folder, out


def test_report_flags_the_copied_pair_and_says_so(course, tmp_path):
    folder, out = _graded_class(course, tmp_path)
    result = run("report", str(out), "--submissions", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"1 flagged pair(s) at threshold {DEFAULT_THRESHOLD:g}" in result.stdout
    assert f"{LESSON} {CELL}: alice and bob (" in result.stdout and "(100%)" not in result.stdout
    assert f"skipped: zoe {LESSON}: not valid notebook JSON" in result.stdout
    page = (out / "report.html").read_text()
    assert "<b>alice</b> and <b>bob</b>" in page and "<mark>" in page and "zoe" in page

    strict = run("report", str(out), "--submissions", str(folder), "--similarity-threshold", "1")
    assert strict.returncode == 0 and "0 flagged pair(s) at threshold 1" in strict.stdout, strict.stdout


def test_report_options_are_checked_and_documented(course, tmp_path):
    folder, out = _graded_class(course, tmp_path)
    wrong = run("report", str(out), "--submissions", str(folder), "--similarity-threshold", "80")
    assert wrong.returncode == 2 and "similarity threshold is a share" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    missing = run("report", str(out), "--submissions", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    plain = run("report", str(out))
    assert plain.returncode == 0 and "similarity: not checked" in plain.stdout
    helped = run("report", "--help")
    assert f"(default: {DEFAULT_THRESHOLD:g})" in " ".join(helped.stdout.split())
