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
from typing import TYPE_CHECKING

from backprop_lab.errors import UserError

if TYPE_CHECKING:
    from backprop_lab.course.lesson import Lesson

LESSON_ID = re.compile(r"^\d\d_[a-z0-9_]+$")


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
            UserError: `path` is given but is not a course folder.
        """
        if path is not None:
            course = cls(Path(path).resolve())
            if not course.is_valid():
                raise UserError(
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
            raise UserError(
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
            UserError: an id matches no lesson, or several.
        """
        known = self.lesson_ids()
        resolved = []
        for lesson_id in lesson_ids:
            matches = [k for k in known if k == lesson_id or k.startswith(f"{lesson_id}_")]
            if len(matches) != 1:
                raise UserError(
                    f"unknown lesson {lesson_id!r}. Known lessons: {', '.join(known)}"
                )
            resolved.append(matches[0])
        return resolved

    def solution_path(self, lesson_id: str) -> Path:
        return self.solutions_dir / lesson_id / f"{lesson_id}.ipynb"

    def lesson_path(self, lesson_id: str) -> Path:
        return self.lessons_dir / lesson_id / f"{lesson_id}.ipynb"

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson read from its source and, when released, its student version."""
        from backprop_lab.course.lesson import Lesson

        return Lesson.load(lesson_id, self.solution_path(lesson_id), self.lesson_path(lesson_id))
