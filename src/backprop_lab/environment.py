"""Fail-fast checks for the first cell of every lesson."""

from __future__ import annotations

import importlib

MIN_VERSIONS = {"tensorflow": (2, 16), "keras": (3, 0)}


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
    return found
