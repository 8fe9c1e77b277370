"""Fail-fast checks for the first cell of every lesson, and the versions it records.

`check_environment` stops a lesson early when TensorFlow or Keras is too old,
warns when a version is newer than the course was tested with
(`TESTED_VERSIONS`), and records the student's Python, TensorFlow and Keras
versions in the setup cell's output: in a Jupyter kernel as a display whose
bundle carries the versions as JSON under `ENVIRONMENT_MIME` (beside a
`text/plain` line that every frontend shows), elsewhere as a printed line. A
kernel cannot write its own notebook file, but a saved notebook keeps its
outputs, so the submitted notebook carries the versions: `recorded_versions`
reads them back for the grader's feedback page and `backprop-lab check`.
"""

from __future__ import annotations

import importlib
import json
import platform
import re
import sys

MIN_VERSIONS = {"tensorflow": (2, 16), "keras": (3, 0)}

TESTED_VERSIONS = {"python": (3, 11), "tensorflow": (2, 21), "keras": (3, 15)}
"""The newest versions (major, minor) the course was tested with; newer ones get a warning."""

ENVIRONMENT_MIME = "application/vnd.backprop-lab.environment+json"
"""The mime type of the setup cell's output that records the student's versions."""

NAMES = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras"}

_LINE = re.compile(r"Python (\S+) · TensorFlow (\S+) · Keras (\S+)")


class EnvironmentTooOld(RuntimeError):
    """Raised when a required library is missing or older than the course needs."""


def parse_version(text: str) -> tuple[int, ...]:
    """Returns the leading numeric parts of a version string, `"2.16.1rc0"` -> `(2, 16, 1)`."""
    parts = []
    for piece in text.split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def check_environment(min_versions: dict[str, tuple[int, ...]] | None = None) -> dict[str, str]:
    """Checks that TensorFlow and Keras are installed and recent enough.

    Args:
        min_versions: mapping of module name to the lowest acceptable version;
            defaults to `MIN_VERSIONS`.

    When TensorFlow is checked, its runtime is started with one tiny
    operation, so its start-up log lines appear in the calling cell.

    Then it records the versions (`record_versions`) and warns, on standard
    output, about any newer than `TESTED_VERSIONS`. It also starts
    `progress.watch`, so that `progress.summary()` at the end of a lesson
    knows which cells ran and which failed.

    Returns:
        A mapping of module name to its installed version string.

    Raises:
        EnvironmentTooOld: a module is missing or too old; the message says
            which and how to upgrade.
    """
    found = {}
    for name, minimum in (min_versions or MIN_VERSIONS).items():
        wanted = ".".join(map(str, minimum))
        try:
            module = importlib.import_module(name)
        except ImportError as err:
            raise EnvironmentTooOld(
                f"{name} is not installed; this course needs {name} >= {wanted}. "
                f'Install it with: pip install "{name}>={wanted}"'
            ) from err
        version = getattr(module, "__version__", "0")
        if parse_version(version) < tuple(minimum):
            raise EnvironmentTooOld(
                f"{name} {version} is too old; this course needs {name} >= {wanted}. "
                f'Upgrade with: pip install -U "{name}>={wanted}" and restart the kernel.'
            )
        found[name] = version
    if "tensorflow" in found:
        # Start TensorFlow's runtime now, so that its one-off start-up messages
        # (device discovery, missing GPU drivers) appear in the setup cell
        # rather than in the first exercise the student runs.
        importlib.import_module("tensorflow").zeros(())
    versions = {"python": platform.python_version(), **found}
    if {"tensorflow", "keras"} <= set(found):
        record_versions(versions)
        for warning in newer_than_tested(versions):
            print(f"Warning: {warning}")
    from backprop_lab import progress

    progress.watch()
    return found


def format_versions(versions: dict[str, str]) -> str:
    """`{"python": "3.11.7", ...}` -> `"Python 3.11.7 · TensorFlow 2.21.0 · Keras 3.15.1"`."""
    return " · ".join(f"{NAMES[name]} {versions.get(name, '?')}" for name in NAMES)


def newer_than_tested(versions: dict[str, str], tested: dict[str, tuple[int, ...]] | None = None) -> list[str]:
    """One sentence for each version newer than the course was tested with.

    Args:
        versions: name ("python", "tensorflow", "keras") to version string.
        tested: name to the newest tested (major, minor); `TESTED_VERSIONS` when None.

    Returns:
        Sentences such as "TensorFlow 2.22.0 is newer than 2.21, the version this
        course was tested with: ..."; empty when nothing is newer.
    """
    found = []
    for name, newest in (tested or TESTED_VERSIONS).items():
        version = versions.get(name)
        if version and parse_version(version)[: len(newest)] > tuple(newest):
            found.append(
                f"{NAMES.get(name, name)} {version} is newer than {'.'.join(map(str, newest))}, the version "
                "this course was tested with: if a check fails although your code looks right, say which "
                "versions you used (printed above) when you ask for help"
            )
    return found


def record_versions(versions: dict[str, str]) -> None:
    """Shows the versions in the cell's output, in a form the saved notebook keeps and tools read back.

    In a Jupyter kernel the output is a display with the versions as JSON (`ENVIRONMENT_MIME`) and a
    `text/plain` line; elsewhere (a script, the grader's runner) the line is printed.
    """
    line = f"Running {format_versions(versions)}"
    shell = _kernel_shell()
    if shell is None:
        print(line)
        return
    from IPython.display import display

    display({ENVIRONMENT_MIME: dict(versions), "text/plain": line}, raw=True)


def _kernel_shell():
    """The IPython shell of a Jupyter kernel (a display reaches a notebook), or None."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def recorded_versions(notebook) -> dict[str, str]:
    """The versions the setup cell of a saved notebook recorded, or {} when it was not run.

    Args:
        notebook: a notebook as nbformat or `json` reads it (a dict with "cells").

    Returns:
        Name ("python", "tensorflow", "keras") to version string, from the output with
        `ENVIRONMENT_MIME`, else from the printed line.
    """
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code" or "setup" not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            recorded = data.get(ENVIRONMENT_MIME)
            if isinstance(recorded, str):  # some tools save JSON mime data as text
                try:
                    recorded = json.loads(recorded)
                except ValueError:
                    recorded = None
            if isinstance(recorded, dict):
                return {k: str(v) for k, v in recorded.items() if k in NAMES}
            text = output.get("text", "") or data.get("text/plain", "")
            match = _LINE.search("".join(text) if isinstance(text, list) else str(text))
            if match:
                return dict(zip(NAMES, match.groups(), strict=True))
    return {}
