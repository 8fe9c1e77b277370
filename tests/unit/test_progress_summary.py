"""`progress.summary()`, the last cell of every lesson (issue 15 §3): what ran, what passed, what is unanswered."""

from __future__ import annotations

import sys
import types

import pytest

from backprop_lab import progress


def _code(grade_id: str, source: str, **meta) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"nbgrader": {"grade_id": grade_id, **meta}}}


STUB = 'def relu(x):\n    """ReLU."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'
ANSWER = 'def square(x):\n    """x squared."""\n    return x * x\n'
TEST_RELU = "assert relu(-1) == 0"
TEST_SQUARE = "assert square(3) == 9, 'square(3) should be 9'"
TEST_CUBE = "assert cube(2) == 8"
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "source": "# 99 · A lesson", "metadata": {}},
        _code("relu", STUB, solution=True),
        _code("test_relu", TEST_RELU, grade=True, points=2),
        _code("square", ANSWER, solution=True),
        _code("test_square", TEST_SQUARE, grade=True, points=1),
        _code("cube", "def cube(x):\n    return x ** 3\n", solution=True),
        _code("test_cube", TEST_CUBE, grade=True, points=1),
    ]
}


def _namespace() -> dict:
    namespace: dict = {}
    exec(STUB + ANSWER, namespace)  # noqa: S102 - defined by exec, as a kernel does (no source file)
    return namespace


@pytest.mark.parametrize(
    "source, expected",
    [
        (STUB, True),
        ("def f():\n    raise NotImplementedError\n", True),
        (ANSWER, False),
        ("def f():\n    '''Never raise NotImplementedError here.'''\n    return 1\n", False),
        ("def f(:\n    raise NotImplementedError()", True),  # broken code still counts by its text
    ],
)
def test_a_stub_is_code_that_still_raises_not_implemented(source, expected):
    assert progress.still_raises_not_implemented(source) is expected


def test_summarize_lists_each_visible_check_and_the_unanswered_exercises():
    runs = {
        progress._normal(TEST_RELU): {"ok": False, "error": "NotImplementedError"},
        progress._normal(TEST_SQUARE + "\n\n"): {"ok": True, "error": ""},
    }
    found = progress.summarize(NOTEBOOK, _namespace(), runs)
    assert found["checks"] == [
        ("relu", 2.0, "failed", "NotImplementedError"),
        ("square", 1.0, "passed", ""),
        ("cube", 1.0, "not run", ""),
    ]
    assert found["unanswered"] == ["relu"]
    assert found["not_run"] == ["cube"]  # answered in the file, but its cell did not run in this kernel


def test_an_answered_function_is_not_unanswered_even_if_its_cell_was_the_stub():
    """The live function counts: the student answered in the kernel after the file was saved."""
    namespace = {}
    exec(ANSWER.replace("square", "relu"), namespace)  # noqa: S102
    found = progress.summarize(NOTEBOOK, {**_namespace(), **namespace}, {})
    assert "relu" not in found["unanswered"]


def test_a_class_with_a_stub_method_is_unanswered():
    namespace = {}
    exec("class Layer:\n    def call(self, x):\n        raise NotImplementedError()\n", namespace)  # noqa: S102
    notebook = {"cells": [_code("Layer", "class Layer:\n    pass\n", solution=True)]}
    assert progress.summarize(notebook, namespace, {})["unanswered"] == ["Layer"]


def test_without_recorded_runs_the_saved_outputs_tell_the_outcome():
    saved = {"cells": [dict(c) for c in NOTEBOOK["cells"]]}
    saved["cells"][2] = {
        **saved["cells"][2],
        "execution_count": 3,
        "outputs": [{"output_type": "error", "ename": "AssertionError", "evalue": "relu(-1) is -1"}],
    }
    saved["cells"][4] = {**saved["cells"][4], "execution_count": 5, "outputs": []}
    checks = progress.summarize(saved, _namespace(), {})["checks"]
    assert [c[2] for c in checks] == ["failed", "passed", "not run"]
    assert checks[0][3] == "AssertionError: relu(-1) is -1"


def test_the_printed_summary_names_failures_unanswered_and_how_to_check_the_file():
    found = {
        "checks": [("relu", 2.0, "failed", "NotImplementedError"), ("square", 1.0, "passed", "")],
        "unanswered": ["relu"],
        "not_run": [],
    }
    text = progress.format_summary(found, "99_lesson.ipynb")
    assert "Visible checks: 1 of 2 pass (1 of 3 points" in text
    assert "FAIL  relu: NotImplementedError (an exercise it uses is not answered yet)" in text
    assert "PASS  square" in text
    assert "Unanswered (the cell still raises NotImplementedError): relu" in text
    assert "backprop-lab check 99_lesson.ipynb" in text
    done = {"checks": [("square", 1.0, "passed", "")], "unanswered": [], "not_run": []}
    assert "Every visible check passes" in progress.format_summary(done)


class FakeEvents:
    def __init__(self):
        self.hooks = []

    def register(self, event, hook):
        assert event == "post_run_cell"
        self.hooks.append(hook)


def _result(source, error=None):
    return types.SimpleNamespace(
        info=types.SimpleNamespace(raw_cell=source), error_in_exec=error, error_before_exec=None
    )


def test_watch_records_each_cells_latest_outcome_once_per_shell(monkeypatch):
    runs_id = id(progress._RUNS)
    monkeypatch.setattr(progress, "_RUNS", {})
    monkeypatch.setattr(progress, "_WATCHING", {})
    shell = types.SimpleNamespace(events=FakeEvents())
    assert progress.watch(shell) and progress.watch(shell)
    assert len(shell.events.hooks) == 1
    (hook,) = shell.events.hooks
    hook(_result(TEST_SQUARE, AssertionError("square(3) should be 9\nmore")))
    assert progress._RUNS[progress._normal(TEST_SQUARE)] == {
        "ok": False,
        "error": "AssertionError: square(3) should be 9",
    }
    hook(_result(TEST_SQUARE + "  \n"))
    assert progress._RUNS == {progress._normal(TEST_SQUARE): {"ok": True, "error": ""}}
    hook(None)  # whatever IPython passes, the hook never raises
    assert runs_id != id(progress._RUNS)  # (the monkeypatched dict): the module's own is mutated, never rebound


def test_watch_outside_ipython_records_nothing(monkeypatch):
    monkeypatch.setattr(progress, "_shell", lambda: None)
    assert progress.watch() is False


def test_the_module_never_rebinds_what_the_graders_integrity_check_watches():
    """The harness compares the ids of a student module's callables and scalars before and after each cell."""
    before = {k: id(v) for k, v in vars(progress).items() if callable(v) or isinstance(v, (int, float, str))}
    shell = types.SimpleNamespace(events=FakeEvents())
    progress.watch(shell)
    shell.events.hooks[0](_result("x = 1"))
    progress.summary(NOTEBOOK, _namespace())
    after = {k: id(v) for k, v in vars(progress).items() if k in before}
    assert after == before
    progress._WATCHING.pop(id(shell))
    progress._RUNS.pop(progress._normal("x = 1"))


def test_summary_prints_and_never_raises(capsys):
    progress.summary(NOTEBOOK, _namespace())
    out = capsys.readouterr()
    assert "Visible checks:" in out.out and "Unanswered" in out.out and out.err == ""
    progress.summary({"cells": 5}, {})  # a notebook it cannot read
    assert "The summary could not be made" in capsys.readouterr().out


def test_summary_without_a_notebook_says_what_ran_and_how_to_check(capsys, monkeypatch):
    monkeypatch.setattr(
        progress, "_RUNS", {"a": {"ok": True, "error": ""}, "b": {"ok": False, "error": "ValueError: x"}}
    )
    progress.summary(namespace={})
    out = capsys.readouterr().out
    assert "2 cells ran in this session, 1 of them failed" in out and "ValueError: x" in out
    assert "backprop-lab check" in out


def test_find_notebook_prefers_the_path_the_kernel_was_given(tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.ipynb").write_text(json.dumps(NOTEBOOK))
    mine = {"cells": NOTEBOOK["cells"][:3]}
    (tmp_path / "mine.ipynb").write_text(json.dumps(mine))
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert progress.find_notebook({"__session__": "some/dir/mine.ipynb"}) == (mine, "mine.ipynb")
    notebook, name = progress.find_notebook({})
    assert name in ("mine.ipynb", "other.ipynb") and notebook["cells"]
    (tmp_path / "mine.ipynb").unlink()
    (tmp_path / "other.ipynb").unlink()
    assert progress.find_notebook({}) == (None, "")


def test_on_colab_the_live_notebook_is_asked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    answers = [NOTEBOOK, {"cells": [{"cell_type": "code", "source": "x", "metadata": {}}]}]
    colab = types.ModuleType("google.colab")
    colab._message = types.SimpleNamespace(blocking_request=lambda kind, timeout_sec: {"ipynb": answers.pop(0)})
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert progress.find_notebook({})[0] is NOTEBOOK
    assert progress.find_notebook({}) == (None, ""), "a copy without nbgrader's metadata is no use"


def test_the_summary_says_what_the_graders_screen_would_flag():
    patched = _code("square", ANSWER + "import numpy as np\nnp.allclose = lambda *a, **k: True\n", solution=True)
    cells = [patched if c["metadata"].get("nbgrader", {}).get("grade_id") == "square" else c for c in NOTEBOOK["cells"]]
    notebook = {"cells": cells}
    found = progress.summarize(notebook, _namespace(), {})
    assert found["flagged"] and all(f.startswith("cell square:") for f in found["flagged"]), found["flagged"]
    assert "np.allclose" in " ".join(found["flagged"])
    text = progress.format_summary(found)
    assert "The grader's screen would flag this code and withhold the score" in text
    assert progress.summarize(NOTEBOOK, _namespace(), {})["flagged"] == []


def test_find_notebook_prefers_the_lesson_over_a_backup_copy_on_a_tie(tmp_path, monkeypatch):
    import json
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "01_manual_backprop.ipynb").write_text(json.dumps(NOTEBOOK))
    (tmp_path / "good.ipynb").write_text(json.dumps(NOTEBOOK))  # a backup, saved later
    (tmp_path / "01_manual_backprop-Copy1.ipynb").write_text(json.dumps(NOTEBOOK))
    os.utime(tmp_path / "01_manual_backprop.ipynb", (1, 1))
    assert progress.find_notebook({})[1] == "01_manual_backprop.ipynb"
