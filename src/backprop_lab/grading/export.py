"""`backprop-lab export OUT --to canvas|moodle`: the gradebook in an LMS's grade-import CSV format.

- Canvas (Grades > Import): the columns of Canvas's own gradebook export, `Student` ("Last, First"),
  `ID` (Canvas's user id), `SIS User ID`, `SIS Login ID`, `Section`, then one column per assignment
  named `Name (assignment id)`; a column without an id makes Canvas create the assignment. A second
  row, `Points Possible`, gives each assignment's points, as in Canvas's export.
- Moodle (Grade administration > Import > CSV file): a header row, identifier columns (`ID number`,
  `Email address`; map one to the user field of the same name when importing) and one column per
  grade item, mapped to the item when importing.

One column per lesson (the assigned lessons of `autograder/course.toml`, else every lesson in the
gradebook), one row per student (the roster, then anyone else who handed something in), the score
after the late penalty. A cell is empty when the student handed nothing in for that lesson or the
score was withheld for review (`flagged`, `tampered`): both LMSs leave an empty cell unchanged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from backprop_lab.course.config import CourseConfig, Student
from backprop_lab.errors import UserError
from backprop_lab.grading.gradebook import read_gradebook

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
"""The identity columns of a Canvas grade import, in the order of Canvas's gradebook export."""

CANVAS_POINTS_ROW = "Points Possible"

MOODLE_COLUMNS = ["First name", "Last name", "ID number", "Email address"]
"""The identity columns of the Moodle CSV export, by which its import identifies users (ID number or e-mail)."""

FORMATS = ("canvas", "moodle")
WITHHELD = ("flagged", "tampered")
"""Statuses whose score waits for the instructor's review: exported as an empty cell."""


@dataclass
class Export:
    """What `export` wrote, and what the instructor should know about it."""

    path: Path
    students: int
    lessons: list[str]
    warnings: list[str] = field(default_factory=list)


def export(out: str | Path, to: str, config: CourseConfig, path: str | Path | None = None) -> Export:
    """Writes `OUT/gradebook.csv` in an LMS's import format.

    Args:
        out: the output folder of `backprop-lab grade`.
        to: "canvas" or "moodle".
        config: the course configuration (roster, assignments, Canvas assignment ids).
        path: the file to write (default: `OUT/<to>.csv`).

    Returns:
        An `Export` with the file written and warnings (students without LMS ids, withheld scores).

    Raises:
        UserError: an unknown format, or no gradebook in `out`.
    """
    if to not in FORMATS:
        raise UserError(f"unknown export format {to!r}: choose one of {', '.join(FORMATS)}")
    out = Path(out)
    gradebook_path = out / "gradebook.csv"
    if not gradebook_path.is_file():
        raise UserError(f"{gradebook_path} not found: run `backprop-lab grade SUBMISSIONS --out {out}` first")
    rows = read_gradebook(gradebook_path)
    lessons = [a.lesson_id for a in config.assignments] or sorted({r["assignment"] for r in rows})
    roster = list(config.roster)
    known = {s.id for s in roster}
    roster += [Student(sid) for sid in sorted({r["student_id"] for r in rows} - known)]
    scores = {(r["student_id"], r["assignment"]): r for r in rows}
    points = {r["assignment"]: r["max_score"] for r in rows}
    warnings = []
    if not config.roster:
        warnings.append(
            f"{config.source or 'the course configuration'} has no roster ([[students]]): without "
            "LMS ids the import cannot match the students"
        )
    elif len(roster) > len(config.roster):
        warnings.append(
            "not on the roster, exported without LMS ids: " + ", ".join(s.id for s in roster[len(config.roster) :])
        )
    withheld = sorted(
        f"{r['student_id']} ({r['assignment']})" for r in rows if r["status"] in WITHHELD and r["assignment"] in lessons
    )
    if withheld:
        warnings.append("scores withheld for review, exported empty: " + ", ".join(withheld))
    path = Path(path) if path else out / f"{to}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)

    def cell(student: Student, lesson_id: str) -> str:
        row = scores.get((student.id, lesson_id))
        return "" if row is None or row["status"] in WITHHELD else f"{row['score']:g}"

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if to == "canvas":
            titles = []
            for lesson_id in lessons:
                assignment = config.assignment(lesson_id)
                titles.append(
                    f"{lesson_id} ({assignment.canvas_id})" if assignment and assignment.canvas_id else lesson_id
                )
            writer.writerow([*CANVAS_COLUMNS, *titles])
            writer.writerow(
                [
                    CANVAS_POINTS_ROW,
                    "",
                    "",
                    "",
                    "",
                    *(f"{points[lesson]:g}" if lesson in points else "" for lesson in lessons),
                ]
            )
            for s in roster:
                name = f"{s.last_name}, {s.first_name}" if s.last_name and s.first_name else s.name
                writer.writerow(
                    [name, s.lms_id, s.sis_id, s.login, s.section, *(cell(s, lesson) for lesson in lessons)]
                )
        else:
            writer.writerow([*MOODLE_COLUMNS, *lessons])
            for s in roster:
                writer.writerow(
                    [s.first_name, s.last_name, s.sis_id, s.email, *(cell(s, lesson) for lesson in lessons)]
                )
    without_ids = [
        s.id
        for s in roster[: len(config.roster)]
        if not (s.lms_id or s.sis_id or s.login if to == "canvas" else s.sis_id or s.email)
    ]
    if without_ids:
        warnings.append(
            f"no {to.capitalize()} id on the roster (the import cannot match them): " + ", ".join(without_ids)
        )
    return Export(path, len(roster), lessons, warnings)
