"""Setting up the sandbox on this machine: Debian's `bubblewrap`, installed and tried once.

`backprop-lab demo` calls `prepare_sandbox` so that an instructor's first command grades
the way a real class is graded. Installing needs root or a `sudo` that asks no password;
when neither is there, or the system has no `apt-get`, or bubblewrap is installed but cannot
create namespaces (some containers), `prepare_sandbox` says so and how to fix it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

APT_PACKAGE = "bubblewrap"
MANUAL_FIX = "install it with `sudo apt-get install bubblewrap` (Debian, Ubuntu) or your system's package manager"


@dataclass(frozen=True)
class SandboxStatus:
    """Whether submissions can run in the sandbox here, and what was done or is missing."""

    ready: bool
    message: str


def bwrap_problem(bwrap: str) -> str:
    """Runs Python in the namespaces the grader uses; returns "" when that works, else why not."""
    probe = [bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    try:
        done = subprocess.run([*probe, sys.executable, "-c", "pass"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"exit code {done.returncode}")


def install_command(euid: int | None = None) -> list[list[str]] | None:
    """The commands that install bubblewrap here (refresh the package lists, then install), or None.

    Args:
        euid: the effective user id (default: this process's); 0 needs no `sudo`.
    """
    apt = shutil.which("apt-get")
    if apt is None:
        return None
    euid = os.geteuid() if euid is None else euid
    if euid == 0:
        prefix = []
    else:
        sudo = shutil.which("sudo")
        if sudo is None or subprocess.run([sudo, "-n", "true"], capture_output=True).returncode != 0:
            return None  # a password prompt in the middle of a demo helps nobody
        prefix = [sudo, "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    return [[*prefix, apt, "update", "-qq"], [*prefix, apt, "install", "-y", "-qq", APT_PACKAGE]]


def prepare_sandbox(install: bool = True, euid: int | None = None, say=print) -> SandboxStatus:
    """Makes sure bubblewrap is installed and works, installing it when allowed and possible.

    Args:
        install: try to install bubblewrap when it is missing.
        euid: see `install_command`.
        say: where progress lines go.

    Returns:
        The `SandboxStatus`; its message says what was done, or why the sandbox is off and how to fix it.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None and install:
        commands = install_command(euid)
        if commands is None:
            return SandboxStatus(False, f"bubblewrap is not installed and cannot be installed from here: {MANUAL_FIX}")
        say(f"Installing the grading sandbox: {' '.join(commands[-1])}")
        for command in commands:
            done = subprocess.run(
                command, capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            )
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
                return SandboxStatus(False, f"installing bubblewrap failed ({tail[0]}): {MANUAL_FIX}")
        bwrap = shutil.which("bwrap")
    if bwrap is None:
        return SandboxStatus(False, f"bubblewrap is not installed: {MANUAL_FIX}")
    problem = bwrap_problem(bwrap)
    if problem:
        return SandboxStatus(
            False,
            f"bubblewrap is installed but cannot create the sandbox's namespaces here ({problem}); "
            "on a container, allow unprivileged user namespaces or run as root",
        )
    return SandboxStatus(True, f"submissions run in the sandbox ({bwrap})")
