"""`backprop-lab release`: student notebooks from the instructor sources."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from backprop_lab.course import nbgrader_bridge
from backprop_lab.course.config import CourseConfig, load_config
from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import read_source
from backprop_lab.errors import UserError


def check_source(course: Course, lesson_id: str) -> None:
    """Raises `UserError` naming what is wrong with a lesson's instructor notebook."""
    read_source(course.solution_path(lesson_id))


COLAB_BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+?/lessons/(?=[^)\s\"']+\.ipynb)")
"""The Colab badge's link up to `lessons/`: what `write_publication` replaces."""

INSTALL_REQUIREMENT = re.compile(r"\"backprop-lab(?:\s*@\s*git\+[^\"]+|\s*(?:==|~=|>=)[^\"]+)\"")
"""The quoted requirement the setup cell passes to `pip install`."""


def write_publication(course: Course, config: CourseConfig, lesson_id: str) -> bool:
    """Writes the configured published location into a lesson's instructor notebook.

    The "Open in Colab" badge links to the lesson in `config.publication`'s repository and branch, and
    the setup cell installs `config.publication.install_requirement`. The notebook is written only when
    that changes something (the release then carries it into `lessons/`).

    Returns:
        True when the notebook changed.

    Raises:
        UserError: the lesson has no Colab badge or no install command in its setup cell.
    """
    import nbformat

    path = course.solution_path(lesson_id)
    notebook = nbformat.read(path, as_version=4)
    publication = config.publication
    badge = publication.colab_url(lesson_id).removesuffix(f"{lesson_id}/{lesson_id}.ipynb")
    requirement = f'"{publication.install_requirement}"'
    badges = installs = 0
    changed = False
    for cell in notebook.cells:
        source = cell.source
        if cell.cell_type == "markdown":
            source, found = COLAB_BADGE.subn(badge, source)
            badges += found
        elif "setup" in cell.metadata.get("tags", []):
            source, found = INSTALL_REQUIREMENT.subn(requirement, source)
            installs += found
        if source != cell.source:
            cell.source, changed = source, True
    if not badges:
        raise UserError(
            f"{path} has no 'Open in Colab' badge (a link to https://colab.research.google.com/"
            "github/OWNER/NAME/blob/BRANCH/lessons/...) to point at the published course"
        )
    if not installs:
        raise UserError(
            f'{path}: the setup cell has no "backprop-lab @ git+..." install command to point at the published course'
        )
    if changed:
        nbformat.write(notebook, path)
    return changed


def release(course: Course, lesson_ids=None) -> list[Path]:
    """Regenerates `lessons/<id>/<id>.ipynb` from `solutions/` with nbgrader.

    The published location of the course configuration (`autograder/course.toml`) is first written
    into each instructor notebook's Colab badge and setup cell (`write_publication`). Solutions and
    hidden tests are removed, grade cells are locked and checksummed, outputs are cleared.

    Args:
        course: the course to work on (must be a writable checkout).
        lesson_ids: lessons to release; all when empty.

    Returns:
        The paths of the written student notebooks.
    """
    lesson_ids = course.check_lessons(lesson_ids) if lesson_ids else course.lesson_ids()
    if not lesson_ids:
        raise UserError(f"no lessons found under {course.solutions_dir}")
    config = load_config(course)
    for lesson_id in lesson_ids:
        check_source(course, lesson_id)
        write_publication(course, config, lesson_id)
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
