"""The thin layer between Backprop Lab and nbgrader's Python API.

nbgrader is configured from the course's `autograder/nbgrader_config.py`; the
functions here only point it at a working folder and run one step at a time.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from backprop_lab.course import Course


def load_config(course: Course, root: Path, **course_dir) -> Config:
    """The course's nbgrader configuration, re-rooted at `root`.

    Args:
        course: the course whose `autograder/nbgrader_config.py` is loaded.
        root: nbgrader course root to work in.
        **course_dir: further `CourseDirectory` settings, e.g. `source_directory`.

    Returns:
        A traitlets `Config`.
    """
    config = PyFileConfigLoader(course.config_file.name, path=str(course.autograder_dir)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{Path(root) / 'gradebook.db'}"
    for key, value in course_dir.items():
        setattr(config.CourseDirectory, key, value)
    config.NbGraderAPI.log_level = logging.ERROR
    return config


@contextmanager
def nbgrader_environment(quiet: bool = True):
    """Prepares the process for running nbgrader steps.

    Puts this interpreter's `bin/` on PATH (nbgrader runs `alembic`), quiets
    TensorFlow's start-up logs, and with `quiet` sends the kernels' stderr
    (inherited file descriptor 2) and nbgrader's library warnings nowhere:
    nbgrader captures its own log and reports failures through its results.
    """
    saved = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    saved_stderr = None
    if quiet:
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if saved_stderr is not None:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
        os.environ.clear()
        os.environ.update(saved)


def api(config: Config):
    """An `NbGraderAPI` for the course root named in `config`."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def run_step(result: dict, what: str) -> None:
    """Raises `RuntimeError` with nbgrader's error lines (not its traceback) when a step failed."""
    if not result.get("success"):
        log = [
            line
            for line in (result.get("log") or "").splitlines()
            if line.startswith("[ERROR]") and "Traceback" not in line
        ]
        error = [line for line in (result.get("error") or "").splitlines() if line.strip()]
        detail = "\n".join(log) or (error[-1] if error else "no details")
        raise RuntimeError(f"nbgrader {what} failed: {detail}")
