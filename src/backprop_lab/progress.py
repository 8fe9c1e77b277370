"""One line of progress for the long hand-written training loops of the lessons.

`epochs` wraps the epochs of a training loop and keeps a single line up to
date on standard output, such as `batch norm · epoch 3/20 · loss 0.412 · 1.2 s`:

    bar = progress.epochs(num_epochs, "batch norm")
    for epoch in bar:
        loss = train_epoch(...)
        bar.update(loss=loss)

It writes to standard output only, never to standard error (nbgrader counts
stderr against a cell), and it keeps the loop fast: `update` only stores the
values (tensors are fine), which are converted to numbers when the line is
redrawn, at most every `min_interval` seconds, and once at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

SEPARATOR = " · "


class EpochProgress:
    """An iterable over epochs that shows the latest epoch and metrics on one line.

    Args:
        epochs: the number of epochs, or any iterable of epochs.
        label: text in front of the line, e.g. the name of the run.
        min_interval: least number of seconds between two redraws.
        file: where to write; the current `sys.stdout` when None.
        clock: a function returning seconds, for tests.
    """

    def __init__(
        self,
        epochs: int | Iterable,
        label: str = "",
        *,
        min_interval: float = 0.2,
        file: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.iterable = range(epochs) if isinstance(epochs, int) else epochs
        try:
            self.total: int | None = len(self.iterable)
        except TypeError:  # a generator, an infinite dataset...
            self.total = None
        self.label = label
        self.min_interval = min_interval
        self.file = file
        self.clock = clock
        self.metrics: dict[str, object] = {}
        self.done = 0
        self._start = self._last_draw = 0.0
        self._width = 0

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("the epochs given to EpochProgress have no length")
        return self.total

    def __iter__(self) -> Iterator:
        self._start = self._last_draw = self.clock()
        self.done = 0
        try:
            for epoch in self.iterable:
                self.done += 1  # the epoch now running, counted from 1
                yield epoch
                if self.clock() - self._last_draw >= self.min_interval:
                    self._draw()
        finally:  # also when the loop stops early with `break`
            self._draw(end="\n")

    def update(self, **metrics) -> None:
        """Stores the latest metrics of the current epoch, e.g. `update(loss=loss)`.

        Args:
            **metrics: name to value: numbers, NumPy scalars or scalar tensors.
                They are converted only when the line is redrawn.
        """
        self.metrics.update(metrics)

    def line(self) -> str:
        """The text of the progress line, for the epochs done so far."""
        parts = [self.label] if self.label else []
        parts.append(f"epoch {self.done}/{self.total}" if self.total is not None else f"epoch {self.done}")
        parts += [f"{name} {_number(value)}" for name, value in self.metrics.items()]
        parts.append(f"{self.clock() - self._start:.1f} s")
        return SEPARATOR.join(parts)

    def _draw(self, end: str = "") -> None:
        text = self.line()
        file = self.file or sys.stdout
        # "\r" moves back to the start of the line; pad to erase a longer previous line.
        file.write("\r" + text.ljust(self._width) + end)
        file.flush()
        self._width = 0 if end else len(text)
        self._last_draw = self.clock()


def _number(value) -> str:
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


def epochs(
    epochs: int | Iterable, label: str = "", *, min_interval: float = 0.2, file: TextIO | None = None
) -> EpochProgress:
    """Wraps the epochs of a training loop in a one-line progress display.

    Args:
        epochs: the number of epochs, or any iterable of epochs.
        label: text in front of the line, e.g. the name of the run.
        min_interval: least number of seconds between two redraws.
        file: where to write; the current `sys.stdout` when None.

    Returns:
        An `EpochProgress`: iterate over it like over `range(epochs)`, and call
        its `update(loss=...)` with the metrics of each epoch.
    """
    return EpochProgress(epochs, label, min_interval=min_interval, file=file)
