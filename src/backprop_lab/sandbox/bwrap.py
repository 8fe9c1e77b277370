"""The sandbox a submission runs in: Linux namespaces through bubblewrap, plus resource limits.

The fork server (`backprop_lab.sandbox.forkserver`) is started inside `bwrap` with:

- no network (a network namespace of its own, loopback only);
- a read-only view of the operating system and of the Python environment only
  (an allow-list: `/usr`, `/etc`, the Python installation and the package's
  import path), so the course's `solutions/`, the gradebook, the hidden
  tests, the submissions folder and other students' files are not there at all;
- one writable scratch folder (a tmpfs), wiped between submissions;
- its own PID, IPC and UTS namespaces, a non-root user id, and a new session
  (no access to the instructor's terminal); it dies with the grader.

Limits (wall clock, memory, processes, output size) are enforced per
submission by the fork server; see `protocol.Limits`.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

SANDBOX_UID = 1000
SCRATCH = "/sandbox"
"""The only writable folder inside the sandbox (a tmpfs)."""

_SYSTEM_DIRS = ("/usr", "/etc", "/opt")
_MERGED_USR_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def bwrap_path() -> str | None:
    """The `bwrap` executable, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


def import_roots() -> list[str]:
    """The folders Python needs to import this package and its dependencies.

    Deliberately not `sys.path`: under pytest or in a course folder it holds the
    current folder and `tests/`, which must stay out of the sandbox.
    """
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.add(str(Path(sys.executable).resolve().parent.parent))
    roots.update(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    roots.add(str(Path(__file__).resolve().parents[2]))  # the package itself (an editable install's src/)
    return sorted(_outermost(Path(r).resolve() for r in roots if Path(r).exists()))


def bwrap_command(bwrap: str, scratch_size: int, read_only: tuple[str, ...] = ()) -> list[str]:
    """The `bwrap ...` prefix that starts a command inside the sandbox.

    Args:
        bwrap: path of the `bwrap` executable.
        scratch_size: bytes of the writable tmpfs.
        read_only: more folders the grader shares, read-only, at the same paths.

    Returns:
        The argument list, to be followed by the command to run.
    """
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session"]
    args += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
    # later mounts cover earlier ones: the fresh /tmp first, so that a venv under /tmp stays visible
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in _SYSTEM_DIRS:
        if Path(folder).is_dir():
            args += ["--ro-bind", folder, folder]
    for link in _MERGED_USR_LINKS:
        path = Path(link)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), link]
        elif path.is_dir():
            args += ["--ro-bind", link, link]
    for root in import_roots():
        if not any(root == d or root.startswith(d + "/") for d in _SYSTEM_DIRS):
            args += ["--ro-bind", root, root]
    for folder in read_only:
        args += ["--ro-bind", folder, folder]
    args += ["--size", str(scratch_size), "--tmpfs", SCRATCH, "--chdir", SCRATCH]
    args += ["--clearenv"] + [a for k, v in sandbox_environment().items() for a in ("--setenv", k, v)]
    return args


def sandbox_environment() -> dict[str, str]:
    """The only environment variables a submission sees: nothing about grading."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SCRATCH,
        "TMPDIR": "/tmp",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


def _outermost(paths) -> list[str]:
    """Drops the paths that lie inside another path of the list."""
    kept: list[str] = []
    for path in sorted({str(p) for p in paths}, key=len):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept
