"""How the grader reads the harness's reports: one per cell, in order, then `end`; nothing else."""

from __future__ import annotations

import json

import pytest

from backprop_lab.grading.pipeline import read_events


def cell(index, ok=True):
    return json.dumps({"event": "cell", "index": index, "ok": ok, "ename": "", "evalue": ""})


END = json.dumps({"event": "end"})


def test_a_complete_run():
    outcomes, tamper, oom = read_events([cell(0), cell(1, ok=False), END], 2)
    assert sorted(outcomes) == [0, 1] and not outcomes[1]["ok"] and tamper == "" and not oom


def test_a_run_that_stopped_early_keeps_what_finished():
    outcomes, tamper, oom = read_events([cell(0)], 3)
    assert list(outcomes) == [0] and tamper == "" and not oom


def test_out_of_memory_stops_the_reading():
    outcomes, tamper, oom = read_events([cell(0), json.dumps({"event": "oom"}), cell(1)], 2)
    assert list(outcomes) == [0] and oom and tamper == ""


def test_a_tamper_report_wins():
    _, tamper, _ = read_events([cell(0), json.dumps({"event": "tamper", "reason": "changed numpy: allclose"})], 2)
    assert tamper == "changed numpy: allclose"


@pytest.mark.parametrize(
    "lines",
    [
        [cell(0), cell(0), END],  # a duplicated report
        [cell(1), cell(0), END],  # out of order
        [cell(0), END, cell(1)],  # after the end
        [cell(0), cell(1), cell(2), END],  # more cells than the program has
        [cell(0), "not json", END],  # garbage on the pipe
        [json.dumps({"event": "score", "points": 99})],  # an event the harness never writes
        [json.dumps(["cell", 0, True])],  # not an object
    ],
)
def test_forged_reports_are_tampering(lines):
    _, tamper, _ = read_events(lines, 2)
    assert tamper == "wrote forged reports to the grader"
