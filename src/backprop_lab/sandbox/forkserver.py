"""The fork server: imports TensorFlow once, then forks one child per submission.

Starting a kernel and importing TensorFlow costs about 5 CPU-seconds, far more
than a lesson's checks. This process pays it once: it imports TensorFlow,
Keras, IPython and the course helpers (running no TensorFlow op, so forking
stays safe), then for every job read from stdin it forks a child that runs
the submission (`backprop_lab.sandbox.harness`) under resource limits, kills whatever
the child left behind, restores a clean home and /tmp, and writes one `Answer` line to stdout.
When it cannot restore a clean state it says so in the answer and exits, so that the
pool replaces it before the next submission.

Run it as `python -m backprop_lab.sandbox.forkserver [--sandboxed] [--saved-runs FOLDER]`,
normally inside `bwrap` (see `backprop_lab.sandbox.bwrap`); `--sandboxed` says it has a PID
namespace of its own, so that every process but itself may be killed after a job;
`--saved-runs` names a read-only folder of training runs the grader saved
(`backprop_lab.recipes.use_saved_runs`).
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import secrets
import select
import signal
import stat
import sys
import time
from pathlib import Path

from backprop_lab.sandbox.protocol import Answer, Job

PR_SET_DUMPABLE = 4
MAX_VERDICT_BYTES = 4 * 2**20


def preload() -> None:
    """Imports what every lesson imports, without running a TensorFlow op."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    import keras  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import sklearn.datasets  # noqa: F401 - seconds of SciPy imports every lesson with data would repeat
    import tensorflow  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401

    import backprop_lab
    import backprop_lab.sandbox.harness  # noqa: F401

    for name in backprop_lab.STUDENT_MODULES:
        importlib.import_module(f"backprop_lab.{name}")


def main(argv=None) -> int:
    """Serves jobs from stdin until it closes."""
    argv = sys.argv[1:] if argv is None else argv
    sandboxed = "--sandboxed" in argv
    saved_runs = argv[argv.index("--saved-runs") + 1] if "--saved-runs" in argv else None
    # Not dumpable: a child running as the same user cannot ptrace this process or read its memory.
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    channel = os.dup(1)
    os.dup2(2, 1)  # stray prints go to the log, never into the answers
    preload()
    from backprop_lab import recipes
    from backprop_lab.sandbox import harness

    recipes.use_saved_runs(saved_runs)  # lesson 12's runs, trained by the grader, read-only (see pool.Worker)

    integrity = harness.Integrity()  # once, before any fork and any student code
    scratch = Path(os.environ.get("HOME", "/tmp")) / "job"

    def send(message: dict) -> None:
        os.write(channel, (json.dumps(message) + "\n").encode())

    send({"event": "ready", "pid": os.getpid()})
    for line in sys.stdin:
        answer = run_job(Job.from_json(line), scratch, sandboxed, channel, integrity)
        os.write(channel, (answer.to_json() + "\n").encode())
        if answer.worker_error:  # this server cannot promise the next submission a clean state
            return 1
    return 0


def run_job(job: Job, scratch: Path, sandboxed: bool, channel: int, integrity=None) -> Answer:
    """Runs one submission in a forked child and returns what happened.

    Args:
        job: the cells to run and their limits.
        scratch: the child's working folder inside the worker's home; home is emptied before and after.
        sandboxed: this process owns its PID namespace.
        channel: this server's answer file descriptor, closed in the child.
        integrity: the harness's snapshot of the untouched interpreter (`harness.Integrity`).

    Returns:
        The `Answer`; its `worker_error` says when home or /tmp could not be restored afterwards.
    """
    limits = job.limits
    dirty = _wipe(scratch.parent, sandboxed)
    if dirty:
        return Answer(worker_error=f"the worker could not clean up before the job: {dirty}")
    scratch.mkdir(parents=True)
    read_end, write_end = os.pipe()
    token = secrets.token_hex(16)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            os.close(channel)
            _enter_limits(scratch, limits, sandboxed)
            from backprop_lab.sandbox import harness

            harness.run(job.cells, write_end, token, integrity)
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = started + limits.timeout
    raw, stopped, status, left = _collect(read_end, pid, deadline, limits.processes if sandboxed else None, sandboxed)
    seconds = time.monotonic() - started
    os.close(read_end)
    log = scratch / "output.log"
    try:
        size, tail = log.stat().st_size, _tail(log)
    except OSError:  # the submission removed or locked its own log
        size, tail = 0, ""
    dirty = _wipe(scratch.parent, sandboxed)  # nothing a submission wrote may reach the next one
    if left:
        dirty = f"{left} processes survived the job"
    events, forged = _authentic(raw, token)
    return Answer(
        events=events,
        forged=forged,
        exit_code=os.waitstatus_to_exitcode(status) if status is not None else None,
        timed_out=stopped == "timeout",
        process_limit=stopped == "processes",
        output_size=size,
        output_tail=tail,
        seconds=round(seconds, 3),
        worker_error=f"the worker could not restore a clean state after the job: {dirty}" if dirty else "",
    )


def _wipe(home: Path, sandboxed: bool) -> str:
    """Empties every folder a submission can write: home (the scratch's parent) and, in the sandbox, /tmp.

    Permissions a submission removed are restored first, so that everything it created can go. The
    sandbox's own read-only mounts under /tmp (a checkout or venv that lives there) and the folders
    leading to them stay.

    Returns:
        "" when every folder is empty afterwards, else what is left (the worker must then be replaced).
    """
    for folder, mode in [(home, 0o700), (Path("/tmp"), 0o1777)] if sandboxed else [(home, 0o700)]:
        if not folder.is_dir():
            continue
        try:
            os.chmod(folder, mode)  # a submission may have taken away its own write permission
        except OSError as err:
            return f"cannot restore the permissions of {folder}: {err}"
        kept = _mounts_and_their_parents(folder)
        for entry in list(os.scandir(folder)):
            try:
                _remove(Path(entry.path), kept)
            except OSError:  # what stays is found just below, and the worker is replaced
                pass
        left = [name for name in os.listdir(folder) if folder / name not in kept]
        if left:
            return f"{len(left)} entries left in {folder}, e.g. {left[0]!r}"
    return ""


def _mounts_and_their_parents(folder: Path) -> set[Path]:
    """Mount points below `folder`, and the folders between them and `folder`."""
    kept = set()
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            point = Path(line.split()[4].replace("\\040", " "))
            if point != folder and point.is_relative_to(folder):
                kept.update(p for p in [point, *point.parents] if p.is_relative_to(folder) and p != folder)
    return kept


def _remove(path: Path, kept: set[Path] = frozenset()) -> None:
    """Removes a file or a whole tree, whatever permissions its owner (the submission) set, except `kept`."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except PermissionError:  # the folder holding it lost its write permission
            os.chmod(path.parent, 0o700)
            path.unlink(missing_ok=True)
        return
    if path in kept and os.path.ismount(path):
        return
    try:
        os.chmod(path, 0o700)  # readable and writable again, to list and empty it
    except PermissionError:
        if path not in kept:  # a folder bwrap made to hold a mount may belong to another user
            raise
    for entry in list(os.scandir(path)):
        _remove(Path(entry.path), kept)
    if path in kept:
        return
    try:
        path.rmdir()
    except OSError as err:
        if err.errno != errno.ENOENT:
            raise


def _authentic(raw: bytes, token: str) -> tuple[list[str], bool]:
    """The reports that carry the job's token (token removed), and whether any line did not."""
    events, forged = [], False
    for line in raw.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            forged = True
            continue
        if not isinstance(event, dict) or not secrets.compare_digest(str(event.pop("token", "")), token):
            forged = True
            continue
        events.append(json.dumps(event))
    return events, forged


def _enter_limits(scratch: Path, limits, sandboxed: bool) -> None:
    os.setpgid(0, 0)
    os.chdir(scratch)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output, limits.output))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    log = os.open(scratch / "output.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.close(devnull)


def _collect(fd: int, pid: int, deadline: float, max_processes: int | None, sandboxed: bool):
    """Reads the child's reports until it and its descendants are gone, or a limit is hit.

    Returns:
        `(reports, "" or the limit hit: "timeout" or "processes", the child's wait status,
        how many other processes could not be killed)`.
    """
    raw, status, stopped = b"", None, ""
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, min(0.1, deadline - time.monotonic())))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            raw += chunk
            if len(raw) > MAX_VERDICT_BYTES:
                break
        if status is None:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = wait_status
                _kill_leftovers(pid, sandboxed)  # leftovers may hold the pipe open
        if time.monotonic() >= deadline:
            stopped = "timeout" if status is None else ""
            break
        if max_processes is not None and status is None and _process_count() > max_processes:
            stopped = "processes"
            break
    left = _kill_leftovers(pid, sandboxed)
    if status is None:
        _, status = os.waitpid(pid, 0)
    return raw, stopped, status, left


def _process_count() -> int:
    """Processes in this PID namespace, besides bwrap's init and this server."""
    return sum(1 for entry in os.scandir("/proc") if entry.name.isdigit()) - 2


def _kill_leftovers(pid: int, sandboxed: bool) -> int:
    """Kills the child and everything it started (inside the sandbox: every process but this one).

    In the sandbox, `kill(-1)` signals every process of the PID namespace but init and this server
    in one pass that no fork slips through (a fork bomb outruns a walk over /proc). It is repeated
    until init has reaped them all or a few seconds have passed.

    Returns:
        How many processes are left besides init, this server and its own child (0 outside the sandbox).
    """
    if not sandboxed:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return 0
    deadline = time.monotonic() + 5
    while True:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:  # nothing left to signal
            pass
        left = _process_count() - (1 if os.path.exists(f"/proc/{pid}") else 0)
        if left <= 0 or time.monotonic() > deadline:
            return max(left, 0)
        time.sleep(0.01)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path, size: int = 4000) -> str:
    if not path.exists():
        return ""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - size))
        return fh.read().decode("utf-8", "replace")


if __name__ == "__main__":
    sys.exit(main())
