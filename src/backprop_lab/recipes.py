"""Training recipes for the capstone (lesson 12): build, train and report on a broken MLP.

A *recipe* is a dict of hyperparameters (`DEFAULTS` lists every key). `train_recipe`
trains one on the 8x8 digits with 30% of the training labels scrambled and returns
the model and a *report*: the learning curves and the diagnostics of lessons 02-11
(kernel-gradient norms before training, the share of dead units after it, and the
update ratios of every training step). `BROKEN_RECIPES` holds five recipes that
each fail in their own way, and `REMEDIES` the recipe keys that the lesson's table
of remedies names for each failure.

The training step runs under `tf.function` and keeps every number on the device
until the end of an epoch, so the same code uses a GPU when there is one.
Importing this module loads no data and runs no TensorFlow op.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from backprop_lab import data

LABEL_NOISE = 0.3
"""Share of the training labels replaced by a random digit (the validation labels stay clean)."""

DEFAULTS = {
    "depth": 3,  # hidden Dense layers (with "residual": residual blocks)
    "width": 64,  # units per hidden layer
    "activation": "relu",  # any Keras activation name: "relu", "leaky_relu", "sigmoid", "tanh", "elu", ...
    "initializer": "he_normal",  # any Keras initializer name for the kernels
    "init_std": None,  # a number: kernels drawn from RandomNormal(stddev=init_std); when set, it replaces initializer
    "residual": False,  # skip connections: a projection to width, then blocks h = h + layer(h) (lesson 02)
    "batch_norm": False,  # BatchNormalization before each activation
    "dropout": 0.0,  # dropout rate after each hidden activation
    "l2": 0.0,  # L2 penalty on the kernels
    "optimizer": "sgd",  # "sgd" or "adam"
    "learning_rate": 0.1,
    "clipnorm": None,  # clip each gradient to this norm
    "batch_size": 64,
    "epochs": 10,
    "n_train": None,  # use only the first n_train training rows (None: all)
    "seed": 0,
}
"""Every key a recipe may set, with its default value."""

BROKEN_RECIPES = {
    "exploding_gradients": {**DEFAULTS, "depth": 6, "init_std": 1.0},
    "dying_relu": {**DEFAULTS, "learning_rate": 2.0},
    "vanishing_gradients": {**DEFAULTS, "depth": 6, "activation": "sigmoid", "initializer": "glorot_uniform"},
    "learning_rate_too_low": {**DEFAULTS, "learning_rate": 0.001},
    "overfitting": {
        **DEFAULTS,
        "depth": 2,
        "width": 512,
        "optimizer": "adam",
        "learning_rate": 0.003,
        "epochs": 40,
    },
}
"""Five complete recipes, one per failure, in the order `diagnose` checks them."""

_PRISTINE_BROKEN_RECIPES = copy.deepcopy(BROKEN_RECIPES)
"""`BROKEN_RECIPES` as imported: `check_fix` merges fixes into these, whatever a session did to the dict."""

FAILURES = tuple(BROKEN_RECIPES)
HEALTHY = "healthy"
TARGET_ACCURACY = 0.85
"""Final validation accuracy a fixed recipe must reach within its broken recipe's epochs."""

# The rules of thumb of lesson 12's `diagnose`.
EXPLODING_NORM = 100.0
"""A kernel-gradient norm above this before training is out of control."""
DEAD_FRACTION = 0.5
"""More than this share of the hidden units never active after training: dying ReLUs."""
VANISHING_RATIO = 1e-3
"""The first kernel's gradient norm below this fraction of the last one's: vanishing gradients."""
SLOW_UPDATE_RATIO = -3.5
"""Every kernel's update ratio (log10 of std(update) / std(kernel)) below this: the rate is too low."""
OVERFITTING_GAP = 0.1
"""Final training accuracy above final validation accuracy by more than this: overfitting."""

REMEDIES = {
    "exploding_gradients": {"init_std", "initializer"},
    "dying_relu": {"learning_rate"},
    "vanishing_gradients": {"activation", "initializer", "residual", "batch_norm"},
    "learning_rate_too_low": {"learning_rate", "optimizer"},
    "overfitting": {"dropout", "l2", "epochs", "width"},
}
"""For each failure, the recipe keys that the lesson's table of remedies names."""

MAX_CHANGES = 2
"""A fix changes at most this many hyperparameters of the broken recipe."""


_saved_runs = ""
"""The folder `train_recipe` may take finished runs from ("": none). A str, so that the grader's
integrity check notices a submission that rebinds it."""


@functools.cache
def noisy_digits(label_noise: float = LABEL_NOISE, seed: int = 0) -> data.Split:
    """The digits split of `data.load_dataset`, with `label_noise` of the training labels scrambled.

    A scrambled label is replaced by a random digit (possibly the right one); the
    validation labels stay clean. The arrays are shared between calls: do not modify them.

    Args:
        label_noise: share of training rows whose label is redrawn, in [0, 1].
        seed: seed of the split and of the scrambling.

    Returns:
        A `data.Split` with float32 features and int64 labels.
    """
    split = data.load_dataset("digits", seed=seed)
    rng = np.random.default_rng(seed)
    scrambled = rng.random(len(split.y_train)) < label_noise
    y_train = np.where(scrambled, rng.integers(0, 10, size=len(split.y_train)), split.y_train)
    for array in (split.x_train, split.x_val, split.y_val, y_train):
        array.flags.writeable = False
    return data.Split(split.x_train, y_train, split.x_val, split.y_val)


def complete(recipe: dict) -> dict:
    """A new dict: `recipe` with its missing keys taken from `DEFAULTS`.

    Raises:
        KeyError: `recipe` sets a key that `DEFAULTS` does not list.
    """
    unknown = set(recipe) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown recipe keys {sorted(unknown)}; a recipe may set {sorted(DEFAULTS)}")
    return {**DEFAULTS, **recipe}


def changed_keys(broken: dict, recipe: dict) -> list[str]:
    """The keys whose value differs between two recipes (missing keys count as their default)."""
    broken, recipe = complete(broken), complete(recipe)
    return sorted(key for key in DEFAULTS if recipe[key] != broken[key])


def build_model(recipe: dict, input_dim: int = 64, num_classes: int = 10) -> keras.Model:
    """The MLP a recipe describes, ending in a Dense layer of `num_classes` logits named "logits".

    Plain: `depth` hidden layers Dense -> [BatchNormalization] -> Activation -> [Dropout].
    Residual (`recipe["residual"]`): a linear Dense projection to `width`, then `depth`
    blocks `h = h + branch(h)` with that same branch, as lesson 02's `build_residual_mlp`.

    Args:
        recipe: a recipe; missing keys are taken from `DEFAULTS`.
        input_dim: number of input features.
        num_classes: number of logits.
    """
    recipe = complete(recipe)
    if recipe["init_std"] is not None:  # 0 is a number too: all-zero kernels
        init = keras.initializers.RandomNormal(stddev=recipe["init_std"])
    else:
        init = recipe["initializer"]
    reg = keras.regularizers.L2(recipe["l2"]) if recipe["l2"] else None

    def dense(units, name):
        return keras.layers.Dense(units, kernel_initializer=init, kernel_regularizer=reg, name=name)

    def branch(h, i):
        h = dense(recipe["width"], f"dense_{i}")(h)
        if recipe["batch_norm"]:
            h = keras.layers.BatchNormalization(momentum=0.9, name=f"batch_norm_{i}")(h)
        h = keras.layers.Activation(recipe["activation"], name=f"activation_{i}")(h)
        if recipe["dropout"]:
            h = keras.layers.Dropout(recipe["dropout"], name=f"dropout_{i}")(h)
        return h

    inputs = keras.Input((input_dim,))
    h = inputs
    if recipe["residual"]:
        h = dense(recipe["width"], "projection")(h)
    for i in range(1, recipe["depth"] + 1):
        h = keras.layers.Add(name=f"skip_{i}")([h, branch(h, i)]) if recipe["residual"] else branch(h, i)
    outputs = dense(num_classes, "logits")(h)
    return keras.Model(inputs, outputs, name="residual_mlp" if recipe["residual"] else "mlp")


def dense_kernels(model: keras.Model) -> list:
    """The kernels of the model's Dense layers, input side first."""
    return [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _mean_cross_entropy(y, logits):
    return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))


def kernel_gradient_norms(model: keras.Model, x, y) -> list[float]:
    """L2 norm of the loss gradient of each Dense kernel on one batch, input side first (lessons 02, 11).

    The loss is the mean cross-entropy of the logits, without penalties, with the
    model called in training mode (as in a training step).
    """
    kernels = dense_kernels(model)
    with tf.GradientTape() as tape:
        loss = _mean_cross_entropy(y, model(x, training=True))
    norms = tf.stack([tf.norm(g) for g in tape.gradient(loss, kernels)])
    return [float(v) for v in norms.numpy()]


def dead_unit_fraction(model: keras.Model, x) -> float:
    """Share of hidden units (outputs of the Activation layers) that are exactly 0 for every row of x."""
    activations = [layer.output for layer in model.layers if isinstance(layer, keras.layers.Activation)]
    if not activations:
        return 0.0
    outputs = keras.Model(model.inputs[0], activations)(x, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    dead = tf.add_n([tf.reduce_sum(tf.cast(tf.reduce_all(out == 0, axis=0), tf.int32)) for out in outputs])
    return int(dead) / sum(int(out.shape[-1]) for out in outputs)


def update_ratio(before, after) -> tf.Tensor:
    """Base-10 log of std(update) / std(kernel) for one step, as lesson 11's `UpdateRatioLogger`.

    Args:
        before: the kernel before the step.
        after: the kernel after the step (the std of the kernel is taken here).

    Returns:
        A scalar tensor: about -3 for a healthy rate, -inf when the kernel did not move.
    """
    after = tf.convert_to_tensor(after)
    ratio = tf.math.reduce_std(after - before) / tf.math.reduce_std(after)
    return tf.math.log(ratio) / math.log(10.0)


def make_report(history, gradient_norms, dead_fraction, update_ratios) -> dict:
    """The diagnostics of one run, as plain Python numbers.

    Args:
        history: a `keras.callbacks.History` or its `.history` dict, with "loss",
            "val_loss", "accuracy" and "val_accuracy" per epoch.
        gradient_norms: one per Dense kernel, input side first, before training.
        dead_fraction: share of hidden units never active, after training.
        update_ratios: one per Dense kernel, input side first: the median of the
            log10 update ratios over the steps of the last epoch.

    Returns:
        `{"train_loss", "val_loss", "train_accuracy", "val_accuracy"}` (lists, one
        value per epoch), `"gradient_norms"` and `"update_ratios"` (lists, one per
        Dense kernel) and `"dead_fraction"` (a float).
    """
    history = getattr(history, "history", history)
    return {
        "train_loss": [float(v) for v in history["loss"]],
        "val_loss": [float(v) for v in history["val_loss"]],
        "train_accuracy": [float(v) for v in history["accuracy"]],
        "val_accuracy": [float(v) for v in history["val_accuracy"]],
        "gradient_norms": [float(v) for v in gradient_norms],
        "update_ratios": [float(v) for v in update_ratios],
        "dead_fraction": float(dead_fraction),
    }


def make_optimizer(recipe: dict) -> keras.optimizers.Optimizer:
    """The recipe's optimizer ("sgd" or "adam") with its learning rate and clipnorm."""
    recipe = complete(recipe)
    optimizers = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}
    if recipe["optimizer"] not in optimizers:
        raise ValueError(f"unknown optimizer {recipe['optimizer']!r}; a recipe may use {sorted(optimizers)}")
    return optimizers[recipe["optimizer"]](learning_rate=recipe["learning_rate"], clipnorm=recipe["clipnorm"])


def _train_step(model, optimizer, x, y):
    """One update on a batch; returns (loss, number of correct predictions, update ratio per kernel)."""
    kernels = dense_kernels(model)
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = _mean_cross_entropy(y, logits)
        if model.losses:
            loss += tf.add_n(model.losses)
    grads = tape.gradient(loss, variables)
    before = [tf.identity(k) for k in kernels]
    optimizer.apply_gradients(zip(grads, variables, strict=True))
    ratios = tf.stack([update_ratio(b, k) for b, k in zip(before, kernels, strict=True)])
    correct = tf.reduce_sum(tf.cast(tf.argmax(logits, axis=-1) == y, tf.float32))
    return loss, correct, ratios


def _train_epoch(model, optimizer, x, y, order, batch_size, x_val, y_val):
    """One epoch of steps over the rows in `order`, then the validation metrics, all on the device.

    Returns:
        `[training loss, validation loss, training accuracy, validation accuracy]`
        and the update ratios of every step, shape `(steps, kernels)`.
    """
    n = tf.shape(order)[0]
    num_batches = (n + batch_size - 1) // batch_size
    ratios = tf.TensorArray(tf.float32, size=num_batches)
    loss_sum, correct_sum = tf.constant(0.0), tf.constant(0.0)
    for i in tf.range(num_batches):
        rows = order[i * batch_size : tf.minimum((i + 1) * batch_size, n)]
        loss, correct, step_ratios = _train_step(model, optimizer, tf.gather(x, rows), tf.gather(y, rows))
        loss_sum += loss * tf.cast(tf.shape(rows)[0], tf.float32)
        correct_sum += correct
        ratios = ratios.write(i, step_ratios)
    val_logits = model(x_val, training=False)
    val_loss = _mean_cross_entropy(y_val, val_logits)
    if model.losses:
        val_loss += tf.add_n(model.losses)
    val_accuracy = tf.reduce_mean(tf.cast(tf.argmax(val_logits, axis=-1) == y_val, tf.float32))
    size = tf.cast(n, tf.float32)
    return tf.stack([loss_sum / size, val_loss, correct_sum / size, val_accuracy]), ratios.stack()


def train_recipe(recipe: dict, split: data.Split | None = None) -> tuple[keras.Model, dict]:
    """Trains a recipe and returns `(model, report)`.

    Seeds with `recipe["seed"]`, builds the model, measures the kernel-gradient norms
    on the first 256 training rows before the first update, trains with mini-batch
    steps (rows reshuffled every epoch; the training loss and accuracy of an epoch are
    the means over its steps, as `model.fit` reports them, the loss including any L2
    penalty) while recording the update ratio of every kernel at every step, evaluates
    on the validation set after every epoch, and measures the dead units on the
    validation inputs after training. During training nothing is read back from the
    device until the last epoch ends.

    Args:
        recipe: a recipe; missing keys are taken from `DEFAULTS`.
        split: the data (default: `noisy_digits()`).

    Returns:
        The trained model and its report (see `make_report`).

    Raises:
        KeyError: the recipe sets a key that `DEFAULTS` does not list.
    """
    recipe = complete(recipe)
    split = noisy_digits() if split is None else split
    saved = _saved_run(recipe, split)
    if saved is not None:
        return saved
    keras.utils.set_random_seed(recipe["seed"])
    n = recipe["n_train"] or len(split.x_train)
    x, y = tf.constant(split.x_train[:n]), tf.constant(split.y_train[:n])
    x_val, y_val = tf.constant(split.x_val), tf.constant(split.y_val)
    num_classes = int(max(split.y_train.max(), split.y_val.max())) + 1
    model = build_model(recipe, x.shape[1], num_classes)
    gradient_norms = kernel_gradient_norms(model, x[:256], y[:256])
    optimizer = make_optimizer(recipe)
    optimizer.build(model.trainable_variables)
    # A partial, not a closure: TensorFlow then counts the traces of each model's function apart.
    epoch = tf.function(functools.partial(_train_epoch, model, optimizer))
    rng = np.random.default_rng(recipe["seed"])
    batch_size = tf.constant(recipe["batch_size"])
    metrics, ratios = [], []
    for _ in range(recipe["epochs"]):
        order = tf.constant(rng.permutation(n))
        epoch_metrics, epoch_ratios = epoch(x, y, order, batch_size, x_val, y_val)
        metrics.append(epoch_metrics)
        ratios.append(epoch_ratios)
    metrics = tf.stack(metrics).numpy() if metrics else np.zeros((0, 4))
    history = dict(zip(["loss", "val_loss", "accuracy", "val_accuracy"], metrics.T.tolist(), strict=True))
    # The last epoch's steps: measured at the end of training, like the dead units.
    last_ratios = np.median(ratios[-1].numpy(), axis=0) if ratios else np.full(len(gradient_norms), np.nan)
    return model, make_report(history, gradient_norms, dead_unit_fraction(model, x_val), last_ratios)


def use_saved_runs(folder: str | os.PathLike | None) -> None:
    """Lets `train_recipe` return a run saved in `folder` (by `save_runs`) instead of training again.

    A run is determined by its recipe, its data, this module and the library versions (seeds
    fixed, CPU), so a saved run of the same key is the run. The grader calls this once in each
    worker, before any submission runs, with a folder it filled itself and mounted read-only:
    every submission of lesson 12 then skips training the five broken recipes.

    Args:
        folder: the folder, or None (or "") to train every run.
    """
    global _saved_runs
    _saved_runs = os.fspath(folder) if folder else ""


def save_runs(folder: str | os.PathLike, recipes=None) -> list[Path]:
    """Trains each recipe (default: the five of `BROKEN_RECIPES`) and saves its run in `folder`.

    Each run is one `<key>.npz` (the model's weights and the report as JSON), written under a
    temporary name and then renamed, so a reader never sees half a file.

    Returns:
        The files written (a run already saved there is kept as it is).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    split, written = noisy_digits(), []
    for recipe in BROKEN_RECIPES.values() if recipes is None else recipes:
        recipe = complete(recipe)
        path = folder / f"{run_key(recipe, split)}.npz"
        if path.is_file():  # saved by an earlier batch: the same run
            continue
        model, report = train_recipe(recipe, split)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with open(partial, "wb") as f:
            np.savez(f, report=np.array(json.dumps(report)), **{f"w{i}": w for i, w in enumerate(model.get_weights())})
        os.replace(partial, path)
        written.append(path)
    return written


def run_key(recipe: dict, split: data.Split) -> str:
    """What determines a run: the complete recipe, the data, this module's code and the library versions."""
    digest = hashlib.sha256(json.dumps(complete(recipe), sort_keys=True).encode())
    for array in split:
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(_code_fingerprint().encode())
    return digest.hexdigest()[:40]


@functools.cache
def _code_fingerprint() -> str:
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{code} tensorflow {tf.__version__} keras {keras.__version__} numpy {np.__version__}"


def _saved_run(recipe: dict, split: data.Split) -> tuple[keras.Model, dict] | None:
    """The saved run of `recipe` on `split` (a model with its trained weights, the report), or None."""
    if not _saved_runs:
        return None
    path = Path(_saved_runs) / f"{run_key(recipe, split)}.npz"
    if not path.is_file():
        return None
    with np.load(path) as saved:
        report = json.loads(str(saved["report"]))
        weights = [saved[f"w{i}"] for i in range(len(saved.files) - 1)]
    keras.utils.set_random_seed(recipe["seed"])  # as a run seeds itself before it builds its model
    num_classes = int(max(split.y_train.max(), split.y_val.max())) + 1
    model = build_model(recipe, split.x_train.shape[1], num_classes)
    model.set_weights(weights)
    return model, report


def check_fix(name: str, changes) -> dict:
    """The broken recipe `name` with `changes` merged in, after checking the rules of a fix.

    A fix is a dict of recipe keys. Merged into `BROKEN_RECIPES[name]`, it may change
    at least one and at most `MAX_CHANGES` hyperparameters, each one that `REMEDIES[name]`
    lists, and never raise the number of epochs (the budget). A changed `initializer` must
    come with `init_std` None: a set `init_std` replaces the initializer. The fix is merged
    into the broken recipe as this module defined it, and `BROKEN_RECIPES` must still
    hold those recipes (a fix that edited it in place is refused).

    Args:
        name: a key of `BROKEN_RECIPES`.
        changes: what `fixed_recipe(name)` returned.

    Returns:
        A new, complete recipe.

    Raises:
        ValueError: the fix breaks a rule; the message says which.
    """
    if name not in BROKEN_RECIPES:
        raise ValueError(f"unknown failure {name!r}; the broken recipes are {list(BROKEN_RECIPES)}")
    if changes is None:
        raise ValueError(
            f"it returned None for {name!r}: does it handle every name? A fix is a dict of recipe keys to new values"
        )
    if not isinstance(changes, dict):
        raise ValueError(f"a fix is a dict of recipe keys to new values, got {type(changes).__name__}")
    unknown = set(changes) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"it sets unknown keys {sorted(unknown)}; a recipe may set {sorted(DEFAULTS)}")
    if BROKEN_RECIPES != _PRISTINE_BROKEN_RECIPES:
        edited = [key for key in _PRISTINE_BROKEN_RECIPES if BROKEN_RECIPES.get(key) != _PRISTINE_BROKEN_RECIPES[key]]
        raise ValueError(
            f"BROKEN_RECIPES was modified ({edited or 'its keys'} no longer hold the broken recipes): never "
            "update BROKEN_RECIPES[name], return a new dict; restart the kernel: "
            "BROKEN_RECIPES stays modified until then"
        )
    broken = _PRISTINE_BROKEN_RECIPES[name]
    recipe = {**broken, **changes}
    changed = changed_keys(broken, recipe)
    init_std_note = " (init_std, when set, replaces initializer)" if recipe["init_std"] is not None else ""
    if not changed:
        same = ", ".join(f"{key} is already {broken[key]!r}" for key in changes) or "it is empty"
        note = init_std_note if "initializer" in changes else ""
        raise ValueError(f"your fix changes no hyperparameter: {same}{note}")
    if "initializer" in changed and init_std_note:
        raise ValueError(
            f"it changes initializer to {recipe['initializer']!r} but keeps init_std {recipe['init_std']!r}, "
            "and init_std, when set, replaces initializer: set init_std to None to use an initializer"
        )
    outside = [key for key in changed if key not in REMEDIES[name]]
    if outside:
        why = " (you cannot label more data or pick a lucky seed)" if {"n_train", "seed"} & set(outside) else ""
        raise ValueError(
            f"it changes {outside}{why}, which the table of remedies does not name for {name}; "
            f"a fix of {name} may change only {sorted(REMEDIES[name])}"
        )
    if len(changed) > MAX_CHANGES:
        changes_text = ", ".join(f"{key}: {broken[key]!r} -> {recipe[key]!r}" for key in changed)
        raise ValueError(
            f"it changes {len(changed)} hyperparameters ({changes_text}); the smallest change that "
            f"works changes at most {MAX_CHANGES}: keep the one or two that remove the cause"
        )
    if recipe["epochs"] > broken["epochs"]:
        raise ValueError(f"{recipe['epochs']} epochs is over the budget of {broken['epochs']}")
    return recipe
