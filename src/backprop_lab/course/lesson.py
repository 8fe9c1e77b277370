"""A lesson as the tools see it, read once from its instructor source and its release.

This is the one reader of nbgrader's metadata and of the course's markers
(`### BEGIN/END SOLUTION`, `### BEGIN/END HIDDEN TESTS`): the grader, the
synthetic submissions, the release checks and the tests all ask a `Lesson`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


@dataclass(frozen=True)
class LessonCell:
    """One cell with nbgrader metadata.

    Attributes:
        kind: "answer" (a solution cell), "test" (graded) or "locked".
        grade_id: nbgrader's grade id.
        source: the trusted source, from the instructor notebook.
        points: points of a test cell (0 for the others).
    """

    kind: str
    grade_id: str
    source: str
    points: float = 0.0


@dataclass(frozen=True)
class Lesson:
    """A lesson's trusted cells, its released cells and what grading needs to know.

    Attributes:
        lesson_id: the folder name, e.g. `01_manual_backprop`.
        cells: every cell with nbgrader metadata, in course order.
        released: grade id -> source as released to students (empty before a release).
        hidden_lines: lines of the hidden tests long enough to recognise in a message.
        setup: the setup cell (tagged `setup`), trusted like a locked cell.
        digest: a hash of the source and the release, to key cached results.
    """

    lesson_id: str
    cells: tuple[LessonCell, ...]
    released: dict[str, str]
    hidden_lines: frozenset[str]
    setup: str = ""
    digest: str = ""

    @property
    def grade_ids(self) -> set[str]:
        return {c.grade_id for c in self.cells}

    @property
    def tests(self) -> tuple[tuple[str, float], ...]:
        """`(grade_id, points)` of every test cell, in course order."""
        return tuple((c.grade_id, c.points) for c in self.cells if c.kind == "test")

    @property
    def max_score(self) -> float:
        return sum(points for _, points in self.tests)

    @property
    def answers(self) -> dict[str, str]:
        """Grade id -> reference source (solution markers kept) of every solution cell."""
        return {c.grade_id: c.source for c in self.cells if c.kind == "answer"}

    @classmethod
    def load(cls, lesson_id: str, source_path: Path, release_path: Path | None = None, *, source=None) -> Lesson:
        """Reads a lesson's source, and its release when there is one.

        Args:
            lesson_id: the lesson.
            source_path: its instructor notebook (or any notebook carrying its cells).
            release_path: its student version, when released.
            source: the notebook at `source_path`, when the caller has already read it.
        """
        import nbformat

        source_path = Path(source_path)
        if source is None:
            source = nbformat.read(source_path, as_version=4)
        cells, hidden = [], set()
        setup = next((c.source for c in source.cells if "setup" in c.metadata.get("tags", [])), "")
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade_id"):
                continue
            kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "locked"
            points = float(meta.get("points") or 0) if kind == "test" else 0.0
            cells.append(LessonCell(kind, meta["grade_id"], cell.source, points))
            hidden |= hidden_lines(cell.source)
        released: dict[str, str] = {}
        content = source_path.read_bytes()
        if release_path is not None and Path(release_path).is_file():
            content += Path(release_path).read_bytes()
            released = {grade_id(c): c.source for c in nbformat.read(release_path, as_version=4).cells if grade_id(c)}
        digest = hashlib.sha256(content).hexdigest()[:16]
        return cls(lesson_id, tuple(cells), released, frozenset(hidden), setup, digest)


def grade_id(cell) -> str:
    """The nbgrader grade id of a code cell, or ""."""
    return cell.metadata.get("nbgrader", {}).get("grade_id", "") if cell.cell_type == "code" else ""


def is_solution(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def is_test(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade"))


def reference_code(source: str) -> str:
    """A solution cell's source with the `### BEGIN/END SOLUTION` lines removed."""
    return "\n".join(line for line in source.splitlines() if not SOLUTION_MARKER.match(line))


def hidden_lines(source: str) -> set[str]:
    """The lines between the hidden-test markers that are long enough to recognise elsewhere."""
    lines, inside = set(), False
    for line in source.splitlines():
        if line.strip() == HIDDEN[0]:
            inside = True
        elif line.strip() == HIDDEN[1]:
            inside = False
        elif inside and len(line.strip()) >= 12:
            lines.add(line.strip())
    return lines


def hidden_line_numbers(source: str) -> frozenset[int]:
    """The 1-based numbers of the lines between the hidden-test markers of a test cell."""
    numbers, inside = set(), False
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == HIDDEN[0]:
            inside = True
        elif line.strip() == HIDDEN[1]:
            inside = False
        elif inside:
            numbers.add(number)
    return frozenset(numbers)


def load_notebook(path: Path):
    """Reads and validates a notebook once.

    Returns:
        `(notebook, "")`, or `(None, why path is not a gradable notebook)`.
    """
    import nbformat  # instructor-only dependency: imported when needed

    if path.stat().st_size == 0:
        return None, "the file is empty"
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except (AttributeError, TypeError, KeyError) as err:  # JSON, but not shaped like a notebook (`[]`)
        return None, f"not a notebook: {type(err).__name__}: {str(err)[:200]}"
    except (ValueError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return None, f"not valid notebook JSON: {first[:200]}"
    except nbformat.ValidationError as err:
        return None, f"not a valid notebook: {err.message[:200]}"
    if not any(c.cell_type == "code" for c in notebook.cells):
        return None, "the notebook has no code cells"
    return notebook, ""


def notebook_problem(path: Path) -> str:
    """Returns why `path` is not a gradable notebook, or an empty string."""
    return load_notebook(path)[1]


def read_source(path: Path):
    """An instructor notebook, read once and checked.

    Raises:
        UserError: the file is not a notebook, or its nbgrader metadata is broken.
    """
    from backprop_lab.errors import UserError

    notebook, problem = load_notebook(path)
    if problem:
        raise UserError(f"{path} is broken ({problem}). Fix it, or restore it with git.")
    problems = grading_metadata_problems(notebook)
    if problems:
        raise UserError(f"{path} has broken nbgrader metadata: " + "; ".join(problems))
    return notebook


def grading_metadata_problems(notebook) -> list[str]:
    """Problems in an instructor notebook's nbgrader metadata that nbgrader reports poorly.

    Args:
        notebook: the notebook (an `nbformat.NotebookNode`).

    Returns:
        One sentence per problem: a duplicated grade id, an unknown schema
        version, or a graded cell without points.
    """
    seen: set[str] = set()
    problems = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        gid = meta.get("grade_id", "")
        if gid in seen:
            problems.append(f"cell {index}: grade_id {gid!r} is used twice")
        seen.add(gid)
        if meta.get("schema_version") != 3:
            problems.append(f"cell {index} ({gid}): schema_version must be 3")
        if meta.get("grade") and not meta.get("points"):
            problems.append(f"cell {index} ({gid}): a graded cell needs points")
    return problems
