"""`backprop-lab release`: student notebooks from the instructor sources."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from backprop_lab.course import nbgrader_bridge
from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import grading_metadata_problems, notebook_problem
from backprop_lab.errors import UserError


def check_source(course: Course, lesson_id: str) -> None:
    """Raises `UserError` naming what is wrong with a lesson's instructor notebook."""
    path = course.solution_path(lesson_id)
    problem = notebook_problem(path)
    if problem:
        raise UserError(f"{path} is broken ({problem}). Fix it, or restore it with git.")
    problems = grading_metadata_problems(path)
    if problems:
        raise UserError(f"{path} has broken nbgrader metadata: " + "; ".join(problems))


def release(course: Course, lesson_ids=None) -> list[Path]:
    """Regenerates `lessons/<id>/<id>.ipynb` from `solutions/` with nbgrader.

    Solutions and hidden tests are removed, grade cells are locked and
    checksummed, outputs are cleared.

    Args:
        course: the course to work on (must be a writable checkout).
        lesson_ids: lessons to release; all when empty.

    Returns:
        The paths of the written student notebooks.
    """
    lesson_ids = course.check_lessons(lesson_ids) if lesson_ids else course.lesson_ids()
    if not lesson_ids:
        raise UserError(f"no lessons found under {course.solutions_dir}")
    written = []
    with tempfile.TemporaryDirectory(prefix="backprop-lab-release-") as tmp:
        config = nbgrader_bridge.load_config(
            course,
            Path(tmp),
            source_directory=str(course.solutions_dir),
            release_directory=str(Path(tmp) / "release"),
        )
        with nbgrader_bridge.nbgrader_environment():
            api = nbgrader_bridge.api(config)
            for lesson_id in lesson_ids:
                check_source(course, lesson_id)
                result = api.generate_assignment(lesson_id, force=True, create=True)
                try:
                    nbgrader_bridge.run_step(result, f"generate_assignment {lesson_id}")
                except RuntimeError as err:
                    raise UserError(
                        f"could not release {lesson_id}: {err}\n"
                        f"Check the nbgrader metadata of {course.solution_path(lesson_id)}."
                    ) from err
                generated = Path(tmp) / "release" / lesson_id / f"{lesson_id}.ipynb"
                target = course.lesson_path(lesson_id)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(generated, target)
                written.append(target)
    return written
