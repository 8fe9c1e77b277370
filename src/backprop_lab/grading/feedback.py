"""Per-student HTML feedback: score, status and each check with its message.

Feedback shows what failed and why, never the source of hidden tests.
"""

from __future__ import annotations

import html
from pathlib import Path

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.pass{color:#1a7f37}.fail{color:#cf222e}.msg{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap}
.env{font-family:system-ui,sans-serif;color:#57606a;font-size:.85em;margin-top:.3rem}
"""


def versions_note(versions: dict[str, str]) -> str:
    """The student's versions as shown beside a failed check, with those newer than the course was tested with."""
    from backprop_lab.environment import NAMES, TESTED_VERSIONS, format_versions, newer_than_tested

    if not versions:
        return ""
    tested = " · ".join(f"{NAMES[name]} {'.'.join(map(str, v))}" for name, v in TESTED_VERSIONS.items())
    newer = newer_than_tested(versions)
    note = f"Your versions: {format_versions(versions)}"
    return note + (f" (newer than tested with: {tested})" if newer else "")


def render_feedback(result) -> str:
    """The feedback page of one submission, as an HTML string."""
    esc = html.escape
    rows = []
    env = versions_note(getattr(result, "versions", None) or {})
    for check in result.checks:
        passed = check.score >= check.max_score
        verdict = '<span class="pass">passed</span>' if passed else '<span class="fail">failed</span>'
        name = check.grade_id.removeprefix("test_")
        rows.append(
            f"<tr><td>{esc(name)}</td><td>{check.score:g} / {check.max_score:g}</td>"
            f'<td>{verdict}</td><td class="msg">{esc(check.message)}'
            + (f'<div class="env">{esc(env)}</div>' if env and not passed else "")
            + "</td></tr>"
        )
    status = "" if result.status == "graded" else f"<p><b>Status:</b> {esc(result.status)}</p>"
    reason = f"<p>{esc(result.reason)}</p>" if result.reason else ""
    if getattr(result, "timeout", 0):
        reason += f"<p>The notebook ran for {result.seconds:.1f} s (this lesson's limit: {result.timeout:g} s).</p>"
    table = (
        "<table><tr><th>exercise</th><th>points</th><th>result</th><th>what went wrong</th></tr>"
        + "".join(rows)
        + "</table>"
        if rows
        else ""
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{esc(result.lesson_id)} · '
        f"{esc(result.student_id)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{esc(result.lesson_id)}</h1><p>Student: <b>{esc(result.student_id)}</b></p>"
        f"<h2>Score: {result.score:g} / {result.max_score:g}</h2>{status}{reason}{table}"
        "<p>Each exercise is checked by visible tests you can run in the notebook and by hidden "
        "tests on other inputs; each message says which kind failed. Fix the first failing exercise "
        "first: later ones often use it."
        "</p></body></html>"
    )


def write_feedback(result, folder: Path) -> Path:
    """Writes `folder/<student_id>/<lesson_id>.html` and returns its path."""
    path = Path(folder) / result.student_id / f"{result.lesson_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_feedback(result), encoding="utf-8")
    return path
