"""`lessons/` is exactly what `backprop-lab release` generates from `solutions/`."""

import nbformat
import pytest
from conftest import ROOT, copy_course

from backprop_lab.course import Course
from backprop_lab.course.release import release


def _without_ids(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.pop("id", None)
    return notebook


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("course"))
    release(course)
    return course


@pytest.mark.parametrize("lesson_id", Course(ROOT).lesson_ids())
def test_lessons_match_release(fresh_release, lesson_id):
    committed = Course(ROOT).lesson_path(lesson_id)
    assert committed.is_file(), f"lessons/{lesson_id} is missing: run backprop-lab release {lesson_id}"
    assert _without_ids(committed) == _without_ids(fresh_release.lesson_path(lesson_id)), (
        f"lessons/{lesson_id} is out of date with solutions/: run backprop-lab release {lesson_id}"
    )


def test_release_rejects_unknown_lesson(fresh_release):
    from backprop_lab.errors import UserError

    with pytest.raises(UserError, match="unknown lesson '99'"):
        release(fresh_release, ["99"])
