"""One line of progress for the long hand-written training loops of the lessons.

`epochs` wraps the epochs of a training loop and keeps a single line up to
date on standard output, such as `batch norm · epoch 3/20 · loss 0.412 · 1.2 s`:

    bar = progress.epochs(num_epochs, "batch norm")
    for epoch in bar:
        loss = train_epoch(...)
        bar.update(loss=loss)

It writes to standard output only, never to standard error (nbgrader counts
stderr against a cell), and it keeps the loop fast: `update` only stores the
values (tensors are fine), which are converted to numbers when the line is
redrawn, at most every `min_interval` seconds, and once at the end.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

SEPARATOR = " · "


class EpochProgress:
    """An iterable over epochs that shows the latest epoch and metrics on one line.

    Args:
        epochs: the number of epochs, or any iterable of epochs.
        label: text in front of the line, e.g. the name of the run.
        min_interval: least number of seconds between two redraws.
        file: where to write; the current `sys.stdout` when None.
        clock: a function returning seconds, for tests.
    """

    def __init__(
        self,
        epochs: int | Iterable,
        label: str = "",
        *,
        min_interval: float = 0.2,
        file: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.iterable = range(epochs) if isinstance(epochs, int) else epochs
        try:
            self.total: int | None = len(self.iterable)
        except TypeError:  # a generator, an infinite dataset...
            self.total = None
        self.label = label
        self.min_interval = min_interval
        self.file = file
        self.clock = clock
        self.metrics: dict[str, object] = {}
        self.done = 0
        self._start = self._last_draw = 0.0
        self._width = 0

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("the epochs given to EpochProgress have no length")
        return self.total

    def __iter__(self) -> Iterator:
        self._start = self._last_draw = self.clock()
        self.done = 0
        try:
            for epoch in self.iterable:
                self.done += 1  # the epoch now running, counted from 1
                yield epoch
                if self.clock() - self._last_draw >= self.min_interval:
                    self._draw()
        finally:  # also when the loop stops early with `break`
            self._draw(end="\n")

    def update(self, **metrics) -> None:
        """Stores the latest metrics of the current epoch, e.g. `update(loss=loss)`.

        Args:
            **metrics: name to value: numbers, NumPy scalars or scalar tensors.
                They are converted only when the line is redrawn.
        """
        self.metrics.update(metrics)

    def line(self) -> str:
        """The text of the progress line, for the epochs done so far."""
        parts = [self.label] if self.label else []
        parts.append(f"epoch {self.done}/{self.total}" if self.total is not None else f"epoch {self.done}")
        parts += [f"{name} {_number(value)}" for name, value in self.metrics.items()]
        parts.append(f"{self.clock() - self._start:.1f} s")
        return SEPARATOR.join(parts)

    def _draw(self, end: str = "") -> None:
        text = self.line()
        file = self.file or sys.stdout
        # "\r" moves back to the start of the line; pad to erase a longer previous line.
        file.write("\r" + text.ljust(self._width) + end)
        file.flush()
        self._width = 0 if end else len(text)
        self._last_draw = self.clock()


def _number(value) -> str:
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


def epochs(
    epochs: int | Iterable, label: str = "", *, min_interval: float = 0.2, file: TextIO | None = None
) -> EpochProgress:
    """Wraps the epochs of a training loop in a one-line progress display.

    Args:
        epochs: the number of epochs, or any iterable of epochs.
        label: text in front of the line, e.g. the name of the run.
        min_interval: least number of seconds between two redraws.
        file: where to write; the current `sys.stdout` when None.

    Returns:
        An `EpochProgress`: iterate over it like over `range(epochs)`, and call
        its `update(loss=...)` with the metrics of each epoch.
    """
    return EpochProgress(epochs, label, min_interval=min_interval, file=file)


# ---------------------------------------------------------------------------
# What ran: the end-of-lesson summary (`summary`), fed by `watch`.

_RUNS: dict[str, dict] = {}
"""Normalised source of each cell run in this kernel -> its latest outcome (filled by `watch`'s hook).

Mutated, never rebound: the grader's integrity check compares this module's bindings before and after."""

_WATCHING: dict[int, object] = {}
"""id of the IPython shell -> the hook `watch` registered on it."""

HAND_IN_HINT = (
    "Before handing in, `backprop-lab check {name}` on your machine runs the grader's own pipeline on the "
    "saved notebook: the visible checks, the unanswered exercises and the grader's screen of your code."
)


def watch(shell=None) -> bool:
    """Records the outcome of every cell run from now on, for `summary`.

    The setup cell starts it (through `backprop_lab.check_environment()`); calling it
    again does nothing. Outside IPython (a plain script) nothing is recorded.

    Args:
        shell: the IPython shell; the running one when None.

    Returns:
        Whether cells are being recorded.
    """
    shell = shell or _shell()
    if shell is None:
        return False
    if id(shell) in _WATCHING:
        return True

    def record(result=None) -> None:
        try:
            info = getattr(result, "info", None)
            source = getattr(info, "raw_cell", None)
            if source is None:
                return
            error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
            _RUNS.pop(_normal(source), None)  # keep the dict in the order of the latest runs
            _RUNS[_normal(source)] = {"ok": error is None, "error": _error_text(error)}
        except Exception:  # noqa: BLE001 - a summary must never break the student's cell
            return

    shell.events.register("post_run_cell", record)
    _WATCHING[id(shell)] = record
    return True


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None


def _normal(source: str) -> str:
    """A cell's source without trailing spaces and blank edges, to match a run with a notebook cell."""
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def _error_text(error) -> str:
    if error is None:
        return ""
    try:
        text = str(error).strip().splitlines()
    except Exception:  # noqa: BLE001 - str() of a student's exception may raise
        text = []
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}"[:300] if first else type(error).__name__


def still_raises_not_implemented(source: str) -> bool:
    """Whether code still has a `raise NotImplementedError` statement (the released stub's body).

    Args:
        source: a cell's source (or a function's); unparsable code counts by its text.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "raise NotImplementedError" in source
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name) and target.id == "NotImplementedError":
                return True
    return False


def _defined_names(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def _stub(value) -> bool:
    """Whether a live function (or any method of a class) still raises NotImplementedError."""
    import inspect

    functions = [value]
    if isinstance(value, type):
        functions = [v for v in vars(value).values() if inspect.isfunction(v)]
    for function in functions:
        code = getattr(function, "__code__", None)
        if code is None:
            continue
        try:
            if still_raises_not_implemented(inspect.getsource(function)):
                return True
        except (OSError, TypeError):  # no source (defined by exec): the names the code uses
            if "NotImplementedError" in code.co_names:
                return True
    return False


def _source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _saved_outcome(cell: dict) -> dict | None:
    """A test cell's outcome as the saved notebook shows it (when no run was recorded in this kernel)."""
    if cell.get("execution_count") is None:
        return None
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return {"ok": False, "error": f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"[:300]}
    return {"ok": True, "error": ""}


def summarize(notebook: dict, namespace: dict, runs: dict[str, dict] | None = None) -> dict:
    """What is done in a lesson: each visible check's outcome, and the exercises still unanswered.

    Args:
        notebook: the lesson notebook (a dict as `json` reads it), for its nbgrader cells.
        namespace: the kernel's variables, where the exercises' answers live.
        runs: normalised source -> outcome of the cells run (`watch`'s record when None).

    Returns:
        `{"checks": [(name, points, status, message)], "unanswered": [...], "not_run": [...],
        "flagged": [...]}`: status is "passed", "failed" or "not run"; `not_run` lists exercises
        whose cell has not run; `flagged`, what the grader's screen would flag in the answer cells.
    """
    from backprop_lab.screen import findings

    runs = _RUNS if runs is None else runs
    checks, unanswered, not_run, flagged = [], [], [], []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("grade_id"):
            continue
        source, grade_id = _source_text(cell), meta["grade_id"]
        if meta.get("solution"):
            flagged += findings(source, f"cell {grade_id}")
            names = _defined_names(source)
            if names and all(name in namespace for name in names):
                if any(_stub(namespace[name]) for name in names):
                    unanswered.append(grade_id)
            elif still_raises_not_implemented(source):
                unanswered.append(grade_id)
            elif names:
                not_run.append(grade_id)
        elif meta.get("grade"):
            outcome = runs.get(_normal(source)) if runs else _saved_outcome(cell)
            status = "not run" if outcome is None else "passed" if outcome["ok"] else "failed"
            message = outcome["error"] if outcome and not outcome["ok"] else ""
            checks.append((grade_id.removeprefix("test_"), float(meta.get("points") or 0), status, message))
    return {"checks": checks, "unanswered": unanswered, "not_run": not_run, "flagged": flagged}


def format_summary(found: dict, name: str = "NOTEBOOK.ipynb") -> str:
    """The text `summary` prints for what `summarize` found."""
    checks = found["checks"]
    passed = [c for c in checks if c[2] == "passed"]
    points = sum(c[1] for c in passed)
    total = sum(c[1] for c in checks)
    lines = [
        f"Visible checks: {len(passed)} of {len(checks)} pass ({points:g} of {total:g} points if hidden ones pass too)"
    ]
    marks = {"passed": "PASS", "failed": "FAIL", "not run": "----"}
    for check, _points, status, message in checks:
        if message == "NotImplementedError":
            message = "NotImplementedError (an exercise it uses is not answered yet)"
        lines.append(
            f"  {marks[status]}  {check}"
            + (f": {message}" if message else "")
            + (" (not run yet)" if status == "not run" else "")
        )
    if found["unanswered"]:
        lines.append("Unanswered (the cell still raises NotImplementedError): " + ", ".join(found["unanswered"]))
    if found["not_run"]:
        lines.append("Answer cells not run in this session: " + ", ".join(found["not_run"]))
    if found.get("flagged"):
        lines.append(
            "The grader's screen would flag this code and withhold the score for review "
            "(no exercise needs it): " + "; ".join(found["flagged"])
        )
    if not found["unanswered"] and checks and len(passed) == len(checks):
        lines.append("Every visible check passes. The grader also runs hidden checks on other inputs.")
    lines.append(HAND_IN_HINT.format(name=name))
    return "\n".join(lines)


def _graded_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook.get("cells", []) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")]


def find_notebook(namespace: dict | None = None) -> tuple[dict | None, str]:
    """The running lesson's notebook: `(notebook as a dict, its file name)`, or `(None, "")`.

    Looks, in order, at Colab's live notebook, the path JupyterLab or VS Code give the kernel
    (`__session__`, `__vsc_ipynb_file__`), and the lesson notebooks in the current folder (the
    one whose checks were run here; on a tie the one named like a lesson, `NN_slug.ipynb`, rather
    than a backup copy; then the newest).
    """
    import json
    import os
    from pathlib import Path

    namespace = namespace or {}
    if "google.colab" in sys.modules:
        try:
            from google.colab import _message  # Colab's private API: the notebook as the browser holds it

            notebook = _message.blocking_request("get_ipynb", timeout_sec=10)["ipynb"]
            if _graded_cells(notebook):  # (a copy that lost nbgrader's metadata cannot be summarised)
                return notebook, "the downloaded .ipynb"
        except Exception:  # noqa: BLE001 - any failure: look elsewhere
            pass
    candidates = []
    for key in ("__session__", "__vsc_ipynb_file__"):
        value = namespace.get(key)
        if isinstance(value, str) and value.endswith(".ipynb"):
            candidates += [Path(value), Path(os.getcwd()) / Path(value).name]
    here = sorted(
        Path(os.getcwd()).glob("*.ipynb"),
        key=lambda p: (re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) is not None, p.stat().st_mtime),
        reverse=True,
    )
    best, best_score = None, -1
    for path in [*candidates, *here]:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        cells = _graded_cells(notebook)
        if not cells:
            continue
        if path in candidates:
            return notebook, path.name
        score = sum(_normal(_source_text(c)) in _RUNS for c in cells)
        if score > best_score:
            best, best_score = (notebook, path.name), score
    return best or (None, "")


def summary(notebook: dict | None = None, namespace: dict | None = None) -> None:
    """Prints, at the end of a lesson, which visible checks pass and which exercises are unanswered.

    Harmless anywhere: it only reads, and it never raises (under a grader it prints what it can).

    Args:
        notebook: the lesson notebook as a dict; found with `find_notebook` when None.
        namespace: the kernel's variables; the running kernel's when None.
    """
    try:
        shell = _shell()
        if namespace is None:
            namespace = shell.user_ns if shell is not None else {}
        name = ""
        if notebook is None and getattr(shell, "kernel", None) is not None:  # a grader's runner has no kernel
            notebook, name = find_notebook(namespace)
        if notebook is None or not _graded_cells(notebook):
            failed = [run for run in _RUNS.values() if not run["ok"]]
            print(
                f"{len(_RUNS)} cells ran in this session, {len(failed)} of them failed"
                + "".join(f"\n  {run['error']}" for run in failed[-5:])
                + "\n(The notebook file was not found, so the checks cannot be listed one by one.)\n"
                + HAND_IN_HINT.format(name="NOTEBOOK.ipynb")
            )
            return
        print(format_summary(summarize(notebook, namespace), name or "NOTEBOOK.ipynb"))
    except Exception as err:  # noqa: BLE001 - the last cell of a lesson must never fail
        print(f"(The summary could not be made: {_error_text(err)}.) {HAND_IN_HINT.format(name='NOTEBOOK.ipynb')}")
