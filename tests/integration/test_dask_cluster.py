"""`backprop-lab grade --scheduler`: the same grading on a real Dask cluster on loopback.

A scheduler and two workers run as separate processes, as they would on
separate machines; the class is graded through them and must get exactly
the grades it gets on this machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import lesson_class, load_variants, write_class

from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.pipeline import grade

pytestmark = pytest.mark.slow
LESSON = "01_manual_backprop"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster(tmp_path, request):
    """`tcp://127.0.0.1:PORT` of a scheduler with two single-threaded workers.

    Parametrized indirectly with False, the workers run where `bwrap` cannot be found.
    """
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    if getattr(request, "param", True) is False:
        env["PATH"] = str(Path(sys.executable).parent)
    common = ["--no-dashboard"]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                address.rsplit(":", 1)[1],
                *common,
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "scheduler.log", "w"),
            env=env,
        )
    ]
    for i in range(2):
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--memory-limit",
                    "0",
                    "--name",
                    f"worker-{i}",
                    *common,
                ],
                stdout=subprocess.DEVNULL,
                stderr=open(tmp_path / f"worker-{i}.log", "w"),
                env=env,
                cwd=tmp_path,
            )
        )
    from distributed import Client

    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_class_graded_on_the_cluster_gets_the_same_grades(course, tmp_path, cluster):
    from distributed import Client

    from backprop_lab.sandbox import pool as engine

    variants = load_variants(LESSON)
    chosen = {name: variants[name] for name in list(variants)[:4]}
    notebooks = {(name, LESSON): nb for name, nb in lesson_class(course, LESSON, chosen).items()}
    submissions = write_class(tmp_path / "class", notebooks)

    start = time.monotonic()
    remote = grade(submissions, tmp_path / "remote", course=course, scheduler=cluster)
    print(f"graded {len(remote)} submissions on the cluster in {time.monotonic() - start:.1f} s")
    with Client(cluster) as client:
        jobs = client.run(engine.dask_jobs_run)
    assert sum(jobs.values()) == len(notebooks) + 1, f"the class and the lesson's timed reference: {jobs}"
    assert all(count > 0 for count in jobs.values()), f"both workers should have graded: {jobs}"

    by_name = {r.student_id: r for r in remote}
    assert by_name["reference"].score == by_name["reference"].max_score > 0
    assert by_name["untouched"].score == 0
    for name in list(variants)[:4]:
        failed = {c.grade_id for c in by_name[name].checks if c.score == 0}
        assert failed == set(variants[name]["failing"]), name
        assert by_name[name].status == "graded"


@pytest.mark.parametrize("cluster", [False], indirect=True)
def test_workers_without_bubblewrap_grade_with_a_loud_warning(course, tmp_path, cluster, capsys):
    submissions = write_class(tmp_path / "class", {("alice", LESSON): build_submission(course, LESSON)})
    (result,) = grade(submissions, tmp_path / "out", course=course, scheduler=cluster)
    assert result.score == result.max_score
    assert "bubblewrap (bwrap) is not installed on a Dask worker" in capsys.readouterr().err
