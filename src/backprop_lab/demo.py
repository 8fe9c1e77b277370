"""`backprop-lab demo`: the instructor flow on a bundled sample class.

The class is the reference solution, the untouched release, and a few
realistic partly-right submissions kept in `assets/demo_class/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from backprop_lab.course import Course

DEFAULT_OUT = "backprop-lab-demo"
DEMO_LESSON = "01_manual_backprop"


def assemble_class(course: Course, target: Path) -> Path:
    """Writes the sample class in nbgrader's layout under `target`.

    `reference` and `untouched` are built from the current lesson; the other
    students are copied from `assets/demo_class/`.
    """
    import nbformat

    from backprop_lab.course.synthetic import build_submission

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(course.assets_dir / "demo_class", target)
    for student, notebook in [
        ("reference", build_submission(course, DEMO_LESSON)),
        ("untouched", build_submission(course, DEMO_LESSON, fill=False)),
    ]:
        path = target / student / DEMO_LESSON / f"{DEMO_LESSON}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    return target


def run_demo(
    out=DEFAULT_OUT,
    *,
    course: Course | None = None,
    workers: int | None = None,
    sandboxed: bool | None = None,
    on_result=None,
):
    """Grades the sample class into `out`, writes its class report, and returns the results.

    `sandboxed` is passed to `grade` (None: in the sandbox when bubblewrap is installed).
    """
    from backprop_lab.grading.pipeline import grade
    from backprop_lab.grading.report import write_report
    from backprop_lab.grading.similarity import check_class

    course = course or Course.locate()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    submissions = assemble_class(course, out / "submissions")
    results = grade(submissions, out, course=course, workers=workers, sandboxed=sandboxed, on_result=on_result)
    write_report(out, similarity=check_class(submissions, course))
    return results
