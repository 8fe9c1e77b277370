"""Runs assembled programs on sandboxed fork servers, here or on a Dask cluster.

`Worker` starts one `backprop_lab.forkserver` (inside bubblewrap when it is
installed) and sends it jobs; `run_jobs` spreads jobs over `workers` of them,
or over a Dask cluster's workers when a scheduler address is given. A job is
plain data (`{"cells": [...], "limits": {...}}`) and so is its answer, so
the machine that grades needs only this package, not the course or the
submissions.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict

from backprop_lab import sandbox
from backprop_lab.sandbox import Limits

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 300
"""Seconds a worker may take to import TensorFlow on a busy machine."""

UNSANDBOXED_WARNING = (
    "WARNING: bubblewrap (bwrap) is not installed: submissions run WITHOUT the sandbox, "
    "with the grader's own permissions, network and files (install Debian's `bubblewrap`; "
    "see autograder/README.md for what is and is not guaranteed)"
)


class WorkerError(RuntimeError):
    """The fork server could not start or stopped answering."""


class Worker:
    """One fork server process, sandboxed when bubblewrap is available.

    Args:
        sandboxed: True to require bubblewrap, False to run without it, None for "when installed".
        scratch_size: bytes of the sandbox's writable tmpfs.
    """

    def __init__(self, sandboxed: bool | None = None, scratch_size: int = 2 * 2**30):
        bwrap = sandbox.bwrap_path()
        if sandboxed and not bwrap:
            raise WorkerError("the sandbox needs bubblewrap: install Debian's `bubblewrap` package")
        self.sandboxed = bool(bwrap) if sandboxed is None else sandboxed
        self._home = None if self.sandboxed else tempfile.mkdtemp(prefix="bpl-worker-")
        # -I: isolated mode, so no folder a submission can write (the current one) is on sys.path
        command = [sys.executable, "-I", "-m", "backprop_lab.forkserver"]
        if self.sandboxed:
            command = sandbox.bwrap_command(bwrap, scratch_size) + command + ["--sandboxed"]
            env = None
        else:
            env = {**os.environ, **sandbox.sandbox_environment(), "HOME": self._home}
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env
        )
        self._buffer = b""
        ready = self._read_line(STARTUP_TIMEOUT)
        if not ready or json.loads(ready).get("event") != "ready":
            self.close()
            raise WorkerError(f"the grading worker did not start: {self.log_tail()}")

    def run(self, cells: list[dict], limits: Limits) -> dict:
        """Runs one program and returns the fork server's answer.

        Raises:
            WorkerError: the worker died or stopped answering (it is closed then).
        """
        job = {"cells": cells, "limits": asdict(limits)}
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            self.close()
            raise WorkerError(f"the grading worker stopped: {err}") from err
        line = self._read_line(limits.timeout + 60)
        if line is None:
            self.close()
            raise WorkerError(f"the grading worker stopped answering: {self.log_tail()}")
        return json.loads(line)

    def _read_line(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None and not select.select([fd], [], [], 0)[0]:
                return None
            if select.select([fd], [], [], min(remaining, 1.0))[0]:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def log_tail(self, size: int = 2000) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-size:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self._home:
            shutil.rmtree(self._home, ignore_errors=True)


class WorkerPool:
    """Up to `size` workers, started when first needed and restarted after a crash."""

    def __init__(self, size: int, sandboxed: bool | None = None):
        self.size, self.sandboxed = size, sandboxed
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()

    def run(self, cells: list[dict], limits: Limits) -> dict:
        worker = self._take()
        try:
            answer = worker.run(cells, limits)
        except WorkerError as err:
            return {"worker_error": str(err)}
        self._idle.put(worker)
        return {**answer, "sandboxed": worker.sandboxed}

    def _take(self) -> Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            worker = Worker(self.sandboxed)
            with self._lock:
                self._all.append(worker)
            return worker

    def close(self) -> None:
        for worker in self._all:
            worker.close()


def run_jobs(
    jobs: Iterable[tuple[object, list[dict]]],
    limits: Limits,
    workers: int,
    scheduler: str | None = None,
    sandboxed: bool | None = None,
) -> Iterator[tuple[object, dict]]:
    """Runs `(tag, cells)` jobs and yields `(tag, answer)` as each one finishes.

    Args:
        jobs: programs to run, each with a tag of the caller's choosing.
        limits: the limits of every job.
        workers: fork servers run in parallel on this machine (ignored with `scheduler`).
        scheduler: a Dask scheduler address such as `tcp://10.0.0.5:8786`; None grades here.
        sandboxed: see `Worker`.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if scheduler:
        yield from _run_on_dask(jobs, limits, scheduler, sandboxed)
        return
    pool = WorkerPool(min(workers, len(jobs)), sandboxed)
    threads = ThreadPoolExecutor(max_workers=pool.size)
    try:
        futures = {threads.submit(pool.run, cells, limits): tag for tag, cells in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:  # also on Ctrl-C: drop the queued jobs and stop the running ones now, not after the batch
        threads.shutdown(wait=False, cancel_futures=True)
        pool.close()


_dask_pools: dict[tuple, WorkerPool] = {}
_dask_lock = threading.Lock()
_dask_jobs = 0


def run_on_this_machine(cells: list[dict], limits: dict, sandboxed: bool | None) -> dict:
    """A Dask task: runs one job on the Dask worker's own fork servers (kept between tasks)."""
    global _dask_jobs
    with _dask_lock:
        pool = _dask_pools.setdefault((sandboxed,), WorkerPool(os.cpu_count() or 1, sandboxed))
        _dask_jobs += 1
    return pool.run(cells, Limits(**limits))


def dask_jobs_run() -> int:
    """How many jobs this process ran as a Dask worker (for `client.run`)."""
    return _dask_jobs


def _run_on_dask(jobs, limits: Limits, scheduler: str, sandboxed: bool | None):
    from distributed import Client, as_completed

    from backprop_lab.course import CourseError

    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError, ValueError) as err:
        raise CourseError(f"could not reach the Dask scheduler at {scheduler}: {err}") from err
    with client:
        futures = {
            client.submit(run_on_this_machine, cells, asdict(limits), sandboxed, pure=False, retries=1): tag
            for tag, cells in jobs
        }
        for future in as_completed(futures):
            yield futures[future], future.result()
