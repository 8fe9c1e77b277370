"""The suite's one execution of every lesson: a fresh Colab-like kernel, the lesson's cells, then its claim checks.

Colab's runtime is a Python with TensorFlow and a Jupyter kernel, and nothing of this course.
`build_colab_kernel` makes such an environment: `python -m venv` without system site packages, then
`pip install` of TensorFlow (the version the rest of the suite runs, so that pip can reuse its
cache), ipykernel and this package from the checkout; only PyPI is needed. `run_lesson` executes a
solution notebook there with nbclient, then asks the kernel where it runs, then runs every claim
check of `tests/claims/<lesson>.py` as an extra cell in the same kernel (after the lesson, so the
checks see its variables). `tests/conftest.py` shares one run per lesson between
`test_solutions_execute.py` and `test_experiment_claims.py`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KERNEL_NAME = "backprop-lab-colab-like"
WHERE_AM_I = "import json, sys, backprop_lab\nprint(json.dumps([sys.prefix, backprop_lab.__file__]))"
CELL_TIMEOUT = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class ColabKernel:
    venv: Path
    jupyter_path: Path


@dataclass
class ClaimResult:
    """The outcome of one claim check: None for `error` when it passed."""

    says: str
    check: str
    error: str | None = None
    traceback: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None

    def report(self, lines: int = 12) -> str:
        """The claim, the exception, the last lines of its traceback and of its output."""
        text = [f'claim "{self.says}" does not hold: {self.error}', "  check:"]
        text += [f"    {line}" for line in self.check.strip().splitlines()]
        if self.traceback:
            text += ["  traceback (last lines):"] + [f"    {line}" for line in self.traceback[-lines:]]
        if self.output:
            text += ["  output (last lines):"] + [f"    {line}" for line in self.output[-lines:]]
        return "\n".join(text)


@dataclass
class LessonRun:
    """A lesson executed once: its cells with outputs, where it ran, how it failed, and its claims."""

    notebook: nbformat.NotebookNode  # the lesson's cells only, with their outputs
    prefix: str | None = None  # sys.prefix of the kernel
    library: str | None = None  # backprop_lab.__file__ in the kernel
    error: str | None = None  # how the lesson itself failed (None: every cell ran)
    claims: list[ClaimResult] = field(default_factory=list)
    claims_error: str | None = None  # the claim checks were cut short (a timeout, a dead kernel)
    seconds: float = 0.0  # the lesson's cells, kernel start excluded

    @property
    def claims_seconds(self) -> float:
        return sum(claim.seconds for claim in self.claims)


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}


def run_command(command, **kwargs):
    command = [str(part) for part in command]
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout


def pip_install(command: list, env: dict) -> None:
    """Runs `pip install`, once more if the first attempt fails: pip downloads from the registry and
    builds this package from the working tree while the suite runs beside it (a fresh clone's CI run
    once ended in "OSError: [Errno 2] No such file or directory" with no more said). A second
    failure fails the build with both attempts' output; pip's traceback is kept (no -q)."""
    command = [str(part) for part in command]
    outputs = []
    for _ in range(2):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
        if result.returncode == 0:
            if outputs:
                print(f"warning: {' '.join(command)} failed once, then succeeded:\n{outputs[0]}", file=sys.stderr)
            return
        outputs.append(f"{result.stdout[-2000:]}{result.stderr[-4000:]}")
    raise AssertionError(f"{' '.join(command)} failed twice:\n" + "\n--- again:\n".join(outputs))


def build_colab_kernel(root: Path) -> ColabKernel:
    """A virtual environment holding only TensorFlow, ipykernel and this package, as a Jupyter kernel."""
    venv = root / "venv"
    python = venv / "bin" / "python"
    env = clean_env()
    run_command([sys.executable, "-m", "venv", venv], env=env, timeout=300)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    packages = [f"tensorflow=={version('tensorflow')}", "ipykernel", ROOT]
    pip_install([python, "-m", "pip", "install", "--disable-pip-version-check", *packages], env)
    run_command([python, "-m", "ipykernel", "install", "--prefix", root / "jupyter", "--name", KERNEL_NAME], env=env)
    # nothing of the project's own environment is visible from the fresh one
    paths = json.loads(run_command([python, "-c", "import json, sys; print(json.dumps(sys.path))"], env=env, cwd=root))
    assert not [p for p in paths if p.startswith((sys.prefix, str(ROOT)))], paths
    return ColabKernel(venv, root / "jupyter" / "share" / "jupyter")


def _lines(outputs, kinds=("stream",)) -> list[str]:
    text = "".join(output.get("text", "") for output in outputs if output.output_type in kinds)
    return [_ANSI.sub("", line) for line in text.replace("\r", "\n").splitlines() if line.strip()]


def _claim_result(says: str, check: str, cell, seconds: float) -> ClaimResult:
    result = ClaimResult(says, check, output=_lines(cell.get("outputs", [])), seconds=seconds)
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            result.error = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
            result.traceback = [
                _ANSI.sub("", line) for entry in output.traceback for line in entry.splitlines() if line.strip()
            ]
    return result


def run_lesson(notebook, claims: list[tuple[str, str]], kernel: ColabKernel, workdir: Path) -> LessonRun:
    """Executes `notebook` in `kernel` (cwd `workdir`), then WHERE_AM_I, then each `(says, check)` as a cell.

    A failing lesson cell stops the run (its claims are not checked); a failing claim check is
    recorded (`raises-exception` tag) and the next one runs.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, CellExecutionError, DeadKernelError

    lesson_cells = len(notebook.cells)
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_AM_I))
    for _, check in claims:
        notebook.cells.append(nbformat.v4.new_code_cell(check, metadata={"tags": ["raises-exception"]}))
    started: dict[int, float] = {}
    finished: dict[int, float] = {}

    def on_cell_start(cell, cell_index):
        started[cell_index] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply):
        finished[cell_index] = time.monotonic()

    # The kernel's spec and environment are given, not set in os.environ: lessons run two at a time, in threads.
    specs = KernelSpecManager(kernel_dirs=[str(kernel.jupyter_path / "kernels")])
    client = NotebookClient(
        notebook,
        km=AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs),
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(workdir)}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    failure = None
    try:
        client.execute(env={**clean_env(), "TF_CPP_MIN_LOG_LEVEL": "3"})
    except (CellExecutionError, CellControlSignal, DeadKernelError) as err:  # a timeout is a CellControlSignal
        failure = (max(started, default=0), _ANSI.sub("", f"{type(err).__name__}: {err}"))
    extra = notebook.cells[lesson_cells:]
    run = LessonRun(nbformat.v4.new_notebook(cells=notebook.cells[:lesson_cells], metadata=notebook.metadata))
    if started:
        first = min(started.values())
        run.seconds = started.get(lesson_cells, max(finished.values(), default=first)) - first
    if failure and failure[0] < lesson_cells:
        run.error = f"cell {failure[0]} failed: {failure[1]}"
        return run
    if failure and failure[0] == lesson_cells:
        run.error = f"the kernel could not say where it runs: {failure[1]}"
        return run
    stdout = "".join(o.text for o in extra[0].outputs if o.output_type == "stream" and o.name == "stdout")
    run.prefix, run.library = json.loads(stdout.strip().splitlines()[-1])
    for number, ((says, check), cell) in enumerate(zip(claims, extra[1:], strict=True)):
        index = lesson_cells + 1 + number
        if index not in finished:
            if failure and failure[0] == index:
                run.claims.append(ClaimResult(says, check, error=failure[1], output=_lines(cell.get("outputs", []))))
                run.claims_error = f'the check of "{says}" stopped the run: {failure[1]}'
            break
        run.claims.append(_claim_result(says, check, cell, finished[index] - started[index]))
    return run
