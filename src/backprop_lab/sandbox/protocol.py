"""What the grader and a fork server say to each other: one `Job` in, one `Answer` out.

Both cross a pipe (and, on a cluster, Dask) as one JSON line each; these
dataclasses are the only place their fields are named.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Limits:
    """What one submission may use.

    Args:
        timeout: wall-clock seconds for the whole notebook.
        memory: bytes of address space (`RLIMIT_AS`) of the notebook's process.
        processes: processes the notebook may run at once (counted by the fork server ten times a
            second inside the sandbox's PID namespace; threads are not counted).
        output: bytes of output (stdout, stderr, files in scratch) per file (`RLIMIT_FSIZE`).
    """

    timeout: float = 600.0
    memory: int = 8 * 2**30
    processes: int = 64
    output: int = 16 * 2**20


@dataclass(frozen=True)
class JobCell:
    """One cell to run: `kind` is "student", "locked" or "test"."""

    kind: str
    source: str
    grade_id: str = ""


@dataclass(frozen=True)
class Job:
    """A program to run in the sandbox, under limits."""

    cells: tuple[JobCell, ...]
    limits: Limits

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, line: str | bytes) -> Job:
        data = json.loads(line)
        return cls(tuple(JobCell(**c) for c in data["cells"]), Limits(**data["limits"]))


@dataclass
class Answer:
    """What happened to a job.

    Attributes:
        events: the harness's reports, one JSON object per line, token removed (see `harness.run`).
        forged: a line on the report pipe did not carry the job's token.
        exit_code: the notebook process's exit code (negative: killed by that signal).
        timed_out: the wall-clock limit stopped it.
        process_limit: it started more processes than allowed.
        output_size: bytes it wrote to stdout and stderr.
        output_tail: the last of that output.
        seconds: wall-clock seconds the notebook ran.
        sandboxed: whether it ran inside bubblewrap (None: not known).
        worker_error: the worker itself failed (then the other fields mean nothing).
    """

    events: list[str] = field(default_factory=list)
    forged: bool = False
    exit_code: int | None = None
    timed_out: bool = False
    process_limit: bool = False
    output_size: int = 0
    output_tail: str = ""
    seconds: float = 0.0
    sandboxed: bool | None = None
    worker_error: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, line: str | bytes) -> Answer:
        return cls(**json.loads(line))
