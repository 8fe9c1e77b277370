"""The one-line progress display of the lessons' long training loops."""

import io

import numpy as np
import pytest

from backprop_lab import progress


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class CountingLoss:
    """A stand-in for a scalar tensor that counts how often it is converted to a number."""

    conversions = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        CountingLoss.conversions += 1
        return self.value


def test_shows_epoch_and_loss_on_stdout_only(capsys):
    bar = progress.epochs(3, "plain", min_interval=0)
    seen = []
    for epoch in bar:
        seen.append(epoch)
        bar.update(loss=np.float32(1.0 / (epoch + 1)))
    out, err = capsys.readouterr()
    assert seen == [0, 1, 2], "it iterates like range(num_epochs)"
    assert err == "", "progress must never write to stderr (nbgrader penalises stderr)"
    frames = out.split("\r")
    assert "plain · epoch 1/3 · loss 1 · " in frames[1]
    assert "plain · epoch 3/3 · loss 0.3333 · " in frames[-1] and out.endswith(" s\n")
    assert "\n" not in out[:-1], "one line, redrawn in place"


def test_redraws_at_most_every_min_interval_and_converts_lazily():
    clock, out = FakeClock(), io.StringIO()
    bar = progress.EpochProgress(range(100), min_interval=1.0, file=out, clock=clock)
    CountingLoss.conversions = 0
    for epoch in bar:
        clock.now += 0.1
        bar.update(loss=CountingLoss(float(epoch)))
    draws = out.getvalue().count("\r")
    assert 9 <= draws <= 12, f"100 epochs of 0.1 s with min_interval=1 s should redraw about 11 times, got {draws}"
    assert CountingLoss.conversions == draws, "metrics are converted only when the line is drawn"
    assert out.getvalue().endswith("epoch 100/100 · loss 99 · 10.0 s\n")


def test_stopping_early_ends_the_line_with_the_epoch_reached():
    out = io.StringIO()
    bar = progress.epochs(60, "early stop", min_interval=60, file=out)
    for epoch in bar:
        bar.update(val_loss=0.5)
        if epoch == 11:
            break
    text = out.getvalue()
    assert text.count("\r") == 1 and text.endswith("\n")
    assert "early stop · epoch 12/60 · val_loss 0.5 · " in text


def test_a_longer_line_is_erased_by_the_next_one():
    out = io.StringIO()
    bar = progress.epochs(2, min_interval=0, file=out)
    for epoch in bar:
        bar.update(note="a very long note" if epoch == 0 else "short")
    first, second = out.getvalue().split("\r")[1:3]
    assert len(second.rstrip("\n")) >= len(first)


def test_iterables_without_length():
    out = io.StringIO()
    assert list(progress.epochs((i for i in range(4)), min_interval=0, file=out)) == [0, 1, 2, 3]
    assert "epoch 4 · " in out.getvalue() and "/" not in out.getvalue()
    with pytest.raises(TypeError):
        len(progress.epochs(i for i in range(4)))
