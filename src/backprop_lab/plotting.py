"""Plots shared by the lessons: loss curves and 2-D decision boundaries.

Each function draws on the axes it is given (or on new ones) and returns the
Figure; none changes global matplotlib settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from backprop_lab.checks import to_numpy


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
        return fig, ax
    return ax.figure, ax


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]] | Sequence[float],
    *,
    ax=None,
    title: str = "Loss",
    xlabel: str = "epoch",
    ylabel: str = "loss",
    log_scale: bool = False,
):
    """Plots one or more loss curves.

    Args:
        curves: a sequence of values, a mapping of label to sequence, or a
            Keras `History` (its `.history` dict is used).
        ax: axes to draw on; new ones are made if None.
        title: axes title.
        xlabel: x-axis label.
        ylabel: y-axis label.
        log_scale: use a logarithmic y axis.

    Returns:
        The matplotlib Figure.
    """
    curves = getattr(curves, "history", curves)
    if not isinstance(curves, Mapping):
        curves = {ylabel: curves}
    fig, ax = _axes(ax)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if log_scale:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return fig


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    *,
    ax=None,
    resolution: int = 200,
    title: str = "Decision boundary",
):
    """Colours the plane by predicted class and overlays the data.

    Args:
        predict: maps an `(n, 2)` float32 array to class scores `(n, k)` or
            labels `(n,)`.
        x: data points, shape `(n, 2)`.
        y: integer labels, shape `(n,)`.
        ax: axes to draw on; new ones are made if None.
        resolution: grid points per axis.
        title: axes title.

    Returns:
        The matplotlib Figure.
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D points of shape (n, 2), got {x.shape}")
    pad = 0.25 * (x.max(axis=0) - x.min(axis=0))
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    scores = to_numpy(predict(grid))
    labels = scores.argmax(axis=1) if scores.ndim == 2 else scores.astype(int)
    fig, ax = _axes(ax)
    ax.contourf(gx, gy, labels.reshape(gx.shape), alpha=0.3, cmap="viridis")
    ax.scatter(x[:, 0], x[:, 1], c=y, s=12, cmap="viridis", edgecolors="k", linewidths=0.3)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return fig
