"""Shared fixtures: the course, its variants, and throwaway classes in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course import Course
from backprop_lab.course.synthetic import lesson_class, write_class  # noqa: F401 - shared with the tests

ROOT = Path(__file__).resolve().parents[1]
VARIANTS_DIR = Path(__file__).parent / "variants"


def selected_lessons() -> list[str]:
    """All lessons, or those named (comma-separated prefixes) in $BACKPROP_LAB_LESSONS while developing."""
    lessons = Course(ROOT).lesson_ids()
    wanted = [w for w in os.environ.get("BACKPROP_LAB_LESSONS", "").split(",") if w]
    return [lesson for lesson in lessons if not wanted or any(lesson.startswith(w) for w in wanted)]


TIERS = ("unit", "course", "integration", "e2e")
"""Test tiers, one folder each under tests/: a test is marked with the folder it lives in."""


def _tier_can_match(markexpr: str, tier: str) -> bool:
    """Whether `-m markexpr` can select a test of `tier` (whatever other markers the test has)."""
    import itertools
    import re

    from _pytest.mark.expression import Expression

    others = sorted(set(re.findall(r"[A-Za-z_]\w*", markexpr)) - {"and", "or", "not", *TIERS})
    if len(others) > 8:
        return True
    expression = Expression.compile(markexpr)
    for values in itertools.product((False, True), repeat=len(others)):
        chosen = {tier} | {name for name, on in zip(others, values, strict=True) if on}
        if expression.evaluate(lambda name, _chosen=chosen, **_: name in _chosen):
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    """`pytest -m unit` does not import the other tiers' modules (they import TensorFlow, nbclient...):
    a tier's folder is skipped when the marker expression cannot select anything in it."""
    markexpr = config.getoption("markexpr", "")
    path = Path(collection_path)
    if not markexpr or path.parent != Path(__file__).parent or path.name not in TIERS:
        return None
    try:
        return True if not _tier_can_match(markexpr, path.name) else None
    except (ImportError, SyntaxError, ValueError, TypeError):  # pytest's own parser will report a bad expression
        return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.path)).relative_to(Path(__file__).parent).parts
        if len(parts) > 1 and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


CLAIMS_DIR = Path(__file__).parent / "claims"


def load_module(path: Path):
    """The module a Python file defines, executed afresh (None if there is no such file)."""
    import importlib.util

    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_variants(lesson_id: str) -> dict:
    """The `VARIANTS` dict of `tests/variants/<lesson_id>.py` ({} if there is none)."""
    module = load_module(VARIANTS_DIR / f"{lesson_id}.py")
    return module.VARIANTS if module else {}


def load_claims(lesson_id: str) -> list | None:
    """The `CLAIMS` list of `tests/claims/<lesson_id>.py` (None if there is no such file)."""
    module = load_module(CLAIMS_DIR / f"{lesson_id}.py")
    return None if module is None else module.CLAIMS


def copy_course(target: Path, lessons=None) -> Course:
    """A throwaway course under `target` with the given lessons' sources (all by default)."""
    import shutil

    for lesson_id in lessons or Course(ROOT).lesson_ids():
        shutil.copytree(ROOT / "solutions" / lesson_id, target / "solutions" / lesson_id)
    (target / "autograder").mkdir(parents=True)
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", target / "autograder")
    if lessons is None and (ROOT / "autograder" / "course.toml").is_file():  # a release follows its badges
        shutil.copy(ROOT / "autograder" / "course.toml", target / "autograder")
    return Course(target)


_colab_build = {}
"""The background build of the Colab-like venv, started as soon as a collected test needs it."""


_lessons_to_run: list[str] = []
"""The lessons whose one run a collected test asks for (`lesson_run`), in the order the tests ask."""

LESSON_RUNS_AT_ONCE = 2
"""Lessons executed side by side: a lesson's kernel keeps about one core busy (CI has two)."""


def pytest_collection_finish(session):
    """Starts building the Colab-like venv at once when a test needs it, so that pip's minutes of
    downloading and unpacking overlap with the tests that run before it (tests/e2e/ runs last)."""
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        lesson = params.get("lesson_id", params.get("lesson"))
        if "lesson_run" in getattr(item, "fixturenames", ()) and lesson and lesson not in _lessons_to_run:
            _lessons_to_run.append(lesson)
    if any({"colab_kernel", "lesson_run"} & set(getattr(item, "fixturenames", ())) for item in session.items):
        import tempfile
        from concurrent.futures import ThreadPoolExecutor

        from lesson_runs import build_colab_kernel

        root = Path(tempfile.mkdtemp(prefix="bpl-colab-"))
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="colab-venv")
        _colab_build.update(root=root, future=executor.submit(build_colab_kernel, root), executor=executor)


def pytest_sessionfinish(session):
    if _colab_build:
        import shutil

        _colab_build["executor"].shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(_colab_build["root"], ignore_errors=True)  # a temporary venv: nothing depends on it


@pytest.fixture(scope="session")
def colab_kernel(tmp_path_factory):
    """A fresh Colab-like venv (TensorFlow, ipykernel and this package only) as a Jupyter kernel; see lesson_runs."""
    if _colab_build:
        return _colab_build["future"].result()  # a failed build raises here, in the test that needs it
    from lesson_runs import build_colab_kernel

    return build_colab_kernel(tmp_path_factory.mktemp("colab"))


@pytest.fixture(scope="session")
def lesson_run(colab_kernel, tmp_path_factory):
    """`lesson_run(lesson_id)`: the lesson's one execution in the Colab-like kernel, its claims checked after it.

    Executed at most once per session, whichever test asks first (`test_solutions_execute.py` and
    `test_experiment_claims.py` share it), so that no lesson runs twice. When the first test asks,
    every lesson a collected test will ask for starts, `LESSON_RUNS_AT_ONCE` at a time, in the
    order the tests ask for them.
    """
    from concurrent.futures import ThreadPoolExecutor

    from lesson_runs import run_lesson

    def execute(lesson_id: str):
        try:
            claims = [(c["says"], c["check"]) for c in load_claims(lesson_id) or []]
        except Exception:  # a broken claims file is reported by test_experiment_claims.py, not here
            claims = []
        notebook = nbformat.read(Course(ROOT).solution_path(lesson_id), as_version=4)
        return run_lesson(notebook, claims, colab_kernel, tmp_path_factory.mktemp(lesson_id))

    executor = ThreadPoolExecutor(max_workers=LESSON_RUNS_AT_ONCE, thread_name_prefix="lesson-run")
    runs = {}

    def run(lesson_id: str):
        if not runs:
            runs.update({lesson: executor.submit(execute, lesson) for lesson in _lessons_to_run})
        if lesson_id not in runs:
            runs[lesson_id] = executor.submit(execute, lesson_id)
        return runs[lesson_id].result()

    yield run
    executor.shutdown(wait=True, cancel_futures=True)
