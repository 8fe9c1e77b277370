"""Benchmark 3: lesson 10's `tf.function` GradientTape loop against `model.fit`.

The same model (identical initial weights), the same data (scikit-learn's
digits through one `tf.data` pipeline), the same batch size and optimizer are
trained three ways and timed per epoch after a warm-up epoch (tracing):

1. `model.fit`;
2. `train_epoch(model, optimizer, loss_fn, dataset)` with its `tf.function` step;
3. the same `train_epoch` run eagerly (`tf.config.run_functions_eagerly(True)`).

`train_epoch` is lesson 10's reference solution (its `train_epoch` solution
cell) when `solutions/10_mini_batch_training` exists; otherwise an equivalent
loop defined here, and the report says so. Fit and the compiled loop are
timed in alternating rounds, so a change in machine load hits both.

Targets (issue 13): the compiled loop within 1.0 times fit's time per epoch
(lesson 10 keeps the weighted-mean bookkeeping inside its compiled step, so a
batch costs one graph call); the eager loop's ratio is printed as the lesson's
teaching point. The report gives the load average at the start and at the
end: on a shared machine, quote the ratios, never the milliseconds.

    .venv/bin/python benchmarks/custom_loop_vs_fit.py
"""

from __future__ import annotations

import argparse
import linecache
import os
import statistics
import sys
import time

from _common import course, machine_line, mark, markdown_table

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402  (TensorFlow reads TF_CPP_MIN_LOG_LEVEL at import)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

LESSON = "10_mini_batch_training"
LOOP_TARGET = 1.0

FALLBACK_TRAIN_EPOCH = '''
_STEPS = {}


def train_epoch(model, optimizer, loss_fn, dataset):
    """One pass over `dataset` with a compiled train step; returns the mean loss."""
    key = (id(model), id(optimizer), id(loss_fn))
    if key not in _STEPS:
        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        _STEPS[key] = train_step
    train_step = _STEPS[key]
    total, batches = tf.constant(0.0), 0
    for x, y in dataset:
        total += train_step(x, y)
        batches += 1
    return float(total / batches)
'''
"""Used until lesson 10 has a `train_epoch` solution cell (or with `--own-loop`): the loop the lesson
teaches, a `tf.function` step and one eager add per batch, as a benchmark-local stand-in."""


def load_train_epoch(own_loop: bool = False) -> tuple[object, str]:
    """Lesson 10's `train_epoch` (its solution cell), or the fallback; returns `(function, where from)`.

    The source is registered with `linecache` so that AutoGraph can read it, as it can in a notebook.

    Args:
        own_loop: use the benchmark's own loop even when lesson 10 exists (for comparison).
    """

    from backprop_lab.course.lesson import Lesson, reference_code

    path = course().solution_path(LESSON)
    source, origin = FALLBACK_TRAIN_EPOCH, f"benchmark's own loop ({LESSON} has no train_epoch solution cell yet)"
    if own_loop:
        origin = "benchmark's own loop (--own-loop)"
    elif path.is_file():
        cells = Lesson.load(LESSON, path).answers
        if "train_epoch" in cells:
            source, origin = reference_code(cells["train_epoch"]), f"{LESSON}'s train_epoch solution cell"
    filename = f"<{LESSON} train_epoch>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace = {"tf": tf, "keras": keras, "np": np}
    exec(compile(source, filename, "exec"), namespace)  # the course's own reference code
    return namespace["train_epoch"], origin


def make_data(quick: bool, batch_size: int) -> tf.data.Dataset:
    """Digits as one shuffled, batched `tf.data` pipeline (a 256-row subset with `quick`)."""
    from backprop_lab.data import load_digits

    x, y = load_digits()
    x, y = x.astype("float32"), y.astype("int64")
    if quick:
        x, y = x[:256], y[:256]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def make_models(count: int) -> list[keras.Model]:
    """`count` copies of one MLP with identical initial weights."""
    keras.utils.set_random_seed(0)

    def build():
        return keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(10),
            ]
        )

    first = build()
    models = [first]
    for _ in range(count - 1):
        copy = build()
        copy.set_weights(first.get_weights())
        models.append(copy)
    return models


def _loss():
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def _optimizer():
    return keras.optimizers.SGD(learning_rate=0.05)


class EpochTimer(keras.callbacks.Callback):
    """Records the wall time of each epoch of `fit`."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def time_fit(model, dataset, epochs: int) -> list[float]:
    """Per-epoch seconds of `model.fit` over `epochs` epochs."""
    timer = EpochTimer()
    model.fit(dataset, epochs=epochs, verbose=0, shuffle=False, callbacks=[timer])
    return timer.times


def time_loop(train_epoch, model, optimizer, loss_fn, dataset, epochs: int) -> list[float]:
    """Per-epoch seconds of `train_epoch` over `epochs` epochs."""
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        train_epoch(model, optimizer, loss_fn, dataset)
        times.append(time.perf_counter() - start)
    return times


def time_eager(train_epoch, model, dataset, epochs: int) -> list[float]:
    """Per-epoch seconds of `train_epoch` with `tf.function` switched off (first epoch dropped)."""
    optimizer, loss_fn = _optimizer(), _loss()
    tf.config.run_functions_eagerly(True)
    try:
        return time_loop(train_epoch, model, optimizer, loss_fn, dataset, epochs + 1)[1:]
    finally:
        tf.config.run_functions_eagerly(False)


def benchmark(args) -> dict[str, list[float]]:
    """Per-epoch times of fit, the compiled loop and the eager loop (warm-up epochs dropped)."""
    train_epoch, args.origin = load_train_epoch(args.own_loop)
    dataset = make_data(args.quick, args.batch_size)
    fit_model, loop_model, eager_model = make_models(3)
    fit_model.compile(optimizer=_optimizer(), loss=_loss())
    loop_optimizer, loop_loss = _optimizer(), _loss()
    time_fit(fit_model, dataset, 1)
    time_loop(train_epoch, loop_model, loop_optimizer, loop_loss, dataset, 1)
    times = {"model.fit": [], "tf.function loop": [], "eager loop": []}
    for _ in range(args.rounds):
        times["model.fit"] += time_fit(fit_model, dataset, args.epochs)
        times["tf.function loop"] += time_loop(train_epoch, loop_model, loop_optimizer, loop_loss, dataset, args.epochs)
    times["eager loop"] = time_eager(train_epoch, eager_model, dataset, args.eager_epochs)
    return times


def report(args, times: dict[str, list[float]]) -> str:
    """The per-epoch table and the ratio lines."""
    median = {name: statistics.median(values) for name, values in times.items()}
    fit = median["model.fit"]
    rows = [
        [name, len(values), f"{1000 * median[name]:.1f}", f"{1000 * min(values):.1f}", f"{median[name] / fit:.2f}"]
        for name, values in times.items()
    ]
    loop_ratio, eager_ratio = median["tf.function loop"] / fit, median["eager loop"] / fit
    steps = -(-(256 if args.quick else 1797) // args.batch_size)
    lines = [
        machine_line(),
        f"train_epoch: {args.origin}",
        f"data: digits, {256 if args.quick else 1797} rows, batch size {args.batch_size} ({steps} steps an epoch); "
        f"MLP 64-128-64-10, SGD(0.05); TensorFlow {tf.__version__}, Keras {keras.__version__}, CPU",
        "",
        markdown_table(["training", "epochs timed", "median ms / epoch", "best ms / epoch", "x fit"], rows),
        "",
        f"RATIO tf.function loop / fit per epoch: {loop_ratio:.2f} "
        f"(target <= {LOOP_TARGET:g}: {mark(loop_ratio <= LOOP_TARGET)})",
        f"RATIO eager loop / fit per epoch: {eager_ratio:.2f} (the lesson's point: without tf.function every "
        f"step pays Python dispatch per op)",
        "load average at the end {:.1f} / {:.1f} (1 / 5 min)".format(*os.getloadavg()[:2]),
    ]
    return "\n".join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=32, help="(default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating fit / loop rounds (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs timed per round (default: %(default)s)")
    parser.add_argument("--eager-epochs", type=int, default=3, help="eager epochs timed (default: %(default)s)")
    parser.add_argument(
        "--own-loop", action="store_true", help="time the benchmark's own train_epoch instead of lesson 10's"
    )
    parser.add_argument("--quick", action="store_true", help="256 rows, 1 round of 1 epoch (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.epochs, args.eager_epochs = 1, 1, 1
    return args


def main(argv=None) -> int:
    """Runs the benchmark and prints its report."""
    args = parse_args(argv)
    print(report(args, benchmark(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
