"""Shared fixtures: the course, its variants, and throwaway classes in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course import Course, synthetic

ROOT = Path(__file__).resolve().parents[1]
VARIANTS_DIR = Path(__file__).parent / "variants"


def selected_lessons() -> list[str]:
    """All lessons, or those named (comma-separated prefixes) in $BACKPROP_LAB_LESSONS while developing."""
    lessons = Course(ROOT).lesson_ids()
    wanted = [w for w in os.environ.get("BACKPROP_LAB_LESSONS", "").split(",") if w]
    return [lesson for lesson in lessons if not wanted or any(lesson.startswith(w) for w in wanted)]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


def load_variants(lesson_id: str) -> dict:
    """The `VARIANTS` dict of `tests/variants/<lesson_id>.py` ({} if there is none)."""
    return synthetic.load_variants(VARIANTS_DIR / f"{lesson_id}.py")


def copy_course(target: Path, lessons=None) -> Course:
    """A throwaway course under `target` with the given lessons' sources (all by default)."""
    import shutil

    for lesson_id in lessons or Course(ROOT).lesson_ids():
        shutil.copytree(ROOT / "solutions" / lesson_id, target / "solutions" / lesson_id)
    (target / "autograder").mkdir(parents=True)
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", target / "autograder")
    return Course(target)


def write_class(folder: Path, notebooks: dict[tuple[str, str], object]) -> Path:
    """Writes `{(student_id, lesson_id): notebook}` in nbgrader's layout under `folder`."""
    for (student_id, lesson_id), notebook in notebooks.items():
        path = folder / student_id / lesson_id / f"{lesson_id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, (str, bytes)):
            path.write_bytes(notebook.encode() if isinstance(notebook, str) else notebook)
        else:
            nbformat.write(notebook, path)
    return folder
