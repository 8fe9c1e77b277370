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


LONGEST_FIRST = ("integration/test_grading.py",)
"""Modules that run first under pytest-xdist (`.ci/run`: `-n 2 --no-loadscope-reorder`): the grading
corpus keeps one worker (and the cores) busy for most of the run, so it must not start last."""

LESSON_RUN_MODULES = ("e2e/test_solutions_execute.py", "e2e/test_experiment_claims.py")
"""The modules whose tests read the lessons' one run (`lesson_run`, `colab_kernel`): one xdist worker runs them all."""


def pytest_collection_modifyitems(config, items):
    """Marks each test with its tier; under pytest-xdist, the grading corpus goes first."""
    here = Path(__file__).parent
    for item in items:
        module = Path(str(item.path)).relative_to(here)
        if len(module.parts) > 1 and module.parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, module.parts[0]))
        if {"colab_kernel", "lesson_run"} & set(getattr(item, "fixturenames", ())) and (
            module.as_posix() not in LESSON_RUN_MODULES
        ):
            raise pytest.UsageError(f"{item.nodeid} reads the lessons' run: add its module to LESSON_RUN_MODULES")
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the same order in every worker: xdist checks it
        items.sort(key=lambda item: Path(str(item.path)).relative_to(here).as_posix() not in LONGEST_FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist, one worker runs all the tests of a module (they share its fixtures), and one
    runs every module of `LESSON_RUN_MODULES` (they share the lessons' single run)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0].removeprefix("tests/")
            return "lesson-runs" if module in LESSON_RUN_MODULES else module

    return ByModule(config, log)


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


def _colab_root(controller_pid: int) -> Path:
    """Where this test run builds its Colab-like venv: one folder per run, shared by pytest-xdist's
    workers (children of the controller), removed by the controller (or the only process) at the end."""
    import tempfile

    return Path(tempfile.gettempdir()) / f"bpl-colab-{controller_pid}"


def _build_colab_kernel_once(root: Path):
    """Builds the venv in `root` unless another worker of this run has (a lock: only one builds)."""
    import fcntl
    import json

    from lesson_runs import ColabKernel, build_colab_kernel

    root.mkdir(exist_ok=True)
    built = root / "built.json"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not built.exists():
            kernel = build_colab_kernel(root)
            built.write_text(json.dumps([str(kernel.venv), str(kernel.jupyter_path)]))
        venv, jupyter_path = json.loads(built.read_text())
        return ColabKernel(Path(venv), Path(jupyter_path))


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
        from concurrent.futures import ThreadPoolExecutor

        root = _colab_root(os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid())
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="colab-venv")
        _colab_build.update(future=executor.submit(_build_colab_kernel_once, root), executor=executor)


def pytest_sessionfinish(session):
    if _colab_build:
        _colab_build["executor"].shutdown(wait=True, cancel_futures=True)
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the controller, or a run without xdist
        import shutil

        shutil.rmtree(_colab_root(os.getpid()), ignore_errors=True)  # a temporary venv: nothing depends on it


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
