"""The gradebook files written by `backprop-lab grade`."""

from __future__ import annotations

import csv
from pathlib import Path

GRADEBOOK_COLUMNS = ["student_id", "lesson", "score", "max_score", "status", "reason"]
CHECK_COLUMNS = ["student_id", "lesson", "check", "score", "max_score", "message"]


def _number(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results, path: Path) -> None:
    """One row per submission: `student_id, lesson, score, max_score, status, reason`."""
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(GRADEBOOK_COLUMNS)
        for r in results:
            writer.writerow(
                [r.student_id, r.lesson_id, _number(r.score), _number(r.max_score), r.status, r.reason]
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
    """Reads `gradebook.csv` back as a list of dicts (scores as floats)."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["score"], row["max_score"] = float(row["score"]), float(row["max_score"])
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
