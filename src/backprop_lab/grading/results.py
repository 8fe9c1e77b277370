"""What grading found: one `GradeResult` per submission, cached in `OUT/results/` by content."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class CheckResult:
    """The outcome of one graded test cell.

    Attributes:
        grade_id: the test cell's grade id.
        score: points earned.
        max_score: points the cell is worth.
        message: why it failed ("" when it passed).
        hidden: the failure came from a hidden check (False: a visible one, or it passed).
    """

    grade_id: str
    score: float
    max_score: float
    message: str = ""
    hidden: bool = False


@dataclass
class GradeResult:
    """The outcome of one submission: a gradebook row plus its checks.

    Attributes:
        seconds: how long the notebook ran (0 when it did not run).
        timeout: the wall-clock limit it ran under (0 when it did not run).
        key: the content key of the submission and lesson, for the cache.
        versions: the student's Python, TensorFlow and Keras versions, as the setup cell recorded them.
    """

    student_id: str
    lesson_id: str
    score: float
    max_score: float
    status: str
    reason: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    key: str = ""
    seconds: float = 0.0
    timeout: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> GradeResult:
        data = dict(data)
        checks = [CheckResult(**c) for c in data.pop("checks", [])]
        return cls(**data, checks=checks)


def result_path(out: Path, lesson_id: str, student_id: str) -> Path:
    return out / "results" / lesson_id / f"{student_id}.json"


def load_cached(out: Path, lesson_id: str, student_id: str, key: str) -> GradeResult | None:
    """The saved result of this submission, if its key (content of submission and lesson) still matches."""
    path = result_path(out, lesson_id, student_id)
    if not path.is_file():
        return None
    try:
        result = GradeResult.from_dict(json.loads(path.read_text()))
    except (ValueError, TypeError):
        return None  # a result from an older layout or a torn write: grade again
    return result if result.key == key else None


def save(out: Path, result: GradeResult) -> None:
    """Writes one result at once (atomically), so an interrupted batch resumes from here."""
    path = result_path(out, result.lesson_id, result.student_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(result), indent=1))
    tmp.replace(path)
