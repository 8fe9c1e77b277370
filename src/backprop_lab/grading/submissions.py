"""Finds the submissions of a class, in any of the layouts instructors receive.

- nbgrader's: `SUBMISSIONS/<student_id>/<lesson_id>/<lesson_id>.ipynb`;
- a flat folder, or a zip, of `<student_id>_*.ipynb` files for one lesson
  (`--lesson`), tolerating Colab's `Copy of ...` and browsers' `name (1).ipynb`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from backprop_lab.course import Course
from backprop_lab.errors import UserError

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@+-]*$")
_COPY_OF = re.compile(r"copy of\s+", re.IGNORECASE)
_DUPLICATE = re.compile(r"\s*\((\d+)\)$")


@dataclass(frozen=True)
class Submission:
    """One notebook to grade, or a file that cannot be graded (`problem` set)."""

    student_id: str
    lesson_id: str
    path: Path
    problem: str = ""
    note: str = ""


def parse_flat_name(filename: str) -> tuple[str, int] | None:
    """Student id and download copy number of `alice_Copy of 01_x (2).ipynb` -> `("alice", 2)`.

    Returns:
        `(student_id, copy_number)`, or None if the name has no `<student_id>_` prefix.
    """
    stem = filename[: -len(".ipynb")] if filename.endswith(".ipynb") else filename
    stem = _COPY_OF.sub("", stem).strip()
    copy = 0
    match = _DUPLICATE.search(stem)
    if match:
        copy, stem = int(match.group(1)), stem[: match.start()]
    student_id, sep, _ = stem.partition("_")
    if not sep or not STUDENT_ID.match(student_id):
        return None
    return student_id, copy


def discover(path: Path, course: Course, lesson: str | None, workdir: Path) -> list[Submission]:
    """Lists the submissions under `path`.

    Args:
        path: a folder in nbgrader's layout, a flat folder, or a `.zip`.
        course: the course, to recognise lesson ids.
        lesson: the lesson of a flat folder or zip (required for those).
        workdir: where a zip is unpacked.

    Returns:
        Submissions sorted by lesson and student; unusable files are
        returned with `problem` set so that they get a gradebook row.

    Raises:
        UserError: the path is missing, empty, or flat without `--lesson`.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"submissions folder {path} does not exist")
    if path.is_file():
        if path.suffix != ".zip":
            raise UserError(f"{path} is a file; give a folder of submissions or a .zip")
        path = _unzip(path, workdir / "unzipped")
    if _is_nbgrader_layout(path, course):
        found = _discover_nbgrader(path, course)
    else:
        if lesson is None:
            raise UserError(
                f"{path} is not in nbgrader's layout <student_id>/<lesson_id>/<lesson_id>.ipynb; "
                "for a flat folder or zip of <student_id>_*.ipynb files, name the lesson with "
                "--lesson"
            )
        found = _discover_flat(path, course.check_lessons([lesson])[0])
    if not found:
        raise UserError(f"no notebooks found under {path}")
    return sorted(found, key=lambda s: (s.lesson_id, s.student_id))


def _unzip(archive: Path, target: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                name = Path(member.filename)
                if member.is_dir() or name.is_absolute() or ".." in name.parts:
                    continue
                if name.parts[0] == "__MACOSX":
                    continue
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(zf.read(member))
    except zipfile.BadZipFile as err:
        raise UserError(f"{archive} is not a valid zip file") from err
    return target


def _is_nbgrader_layout(path: Path, course: Course) -> bool:
    lesson_ids = set(course.lesson_ids())
    return any(
        sub.is_dir() and sub.name in lesson_ids
        for student in path.iterdir()
        if student.is_dir()
        for sub in student.iterdir()
    )


def _discover_nbgrader(path: Path, course: Course) -> list[Submission]:
    lesson_ids = set(course.lesson_ids())
    found = []
    for student in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in student.iterdir() if p.is_dir()):
            if folder.name not in lesson_ids:
                found.append(Submission(student.name, folder.name, folder, "unknown lesson"))
                continue
            expected = folder / f"{folder.name}.ipynb"
            if expected.is_file():
                found.append(Submission(student.name, folder.name, expected))
                continue
            others = sorted(folder.glob("*.ipynb"))
            if len(others) == 1:
                note = f"graded {others[0].name} (expected {expected.name})"
                found.append(Submission(student.name, folder.name, others[0], note=note))
            else:
                found.append(
                    Submission(student.name, folder.name, expected, "wrong file name")
                )
    return found


def _discover_flat(path: Path, lesson_id: str) -> list[Submission]:
    by_student: dict[str, list[tuple[int, float, Path]]] = {}
    found = []
    for notebook in sorted(path.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        parsed = parse_flat_name(notebook.name)
        if parsed is None:
            stem = re.sub(r"[^A-Za-z0-9.@+-]+", "-", notebook.stem).strip("-") or "unnamed"
            found.append(Submission(stem, lesson_id, notebook, "wrong file name"))
            continue
        student_id, copy = parsed
        by_student.setdefault(student_id, []).append((copy, notebook.stat().st_mtime, notebook))
    for student_id, files in by_student.items():
        files.sort()
        chosen = files[-1][2]
        note = ""
        if len(files) > 1:
            note = f"{len(files)} files; graded the latest download, {chosen.name}"
        found.append(Submission(student_id, lesson_id, chosen, note=note))
    return found
