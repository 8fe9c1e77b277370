import keras
import numpy as np
import pytest

from backprop_lab import data


@pytest.mark.parametrize(
    "name, classes, features",
    [
        ("moons", 2, 2),
        ("circles", 2, 2),
        ("spirals", 3, 2),
        ("digits", 10, 64),
    ],
)
def test_load_dataset_shapes_and_dtypes(name, classes, features):
    split = data.load_dataset(name, val_fraction=0.25, seed=1)
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    assert split.x_train.shape[1] == features
    n = len(split.x_train) + len(split.x_val)
    assert len(split.x_val) == round(0.25 * n)
    assert set(np.unique(np.concatenate([split.y_train, split.y_val]))) == set(range(classes))


def test_load_dataset_is_seeded():
    a, b, c = (data.load_dataset("moons", seed=s) for s in (3, 3, 4))
    assert np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_digits_images_and_scale():
    x, y = data.load_digits(flatten=False)
    assert x.shape[1:] == (8, 8, 1) and 0.0 <= x.min() and x.max() <= 1.0


def test_split_keeps_rows_together():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    split = data.train_val_split(x, y, val_fraction=0.3, seed=0)
    for xs, ys in [(split.x_train, split.y_train), (split.x_val, split.y_val)]:
        assert np.array_equal(xs[:, 0] / 2, ys)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"name": "mnist"}, "unknown data set 'mnist'"),
        ({"name": "moons", "val_fraction": 1.5}, "val_fraction"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        data.load_dataset(**kwargs)


def test_fashion_mnist_offline_error(monkeypatch):
    def offline():
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(data.DataUnavailableError, match="offline.*digits"):
        data.load_fashion_mnist()
