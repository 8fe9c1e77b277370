"""The gradebook files written by `backprop-lab grade`."""

from __future__ import annotations

import csv
from pathlib import Path

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


def write_gradebook(results, path: Path) -> None:
    """One row per submission, in `GRADEBOOK_COLUMNS`: nbgrader's export columns, then `status, reason`.

    `assignment` is the lesson id. `backprop-lab grade` knows no due dates,
    submission times, names or e-mails, so those columns are empty, nothing is
    deducted for lateness (`raw_score` = `score`), as in nbgrader's export of
    a course without due dates.
    """
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(GRADEBOOK_COLUMNS)
        for r in results:
            score = _number(r.score)
            writer.writerow(
                [r.lesson_id, "", "", r.student_id, "", "", "", score, "0", score, _number(r.max_score)]
                + [r.status, r.reason]
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
        rows.append(
            [r.student_id, r.lesson_id, f"{r.score:g}/{r.max_score:g}", r.status, r.reason[:60]]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
