"""`backprop-lab report`: one HTML page about the whole class, from a grading folder.

It reads `OUT/gradebook.csv` and `OUT/checks.csv` written by `backprop-lab grade`
and shows the score distribution per lesson, the failure rate of every check
(where the class struggles), late and missing submissions (against the roster
of the course configuration when there is one), the students who may need
help, with matplotlib figures embedded as PNG, and, when the submissions are
given, the pairs of answers that look copied (`grading.similarity`), side by side.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from backprop_lab.course.config import CourseConfig
from backprop_lab.errors import UserError
from backprop_lab.grading.gradebook import parse_time, read_gradebook
from backprop_lab.grading.similarity import Pair, Similarity

HELP_THRESHOLD = 0.5
"""Students whose mean score share is below this are listed as possibly needing help."""


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"{path} not found: run `backprop-lab grade SUBMISSIONS --out {path.parent}` first")
    return path


def _read(path: Path) -> list[dict]:
    with open(_existing(path), newline="") as fh:
        return list(csv.DictReader(fh))


def summarize(
    gradebook: list[dict], checks: list[dict], config: CourseConfig | None = None, now: datetime | None = None
) -> dict:
    """The numbers behind the report.

    Args:
        gradebook: rows of `gradebook.csv` (the lesson id in `assignment`,
            as in nbgrader's export).
        checks: rows of `checks.csv` (the lesson id in `lesson`).
        config: the course configuration: with a roster, every student on it is expected to hand in
            every lesson graded and every assigned lesson whose due date has passed (`now`).
        now: the time due dates are compared with (default: the current time).

    Returns:
        A dict with `lessons` (sorted ids), `shares` (lesson -> list of
        score shares of graded submissions), `failure_rates` (lesson ->
        {check: share of graded submissions failing it}), `missing`
        (lesson -> students without a submission), `late` (rows handed in after
        their due date), `not_on_roster` (students who handed in but are not on
        the roster), `problems` (rows whose status is not `graded`) and
        `need_help` (student -> mean share).
    """
    config = config or CourseConfig()
    now = now or datetime.now(timezone.utc)
    roster = [s.id for s in config.roster]
    lessons = sorted(
        {row["assignment"] for row in gradebook} | {a.lesson_id for a in config.assignments if a.due < now}
    )
    students = sorted({row["student_id"] for row in gradebook} | set(roster))
    shares: dict[str, list[float]] = defaultdict(list)
    per_student: dict[str, list[float]] = defaultdict(list)
    submitted: dict[str, set] = defaultdict(set)
    problems = []
    for row in gradebook:
        submitted[row["assignment"]].add(row["student_id"])
        share = float(row["score"]) / float(row["max_score"]) if float(row["max_score"]) else 0.0
        per_student[row["student_id"]].append(share)
        if row["status"] == "graded":
            shares[row["assignment"]].append(share)
        else:
            problems.append(row)
    graded = {(r["student_id"], r["assignment"]) for r in gradebook if r["status"] == "graded"}
    failures: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for row in checks:
        if (row["student_id"], row["lesson"]) in graded:
            failures[row["lesson"]][row["check"]].append(float(row["score"]) < float(row["max_score"]))
    failure_rates = {
        lesson: {check: sum(flags) / len(flags) for check, flags in by_check.items()}
        for lesson, by_check in failures.items()
    }
    missing = {lesson: sorted(set(students) - submitted[lesson]) for lesson in lessons}
    for absent in missing.values():
        for student in absent:
            per_student[student].append(0.0)
    need_help = {
        student: sum(values) / len(values)
        for student, values in sorted(per_student.items())
        if sum(values) / len(values) < HELP_THRESHOLD
    }
    late = [row for row in gradebook if _late(row)]
    return {
        "lessons": lessons,
        "shares": dict(shares),
        "failure_rates": failure_rates,
        "missing": missing,
        "late": late,
        "not_on_roster": sorted({row["student_id"] for row in gradebook} - set(roster)) if roster else [],
        "problems": problems,
        "need_help": need_help,
    }


def _late(row: dict) -> bool:
    due, handed_in = parse_time(row.get("duedate", "")), parse_time(row.get("timestamp", ""))
    return bool(due and handed_in and handed_in > due)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _score_figure(summary: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.5))
    ax = fig.subplots()
    lessons = [lesson for lesson in summary["lessons"] if summary["shares"].get(lesson)]
    ax.boxplot([[100 * s for s in summary["shares"][lesson]] for lesson in lessons], showmeans=True)
    ax.set_xticks(range(1, len(lessons) + 1), [lesson[:2] for lesson in lessons])
    ax.set(title="Score distribution per lesson", xlabel="lesson", ylabel="score (% of points)", ylim=(-5, 105))
    return fig


def _failure_figure(lesson: str, rates: dict[str, float]):
    from matplotlib.figure import Figure

    names = sorted(rates, key=rates.get)
    fig = Figure(figsize=(8, 0.4 * len(names) + 1.2))
    ax = fig.subplots()
    ax.barh([n.removeprefix("test_") for n in names], [100 * rates[n] for n in names], color="#cf222e")
    ax.set(title=f"{lesson}: share of submissions failing each check", xlabel="failing (%)", xlim=(0, 100))
    return fig


def _marked(code: str, spans) -> str:
    """`code` as HTML with the `(start, end)` spans inside `<mark>`."""
    parts, done = [], 0
    for start, end in spans:
        parts += [html.escape(code[done:start]), f"<mark>{html.escape(code[start:end])}</mark>"]
        done = end
    return "".join(parts) + html.escape(code[done:])


def _pair_view(pair: Pair) -> str:
    """Both students' own code side by side, the code they share highlighted."""
    columns = "".join(
        f"<div><b>{html.escape(student)}</b><pre>{_marked(code, spans)}</pre></div>"
        for student, code, spans in zip(pair.students, pair.codes, pair.spans, strict=True)
    )
    return (
        f"<details open><summary>{html.escape(pair.lesson_id)} <code>{html.escape(pair.grade_id)}</code>: "
        f"<b>{html.escape(pair.students[0])}</b> and <b>{html.escape(pair.students[1])}</b>, "
        f"{pair.similarity:.0%} shared</summary><div class='pair'>{columns}</div></details>"
    )


def similarity_section(similarity: Similarity | None) -> str:
    """The report's section on copying: how to read it, each flagged pair side by side, skipped files."""
    parts = ["<h2 id='similarity'>Answers that look copied</h2>"]
    if similarity is None:
        return parts[0] + (
            "<p>Not checked: run <code>backprop-lab report OUT --submissions SUBMISSIONS</code> "
            "to compare the students' answers.</p>"
        )
    parts.append(
        f"<p>Each answer cell compared across the class ({similarity.answers} answers, "
        f"{similarity.seconds:.1f} s): the released template removed, variables renamed and layout ignored "
        f"(copydetect's winnowing, as MOSS), code that many students share by necessity set aside. "
        f"A pair is listed when at least {similarity.threshold:.0%} of each student's own code is also in the "
        "other's (<code>--similarity-threshold</code>); below, both students' own code side by side, the shared "
        "code marked. Similar code is a reason to look, not a proof.</p>"
    )
    if similarity.pairs:
        parts += [_pair_view(pair) for pair in similarity.pairs]
    else:
        parts.append("<p>No pair above the threshold.</p>")
    if similarity.notes:
        parts.append(
            "<p>Not compared:</p><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in similarity.notes) + "</ul>"
        )
    return "".join(parts)


def render_report(summary: dict, similarity: Similarity | None = None) -> str:
    """The report page as an HTML string (`similarity`: the comparison of the answers, if made)."""
    esc = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Class report</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "td,th{padding:.3rem .6rem;text-align:left;border-bottom:1px solid #ddd}"
        ".pair{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}"
        ".pair pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;font-size:.85rem;line-height:1.5;margin:.3rem 0}"
        "mark{background:#ffd8a8}details{margin:.8rem 0}</style></head><body>",
        "<h1>Class report</h1>",
    ]
    if any(summary["shares"].values()):
        parts.append(
            f"<h2>Scores</h2><img alt='score distribution' src='data:image/png;base64,{_png(_score_figure(summary))}'>"
        )
    parts.append("<h2>Where the class struggles</h2>")
    for lesson in summary["lessons"]:
        rates = summary["failure_rates"].get(lesson)
        if rates:
            hardest = max(rates, key=rates.get)
            parts.append(
                f"<h3>{esc(lesson)}</h3><p>Hardest check: <b>{esc(hardest.removeprefix('test_'))}</b> "
                f"({100 * rates[hardest]:.0f}% failing)</p>"
                f"<img alt='failure rate per check' src='data:image/png;base64,"
                f"{_png(_failure_figure(lesson, rates))}'>"
            )
    parts.append("<h2>Missing submissions</h2>")
    missing = [(lesson, s) for lesson, students in summary["missing"].items() for s in students]
    parts.append(
        "<table><tr><th>lesson</th><th>student</th></tr>"
        + "".join(f"<tr><td>{esc(lesson)}</td><td>{esc(s)}</td></tr>" for lesson, s in missing)
        + "</table>"
        if missing
        else "<p>None: every student handed in every lesson.</p>"
    )
    if summary.get("not_on_roster"):
        parts.append(
            "<p>Handed in but not on the roster: " + ", ".join(esc(s) for s in summary["not_on_roster"]) + ".</p>"
        )
    parts.append("<h2>Late submissions</h2>")
    if summary.get("late"):
        parts.append("<table><tr><th>lesson</th><th>student</th><th>due</th><th>handed in</th><th>penalty</th></tr>")
        for row in summary["late"]:
            parts.append(
                f"<tr><td>{esc(row['assignment'])}</td><td>{esc(row['student_id'])}</td>"
                f"<td>{esc(row['duedate'])}</td><td>{esc(row['timestamp'])}</td>"
                f"<td>{esc(row['late_submission_penalty'])}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>None (late work is measured against the due dates of autograder/course.toml).</p>")
    if summary["problems"]:
        parts.append(
            "<h2>Submissions that could not be graded normally</h2><table>"
            "<tr><th>student</th><th>lesson</th><th>status</th><th>reason</th></tr>"
        )
        for row in summary["problems"]:
            parts.append(
                f"<tr><td>{esc(row['student_id'])}</td><td>{esc(row['assignment'])}</td>"
                f"<td>{esc(row['status'])}</td><td>{esc(row['reason'])}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        f"<h2>Students who may need help</h2><p>Mean score below {HELP_THRESHOLD:.0%} (missing lessons count as 0).</p>"
    )
    if summary["need_help"]:
        parts.append(
            "<table><tr><th>student</th><th>mean score</th></tr>"
            + "".join(f"<tr><td>{esc(s)}</td><td>{100 * v:.0f}%</td></tr>" for s, v in summary["need_help"].items())
            + "</table>"
        )
    else:
        parts.append("<p>Nobody.</p>")
    parts.append(similarity_section(similarity))
    parts.append("</body></html>")
    return "".join(parts)


def write_report(out: str | Path, config: CourseConfig | None = None, similarity: Similarity | None = None) -> Path:
    """Writes `OUT/report.html` from the grading results in `OUT` and returns its path.

    Args:
        out: the output folder of `backprop-lab grade`.
        config: the course configuration, for the roster and the due dates (see `summarize`).
        similarity: the comparison of the class's answers (`similarity.check_class`); None: not made.
    """
    out = Path(out)
    summary = summarize(read_gradebook(_existing(out / "gradebook.csv")), _read(out / "checks.csv"), config)
    path = out / "report.html"
    path.write_text(render_report(summary, similarity), encoding="utf-8")
    return path
