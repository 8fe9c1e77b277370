"""Instructors who already run nbgrader use `autograder/` as a course root with nbgrader's own CLI.

One lesson goes through a whole round of plain nbgrader, each step its own `python -m nbgrader`
process run from `autograder/` (students from their own folders): students and a due date in
nbgrader's database, `generate_assignment`, `release_assignment` to an exchange folder in
tmp_path, `fetch_assignment` and `submit` by two students (one on time, one after the due date),
`collect`, `autograde`, `generate_feedback` and `export`; then the formgrader of a Jupyter server
started from `autograder/` lists the lesson.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from conftest import copy_course

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.gradebook import GRADEBOOK_COLUMNS

pytestmark = pytest.mark.slow
LESSON = "01_manual_backprop"
COURSE_ID = "backprop-lab"  # CourseDirectory.course_id in autograder/nbgrader_config.py
STUDENTS = {"alice": ("Alice", "Archer"), "bob": ("Bob", "Baker")}
SERVER_START_S = 120


def _env():
    # nbgrader creates its database with the `alembic` command installed next to this Python
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def nbgrader(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def utc(text: str) -> datetime:
    """A time as nbgrader writes it (`2026-11-23 01:02:03.456789`, UTC, maybe with ` UTC`)."""
    return datetime.fromisoformat(text.removesuffix(" UTC")).replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Round:
    autograder: Path
    duedate: datetime
    grades: dict[str, dict]


@pytest.fixture(scope="module")
def nbgrader_round(tmp_path_factory) -> Round:
    base = tmp_path_factory.mktemp("plain-nbgrader")
    copy = copy_course(base / "course", [LESSON])
    autograder = copy.autograder_dir
    exchange = base / "exchange"
    exchange.mkdir()
    exchange_options = [f"--Exchange.root={exchange}", f"--Exchange.cache={base / 'nbgrader_cache'}"]

    # the instructor: students, the lesson with its due date, the student version, the release
    for student, (first, last) in STUDENTS.items():
        nbgrader("db", "student", "add", student, f"--first-name={first}", f"--last-name={last}",
                 f"--email={student}@example.org", cwd=autograder)  # fmt: skip
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    nbgrader("db", "assignment", "add", LESSON, f"--duedate={tomorrow:%Y-%m-%d %H:%M:%S} UTC", cwd=autograder)
    nbgrader("generate_assignment", LESSON, "--force", cwd=autograder)
    assert "BEGIN SOLUTION" not in copy.lesson_path(LESSON).read_text()
    nbgrader("release_assignment", LESSON, *exchange_options, cwd=autograder)

    # the students: fetch, solve, submit; the due date passes between the two submissions
    homes = {student: base / "home" / student for student in STUDENTS}
    for home in homes.values():
        home.mkdir(parents=True)
        nbgrader("fetch_assignment", LESSON, f"--course={COURSE_ID}", *exchange_options, cwd=home)
        fetched = home / LESSON / f"{LESSON}.ipynb"
        assert fetched.read_text() == copy.lesson_path(LESSON).read_text()
        nbformat.write(build_submission(copy, LESSON), fetched)
    nbgrader("submit", LESSON, f"--course={COURSE_ID}", "--student=alice", *exchange_options, cwd=homes["alice"])
    duedate = datetime.now(timezone.utc)  # the test cannot wait for tomorrow: the instructor moves the due date
    nbgrader("db", "assignment", "add", LESSON, f"--duedate={duedate:%Y-%m-%d %H:%M:%S.%f} UTC", cwd=autograder)
    nbgrader("submit", LESSON, f"--course={COURSE_ID}", "--student=bob", *exchange_options, cwd=homes["bob"])

    # the instructor again: collect, grade (late work scores zero), feedback, export
    nbgrader("collect", LESSON, *exchange_options, "--ExchangeCollect.check_owner=False", cwd=autograder)
    for student in STUDENTS:
        assert (autograder / "submitted" / student / LESSON / f"{LESSON}.ipynb").is_file()
    nbgrader("autograde", LESSON, "--LateSubmissionPlugin.penalty_method=zero", cwd=autograder)
    nbgrader("generate_feedback", LESSON, cwd=autograder)
    nbgrader("export", "--to", "grades.csv", cwd=autograder)
    with open(autograder / "grades.csv", newline="") as fh:
        grades = {row["student_id"]: row for row in csv.DictReader(fh)}
    return Round(autograder, duedate, grades)


def test_export_has_the_due_date_and_flags_late_work(nbgrader_round):
    alice, bob = nbgrader_round.grades["alice"], nbgrader_round.grades["bob"]
    for row in (alice, bob):
        assert row["assignment"] == LESSON
        assert abs(utc(row["duedate"]) - nbgrader_round.duedate) < timedelta(milliseconds=1)
        assert float(row["raw_score"]) == float(row["max_score"]) > 0, "both hand in the reference solution"
    assert (alice["first_name"], alice["last_name"], alice["email"]) == ("Alice", "Archer", "alice@example.org")
    assert utc(alice["timestamp"]) < nbgrader_round.duedate < utc(bob["timestamp"])
    assert float(alice["late_submission_penalty"]) == 0 and float(alice["score"]) == float(alice["max_score"])
    assert float(bob["late_submission_penalty"]) == float(bob["raw_score"]), "late: penalty_method=zero"
    assert float(bob["score"]) == 0


def test_our_gradebook_starts_with_nbgraders_export_columns(nbgrader_round):
    with open(nbgrader_round.autograder / "grades.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert GRADEBOOK_COLUMNS[: len(header)] == header


def _test_lines(notebook, hidden: bool) -> list[str]:
    """Long lines of the test cells, inside or outside their hidden regions."""
    lines = []
    for cell in notebook.cells:
        if not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif inside == hidden and len(line.strip()) > 25:
                lines.append(line.strip())
    return lines


def test_feedback_never_shows_hidden_tests(nbgrader_round):
    course = nbgrader_round.autograder.parent
    solution = nbformat.read(course / "solutions" / LESSON / f"{LESSON}.ipynb", 4)
    released = nbformat.read(course / "lessons" / LESSON / f"{LESSON}.ipynb", 4)
    # a hidden line students also see, whole or inside a longer line (`check(x)` in `def check(x):`), reveals nothing
    # nor does a line a student's own answer may hold (the reference's answer code)
    answers = [c.source for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")]
    seen_by_students = "\n".join([cell.source for cell in released.cells] + answers)
    hidden = [line for line in _test_lines(solution, hidden=True) if line not in seen_by_students]
    visible = _test_lines(solution, hidden=False)
    assert len(hidden) > 20 and visible
    for student in STUDENTS:
        page = nbgrader_round.autograder / "feedback" / student / LESSON / f"{LESSON}.html"
        assert page.is_file(), f"generate_feedback wrote no page for {student}"
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))  # code is highlighted span by span
        assert [line for line in visible if line in text], "the page shows the visible tests"
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"hidden test source in {student}'s feedback: {leaked[:3]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_formgrader_lists_the_lesson(nbgrader_round, tmp_path):
    port, token = _free_port(), secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    env = {**_env(), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "run")}
    command = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
    ]  # fmt: skip
    log = tmp_path / "server.log"
    with open(log, "wb") as log_file:
        server = subprocess.Popen(
            command, cwd=nbgrader_round.autograder, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def get(path: str) -> bytes:
        request = urllib.request.Request(f"{url}{path}", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 200
            return reply.read()

    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            assert server.poll() is None, f"jupyter server exited:\n{log.read_text()[-4000:]}"
            try:
                get("/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, f"no answer in {SERVER_START_S} s:\n{log.read_text()[-4000:]}"
                time.sleep(0.5)
        assert b"Manage Assignments" in get("/formgrader/manage_assignments")
        assignments = {a["name"]: a for a in json.loads(get("/formgrader/api/assignments"))}
        assert LESSON in assignments, f"the formgrader lists {sorted(assignments)}:\n{log.read_text()[-4000:]}"
        assert assignments[LESSON]["num_submissions"] == len(STUDENTS)
        assert assignments[LESSON]["duedate"], "the due date shows in the formgrader"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session started above: the server alone
            server.wait(timeout=30)
