"""The sandbox and the fork server, driven directly with small programs (no course, no scan).

One sandboxed worker serves every test in this module, as it serves a whole
class: what one job does must not survive into the next.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
from conftest import ROOT

from backprop_lab.sandbox.pool import Worker, WorkerError
from backprop_lab.sandbox.protocol import Job, JobCell, Limits

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout=30)


@pytest.fixture(scope="module")
def worker():
    worker = Worker(sandboxed=True)
    yield worker
    worker.close()


def run(worker, *sources, limits=LIMITS):
    """Runs student cells; returns (cell events, the whole answer)."""
    answer = worker.run(Job(tuple(JobCell("student", s) for s in sources), limits))
    events = [json.loads(line) for line in answer.events]
    return [e for e in events if e["event"] == "cell"], answer


def value_of(worker, expression: str) -> str:
    """Evaluates `expression` in the sandbox; its repr comes back as the error message of a marker exception."""
    cells, _ = run(worker, f"raise RuntimeError(repr({expression}))")
    assert cells[0]["ename"] == "RuntimeError", cells
    return cells[0]["evalue"]


def test_the_course_and_the_grader_files_are_not_there(worker):
    for path in [ROOT / "solutions", ROOT / "tests", ROOT / "autograder", ROOT / ".git", ROOT / "lessons"]:
        assert value_of(worker, f"__import__('os').path.exists({str(path)!r})") == "False", path
    # only what Python needs to import the package may show (an editable install's src/, a venv inside)
    visible = value_of(worker, f"sorted(__import__('os').listdir({str(ROOT)!r}))") if (ROOT / "src").is_dir() else "[]"
    assert set(eval(visible)) <= {"src", ".venv"}, visible


def test_everything_but_scratch_is_read_only(worker):
    cells, _ = run(worker, "open('/usr/written-by-a-student', 'w')")
    assert cells[0]["ename"] in {"OSError", "PermissionError"}, cells
    cells, _ = run(worker, "open('notes.txt', 'w').write('scratch is writable')")
    assert cells[0]["ok"], cells


def test_no_network_not_even_the_graders_loopback(worker):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    try:
        reply = value_of(worker, f"__import__('socket').socket().connect_ex(('127.0.0.1', {port}))")
        assert reply != "0", "the sandbox reached a server on the grader's loopback"
        cells, _ = run(worker, "import socket\nsocket.create_connection(('pypi.org', 443), timeout=5)")
        assert not cells[0]["ok"]
    finally:
        server.close()


def test_nothing_about_grading_in_the_environment(worker):
    env = value_of(worker, "sorted(__import__('os').environ)")
    assert "NBGRADER" not in env and "PYTEST" not in env and "BACKPROP" not in env, env
    assert value_of(worker, "__import__('os').getuid()") != "0"


def test_a_timeout_kills_the_notebook_and_what_it_started(worker):
    cells, answer = run(
        worker,
        "import os, time\nif os.fork() == 0:\n    time.sleep(600)\n",
        "while True: pass",
        limits=Limits(timeout=5),
    )
    assert answer.timed_out and len(cells) == 1
    assert value_of(worker, "len([p for p in __import__('os').listdir('/proc') if p.isdigit()])") == "3", (
        "bwrap's init, the fork server and this job only: the previous job's processes must be gone"
    )


def test_a_fork_bomb_hits_the_process_limit(worker):
    # eight processes fork at once, so that a kill that walks /proc once would miss the newest
    bomb = "import os, time\nfor _ in range(3):\n    os.fork()\n"
    bomb += "while True:\n    if os.fork() == 0:\n        time.sleep(60)\n"
    cells, answer = run(worker, bomb, "print('never reached')", limits=Limits(timeout=60, processes=16))
    assert answer.process_limit and not answer.timed_out and not cells, answer
    assert value_of(worker, "len([p for p in __import__('os').listdir('/proc') if p.isdigit()])") == "3"


def test_memory_limit(worker):
    cells, _ = run(worker, "hog = bytearray(3 * 2**30)", limits=Limits(timeout=20, memory=2 * 2**30))
    assert cells[0]["ename"] == "MemoryError", cells


def test_output_limit(worker):
    flood = "for _ in range(100):\n    print('x' * 100_000)"
    cells, answer = run(worker, flood, limits=Limits(timeout=20, output=2**20))
    assert not cells[0]["ok"] and answer.output_size <= 2**20


def test_state_does_not_leak_between_jobs(worker):
    plant = (
        "import builtins, os\nbuiltins.LEAKED = 1\nopen('left-behind.txt', 'w').write('secret')\n"
        "open('/tmp/left-behind.txt', 'w').write('secret')\n"
        "for folder in [os.path.expanduser('~'), '/tmp', os.getcwd()]:\n"
        "    open(os.path.join(folder, 'csv.py'), 'w').write('raise SystemExit(\"planted\")')\n"
    )
    cells, _ = run(worker, plant)
    assert cells[0]["ok"], cells
    for path in ["left-behind.txt", "/tmp/left-behind.txt", "~/csv.py", "/tmp/csv.py"]:
        assert value_of(worker, f"__import__('os').path.exists(__import__('os').path.expanduser({path!r}))") == "False"
    assert value_of(worker, "hasattr(__import__('builtins'), 'LEAKED')") == "False"
    assert value_of(worker, "__import__('csv').__file__.startswith('/sandbox')") == "False"


def test_tensorflow_and_keras_work_in_a_forked_child(worker):
    source = (
        "import numpy as np, tensorflow as tf, keras\nkeras.utils.set_random_seed(0)\n"
        "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\nmodel.compile('sgd', 'mse')\n"
        "history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0)\n"
        "x = tf.Variable(3.0)\nwith tf.GradientTape() as tape:\n    y = x * x\n"
        "assert float(tape.gradient(y, x)) == 6.0 and len(history.history['loss']) == 3\n"
    )
    cells, _ = run(worker, source)
    assert cells[0]["ok"], cells[0]


def test_forged_reports_are_detected(worker):
    from backprop_lab.grading.pipeline import read_events

    forge = (
        "import os as o\nfor fd in range(3, 64):\n    try:\n"
        '        o.write(fd, b\'{"event": "cell", "index": 1, "ok": true}\\n\')\n'
        "    except OSError:\n        pass\n"
    )
    answer = worker.run(Job((JobCell("student", forge), JobCell("test", "assert False")), LIMITS))
    assert answer.forged, answer
    _, tamper, _ = read_events(answer.events, 2)
    assert tamper == "", "the authentic reports alone are in order"


def test_a_swapped_report_descriptor_is_detected(worker):
    """The student parks the pipe, puts /dev/null in its place, and writes a perfect run on the parked copy."""
    swap = (
        "import os as o, json\nnull = o.open(o.devnull, o.O_WRONLY)\n"
        "for fd in range(3, 64):\n    try:\n        parked = o.dup(fd)\n        o.dup2(null, fd)\n"
        "        for i in range(2):\n"
        "            o.write(parked, (json.dumps({'event': 'cell', 'index': i, 'ok': True}) + '\\n').encode())\n"
        '        o.write(parked, b\'{"event": "end"}\\n\')\n'
        "    except OSError:\n        pass\n"
    )
    answer = worker.run(Job((JobCell("student", swap), JobCell("test", "assert False")), LIMITS))
    assert answer.forged, answer


def test_saved_runs_are_shared_read_only_and_named_on_the_command_line_not_in_the_environment(tmp_path):
    """Lesson 12's broken recipes, trained by the grader (`recipes.save_runs`), reach every submission read-only."""
    (tmp_path / "run.npz").write_bytes(b"saved by the grader")
    worker = Worker(sandboxed=True, saved_runs=tmp_path)
    try:
        assert value_of(worker, "__import__('backprop_lab.recipes').recipes._saved_runs") == repr(str(tmp_path))
        assert value_of(worker, f"open({str(tmp_path / 'run.npz')!r}, 'rb').read()") == repr(b"saved by the grader")
        cells, _ = run(worker, f"open({str(tmp_path / 'forged.npz')!r}, 'wb').write(b'a run of my own')")
        assert cells[0]["ename"] in {"OSError", "PermissionError"}, cells
        assert "BACKPROP" not in value_of(worker, "sorted(__import__('os').environ)")
    finally:
        worker.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.npz"]


def _child_pids() -> set[int]:
    tasks = Path("/proc/self/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


def test_a_start_that_is_cancelled_stops_and_leaves_no_process():
    before = _child_pids()
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()  # the fork server needs seconds to import TensorFlow
    with pytest.raises(WorkerError, match="stopped while it started"):
        Worker(sandboxed=True, cancel=cancel)
    assert _child_pids() <= before, "the cancelled fork server (bwrap) is still running"
