"""Finds the submissions of a class, in any of the layouts instructors receive.

- nbgrader's: `SUBMISSIONS/<student_id>/<lesson_id>/<lesson_id>.ipynb`;
- a flat folder, or a zip, of `<student_id>_*.ipynb` files for one lesson
  (`--lesson`), tolerating Colab's `Copy of ...` and browsers' `name (1).ipynb`.

Each submission's time (`Submission.timestamp`, for late penalties) is nbgrader's
`timestamp.txt` beside the notebook, else the zip entry's date, else the file's
modification time.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
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
    timestamp: datetime | None = None


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
    found = [replace(sub, timestamp=submission_time(sub.path)) for sub in found]
    return sorted(found, key=lambda s: (s.lesson_id, s.student_id))


def submission_time(notebook: Path) -> datetime | None:
    """When a notebook was handed in (time zone aware), or None when it cannot be told.

    nbgrader's `timestamp.txt` in the notebook's folder comes first (`nbgrader submit` and `collect`
    write it); else the file's modification time, which `discover` sets to the zip entry's date when it
    unpacks a zip.
    """
    stamp = notebook.parent / "timestamp.txt"
    if stamp.is_file():
        parsed = parse_timestamp(stamp.read_text(errors="replace"))
        if parsed is not None:
            return parsed
    try:
        return datetime.fromtimestamp(notebook.stat().st_mtime, timezone.utc) if notebook.is_file() else None
    except OSError:
        return None


def parse_timestamp(text: str) -> datetime | None:
    """A time as nbgrader writes it (`2026-12-01 22:10:05.123456 UTC`), or ISO 8601; naive means UTC."""
    text = text.strip()
    for suffix in (" UTC", " GMT", "Z"):
        if text.endswith(suffix):
            text = text[: -len(suffix)] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _zip_entry_time(member: zipfile.ZipInfo) -> float:
    """The entry's modification time: the extended timestamp field (UTC) when present, else its local DOS date."""
    extra = member.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        if kind == 0x5455 and size >= 5 and extra[4] & 1:
            return float(struct.unpack("<i", extra[5:9])[0])
        extra = extra[4 + size :]
    return datetime(*member.date_time).timestamp()


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
                when = _zip_entry_time(member)
                os.utime(destination, (when, when))
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
                found.append(Submission(student.name, folder.name, expected, "wrong file name"))
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
