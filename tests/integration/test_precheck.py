"""`backprop-lab check NOTEBOOK` on real submissions (issue 15 §3), outside any course checkout.

Three notebooks, checked at once by the command itself (one worker each): the reference solution
as a student would hand it in (with the versions its setup cell recorded), the untouched release,
and an answer that is wrong and imports `subprocess` (a construct the grader's screen flags).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course.synthetic import build_submission
from backprop_lab.environment import ENVIRONMENT_MIME

pytestmark = pytest.mark.slow

LESSON = "01_manual_backprop"
VERSIONS = {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1"}
WRONG_DB = (
    "import subprocess\n\n"
    "def dense_backward(dy, x, W):\n"
    "    dx = tf.matmul(dy, W, transpose_b=True)\n"
    "    dW = tf.matmul(x, dy, transpose_a=True)\n"
    "    db = tf.reduce_mean(dy, axis=0)\n"
    "    return dx, dW, db\n"
)


def _cli(*args, cwd: Path) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "backprop-lab"
    return subprocess.Popen([str(exe), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _with_versions(notebook):
    setup = next(c for c in notebook.cells if "setup" in c.metadata.get("tags", []))
    setup.outputs = [
        nbformat.v4.new_output("display_data", data={ENVIRONMENT_MIME: VERSIONS, "text/plain": "Running ..."})
    ]
    setup.execution_count = 1
    return notebook


@pytest.fixture(scope="module")
def checked(course, tmp_path_factory):
    """`{name: (exit code, stdout, stderr, bytes before, path)}` of `backprop-lab check` on each notebook."""
    folder = tmp_path_factory.mktemp("student")  # no course around: a student's folder
    notebooks = {
        "reference": _with_versions(build_submission(course, LESSON)),
        "untouched": build_submission(course, LESSON, fill=False),
        "flagged": build_submission(course, LESSON, {"dense_backward": WRONG_DB}),
    }
    running = {}
    for name, notebook in notebooks.items():
        path = folder / f"{name}_{LESSON}.ipynb"
        nbformat.write(notebook, path)
        running[name] = (_cli("check", path.name, cwd=folder), path.read_bytes(), path)
    results = {}
    for name, (process, before, path) in running.items():
        out, err = process.communicate(timeout=900)
        results[name] = (process.returncode, out, err, before, path)
    return results


def test_the_reference_passes_every_visible_check(checked):
    code, out, err, _, _ = checked["reference"]
    assert code == 0, out + err
    assert "Visible checks: 9 of 9 pass (16 of 16 points)" in out
    assert "FAIL" not in out and "Unanswered: none" in out
    assert "Screen: nothing in your code would be flagged" in out
    assert "Versions recorded by the setup cell: Python 3.11.7 · TensorFlow 2.21.0 · Keras 3.15.1" in out
    assert "Ready to hand in" in out and "Traceback" not in err


def test_the_untouched_release_lists_every_exercise_as_unanswered(checked):
    code, out, _, _, _ = checked["untouched"]
    assert code == 1
    assert "Visible checks: 0 of 9 pass" in out
    assert "FAIL  dense_forward: NotImplementedError: this exercise is not done yet" in out
    unanswered = next(line for line in out.splitlines() if line.startswith("Unanswered"))
    for name in ("dense_forward", "dense_backward", "sgd_step", "tape_loss_and_grads"):
        assert name in unanswered
    assert "Versions: not recorded" in out


def test_a_flagged_construct_and_a_failed_check_are_reported_together(checked):
    code, out, _, _, _ = checked["flagged"]
    assert code == 1
    assert "Screen: the grader would withhold the score for review" in out
    assert "cell dense_backward: imports subprocess" in out
    assert "FAIL  dense_backward: [a visible check]" in out
    assert "Unanswered: none" in out


def test_the_notebooks_are_only_read(checked):
    for _code, _, _, before, path in checked.values():
        assert path.read_bytes() == before
        assert sorted(p.name for p in path.parent.iterdir()) == sorted(p.name for _, _, _, _, p in checked.values())


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("answers.py", "x = 1\n", "answers.py is not a notebook (.ipynb)"),
        ("broken.ipynb", "{not json", "cannot be checked: not valid notebook JSON"),
        ("other.ipynb", None, "is not a Backprop Lab lesson"),
    ],
)
def test_bad_input_gets_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), path)
    else:
        path.write_text(content)
    before = path.read_bytes()
    process = _cli("check", name, cwd=tmp_path)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 2 and message in err and "Traceback" not in err, err
    assert path.read_bytes() == before


def test_check_help_is_light():
    code = (
        "import sys\nfrom backprop_lab.cli import main\n"
        "try:\n    main(['check', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('nbformat', 'IPython', 'tensorflow', 'keras', 'nbgrader', 'numpy')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "NOTEBOOK" in result.stdout and result.stderr.strip().splitlines()[-1] == "[]", result.stderr


def test_the_last_cell_summarises_in_the_kernel(course, tmp_path):
    """The lesson's own last cell, in a Jupyter kernel: one check passes... one fails, one exercise unanswered."""
    from nbclient import NotebookClient

    released = nbformat.read(course.lesson_path(LESSON), as_version=4)
    stub = next(c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "sgd_step")
    wrong = WRONG_DB.replace("import subprocess\n\n", "")
    notebook = build_submission(course, LESSON, {"dense_backward": wrong, "sgd_step": stub})
    path = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(notebook, path)  # saved before running, as JupyterLab does: the summary reads its metadata
    for cell in notebook.cells:
        if "experiment" in cell.metadata.get("tags", []):
            cell.source = "pass"  # training is not what this test is about
    NotebookClient(
        notebook, timeout=300, allow_errors=True, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    setup = next(c for c in notebook.cells if "setup" in c.metadata.get("tags", []))
    assert any(ENVIRONMENT_MIME in o.get("data", {}) for o in setup.outputs), setup.outputs
    out = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    assert "Visible checks: 6 of 9 pass" in out, out
    assert "PASS  dense_forward" in out and "FAIL  dense_backward: AssertionError" in out
    assert "FAIL  sgd_step: NotImplementedError" in out
    assert "Unanswered (the cell still raises NotImplementedError): sgd_step" in out
    assert f"backprop-lab check {LESSON}.ipynb" in out
