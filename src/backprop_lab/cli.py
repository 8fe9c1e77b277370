"""The `backprop-lab` command: a thin layer over the Python API.

Every default comes from the API (`grader.default_workers`, `precheck.DEFAULT_TIMEOUT`,
`demo.DEFAULT_OUT`), so the command line and the library cannot drift apart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backprop_lab import __version__
from backprop_lab.course import Course
from backprop_lab.errors import UserError


def _progress(result, done: int, total: int, width: int = 24) -> None:
    """One line per finished submission, led by a progress bar: `[#####-----] 12/40 alice ...`."""
    filled = round(width * done / total) if total else width
    print(
        f"[{'#' * filled}{'-' * (width - filled)}] [{done}/{total}] {result.student_id} {result.lesson_id}: "
        f"{result.score:g}/{result.max_score:g} {result.status}",
        file=sys.stderr,
        flush=True,
    )


def cmd_release(args) -> int:
    from backprop_lab.course.release import release

    course = Course.locate(args.course)
    for path in release(course, args.lessons):
        print(f"released {path.relative_to(course.root)}")
    return 0


def cmd_publish(args) -> int:
    from backprop_lab.course.config import load_config
    from backprop_lab.course.publish import publish

    course = Course.locate(args.course)
    config = load_config(course)
    written = publish(course, args.dir, config)
    print(
        f"published {len(written)} files to {args.dir}: lessons/, src/ (the student library), "
        f"pyproject.toml, README.md\nnext: push {args.dir} to {config.publication.repository} "
        f"(branch {config.publication.branch}); keep this repository private"
    )
    return 0


def cmd_export(args) -> int:
    from backprop_lab.course.config import load_config
    from backprop_lab.grading.export import export

    done = export(args.out, args.to, load_config(Course.locate(args.course)), args.file)
    for warning in done.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{args.to}: {done.path} ({done.students} students, {len(done.lessons)} lessons)")
    return 0


def cmd_grade(args) -> int:
    from backprop_lab.course.config import load_config
    from backprop_lab.grading.gradebook import format_table
    from backprop_lab.grading.pipeline import grade

    course = Course.locate(args.course)
    load_config(course)  # a mistake in autograder/course.toml stops here, not after grading
    results = grade(
        args.submissions,
        args.out,
        course=course,
        lesson=args.lesson,
        workers=args.workers,
        timeout=args.timeout,
        memory_gb=args.memory,
        scheduler=args.scheduler,
        sandboxed=args.sandbox,
        on_result=None if args.quiet else _progress,
    )
    print(format_table(results))
    print(f"\ngradebook: {Path(args.out) / 'gradebook.csv'}\nfeedback:  {Path(args.out) / 'feedback'}/")
    return 0


def cmd_check(args) -> int:
    from backprop_lab.grading.precheck import precheck

    print(f"Checking {args.notebook}: running it with its visible checks (this takes a while)...", flush=True)
    report = precheck(args.notebook, timeout=args.timeout, sandboxed=args.sandbox)
    print(report.text())
    return 0 if report.ok else 1


def cmd_demo(args) -> int:
    from backprop_lab.demo import run_demo
    from backprop_lab.grading.gradebook import format_table
    from backprop_lab.sandbox.setup import prepare_sandbox

    course = Course.locate(args.course)
    status = prepare_sandbox(install=args.sandbox_setup)
    if status.ready:
        print(f"Sandbox: {status.message}.")
    else:
        print(f"WARNING: the demo grades WITHOUT the sandbox: {status.message}.", file=sys.stderr)
    results = run_demo(args.out, course=course, workers=args.workers, sandboxed=status.ready, on_result=_progress)
    print(format_table(results))
    print(f"\ngradebook: {Path(args.out) / 'gradebook.csv'}\nfeedback:  {Path(args.out) / 'feedback'}/")
    print(f"report:    {Path(args.out) / 'report.html'}")
    return 0


def cmd_report(args) -> int:
    from backprop_lab.course.config import load_config
    from backprop_lab.grading.report import write_report
    from backprop_lab.grading.similarity import check_class

    try:
        course = Course.locate(args.course)
        config = load_config(course)
    except UserError:
        if args.course or args.submissions:
            raise
        course = config = None  # outside a checkout: no roster, missing submissions among those who handed in
    submissions = args.submissions
    if submissions is None and course and (Path(args.out) / "submissions").is_dir():
        submissions = Path(args.out) / "submissions"  # where `backprop-lab demo` puts its class
    similarity = None
    if submissions is not None:
        similarity = check_class(submissions, course, args.lesson, args.similarity_threshold)
    print(f"report: {write_report(args.out, config, similarity)}")
    if similarity is not None:
        print(similarity.summary())
    else:
        print("similarity: not checked (give --submissions SUBMISSIONS to compare the answers)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from backprop_lab import demo
    from backprop_lab.grading import pipeline as grader
    from backprop_lab.grading import precheck

    parser = argparse.ArgumentParser(
        prog="backprop-lab",
        description="Backprop Lab: check a lesson notebook before handing it in (students); release lessons "
        "and grade a class with nbgrader (instructors).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--course",
        metavar="PATH",
        help="your checkout of the course (default: the one around the current folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "release",
        help="regenerate student notebooks in lessons/ from solutions/",
        description="Regenerate lessons/<id>/<id>.ipynb from solutions/ with nbgrader, "
        "after writing the published location of autograder/course.toml into each "
        "lesson's Colab badge and setup cell.",
    )
    p.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "grade",
        help="grade a class of submissions",
        description=(
            "Grade SUBMISSIONS: a folder in nbgrader's layout <student_id>/<lesson_id>/<lesson_id>.ipynb, "
            "or a flat folder or .zip of <student_id>_*.ipynb files with --lesson. Writes "
            "OUT/gradebook.csv, OUT/checks.csv and OUT/feedback/<student_id>/<lesson_id>.html. "
            "Grading again reuses finished results."
        ),
    )
    p.add_argument("submissions", metavar="SUBMISSIONS", help="folder or .zip of submissions")
    p.add_argument("--out", required=True, metavar="OUT", help="output folder")
    p.add_argument("--lesson", metavar="LESSON", help="lesson of a flat folder or zip")
    p.add_argument(
        "--workers",
        type=int,
        default=grader.default_workers(),
        metavar="N",
        help="submissions graded in parallel (default: %(default)s, the CPU cores)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=None,
        metavar="SECONDS",
        help=f"longest one notebook may run (default: per lesson, {grader.REFERENCE_FACTOR} times its "
        f"reference solution's run + {grader.TIMEOUT_MARGIN} s, at least {grader.MIN_TIMEOUT} s)",
    )
    p.add_argument(
        "--memory",
        type=float,
        default=grader.DEFAULT_MEMORY_GB,
        metavar="GIB",
        help="address space one notebook may use, in GiB (default: %(default)g)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade on the workers of this Dask scheduler (default: on this machine)",
    )
    p.add_argument(
        "--sandbox",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="require bubblewrap (--sandbox) or run unsandboxed (--no-sandbox); "
        "default: sandbox when bwrap is installed, with a warning otherwise",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser(
        "check",
        help="(students) check a lesson notebook before handing it in",
        description="Run the grader's own pipeline on NOTEBOOK with the visible checks it holds (a student's "
        "install has no hidden tests and needs no course): print which checks pass or fail and why, which "
        "exercises are still unanswered, and whether the grader's screen would flag any code. NOTEBOOK is only "
        "read. Exit code 0 when every visible check passes and nothing is flagged, 1 otherwise.",
    )
    p.add_argument("notebook", metavar="NOTEBOOK", help="the saved lesson notebook (.ipynb)")
    p.add_argument(
        "--timeout",
        type=int,
        default=precheck.DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="longest the notebook may run (default: %(default)s)",
    )
    p.add_argument(
        "--sandbox",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="run inside bubblewrap like a sandboxed grader (default: no, it is your own code)",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "publish",
        help="write the student-facing course into DIR, to push to the public repository",
        description="Write DIR/lessons/ (the released notebooks), DIR/src/ and DIR/pyproject.toml (the "
        "student library) and DIR/README.md (for students): nothing of solutions/, hidden tests or "
        "variants. Push DIR to the public repository of autograder/course.toml; keep this one private.",
    )
    p.add_argument("dir", metavar="DIR", help="folder to write, e.g. a clone of the public repository")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "export",
        help="write the gradebook in Canvas's or Moodle's grade-import CSV format",
        description="Write OUT/canvas.csv or OUT/moodle.csv from OUT/gradebook.csv: one column per "
        "lesson, one row per student of the roster of autograder/course.toml, with its LMS ids.",
    )
    p.add_argument("out", metavar="OUT", help="the --out folder of backprop-lab grade")
    p.add_argument("--to", required=True, choices=export_formats(), help="the LMS")
    p.add_argument("--file", metavar="PATH", help="file to write (default: OUT/<LMS>.csv)")
    p.set_defaults(func=cmd_export)

    from backprop_lab.grading import similarity

    p = sub.add_parser(
        "report",
        help="write OUT/report.html about a graded class",
        description="Write OUT/report.html: score distribution per lesson, failure rate per check, "
        "late and missing submissions (against the roster of autograder/course.toml) and students who "
        "may need help, from OUT/gradebook.csv and OUT/checks.csv; with --submissions, the pairs of "
        "students whose answers to an exercise look copied, side by side.",
    )
    p.add_argument("out", metavar="OUT", help="the --out folder of backprop-lab grade")
    p.add_argument(
        "--submissions",
        metavar="SUBMISSIONS",
        help="the graded submissions (as given to grade), to compare every answer cell across the class "
        "(default: OUT/submissions when it exists, as the demo writes it)",
    )
    p.add_argument("--lesson", metavar="LESSON", help="lesson of a flat folder or zip of submissions")
    p.add_argument(
        "--similarity-threshold",
        type=float,
        default=similarity.DEFAULT_THRESHOLD,
        metavar="SHARE",
        help="flag a pair when at least this share of each student's own code in an answer cell is also in "
        "the other's (default: %(default)g)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "demo",
        help="grade the bundled sample class and print the gradebook",
        description="Run the whole instructor flow on the sample class under assets/demo_class/, in the "
        "grading sandbox: when bubblewrap is missing it is installed first (as root, or through a sudo "
        "that asks no password); when that cannot be done the demo says why and grades without it.",
    )
    p.add_argument("--out", default=demo.DEFAULT_OUT, metavar="OUT", help="output folder (default: %(default)s)")
    p.add_argument(
        "--workers",
        type=int,
        default=grader.default_workers(),
        metavar="N",
        help="submissions graded in parallel (default: %(default)s)",
    )
    p.add_argument(
        "--sandbox-setup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="install bubblewrap when it is missing (default: yes; --no-sandbox-setup installs nothing)",
    )
    p.set_defaults(func=cmd_demo)
    return parser


def export_formats() -> tuple[str, ...]:
    from backprop_lab.grading.export import FORMATS

    return FORMATS


INSTRUCTOR_MODULES = {"nbgrader", "nbformat", "nbclient", "IPython", "distributed", "traitlets", "copydetect"}
"""Installed by `pip install "backprop-lab[instructor]"`; a student's install does without them."""


def _accept_ctrl_c() -> None:
    """Unblocks SIGINT, which a parent may have left blocked in the signal mask every child inherits:
    an interrupted `grade` must stop at once, not after its running notebooks' time limits."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def main(argv=None) -> int:
    """Entry point of the `backprop-lab` command."""
    args = None
    _accept_ctrl_c()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return args.func(args)
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] not in INSTRUCTOR_MODULES:
            raise
        if getattr(args, "command", "") == "check":
            print(
                f"backprop-lab: error: check needs {err.name}, which comes with Jupyter. "
                'Install it with: pip install "backprop-lab[lab]"',
                file=sys.stderr,
            )
            return 2
        print(
            f"backprop-lab: error: the instructor tools need {err.name}, which a student install leaves out. "
            'Install them with: pip install "backprop-lab[instructor]"',
            file=sys.stderr,
        )
        return 2
    except UserError as err:
        print(f"backprop-lab: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("backprop-lab: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
