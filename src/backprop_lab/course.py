"""Where a course lives on disk: solutions, lessons, nbgrader configuration.

A `Course` is a folder holding `solutions/`, `lessons/` and
`autograder/nbgrader_config.py`: a checkout of this repository, or the copy
bundled inside the installed package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

LESSON_ID = re.compile(r"^\d\d_[a-z0-9_]+$")


class CourseError(Exception):
    """An error a user can fix; the CLI prints its message without a traceback."""


@dataclass(frozen=True)
class Course:
    """A course folder.

    Args:
        root: folder with `solutions/`, `lessons/` and `autograder/`.
    """

    root: Path

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def lessons_dir(self) -> Path:
        return self.root / "lessons"

    @property
    def autograder_dir(self) -> Path:
        return self.root / "autograder"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def config_file(self) -> Path:
        return self.autograder_dir / "nbgrader_config.py"

    @classmethod
    def locate(cls, path: str | Path | None = None) -> Course:
        """Finds the course folder.

        Args:
            path: an explicit course folder. If None, the current folder and
                its parents are searched for a checkout, and the copy bundled
                with the package is used when none is found.

        Returns:
            The `Course`.

        Raises:
            CourseError: `path` is given but is not a course folder.
        """
        if path is not None:
            course = cls(Path(path).resolve())
            if not course.is_valid():
                raise CourseError(
                    f"{path} is not a Backprop Lab course folder: it needs solutions/ and "
                    "autograder/nbgrader_config.py."
                )
            return course
        here = Path.cwd().resolve()
        for folder in [here, *here.parents]:
            if cls(folder).is_valid():
                return cls(folder)
        return cls.bundled()

    @classmethod
    def bundled(cls) -> Course:
        """The course copy shipped inside the installed package."""
        bundled = Path(str(resources.files("backprop_lab") / "_course"))
        course = cls(bundled)
        if not course.is_valid():
            raise CourseError(
                "No course folder found: run the command inside a Backprop Lab checkout "
                "or pass --course PATH."
            )
        return course

    def is_bundled(self) -> bool:
        """True for the read-only copy shipped inside the installed package."""
        return self.root.name == "_course" and self.root.parent.name == "backprop_lab"

    def is_valid(self) -> bool:
        return self.solutions_dir.is_dir() and self.config_file.is_file()

    def lesson_ids(self) -> list[str]:
        """All lesson ids with a solution notebook, in course order."""
        return sorted(
            folder.name
            for folder in self.solutions_dir.iterdir()
            if LESSON_ID.match(folder.name) and self.solution_path(folder.name).is_file()
        )

    def check_lessons(self, lesson_ids) -> list[str]:
        """Validates lesson ids, accepting a unique prefix such as `01`.

        Raises:
            CourseError: an id matches no lesson, or several.
        """
        known = self.lesson_ids()
        resolved = []
        for lesson_id in lesson_ids:
            matches = [k for k in known if k == lesson_id or k.startswith(f"{lesson_id}_")]
            if len(matches) != 1:
                raise CourseError(
                    f"unknown lesson {lesson_id!r}. Known lessons: {', '.join(known)}"
                )
            resolved.append(matches[0])
        return resolved

    def solution_path(self, lesson_id: str) -> Path:
        return self.solutions_dir / lesson_id / f"{lesson_id}.ipynb"

    def lesson_path(self, lesson_id: str) -> Path:
        return self.lessons_dir / lesson_id / f"{lesson_id}.ipynb"


def notebook_problem(path: Path) -> str:
    """Returns why `path` is not a gradable notebook, or an empty string."""
    import nbformat  # instructor-only dependency: imported when needed

    if path.stat().st_size == 0:
        return "the file is empty"
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except (ValueError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return f"not valid notebook JSON: {first[:200]}"
    except nbformat.ValidationError as err:
        return f"not a valid notebook: {err.message[:200]}"
    if not any(c.cell_type == "code" for c in notebook.cells):
        return "the notebook has no code cells"
    return ""


def grading_metadata_problems(path: Path) -> list[str]:
    """Problems in an instructor notebook's nbgrader metadata that nbgrader reports poorly.

    Returns:
        One sentence per problem: a duplicated grade id, an unknown schema
        version, or a graded cell without points.
    """
    import nbformat

    seen: set[str] = set()
    problems = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        grade_id = meta.get("grade_id", "")
        if grade_id in seen:
            problems.append(f"cell {index}: grade_id {grade_id!r} is used twice")
        seen.add(grade_id)
        if meta.get("schema_version") != 3:
            problems.append(f"cell {index} ({grade_id}): schema_version must be 3")
        if meta.get("grade") and not meta.get("points"):
            problems.append(f"cell {index} ({grade_id}): a graded cell needs points")
    return problems
