"""How `WorkerPool` shares its workers between jobs: scripted workers, no fork server.

A scripted worker's start-up waits on a gate the test opens, so that a job can be made to
arrive while a prestarted worker is still importing TensorFlow.
"""

from __future__ import annotations

import threading
import time

import pytest

from backprop_lab.sandbox import pool
from backprop_lab.sandbox.protocol import Answer, Job, JobCell, Limits

pytestmark = pytest.mark.unit

JOB = Job((JobCell("student", "pass"),), Limits(timeout=5))


class _GatedWorker:
    """Starts when `gate` is open (or fails to, when `fail` is set); answers a job when `busy` is clear."""

    gate = threading.Event()
    busy = threading.Event()
    fail = False
    entered = 0
    started: list[_GatedWorker] = []

    def __init__(self, sandboxed=None, saved_runs=None, cancel=None):
        type(self).entered += 1
        deadline = time.monotonic() + 10
        while not type(self).gate.wait(timeout=0.01):
            if cancel is not None and cancel.is_set():
                raise pool.WorkerError("stopped while it started")
            if time.monotonic() > deadline:
                raise AssertionError("the test never opened the gate")
        if type(self).fail:
            raise pool.WorkerError("scripted start-up failure")
        self.sandboxed, self.closed = sandboxed, False
        type(self).started.append(self)

    def run(self, job):
        _wait_until(lambda: not type(self).busy.is_set(), "the test lets the job finish")
        return Answer(events=[f"worker {type(self).started.index(self)}"])

    def close(self):
        self.closed = True


@pytest.fixture
def gated(monkeypatch):
    _GatedWorker.gate = threading.Event()
    _GatedWorker.busy = threading.Event()
    _GatedWorker.fail = False
    _GatedWorker.entered = 0
    _GatedWorker.started = []
    monkeypatch.setattr(pool, "Worker", _GatedWorker)
    return _GatedWorker


def _wait_until(predicate, what: str) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("size", "counts", "started"),
    [
        (2, [None], 2),  # every worker
        (2, [1], 1),  # a class of one starts one worker
        (2, [5], 2),  # never more than the pool's size
        (2, [1, 1], 1),  # a worker already starting counts
        (3, [1, 2], 2),  # the second call adds what is missing
        (2, [0], 0),  # nothing to grade: nothing starts
    ],
)
def test_prestart_starts_what_is_asked_up_to_size(gated, size, counts, started):
    workers = pool.WorkerPool(size)
    for count in counts:
        workers.prestart(count)
    gated.gate.set()
    _wait_until(lambda: workers._starting == 0, "the prestarted workers are ready")
    assert len(gated.started) == started
    workers.close()


def test_a_job_waits_for_the_worker_being_started_instead_of_starting_another(gated):
    workers = pool.WorkerPool(2)
    workers.prestart(1)
    future = workers.submit(JOB)
    _wait_until(lambda: workers._waiting == 1, "the job waits for the prestarted worker")
    gated.gate.set()
    assert future.result(timeout=10).events == ["worker 0"]
    assert len(gated.started) == 1, "the job started a second worker while the first was starting"
    workers.close()


def test_a_second_job_starts_its_own_worker_rather_than_queue_behind_the_first(gated):
    workers = pool.WorkerPool(2)
    workers.prestart(1)
    gated.busy.set()  # the first job keeps its worker
    futures = [workers.submit(JOB), workers.submit(JOB)]
    gated.gate.set()
    _wait_until(lambda: len(gated.started) == 2, "a second worker starts")
    gated.busy.clear()
    assert sorted(f.result(timeout=10).events[0] for f in futures) == ["worker 0", "worker 1"]
    workers.close()


def test_a_job_waiting_for_a_prestart_that_fails_starts_a_worker_itself(gated, caplog):
    workers = pool.WorkerPool(2)
    gated.fail = True
    workers.prestart(1)
    future = workers.submit(JOB)
    _wait_until(lambda: workers._waiting == 1, "the job waits for the prestarted worker")
    gated.gate.set()
    with pytest.raises(pool.WorkerError, match="scripted start-up failure"):
        future.result(timeout=10)  # its own start fails too, and says why
    assert "a grading worker did not start ahead of time: scripted start-up failure" in caplog.text


def test_close_stops_a_start_in_progress_without_a_warning(gated, caplog):
    workers = pool.WorkerPool(2)
    workers.prestart(2)
    _wait_until(lambda: gated.entered == 2, "both workers are starting")
    workers.close()  # the CLI exits at once after an error instead of waiting for TensorFlow's import
    _wait_until(lambda: workers._starting == 0, "the start-ups are stopped")
    assert gated.started == [] and workers._all == []
    assert "did not start" not in caplog.text


def test_a_worker_that_finishes_starting_after_close_is_closed(gated, monkeypatch):
    monkeypatch.setattr(gated, "__init__", _ignores_cancel(gated.__init__))
    workers = pool.WorkerPool(2)
    workers.prestart(1)
    _wait_until(lambda: gated.entered == 1, "the worker is starting")
    workers.close()
    gated.gate.set()
    _wait_until(lambda: gated.started, "the prestarted worker is ready")
    _wait_until(lambda: gated.started[0].closed, "the late worker is closed")
    assert workers._all == []


def _ignores_cancel(init):
    """A start-up that finishes even when it is told to stop (it was past the point of checking)."""

    def start(self, sandboxed=None, saved_runs=None, cancel=None):
        init(self, sandboxed, saved_runs)

    return start


def test_a_job_waiting_for_a_start_that_close_cancels_stops_instead_of_hanging(gated):
    workers = pool.WorkerPool(2)
    workers.prestart(1)
    future = workers.submit(JOB)
    _wait_until(lambda: workers._waiting == 1, "the job waits for the prestarted worker")
    workers.prestart(2)  # no thread is free: this start-up is queued, and close() cancels it
    workers.close()
    with pytest.raises(pool.WorkerError, match="stopped"):
        future.result(timeout=10)


def test_a_closed_pool_runs_nothing(gated):
    workers = pool.WorkerPool(1)
    gated.gate.set()
    workers.close()
    with pytest.raises(pool.WorkerError, match="stopped"):
        workers.run(JOB)
    assert gated.started == []
