"""Nothing a submission does to its worker reaches the next submission on that worker (issue 14).

Each poison below is a correct lesson 01 submission that also leaves its worker in a state a naive
clean-up cannot undo: folders without permissions, a locked home or /tmp, thousands of files, a
process that outlives the notebook, symlinks out of the scratch folder. The class is graded with
one worker, poisons and honest students alternating, so every honest student runs right after a
poison on the same fork server; each must get exactly the grade it gets alone (full marks), and so
must every poison, since its answers are right.
"""

from __future__ import annotations

import pytest
from conftest import write_class

from backprop_lab.course.lesson import reference_code
from backprop_lab.course.synthetic import build_submission
from backprop_lab.grading.pipeline import grade
from backprop_lab.sandbox import pool
from backprop_lab.sandbox.protocol import Answer, Job, JobCell, Limits

pytestmark = pytest.mark.slow
LESSON = "01_manual_backprop"
LAST = "sgd_step"

POISONS = {
    "locks-its-scratch": (
        "import os\nos.makedirs('deep/er', exist_ok=True)\nopen('deep/er/notes.txt', 'w').write('x')\n"
        "os.chmod('deep/er', 0)\nos.chmod('deep', 0)\nos.chmod('.', 0o500)\n"
    ),
    "locks-home-and-tmp": (
        "import os\nos.makedirs('/tmp/kept/inner', exist_ok=True)\nos.chmod('/tmp/kept', 0)\n"
        "os.chmod('/tmp', 0o500)\nos.chmod(os.path.expanduser('~'), 0)\n"
    ),
    "many-files": (
        "import os\nfor i in range(3000):\n    open(f'/tmp/f{i}', 'w').close()\n    open(f'g{i}', 'w').close()\n"
    ),
    "outlives-itself": (
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n\n"
        "def linger():\n    time.sleep(4)\n    open('/tmp/late.txt', 'w').write('still here')\n\n"
        "executor = ProcessPoolExecutor(1)\nexecutor.submit(linger)\nexecutor.shutdown(wait=False)\n"
    ),
    "symlinks-out": (
        "import os\nos.symlink('/usr', 'usr-link')\nos.symlink('/tmp', os.path.expanduser('~/tmp-link'))\n"
        "os.rmdir(os.path.expanduser('~/nothing')) if os.path.isdir(os.path.expanduser('~/nothing')) else None\n"
    ),
}


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("worker-state")
    reference = reference_code(course.lesson(LESSON).answers[LAST])
    notebooks = {}
    for index, (name, poison) in enumerate(POISONS.items()):
        poisoned = build_submission(course, LESSON, {LAST: reference + "\n" + poison})
        notebooks[(f"s{2 * index}-{name}", LESSON)] = poisoned
        notebooks[(f"s{2 * index + 1}-honest", LESSON)] = build_submission(course, LESSON)
    write_class(root / "class", notebooks)
    results = grade(root / "class", root / "out", course=course, workers=1, timeout=60)
    return {r.student_id: r for r in results}


def test_every_student_gets_the_grade_it_gets_alone(graded):
    assert len(graded) == 2 * len(POISONS)
    for student, result in sorted(graded.items()):
        lost = [(c.grade_id, c.message[:200]) for c in result.checks if c.score < c.max_score]
        assert (result.status, lost) == ("graded", []), f"{student}: {result.status} {result.reason} {lost}"
        assert result.score == result.max_score > 0


class _ScriptedWorker:
    """Answers jobs from a script: an answer whose `worker_error` is set means "I am not clean any more"."""

    started = 0

    def __init__(self, sandboxed=None, saved_runs=None, cancel=None):
        type(self).started += 1
        self.sandboxed, self.closed, self.answers = sandboxed, False, iter(SCRIPT)

    def run(self, job):
        return next(self.answers)

    def close(self):
        self.closed = True


SCRIPT = [Answer(events=["a"]), Answer(events=["b"], worker_error="3 entries left in /tmp"), Answer(events=["c"])]


def test_a_worker_that_cannot_clean_up_is_replaced_and_logged(monkeypatch, caplog):
    monkeypatch.setattr(pool, "Worker", _ScriptedWorker)
    _ScriptedWorker.started = 0
    workers = pool.WorkerPool(1)
    job = Job((JobCell("student", "pass"),), Limits(timeout=5))
    answers = [workers.run(job) for _ in range(3)]
    assert [a.events for a in answers] == [["a"], ["b"], ["a"]], "the third job must run on a fresh worker"
    assert not any(a.worker_error for a in answers), "the dirty worker's own job still counts"
    assert _ScriptedWorker.started == 2 and workers.replaced == 1
    assert "replacing a grading worker: 3 entries left in /tmp" in caplog.text
