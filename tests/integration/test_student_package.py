"""The answer key never reaches a student (issue 15, part 0).

Students get the package (Colab's setup cell, `pip install backprop-lab`, the `lab` extra) and the
folder `backprop-lab publish` writes for the public repository. Both are built here for real, the
wheel offline with `pip wheel --no-build-isolation` (hatchling is a test dependency), and every file
in them is searched for a line of a solution, a line of a hidden test, or an nbgrader marker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from backprop_lab.course import Course
from backprop_lab.course.lesson import SOLUTION_MARKER

MARKER = "### BEGIN"
MIN_LENGTH = 12
"""Shorter lines (`return x`, `pass`) say nothing about an answer."""
LONG = 45
"""A secret line this long gives an answer away alone; shorter ones (`logits = model(x, training=True)`,
which the library may well contain) only as two consecutive secret lines."""


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def secrets() -> dict[str, str]:
    """Every line of a solution or a hidden test that students never see -> where it comes from."""
    course = Course(ROOT)
    found, public = {}, set()  # a line any released lesson shows (lesson 02 may give what 11 asks) is public
    for lesson_id in course.lesson_ids():
        lesson = course.lesson(lesson_id)
        for cell in nbformat.read(course.lesson_path(lesson_id), as_version=4).cells:
            public |= _lines(cell.source)
        for cell in lesson.cells:
            inside = False
            for line in cell.source.splitlines():
                if SOLUTION_MARKER.match(line):
                    inside = line.strip().startswith(MARKER)
                elif inside:
                    found[line.strip()] = f"solution of {lesson_id}/{cell.grade_id}"
        for line in lesson.hidden_lines:
            found[line] = f"hidden test of {lesson_id}"
    return {line: where for line, where in found.items() if len(line) >= MIN_LENGTH and line not in public}


def _texts(name: str, data: bytes):
    """The texts of a file: a notebook's cell sources, or its decoded content."""
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except ValueError:
            cells = None
        if cells is not None:
            for cell in cells:  # a source is a string or, on disk, a list of lines
                source = cell.get("source", "")
                yield source if isinstance(source, str) else "".join(source)
            return
    yield text


def leaks(files, secrets: dict[str, str], strict_markers: bool) -> list[str]:
    """What `files` (name, bytes) give away.

    Args:
        strict_markers: flag `### BEGIN` anywhere; otherwise only at the start of a line, where nbgrader
            reads it (the instructor tools name the markers in their code).
    """
    found = []
    for name, data in files:
        for text in _texts(name, data):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            for index, line in enumerate(lines):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                if line in secrets and (len(line) >= LONG or following in secrets):
                    found.append(f"{name}: {secrets[line]}: {line[:80]}")
                if line.startswith(MARKER) or (strict_markers and MARKER in line):
                    found.append(f"{name}: an nbgrader marker: {line[:80]}")
    return found


def _folder(root: Path):
    return [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]


def _wheel(path: Path):
    with zipfile.ZipFile(path) as wheel:
        return [(info.filename, wheel.read(info)) for info in wheel.infolist() if not info.is_dir()]


def build_wheel(source: Path, target: Path) -> Path:
    """`pip wheel` without the network: the build backend (hatchling) comes from this environment."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", target, source],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = target.glob("backprop_lab-*.whl")
    return wheel


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    from backprop_lab.course.publish import publish

    target = tmp_path_factory.mktemp("published") / "public"
    publish(Course(ROOT), target)
    return target


def test_the_leak_check_finds_a_leak(secrets):
    """The check itself: the instructor's own notebooks are full of what students must not see."""
    course = Course(ROOT)
    assert len(secrets) > 100
    for lesson_id in course.lesson_ids():
        path = course.solution_path(lesson_id)
        found = leaks([(path.name, path.read_bytes())], secrets, strict_markers=False)
        assert any("solution of" in f for f in found), f"no solution line of {lesson_id} is recognised"
        assert any("marker" in f for f in found)
    hidden = [line for line, where in secrets.items() if where.startswith("hidden") and len(line) >= LONG]
    assert hidden and leaks([("x.py", hidden[0].encode())], secrets, strict_markers=False)
    short = [line for line, where in secrets.items() if where.startswith("solution") and len(line) < LONG][:2]
    assert len(leaks([("x.py", "\n".join(short).encode())], secrets, strict_markers=False)) == 1


def test_the_students_wheel_holds_the_library_and_nothing_of_the_course(secrets, tmp_path):
    wheel = build_wheel(ROOT, tmp_path)
    files = _wheel(wheel)
    names = [name for name, _ in files]
    assert "backprop_lab/checks.py" in names and "backprop_lab/data.py" in names
    course_files = [n for n in names if n.endswith(".ipynb") or "_course" in n or "solutions" in n]
    assert not course_files, f"the wheel ships course files: {course_files[:5]}"
    assert not leaks(files, secrets, strict_markers=False)


def test_the_source_distribution_holds_nothing_of_the_course(secrets, tmp_path):
    """What the package index would serve to a `pip install backprop-lab` without a wheel."""
    import tarfile

    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", tmp_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (sdist,) = tmp_path.glob("backprop_lab-*.tar.gz")
    with tarfile.open(sdist) as archive:
        files = [(m.name, archive.extractfile(m).read()) for m in archive.getmembers() if m.isfile()]
    names = [name.split("/", 1)[1] for name, _ in files]
    assert "pyproject.toml" in names and "src/backprop_lab/checks.py" in names
    assert not [n for n in names if n.split("/")[0] in ("solutions", "lessons", "tests", "autograder", "assets")]
    assert not leaks(files, secrets, strict_markers=False)


def test_the_published_course_holds_lessons_library_and_readme_only(published, secrets):
    top = sorted(p.name for p in published.iterdir())
    assert top == ["README.md", "lessons", "pyproject.toml", "src"]
    course = Course(ROOT)
    assert sorted(p.name for p in (published / "lessons").iterdir()) == course.lesson_ids()
    modules = sorted(p.stem for p in (published / "src" / "backprop_lab").iterdir())
    assert {"__init__", "checks", "data", "environment", "plotting", "progress"} <= set(modules)
    assert not {"cli", "demo", "course", "grading", "sandbox"} & set(modules)
    for lesson_id in course.lesson_ids():
        released = (published / "lessons" / lesson_id / f"{lesson_id}.ipynb").read_bytes()
        assert released == course.lesson_path(lesson_id).read_bytes()
    found = leaks(_folder(published), secrets, strict_markers=True)
    assert not found, "the published course gives away:\n" + "\n".join(found[:20])


def test_the_published_library_builds_and_holds_nothing_of_the_course(published, secrets, tmp_path):
    wheel = build_wheel(published, tmp_path)
    files = _wheel(wheel)
    assert "backprop_lab/checks.py" in [name for name, _ in files]
    assert not leaks(files, secrets, strict_markers=True)
    metadata = next(data for name, data in files if name.endswith("METADATA")).decode()
    assert "Requires-Dist: tensorflow" in metadata and "Provides-Extra: lab" in metadata
    assert "nbgrader" not in metadata


def test_the_students_readme_links_every_lesson_to_colab(published):
    from backprop_lab.course.config import load_config

    readme = (published / "README.md").read_text()
    config = load_config(Course(ROOT))
    for lesson_id in Course(ROOT).lesson_ids():
        assert config.publication.colab_url(lesson_id) in readme
    assert config.publication.install_requirement in readme
    assert "solution" not in readme.lower()


def test_publish_refuses_the_instructor_repository(tmp_path):
    from backprop_lab.course.publish import publish
    from backprop_lab.errors import UserError

    with pytest.raises(UserError, match="holds the course itself"):
        publish(Course(ROOT), ROOT)
    (tmp_path / "solutions").mkdir()
    with pytest.raises(UserError, match="looks like an instructor repository"):
        publish(Course(ROOT), tmp_path)


def test_publish_keeps_git_and_replaces_what_it_wrote(published):
    from backprop_lab.course.publish import publish

    (published / ".git").mkdir(exist_ok=True)
    (published / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (published / "lessons" / "stale.ipynb").write_text("{}")
    publish(Course(ROOT), published)
    assert (published / ".git" / "HEAD").is_file() and not (published / "lessons" / "stale.ipynb").exists()
    notebook = nbformat.read(published / "lessons" / "01_manual_backprop" / "01_manual_backprop.ipynb", 4)
    assert notebook.cells


def _cli(*args, cwd):
    exe = Path(sys.executable).parent / "backprop-lab"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_publish_command_says_where_to_push(tmp_path):
    from backprop_lab.course.config import load_config

    result = _cli("publish", str(tmp_path / "public"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert load_config(Course(ROOT)).publication.repository in result.stdout and "private" in result.stdout
    assert (tmp_path / "public" / "README.md").is_file()


@pytest.mark.parametrize("command", [["release"], ["publish", "out"], ["grade", "class", "--out", "out"]])
def test_outside_a_checkout_the_instructor_commands_ask_for_one(tmp_path, command):
    result = _cli(*command, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no Backprop Lab course found" in result.stderr and "--course PATH" in result.stderr


def test_a_student_checks_a_notebook_with_the_wheel_alone(tmp_path):
    """`backprop-lab check` (issue 15 §3) from the student wheel, outside any checkout: no course, no solutions.

    The wheel is installed into a folder of its own that comes first on the path; the command runs in a
    folder holding nothing but the student's notebook. (The worker that runs the notebook starts Python in
    isolated mode, so it imports the package of this environment: the checks themselves come from the
    notebook, as in the student's own install.)
    """
    from backprop_lab.course.synthetic import build_submission

    wheel = build_wheel(ROOT, tmp_path / "wheel")
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", target, wheel],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    student = tmp_path / "student"
    student.mkdir()
    notebook = build_submission(Course(ROOT), "01_manual_backprop", fill=False)
    nbformat.write(notebook, student / "01_manual_backprop.ipynb")
    code = (
        "import sys, backprop_lab\n"
        "print('package:', backprop_lab.__file__, file=sys.stderr)\n"
        "from backprop_lab.cli import main\n"
        "sys.exit(main(['check', '01_manual_backprop.ipynb']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=student,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert f"package: {target}" in result.stderr, result.stderr
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    assert "Visible checks: 0 of 9 pass" in result.stdout
    assert "Unanswered (still as released, or still raising NotImplementedError): dense_forward" in result.stdout
    assert "Screen: nothing in your code would be flagged" in result.stdout
    assert sorted(p.name for p in student.iterdir()) == ["01_manual_backprop.ipynb"]
