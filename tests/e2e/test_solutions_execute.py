"""Every instructor notebook runs top to bottom, experiments included, in a fresh Colab-like environment.

Colab's runtime is a Python with TensorFlow and a Jupyter kernel, and nothing of this course. The
`colab_kernel` fixture (`tests/conftest.py`, built by `tests/lesson_runs.py`) makes such an
environment once per session: `python -m venv` without system site packages, then `pip install` of
TensorFlow, ipykernel and this package from the checkout. The `lesson_run` fixture executes each
lesson there once per session with nbclient; `test_experiment_claims.py` checks the lesson's claims
in that same run, so no lesson is executed twice. This is the suite's one execution of every whole
lesson. `BACKPROP_LAB_LESSONS=03` limits it to some lessons.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import selected_lessons
from lesson_runs import clean_env, run_command

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lesson_id", selected_lessons())
def test_solution_notebook_executes_in_a_colab_like_environment(lesson_id, colab_kernel, lesson_run):
    run = lesson_run(lesson_id)
    print(f"{lesson_id}: its cells ran in {run.seconds:.1f} s, its claim checks in {run.claims_seconds:.1f} s")
    assert run.error is None, f"{lesson_id} failed to run top to bottom: {run.error}"
    assert Path(run.prefix).resolve() == colab_kernel.venv.resolve(), "the lesson ran in another Python"
    library = Path(run.library).resolve()
    assert library.is_relative_to(colab_kernel.venv.resolve()), f"backprop_lab came from {run.library}"
    errors = [
        (index, output.ename, output.evalue)
        for index, cell in enumerate(run.notebook.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
    figures = [
        output
        for cell in run.notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert figures, f"{lesson_id} shows no figure: every lesson's experiment ends in a plot"


def test_a_student_install_has_no_instructor_tools(colab_kernel):
    """Colab's setup cell installs only what lessons import; the instructor CLI says what is missing."""
    python = colab_kernel.venv / "bin" / "python"
    missing = run_command(
        [
            python,
            "-c",
            "import importlib.util as u; print([m for m in ('nbgrader', 'jupyterlab', "
            "'distributed', 'nbclient') if u.find_spec(m)])",
        ],
        env=clean_env(),
    )
    assert missing.strip() == "[]", f"a student install pulled in instructor packages: {missing}"
    result = subprocess.run(
        [colab_kernel.venv / "bin" / "backprop-lab", "release"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert 'pip install "backprop-lab[instructor]"' in result.stderr and "Traceback" not in result.stderr
