"""The first code cell of every lesson: installs the helper library on Colab, checks versions, in plain Python."""

import ast
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

import backprop_lab
from backprop_lab.course import Course
from backprop_lab.course.config import load_config

COURSE = Course(ROOT)
LESSONS = COURSE.lesson_ids()
INSTALL_URL = load_config(COURSE).publication.install_requirement
"""What `backprop-lab release` writes from `autograder/course.toml` (`backprop-lab @ git+https://github.com/...`)."""
CHECK_LINE = "backprop_lab.check_environment()"


def _notebooks():
    for lesson_id in LESSONS:
        for path in (COURSE.solution_path(lesson_id), COURSE.lesson_path(lesson_id)):
            yield path, nbformat.read(path, as_version=4)


def _setup_cell(notebook):
    cells = [cell for cell in notebook.cells if "setup" in cell.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one code cell is tagged `setup`"
    assert cells[0] is next(cell for cell in notebook.cells if cell.cell_type == "code"), "it is the first code cell"
    return cells[0]


def install_block(notebook) -> str:
    """The part of the setup cell every lesson shares: install if missing, then check versions."""
    source = _setup_cell(notebook).source
    assert CHECK_LINE in source, "the setup cell calls backprop_lab.check_environment()"
    end = source.index("\n", source.index(CHECK_LINE))
    return source[: end + 1]


@pytest.fixture(scope="module")
def block():
    return install_block(nbformat.read(COURSE.solution_path(LESSONS[0]), as_version=4))


def test_every_lesson_has_the_same_install_block(block):
    assert len(LESSONS) == 12
    differing = [str(path.relative_to(ROOT)) for path, nb in _notebooks() if install_block(nb) != block]
    assert not differing, f"setup cells differ from {LESSONS[0]}'s: {differing}"
    assert INSTALL_URL in block and "sys.executable" in block and '"pip", "install"' in block


def test_no_ipython_magics_anywhere():
    """Another grader executes cells as plain Python: `%pip` or `!pip` would be syntax errors there."""
    for path, notebook in _notebooks():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            magic = [line for line in cell.source.splitlines() if line.lstrip().startswith(("%", "!"))]
            assert not magic, f"{path.name} cell {index} uses an IPython magic: {magic}"
            ast.parse(cell.source, f"{path.name} cell {index}")


@pytest.fixture
def calls(monkeypatch):
    """Records pip installs and version checks instead of running them."""
    record = {"pip": [], "checked": 0}

    def check_environment():
        record["checked"] += 1

    monkeypatch.setattr(backprop_lab, "check_environment", check_environment)
    return record


def test_installed_locally_nothing_is_installed(block, calls, monkeypatch):
    monkeypatch.setattr(subprocess, "check_call", lambda *a, **k: calls["pip"].append(a))
    exec(compile(block, "setup", "exec"), {})
    assert calls == {"pip": [], "checked": 1}


def test_missing_library_is_installed_with_pip_then_checked(block, calls, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "backprop_lab", None)  # `import backprop_lab` raises ModuleNotFoundError

    def pip_install(command, **kwargs):
        calls["pip"].append(command)
        sys.modules["backprop_lab"] = backprop_lab  # what a successful install makes importable

    monkeypatch.setattr(subprocess, "check_call", pip_install)
    namespace = {}
    exec(compile(block, "setup", "exec"), namespace)
    assert calls["pip"] == [[sys.executable, "-m", "pip", "install", "-q", INSTALL_URL]]
    assert calls["checked"] == 1 and namespace["backprop_lab"] is backprop_lab
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("failure", ["pip fails", "still missing after pip"])
def test_failed_install_stops_with_a_clear_message(block, calls, monkeypatch, failure):
    monkeypatch.setitem(sys.modules, "backprop_lab", None)

    def pip_install(command, **kwargs):
        calls["pip"].append(command)
        if failure == "pip fails":
            raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(subprocess, "check_call", pip_install)
    with pytest.raises(ModuleNotFoundError, match="installing it failed.*Colab.*pip install -e ."):
        exec(compile(block, "setup", "exec"), {})
    assert len(calls["pip"]) == 1 and calls["checked"] == 0
