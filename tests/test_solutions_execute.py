"""Every instructor notebook runs top to bottom, experiments included, in a fresh Colab-like environment.

Colab's runtime is a Python with TensorFlow and a Jupyter kernel, and nothing of this course. The
`colab_kernel` fixture builds such an environment once per session: `python -m venv` without system
site packages, then `pip install` of TensorFlow (the version the rest of the suite runs, so that pip
can reuse its cache), ipykernel and this package from the checkout; only PyPI is needed. Each
lesson is then executed by nbclient in a kernel running that environment's Python. This is the
suite's one execution of every whole lesson: it replaces running them with the project's own venv.
`BACKPROP_LAB_LESSONS=03` limits it to some lessons.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, selected_lessons
from nbclient import NotebookClient

from backprop_lab.course import Course

pytestmark = pytest.mark.slow
KERNEL_NAME = "backprop-lab-colab-like"
WHERE_AM_I = "import json, sys, backprop_lab\nprint(json.dumps([sys.prefix, backprop_lab.__file__]))"


@dataclass(frozen=True)
class ColabKernel:
    venv: Path
    jupyter_path: Path


def _run(command, **kwargs):
    command = [str(part) for part in command]
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="session")
def colab_kernel(tmp_path_factory) -> ColabKernel:
    """A virtual environment holding only TensorFlow, ipykernel and this package, as a Jupyter kernel."""
    root = tmp_path_factory.mktemp("colab")
    venv = root / "venv"
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    _run([sys.executable, "-m", "venv", venv], env=env, timeout=300)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    packages = [f"tensorflow=={version('tensorflow')}", "ipykernel", ROOT]
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages], env=env, timeout=3600)
    _run([python, "-m", "ipykernel", "install", "--prefix", root / "jupyter", "--name", KERNEL_NAME], env=env)
    # nothing of the project's own environment is visible from the fresh one
    paths = json.loads(_run([python, "-c", "import json, sys; print(json.dumps(sys.path))"], env=env, cwd=root))
    assert not [p for p in paths if p.startswith((sys.prefix, str(ROOT)))], paths
    return ColabKernel(venv, root / "jupyter" / "share" / "jupyter")


@pytest.mark.parametrize("lesson_id", selected_lessons())
def test_solution_notebook_executes_in_a_colab_like_environment(lesson_id, colab_kernel, tmp_path, monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("JUPYTER_PATH", str(colab_kernel.jupyter_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    notebook = nbformat.read(Course(ROOT).solution_path(lesson_id), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_AM_I))
    NotebookClient(
        notebook, timeout=300, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    prefix, library = json.loads(notebook.cells.pop().outputs[0].text)
    assert Path(prefix).resolve() == colab_kernel.venv.resolve(), "the lesson ran in another Python"
    assert Path(library).resolve().is_relative_to(colab_kernel.venv.resolve()), f"backprop_lab came from {library}"
    errors = [
        (index, output.ename, output.evalue)
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors
    figures = [
        output for cell in notebook.cells for output in cell.get("outputs", []) if "image/png" in output.get("data", {})
    ]
    assert figures, f"{lesson_id} shows no figure: every lesson's experiment ends in a plot"


def test_a_student_install_has_no_instructor_tools(colab_kernel):
    """Colab's setup cell installs only what lessons import; the instructor CLI says what is missing."""
    python = colab_kernel.venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    missing = _run([python, "-c", "import importlib.util as u; print([m for m in ('nbgrader', 'jupyterlab', "
                    "'distributed', 'nbclient') if u.find_spec(m)])"], env=env)
    assert missing.strip() == "[]", f"a student install pulled in instructor packages: {missing}"
    result = subprocess.run([colab_kernel.venv / "bin" / "backprop-lab", "release"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert 'pip install "backprop-lab[instructor]"' in result.stderr and "Traceback" not in result.stderr
