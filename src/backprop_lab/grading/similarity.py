"""Answers that look copied: per exercise, the pairs of students whose own code is unusually similar.

Each answer cell (an nbgrader solution cell, by grade id) is compared across the class, pair by pair:

1. the released template is excluded: lines of the student's cell that are lines of the template (the
   signature, the docstring, `raise NotImplementedError()`) are dropped, leaving the student's own code;
2. the own code is fingerprinted with copydetect (https://pypi.org/project/copydetect/), a maintained
   implementation of MOSS's winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003): its tokenizer
   (Pygments) renames every variable, function and string, drops comments and whitespace, so renamed and
   reformatted copies keep their fingerprints, and runs shorter than `NOISE` characters never count
   (with copydetect's default window, `WINDOW`, every such run is a fingerprint: cells are short);
   answers of one line (`MIN_LINES`) are not compared at all: students who solve a one-liner write
   about the same line by necessity;
3. fingerprints found in the answers of many students (`COMMON_SHARE` of the class, as MOSS's `-m`) are
   what the exercise forces on everyone, and count as common, not as shared;
4. a pair is flagged when at least `threshold` of each student's own code is covered by fingerprints that
   the other student's answer has too.

copydetect is used through its fingerprinting functions (`copydetect.utils`) rather than its file-based
`CopyDetector`, which compares whole files and writes its own report: here the unit is one cell, and the
class report shows the pairs. It is imported only when answers are compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import SOLUTION_MARKER, Lesson, grade_id
from backprop_lab.grading.submissions import Submission, discover

DEFAULT_THRESHOLD = 0.8
"""A pair is flagged when at least this share of each answer's own code is shared with the other."""

NOISE = 25
"""Shortest run of shared code that counts, in characters of tokenized code (copydetect's default)."""

WINDOW = 1
"""Winnowing window: 1 keeps every `NOISE`-gram (copydetect's default: its guarantee threshold equals `NOISE`)."""

MIN_LINES = 2
"""Answers with fewer lines of own code (comments aside) are not compared."""

COMMON_SHARE = 0.2
"""A fingerprint in more answers than this share of the class (and than 2) is common to the exercise."""


@dataclass(frozen=True)
class Pair:
    """Two students whose answers to one exercise are unusually similar.

    Attributes:
        lesson_id: the lesson.
        grade_id: the answer cell (the exercise).
        students: the two student ids, sorted.
        similarity: the smaller of the two shares of own code that the other answer also has.
        codes: both students' own code (the template removed), in the order of `students`.
        spans: for each code, the `(start, end)` character ranges that the other answer shares.
    """

    lesson_id: str
    grade_id: str
    students: tuple[str, str]
    similarity: float
    codes: tuple[str, str]
    spans: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


@dataclass
class Similarity:
    """What comparing a class found.

    Attributes:
        threshold: the share of own code above which a pair is flagged.
        pairs: the flagged pairs, most similar first.
        notes: submissions or cells that were skipped, and why.
        answers: how many answer cells with own code were compared.
        seconds: how long the comparison took.
    """

    threshold: float
    pairs: list[Pair] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answers: int = 0
    seconds: float = 0.0

    def summary(self, most: int = 20) -> str:
        """A few lines for the command line: the `most` most similar pairs and the skipped submissions."""
        lines = [
            f"similarity: {len(self.pairs)} flagged pair(s) at threshold {self.threshold:g} "
            f"({self.answers} answers compared in {self.seconds:.1f} s)"
        ]
        for p in self.pairs[:most]:
            lines.append(f"  {p.lesson_id} {p.grade_id}: {p.students[0]} and {p.students[1]} ({p.similarity:.0%})")
        lines += [f"  skipped: {note}" for note in self.notes[:most]]
        hidden = max(0, len(self.pairs) - most) + max(0, len(self.notes) - most)
        if hidden:
            lines.append(f"  ... {hidden} more line(s) in report.html")
        return "\n".join(lines)


def own_code(answer: str, template: str) -> str:
    """A cell's source without the lines it shares with the released template (blank lines dropped too)."""
    given = {line.strip() for line in template.splitlines()}
    return "\n".join(line for line in answer.splitlines() if line.strip() and line.strip() not in given)


NBGRADER_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
"""What nbgrader puts in place of a solution (a template even before the lesson is released)."""


def template_of(lesson: Lesson, cell_id: str) -> str:
    """What students were given in an answer cell: its release, the reference outside the solution, the stub."""
    reference = lesson.answers.get(cell_id, "")
    given, inside = [], False
    for line in reference.splitlines():
        if SOLUTION_MARKER.match(line):
            inside = "BEGIN" in line
        elif not inside:
            given.append(line)
    return "\n".join([lesson.released.get(cell_id, ""), *given, *NBGRADER_STUB])


def read_answers(path: Path, lesson: Lesson) -> tuple[dict[str, str], list[str]]:
    """The own code of each answer cell of one submission.

    Returns:
        `({grade_id: own code}, problems)`: a notebook that cannot be read gives no answers and one
        problem; a missing answer cell gives a problem naming it.
    """
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
        cells = {grade_id(cell): cell.source for cell in notebook.cells}
    except (ValueError, UnicodeDecodeError) as err:
        return {}, [f"not valid notebook JSON: {_first_line(err)}"]
    except (OSError, AttributeError, TypeError, KeyError, nbformat.ValidationError) as err:
        return {}, [f"not a notebook: {_first_line(err)}"]
    answers, problems = {}, []
    for cell_id in lesson.answers:
        if cell_id in cells:
            answers[cell_id] = own_code(cells[cell_id], template_of(lesson, cell_id))
        else:
            problems.append(f"no answer cell {cell_id} (deleted?)")
    return answers, problems


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return lines[0][:200] if lines else type(err).__name__


@dataclass(frozen=True)
class _Print:
    """An answer's copydetect fingerprints: tokenized code, its offsets into the code, hash -> positions."""

    code: str
    tokens: str
    offsets: object
    positions: dict
    coverage: float


def _fingerprint(code: str) -> _Print:
    from copydetect.utils import filter_code, get_document_fingerprints, get_token_coverage

    # Pygments reads `x@dy` (no space) as a decorator named `@dy`, so a copy that only respaced a matrix
    # product would lose its fingerprints; `*` has the same length (the spans still fit `code`) and lexes alike.
    tokens, offsets = filter_code(code.replace("@", "*"), "answer.py", language="python")
    _, positions = get_document_fingerprints(tokens, NOISE, WINDOW)
    return _Print(code, tokens, offsets, positions, float(get_token_coverage(positions, NOISE, len(tokens))))


def _shared(a: _Print, b: _Print, common: set) -> tuple[float, tuple, tuple]:
    """The smaller share of each answer covered by fingerprints both have (common ones aside), and the spans."""
    from copydetect.utils import find_fingerprint_overlap, get_copied_slices

    shared = (a.positions.keys() & b.positions.keys()) - common
    if not shared or not a.coverage or not b.coverage:
        return 0.0, (), ()
    overlap = find_fingerprint_overlap(shared, shared, a.positions, b.positions)
    shares, spans = [], []
    for doc, index in zip((a, b), overlap, strict=True):
        slices = get_copied_slices(index, NOISE)
        shares.append(float((slices[1] - slices[0]).sum()) / doc.coverage)
        spans.append(_raw_spans(doc, slices))
    return min(shares), spans[0], spans[1]


def _raw_spans(doc: _Print, slices) -> tuple[tuple[int, int], ...]:
    """Tokenized-code slices mapped back to character ranges of the code (as copydetect's `compare_files`)."""
    import numpy as np

    if len(doc.offsets):
        where = np.clip(np.searchsorted(doc.offsets[:, 0], slices), 0, doc.offsets.shape[0] - 1)
        slices = slices + doc.offsets[:, 1][where]
    return tuple((int(start), min(int(end), len(doc.code))) for start, end in slices.T)


def compare_answers(lesson_id: str, cell_id: str, answers: dict[str, str], threshold: float) -> list[Pair]:
    """The flagged pairs among the students' own code for one answer cell.

    Args:
        lesson_id: the lesson, cell_id: the answer cell, both for the pairs' labels.
        answers: student id -> own code (template removed); answers under `MIN_LINES` are left out.
        threshold: the share of own code (of both students) that must be shared to flag a pair.
    """
    by_code: dict[str, _Print] = {}  # the same text handed in twice is fingerprinted once
    prints = {}
    for student, code in sorted(answers.items()):
        if _lines(code) >= MIN_LINES:
            by_code[code] = by_code.get(code) or _fingerprint(code)
            if by_code[code].positions:
                prints[student] = by_code[code]
    holders: dict = {}  # fingerprint -> the students whose answer has it
    for student, p in prints.items():
        for value in p.positions:
            holders.setdefault(value, []).append(student)
    limit = max(2, COMMON_SHARE * len(prints))
    common = {value for value, students in holders.items() if len(students) > limit}
    candidates = {pair for students in holders.values() if len(students) <= limit for pair in combinations(students, 2)}
    pairs = []
    for one, two in sorted(candidates):
        a, b = prints[one], prints[two]
        similarity, spans_a, spans_b = _shared(a, b, common)
        if similarity >= threshold:
            pairs.append(Pair(lesson_id, cell_id, (one, two), similarity, (a.code, b.code), (spans_a, spans_b)))
    return pairs


def _lines(code: str) -> int:
    return sum(1 for line in code.splitlines() if line.strip() and not line.strip().startswith("#"))


def find_similar(submissions: list[Submission], lessons: dict[str, Lesson], threshold: float) -> Similarity:
    """Compares every answer cell across the submissions of each lesson.

    Args:
        submissions: as `submissions.discover` lists them; those with a `problem` are skipped with a note.
        lessons: lesson id -> `Lesson` (its answer cells and their released templates).
        threshold: see `compare_answers`.
    """
    started = time.perf_counter()
    result = Similarity(threshold)
    by_cell: dict[tuple[str, str], dict[str, str]] = {}
    for sub in submissions:
        lesson = lessons.get(sub.lesson_id)
        if sub.problem or lesson is None:
            result.notes.append(f"{sub.student_id} {sub.lesson_id}: {sub.problem or 'unknown lesson'}")
            continue
        answers, problems = read_answers(sub.path, lesson)
        result.notes += [f"{sub.student_id} {sub.lesson_id}: {problem}" for problem in problems]
        for cell_id, code in answers.items():
            by_cell.setdefault((sub.lesson_id, cell_id), {})[sub.student_id] = code
    for (lesson_id, cell_id), answers in sorted(by_cell.items()):
        result.answers += sum(1 for code in answers.values() if code.strip())
        result.pairs += compare_answers(lesson_id, cell_id, answers, threshold)
    result.pairs.sort(key=lambda p: (-p.similarity, p.lesson_id, p.grade_id, p.students))
    result.seconds = time.perf_counter() - started
    return result


def check_class(
    submissions: str | Path, course: Course, lesson: str | None = None, threshold: float = DEFAULT_THRESHOLD
) -> Similarity:
    """Finds the submissions under a folder or zip (as `backprop-lab grade` does) and compares them.

    Args:
        submissions: nbgrader's layout, or a flat folder or zip of one lesson (`lesson`).
        course: the course, for its lessons' answer cells and templates.
        lesson: the lesson of a flat folder or zip.
        threshold: see `compare_answers`.

    Raises:
        UserError: the submissions cannot be found (as for `grade`), or the threshold is not in (0, 1].
    """
    import tempfile

    from backprop_lab.errors import UserError

    if not 0 < threshold <= 1:
        raise UserError(f"the similarity threshold is a share of the answer's code, in (0, 1]; got {threshold:g}")
    with tempfile.TemporaryDirectory(prefix="bpl-similarity-") as workdir:
        found = discover(Path(submissions), course, lesson, Path(workdir))
        known = set(course.lesson_ids())
        lessons = {lesson_id: course.lesson(lesson_id) for lesson_id in {s.lesson_id for s in found} & known}
        return find_similar(found, lessons, threshold)
