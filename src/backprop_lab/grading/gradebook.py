"""The gradebook files written by `backprop-lab grade`."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from backprop_lab.course.config import CourseConfig, load_config

NBGRADER_EXPORT_COLUMNS = [
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score",
]  # fmt: skip
"""The columns of `nbgrader export` (nbgrader 0.9's CSV exporter), in its order."""

GRADEBOOK_COLUMNS = [*NBGRADER_EXPORT_COLUMNS, "status", "reason"]
"""`gradebook.csv`: nbgrader's export columns first, so it imports wherever nbgrader's does."""
CHECK_COLUMNS = ["student_id", "lesson", "check", "score", "max_score", "message"]


def _number(value: float) -> str:
    return f"{value:g}"


def format_time(value: datetime | None) -> str:
    """A gradebook time: UTC, to the second, ISO 8601 (`2026-12-01 23:59:00+00:00`); "" for None."""
    return value.astimezone(timezone.utc).isoformat(sep=" ", timespec="seconds") if value else ""


def parse_time(text: str) -> datetime | None:
    """The inverse of `format_time`."""
    return datetime.fromisoformat(text) if text else None


@dataclass
class Lateness:
    """What the gradebook needs to know beyond the results: the course configuration and submission times.

    Attributes:
        config: due dates, late policy and roster (`autograder/course.toml`).
        timestamps: `(student_id, lesson_id)` -> when the submission was handed in (None: unknown).
    """

    config: CourseConfig = field(default_factory=CourseConfig)
    timestamps: dict = field(default_factory=dict)

    @classmethod
    def of(cls, course, timestamps: dict) -> Lateness:
        return cls(load_config(course), dict(timestamps))

    def row(self, result) -> tuple[str, str, float]:
        """`(duedate, timestamp, late_submission_penalty)` of a result's gradebook row."""
        due = self.config.due(result.lesson_id)
        handed_in = self.timestamps.get((result.student_id, result.lesson_id))
        late_by = handed_in - due if due and handed_in else None
        penalty = self.config.late_policy.penalty(result.score, result.max_score, late_by)
        return format_time(due), format_time(handed_in), penalty


def write_gradebook(results, path: Path, lateness: Lateness | None = None) -> None:
    """One row per submission, in `GRADEBOOK_COLUMNS`: nbgrader's export columns, then `status, reason`.

    `assignment` is the lesson id. As in nbgrader's export, `score` is `raw_score` minus
    `late_submission_penalty`: the penalty of the course's late policy for a submission handed in
    (`timestamp`) after its lesson's due date (`duedate`). Names and e-mail come from the roster.
    Without `lateness` (or a course configuration) those columns are empty and nothing is deducted.
    """
    lateness = lateness or Lateness()
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(GRADEBOOK_COLUMNS)
        for r in results:
            due, handed_in, penalty = lateness.row(r)
            student = lateness.config.student(r.student_id)
            names = [student.last_name, student.first_name, student.email] if student else ["", "", ""]
            writer.writerow(
                [r.lesson_id, due, handed_in, r.student_id, *names, _number(r.score), _number(penalty)]
                + [_number(max(0.0, r.score - penalty)), _number(r.max_score), r.status, r.reason]
            )


def write_checks(results, path: Path) -> None:
    """One row per test cell of each submission, with its failure message."""
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CHECK_COLUMNS)
        for r in results:
            for c in r.checks:
                writer.writerow(
                    [r.student_id, r.lesson_id, c.grade_id, _number(c.score), _number(c.max_score), c.message]
                )


def read_gradebook(path: Path) -> list[dict]:
    """Reads `gradebook.csv` back as a list of dicts (scores as floats).

    A gradebook written before the nbgrader columns (with `lesson` instead
    of `assignment`) is read too: each row gets an `assignment`.
    """
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["score"], row["max_score"] = float(row["score"]), float(row["max_score"])
        if "assignment" not in row and "lesson" in row:
            row["assignment"] = row["lesson"]
    return rows


def format_table(results) -> str:
    """The gradebook as an aligned text table, for the terminal."""
    rows = [["student", "lesson", "score", "status", "reason"]]
    for r in results:
        rows.append([r.student_id, r.lesson_id, f"{r.score:g}/{r.max_score:g}", r.status, r.reason[:60]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
