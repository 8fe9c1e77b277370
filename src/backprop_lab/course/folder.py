"""Where a course lives on disk: solutions, lessons, nbgrader configuration.

A `Course` is a folder holding `solutions/`, `lessons/` and
`autograder/nbgrader_config.py`: the instructor's checkout of this repository.
The installed package never contains a course (students install it too), so
the instructor tools always work on a checkout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
                its parents are searched for a checkout.

        Returns:
            The `Course`.

        Raises:
            UserError: `path` is given but is not a course folder, or no
                checkout is found around the current folder.
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
        raise UserError(
            f"no Backprop Lab course found in {here} or its parents. The instructor tools work on your "
            "checkout of the course repository (the one with solutions/ and autograder/): run the command "
            "inside it, or pass --course PATH. The installed package holds no course: students install "
            "it too, so it never contains the solutions."
        )

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
                raise UserError(f"unknown lesson {lesson_id!r}. Known lessons: {', '.join(known)}")
            resolved.append(matches[0])
        return resolved

    def solution_path(self, lesson_id: str) -> Path:
        return self.solutions_dir / lesson_id / f"{lesson_id}.ipynb"

    def lesson_path(self, lesson_id: str) -> Path:
        return self.lessons_dir / lesson_id / f"{lesson_id}.ipynb"

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson read from its source and, when released, its student version.

        Raises:
            UserError: the source is not a notebook, or its nbgrader metadata is broken.
        """
        from backprop_lab.course.lesson import Lesson, read_source

        path = self.solution_path(lesson_id)
        return Lesson.load(lesson_id, path, self.lesson_path(lesson_id), source=read_source(path))
