"""`backprop-lab release` writes the published location of `autograder/course.toml` into every lesson,
and a bad configuration stops the commands before they work (in throwaway course copies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, copy_course

from backprop_lab.course import Course
from backprop_lab.course.config import CourseConfig, load_config
from backprop_lab.errors import UserError

LESSONS = Course(ROOT).lesson_ids()


def _setup_and_badge(path):
    notebook = nbformat.read(path, as_version=4)
    setup = next(c.source for c in notebook.cells if "setup" in c.metadata.get("tags", []))
    badge = next(c.source for c in notebook.cells if "colab.research.google.com/github" in c.source)
    return setup, badge


def test_release_writes_the_published_location_into_every_lesson(tmp_path):
    from backprop_lab.course.release import release

    course = copy_course(tmp_path / "course")
    (course.autograder_dir / "course.toml").write_text(
        '[publish]\nrepository = "https://github.com/uni-x/dl-course"\nbranch = "fall-2026"\n'
    )
    release(course)
    blocks = set()
    for lesson_id in course.lesson_ids():
        for path in (course.solution_path(lesson_id), course.lesson_path(lesson_id)):
            setup, badge = _setup_and_badge(path)
            assert '"backprop-lab @ git+https://github.com/uni-x/dl-course@fall-2026"' in setup, path
            assert "github.com/backprop-lab/backprop-lab" not in setup + badge, path
            assert (
                f"https://colab.research.google.com/github/uni-x/dl-course/blob/fall-2026/lessons/"
                f"{lesson_id}/{lesson_id}.ipynb" in badge
            ), path
            blocks.add(setup[: setup.index("backprop_lab.check_environment()")])
    assert len(blocks) == 1, "the setup cell's first part stays identical across lessons"


def test_the_default_configuration_changes_no_lesson(tmp_path):
    from backprop_lab.course.release import write_publication

    course = copy_course(tmp_path / "course")
    assert not any(write_publication(course, load_config(course), lesson_id) for lesson_id in LESSONS)


def test_a_lesson_without_a_badge_is_a_user_error(tmp_path):
    from backprop_lab.course.release import write_publication

    course = copy_course(tmp_path / "course", LESSONS[:1])
    path = course.solution_path(LESSONS[0])
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source = "# A lesson"
    nbformat.write(notebook, path)
    with pytest.raises(UserError, match="no 'Open in Colab' badge"):
        write_publication(course, CourseConfig(), LESSONS[0])


@pytest.mark.parametrize("command", [["grade", "class", "--out", "out"], ["release"], ["publish", "public"]])
def test_a_bad_configuration_stops_the_command_before_it_works(tmp_path, command):
    course = copy_course(tmp_path / "course", LESSONS[:1])
    (course.autograder_dir / "course.toml").write_text("[late_policy]\nmethod = 'half'\n")
    (tmp_path / "class").mkdir()
    exe = Path(sys.executable).parent / "backprop-lab"
    result = subprocess.run(
        [str(exe), "--course", str(course.root), *command], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "course.toml: late_policy.method: 'half' is not one of" in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "public").exists()
