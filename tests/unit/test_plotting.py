import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from backprop_lab import plotting  # noqa: E402


def test_loss_curves_plot_each_series():
    fig = plotting.plot_loss_curves({"train": [3, 2, 1], "val": [3, 2.5, 2.4]}, log_scale=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["train", "val"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert list(ax.get_lines()[0].get_ydata()) == [3, 2, 1]
    plt.close(fig)


def test_loss_curves_accept_a_history_like_object():
    class History:
        history = {"loss": [1.0, 0.5]}

    fig = plotting.plot_loss_curves(History())
    assert fig.axes[0].get_lines()[0].get_label() == "loss"
    plt.close(fig)


def test_decision_boundary_colours_by_prediction():
    x = np.array([[-1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])

    def predict(points):
        return np.stack([-points[:, 0], points[:, 0]], axis=1)

    fig = plotting.plot_decision_boundary(predict, x, y, resolution=20)
    ax = fig.axes[0]
    assert ax.get_title() == "Decision boundary"
    filled, points = ax.collections[0], ax.collections[-1]
    # the filled regions follow the prediction: class 0 left of x1 = 0, class 1 right of it
    bands = zip(filled.get_array(), filled.get_paths(), strict=True)
    regions = [(level, path.vertices[:, 0]) for level, path in bands if len(path.vertices)]
    assert {round(float(level)) for level, _ in regions} >= {0, 1}
    step = 3.0 / 19  # the grid spans [-1.5, 1.5] in 20 points: the boundary is drawn within one step of 0
    for level, xs in regions:
        assert (xs <= step).all() if level < 0.5 else (xs >= -step).all(), (level, xs.min(), xs.max())
    # and the data points are drawn on top, coloured by their label
    assert np.allclose(points.get_offsets(), x) and list(points.get_array()) == [0, 1]
    plt.close(fig)


def test_decision_boundary_rejects_non_2d_points():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plotting.plot_decision_boundary(lambda p: p, np.zeros((4, 3)), np.zeros(4))


def test_plotting_does_not_touch_rcparams():
    before = dict(matplotlib.rcParams)
    fig = plotting.plot_loss_curves([1, 2])
    plt.close(fig)
    assert dict(matplotlib.rcParams) == before
