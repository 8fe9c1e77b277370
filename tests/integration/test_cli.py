"""The `backprop-lab` command as a user runs it: help, and errors without tracebacks."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, copy_course, write_class

from backprop_lab.course.synthetic import build_submission

EXE = shutil.which("backprop-lab", path=str(Path(sys.executable).parent))
LESSON = "01_manual_backprop"


def run(*args, cwd=ROOT):
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [[], ["release"], ["grade"], ["demo"]])
def test_help(args):
    result = run(*args, "--help")
    assert result.returncode == 0
    assert "usage: backprop-lab" in result.stdout


def test_grade_help_shows_api_defaults():
    from backprop_lab.grading import pipeline as grader

    result = run("grade", "--help")
    assert f"default: {grader.default_workers()}" in result.stdout
    assert f"{grader.REFERENCE_FACTOR} times its reference solution's run" in " ".join(result.stdout.split())
    assert f"at least {grader.MIN_TIMEOUT} s" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "no/such/folder", "--out", "{tmp}/out"], "submissions folder no/such/folder does not exist"),
        (["release", "99_unknown"], "unknown lesson '99_unknown'"),
        (["--course", "{tmp}", "release"], "is not a Backprop Lab course folder"),
        (["grade", "{tmp}/flat", "--out", "{tmp}/out"], "name the lesson with --lesson"),
        (["grade", "{tmp}/flat", "--out", "{tmp}/out", "--lesson", "01", "--workers", "0"], "--workers must be"),
        (
            ["grade", "{tmp}/class", "--out", "{tmp}/out", "--scheduler", "tcp://127.0.0.1:9"],
            "could not reach the Dask scheduler at tcp://127.0.0.1:9: nothing listens on port 9",
        ),
    ],
)
def test_errors_are_clear_and_without_traceback(course, tmp_path, args, message):
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "alice_lesson.ipynb").write_text("{}")
    write_class(tmp_path / "class", {("alice", LESSON): build_submission(course, LESSON)})
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def _without_bwrap() -> dict:
    """An environment whose PATH has this venv's bin/ only: no `bwrap` to be found."""
    import os

    return {**os.environ, "PATH": str(Path(sys.executable).parent)}


def test_sandbox_required_but_missing_is_a_clear_error(course, tmp_path):
    write_class(tmp_path / "class", {("alice", LESSON): build_submission(course, LESSON)})
    result = subprocess.run(
        [EXE, "--course", str(ROOT), "grade", "class", "--out", "out", "--sandbox"],
        cwd=tmp_path,
        env=_without_bwrap(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2 and "--sandbox needs bubblewrap" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_without_bubblewrap_grading_still_works_with_a_loud_warning(course, tmp_path):
    write_class(tmp_path / "class", {("alice", LESSON): build_submission(course, LESSON)})
    result = subprocess.run(
        [EXE, "--course", str(ROOT), "grade", "class", "--out", "out", "--workers", "1"],
        cwd=tmp_path,
        env=_without_bwrap(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING: bubblewrap (bwrap) is not installed" in result.stderr
    assert "alice" in result.stdout and "16/16" in result.stderr.replace(" ", "")


def test_missing_command_is_a_usage_error():
    result = run()
    assert result.returncode == 2 and "COMMAND" in result.stderr


def test_broken_instructor_notebook_is_reported(tmp_path):
    course = copy_course(tmp_path / "course", ["01_manual_backprop"])
    course.solution_path("01_manual_backprop").write_text('{"cells": [')
    result = run("--course", str(course.root), "release")
    assert result.returncode == 2
    assert "01_manual_backprop.ipynb is broken (not valid notebook JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicated_grade_id_is_reported(tmp_path):
    course = copy_course(tmp_path / "course", ["01_manual_backprop"])
    path = course.solution_path("01_manual_backprop")
    notebook = nbformat.read(path, as_version=4)
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    tests[1].metadata["nbgrader"]["grade_id"] = tests[0].metadata["nbgrader"]["grade_id"]
    nbformat.write(notebook, path)
    result = run("--course", str(course.root), "release")
    assert result.returncode == 2
    assert "grade_id 'test_dense_forward' is used twice" in result.stderr
    assert "Traceback" not in result.stderr


WITH_CTRL_C = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
]
"""Runs a command with SIGINT's default action. A shell without job control starts background jobs
with SIGINT ignored (POSIX), and an ignored signal stays ignored across exec: a suite started as
`bash .ci/run &` would otherwise send a Ctrl-C that the grader never sees."""


@pytest.mark.slow
def test_an_interrupted_batch_stops_at_once_and_resumes(course, tmp_path):
    import signal
    import time

    stuck = build_submission(course, LESSON, {"dense_forward": "while True:\n    pass\n"})
    write_class(
        tmp_path / "class",
        {("alice", LESSON): build_submission(course, LESSON), **{(f"stuck{i}", LESSON): stuck for i in range(4)}},
    )
    command = [EXE, "--course", str(ROOT), "grade", "class", "--out", "out", "--workers", "2", "--timeout", "300"]
    process = subprocess.Popen([*WITH_CTRL_C, *command], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    progress = ""
    while "alice" not in progress:  # alice is graded in seconds; the others loop until their timeout
        line = process.stderr.readline()
        assert line, f"the grader stopped before grading alice: {progress}"
        progress += line
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130 and "run the same command again to resume" in rest, rest
    assert time.monotonic() - start < 30, "Ctrl-C must not wait for the stuck notebooks' 300 s timeout"
    saved = tmp_path / "out" / "results" / LESSON / "alice.json"
    finished = saved.stat().st_mtime_ns
    again = subprocess.run([*command[:-2], "--timeout", "5"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert saved.stat().st_mtime_ns == finished, "alice's finished result must be reused, not regraded"
    statuses = {line.split()[0]: line.split()[3] for line in again.stdout.splitlines() if LESSON in line}
    assert statuses == {"alice": "graded", **{f"stuck{i}": "timeout" for i in range(4)}}, again.stdout
