"""The command line's defaults come from the API, so the two cannot drift apart."""

import pytest

from backprop_lab import cli
from backprop_lab.grading import pipeline, precheck


def _defaults(command: str) -> dict:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command" or getattr(a, "choices", None)]
    return {a.dest: a.default for a in sub.choices[command]._actions}


@pytest.mark.parametrize(
    "command, option, expected",
    [
        ("grade", "workers", pipeline.default_workers()),
        ("grade", "memory", pipeline.DEFAULT_MEMORY_GB),
        ("grade", "timeout", None),  # None: each lesson's limit is derived from its reference
        ("check", "timeout", precheck.DEFAULT_TIMEOUT),
    ],
)
def test_a_default_is_the_apis(command, option, expected):
    assert _defaults(command)[option] == expected
