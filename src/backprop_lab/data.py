"""Data sets that ship with the install, split into train and validation.

Everything here is seeded and works offline: scikit-learn's digits and
synthetic 2-D sets (moons, circles, spirals). Fashion-MNIST is an optional
upgrade for users online; it is downloaded by `keras.datasets` on first use.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Split(NamedTuple):
    """Train and validation arrays: features are float32, labels int64."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


class DataUnavailableError(RuntimeError):
    """Raised when an optional data set cannot be downloaded."""


def train_val_split(x, y, val_fraction: float = 0.2, seed: int = 0) -> Split:
    """Shuffles rows with `seed` and holds out `val_fraction` of them for validation."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}")
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = max(1, int(round(len(x) * val_fraction)))
    val, train = order[:n_val], order[n_val:]
    x, y = x.astype(np.float32), y.astype(np.int64)
    return Split(x[train], y[train], x[val], y[val])


def make_moons(n_samples: int = 400, noise: float = 0.15, seed: int = 0):
    """Two interleaving half circles; returns `(x, y)` with 2 classes."""
    from sklearn.datasets import make_moons as sk_make_moons

    x, y = sk_make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return x.astype(np.float32), y.astype(np.int64)


def make_circles(n_samples: int = 400, noise: float = 0.1, factor: float = 0.5, seed: int = 0):
    """A small circle inside a large one; returns `(x, y)` with 2 classes."""
    from sklearn.datasets import make_circles as sk_make_circles

    x, y = sk_make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return x.astype(np.float32), y.astype(np.int64)


def make_spirals(n_samples: int = 600, num_classes: int = 3, noise: float = 0.2, seed: int = 0):
    """Interleaved spiral arms, one per class; returns `(x, y)`.

    Args:
        n_samples: total rows, split evenly between classes.
        num_classes: number of arms.
        noise: standard deviation of the angular noise.
        seed: random seed.
    """
    rng = np.random.default_rng(seed)
    per_class = n_samples // num_classes
    xs, ys = [], []
    for label in range(num_classes):
        radius = np.linspace(0.05, 1.0, per_class)
        angle = np.linspace(0, 4, per_class) + label * 2 * np.pi / num_classes + rng.normal(0, noise, per_class)
        xs.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
        ys.append(np.full(per_class, label))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


def load_digits(flatten: bool = True):
    """scikit-learn's 8x8 digits scaled to [0, 1]; returns `(x, y)` with 10 classes.

    Args:
        flatten: rows of 64 features if True, else images of shape (8, 8, 1).
    """
    from sklearn.datasets import load_digits as sk_load_digits

    digits = sk_load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    if not flatten:
        x = x.reshape(-1, 8, 8, 1)
    return x, digits.target.astype(np.int64)


_SYNTHETIC = {"moons": make_moons, "circles": make_circles, "spirals": make_spirals}


def load_dataset(name: str, val_fraction: float = 0.2, seed: int = 0, **kwargs) -> Split:
    """Loads a bundled data set by name and splits it.

    Args:
        name: one of "moons", "circles", "spirals", "digits".
        val_fraction: share of rows held out for validation.
        seed: seed for generation and for the split.
        **kwargs: passed to the generator (`n_samples`, `noise`, `flatten`...).

    Returns:
        A `Split`.
    """
    if name == "digits":
        x, y = load_digits(**kwargs)
    elif name in _SYNTHETIC:
        x, y = _SYNTHETIC[name](seed=seed, **kwargs)
    else:
        known = ", ".join(sorted([*_SYNTHETIC, "digits"]))
        raise ValueError(f"unknown data set {name!r}; choose one of: {known}")
    return train_val_split(x, y, val_fraction=val_fraction, seed=seed)


def load_fashion_mnist(val_fraction: float = 0.1, seed: int = 0) -> Split:
    """Fashion-MNIST through `keras.datasets`, scaled to [0, 1] (needs internet once).

    Raises:
        DataUnavailableError: the download failed, with what to use offline instead.
    """
    import keras

    try:
        (x, y), _ = keras.datasets.fashion_mnist.load_data()
    except Exception as err:  # keras raises several kinds of network errors
        raise DataUnavailableError(
            "Fashion-MNIST could not be downloaded (are you offline?). "
            'Every lesson also runs on the bundled data: load_dataset("digits").'
        ) from err
    return train_val_split(x.astype(np.float32) / 255.0, y, val_fraction=val_fraction, seed=seed)
