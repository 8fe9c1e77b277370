"""A pool of sandboxed fork servers that runs jobs, here or on a Dask cluster.

`Worker` starts one `backprop_lab.sandbox.forkserver` (inside bubblewrap when it is
installed) and sends it jobs; `WorkerPool` keeps up to `size` of them, replacing
one that died or could not restore a clean state before it takes another job;
`run_jobs` spreads jobs over a pool, or over a Dask cluster's workers when a
scheduler address is given. A `Job` and its `Answer` are plain data
(`backprop_lab.sandbox.protocol`), so the machine that grades needs only this
package, not the course or the submissions.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from backprop_lab.sandbox import bwrap as sandbox
from backprop_lab.sandbox.bwrap import bwrap_path
from backprop_lab.sandbox.protocol import Answer, Job

__all__ = ["UNSANDBOXED_WARNING", "Worker", "WorkerError", "WorkerPool", "bwrap_path", "run_jobs"]

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
        saved_runs: a folder of lesson 12's training runs that the grader saved itself
            (`backprop_lab.recipes.save_runs`), shared read-only; None shares nothing.
        cancel: an event that, once set, stops a start-up still in progress (`WorkerError`).

    Raises:
        WorkerError: the fork server did not start, or `cancel` was set first.
    """

    def __init__(
        self,
        sandboxed: bool | None = None,
        scratch_size: int = 2 * 2**30,
        saved_runs=None,
        cancel: threading.Event | None = None,
    ):
        bwrap = sandbox.bwrap_path()
        if sandboxed and not bwrap:
            raise WorkerError("the sandbox needs bubblewrap: install Debian's `bubblewrap` package")
        self.sandboxed = bool(bwrap) if sandboxed is None else sandboxed
        self._home = None if self.sandboxed else tempfile.mkdtemp(prefix="bpl-worker-")
        shared = (str(saved_runs),) if saved_runs else ()
        # -I: isolated mode, so no folder a submission can write (the current one) is on sys.path
        command = [sys.executable, "-I", "-m", "backprop_lab.sandbox.forkserver"]
        command += [a for folder in shared for a in ("--saved-runs", folder)]
        if self.sandboxed:
            command = sandbox.bwrap_command(bwrap, scratch_size, shared) + command + ["--sandboxed"]
            env = None
        else:
            env = {**os.environ, **sandbox.sandbox_environment(), "HOME": self._home}
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env
        )
        self._buffer = b""
        ready = self._read_line(STARTUP_TIMEOUT, cancel)
        if cancel is not None and cancel.is_set():
            self.close()
            raise WorkerError("the grading worker was stopped while it started")
        if not ready or json.loads(ready).get("event") != "ready":
            self.close()
            raise WorkerError(f"the grading worker did not start: {self.log_tail()}")

    def run(self, job: Job) -> Answer:
        """Runs one job and returns the fork server's answer.

        Raises:
            WorkerError: the worker died or stopped answering (it is closed then).
        """
        try:
            self.process.stdin.write((job.to_json() + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            self.close()
            raise WorkerError(f"the grading worker stopped: {err}") from err
        line = self._read_line(job.limits.timeout + 60)
        if line is None:
            self.close()
            raise WorkerError(f"the grading worker stopped answering: {self.log_tail()}")
        answer = Answer.from_json(line)
        answer.sandboxed = self.sandboxed
        return answer

    def _read_line(self, timeout: float, cancel: threading.Event | None = None) -> bytes | None:
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None and not select.select([fd], [], [], 0)[0]:
                return None
            if cancel is not None and cancel.is_set():
                return None
            if select.select([fd], [], [], min(remaining, 0.1 if cancel else 1.0))[0]:
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
    """Up to `size` workers, started when first needed and restarted after a crash.

    A job takes an idle worker; when none is idle it waits for one that `prestart` is starting and
    no other job has claimed yet, and otherwise starts a worker itself.
    """

    def __init__(self, size: int, sandboxed: bool | None = None, saved_runs=None):
        self.size, self.sandboxed, self.saved_runs = size, sandboxed, saved_runs
        self._idle: list[Worker] = []
        self._all: list[Worker] = []
        self._starting = 0  # workers prestart is starting now
        self._waiting = 0  # jobs waiting for one of those
        self._closed = threading.Event()  # also stops the start-ups in progress
        self._changed = threading.Condition()
        self.replaced = 0
        # One long-lived thread per worker: bwrap's --die-with-parent kills a worker when the *thread*
        # that started it ends, so workers must be started from threads that live as long as the pool.
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="grading-worker")

    def prestart(self, count: int | None = None) -> None:
        """Starts workers in the background until `count` of them (every one when None) are running or
        starting, so that their start-up (importing TensorFlow, seconds each) overlaps with whatever the
        caller does before the first job."""
        wanted = self.size if count is None else min(count, self.size)
        with self._changed:
            more = wanted - len(self._all) - self._starting
            self._starting += max(more, 0)
        for _ in range(more):
            self._threads.submit(self._start_one)

    def _start_one(self) -> None:
        try:
            worker = Worker(self.sandboxed, saved_runs=self.saved_runs, cancel=self._closed)
        except (WorkerError, OSError, ValueError) as err:  # a job waiting for it starts one itself and reports it
            if not self._closed.is_set():
                log.warning("a grading worker did not start ahead of time: %s", err)
            worker = None
        with self._changed:
            self._starting -= 1
            closed = self._closed.is_set()
            if worker and not closed:
                self._all.append(worker)
                self._idle.append(worker)
            self._changed.notify_all()
        if worker and closed:
            worker.close()

    def submit(self, job: Job) -> Future:
        """Queues a job; the future's result is its `Answer`."""
        return self._threads.submit(self.run, job)

    def run(self, job: Job) -> Answer:
        """Runs a job on an idle worker (started if none is idle); a failed worker is never reused."""
        worker = self._take()
        try:
            answer = worker.run(job)
        except WorkerError as err:
            self._retire(worker, str(err))
            return Answer(worker_error=str(err), sandboxed=worker.sandboxed)
        if answer.worker_error:  # the job ran, but the worker cannot promise the next one a clean state
            self._retire(worker, answer.worker_error)
            answer.worker_error = ""
        else:
            with self._changed:
                self._idle.append(worker)
                self._changed.notify_all()
        return answer

    def _retire(self, worker: Worker, why: str) -> None:
        log.warning("replacing a grading worker: %s", why)
        worker.close()
        with self._changed:
            if worker in self._all:  # stop_running() or close() may have dropped it already
                self._all.remove(worker)
            self.replaced += 1

    def _take(self) -> Worker:
        with self._changed:
            if self._closed.is_set():
                raise WorkerError("the grading workers were stopped")
            if not self._idle and self._starting > self._waiting:  # one is starting that no job claimed
                self._waiting += 1
                while not self._idle and self._starting >= self._waiting and not self._closed.is_set():
                    self._changed.wait()  # close() cancels queued start-ups: it wakes the jobs waiting for them
                self._waiting -= 1
                if self._closed.is_set():
                    raise WorkerError("the grading workers were stopped")
            if self._idle:
                return self._idle.pop()
        worker = Worker(self.sandboxed, saved_runs=self.saved_runs, cancel=self._closed)
        with self._changed:
            self._all.append(worker)
        return worker

    def stop_running(self) -> None:
        """Kills the workers that are running a job (after an interrupt); idle ones stay for later jobs."""
        with self._changed:
            busy = [w for w in self._all if w not in self._idle]
            for worker in busy:
                worker.close()
                self._all.remove(worker)

    def close(self) -> None:
        """Stops every worker, and the start-ups in progress (within 0.1 s: nobody waits for them)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        with self._changed:
            self._closed.set()
            workers, self._all, self._idle = self._all, [], []
            self._changed.notify_all()
        for worker in workers:
            worker.close()


def run_jobs(
    jobs: Iterable[tuple[object, Job]],
    workers: WorkerPool | None = None,
    scheduler: str | None = None,
    sandboxed: bool | None = None,
) -> Iterator[tuple[object, Answer]]:
    """Runs `(tag, job)` pairs and yields `(tag, answer)` as each one finishes.

    Args:
        jobs: programs to run with their limits, each with a tag of the caller's choosing.
        workers: the fork servers on this machine (ignored with `scheduler`); the caller closes them.
        scheduler: a Dask scheduler address such as `tcp://10.0.0.5:8786`; None runs on `workers`.
        sandboxed: with `scheduler`, see `Worker`.

    Raises:
        WorkerError: a worker cannot start, or the scheduler cannot be reached.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if scheduler:
        yield from _run_on_dask(jobs, scheduler, sandboxed)
        return
    # Finished futures arrive on a queue that the main thread polls: a Ctrl-C then lands in a plain
    # wait, never inside `as_completed`, whose locks an interrupt can leave held (cancel() then hangs).
    finished: queue.SimpleQueue[Future] = queue.SimpleQueue()
    futures = {}
    for tag, job in jobs:
        future = workers.submit(job)
        futures[future] = tag
        future.add_done_callback(finished.put)
    try:
        for _ in range(len(futures)):
            future = _next_finished(finished)
            yield futures[future], future.result()
    finally:  # also on Ctrl-C: drop the queued jobs and stop the running ones now, not after the batch
        for future in futures:
            future.cancel()
        if not all(future.done() for future in futures):
            workers.stop_running()


def _next_finished(finished: queue.SimpleQueue) -> Future:
    while True:
        try:
            return finished.get(timeout=0.2)
        except queue.Empty:
            continue


_dask_pools: dict[tuple, WorkerPool] = {}
_dask_lock = threading.Lock()
_dask_jobs = 0


def run_on_this_machine(job: str, sandboxed: bool | None) -> str:
    """A Dask task: runs one job (as JSON) on the Dask worker's own fork servers (kept between tasks)."""
    global _dask_jobs
    with _dask_lock:
        pool = _dask_pools.setdefault((sandboxed,), WorkerPool(os.cpu_count() or 1, sandboxed))
        _dask_jobs += 1
    return pool.run(Job.from_json(job)).to_json()


def dask_jobs_run() -> int:
    """How many jobs this process ran as a Dask worker (for `client.run`)."""
    return _dask_jobs


def _run_on_dask(jobs, scheduler: str, sandboxed: bool | None):
    from distributed import Client, as_completed

    refused = _refused(scheduler)
    if refused:
        raise WorkerError(f"could not reach the Dask scheduler at {scheduler}: {refused}")
    try:
        client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError, ValueError) as err:
        raise WorkerError(f"could not reach the Dask scheduler at {scheduler}: {err}") from err
    with client:
        futures = {
            client.submit(run_on_this_machine, job.to_json(), sandboxed, pure=False, retries=1): tag
            for tag, job in jobs
        }
        for future in as_completed(futures):
            yield futures[future], Answer.from_json(future.result())


def _refused(scheduler: str) -> str:
    """Why a `tcp://HOST:PORT` scheduler refuses connections (at once, where Dask retries for 15 s), or ""."""
    address = urllib.parse.urlsplit(scheduler)
    try:
        port = address.port
    except ValueError:  # not a number, or out of range: Dask's own parser says so
        return ""
    if address.scheme != "tcp" or not address.hostname or not port:
        return ""
    try:
        socket.create_connection((address.hostname, address.port), timeout=2).close()
    except ConnectionRefusedError:
        return f"nothing listens on port {address.port} (is the scheduler running? `dask scheduler` prints its address)"
    except OSError:  # unreachable or slow: Dask's own connection attempt says more
        return ""
    return ""
