"""Known-wrong and alternative-correct submissions of lesson 10.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points.
"""

ITERATE_PREFIX = "def iterate_minibatches(x, y, batch_size, shuffle=True, seed=None):\n"
DATASET_PREFIX = "def make_dataset(x, y, batch_size, shuffle=True, seed=None):\n"
VARIANCE_PREFIX = "def gradient_variance(model, x, y, batch_size, num_batches, seed=None):\n"

# train_epoch without the compiled-step cache; {loss_line} and {return_line} vary.
TRAIN_EPOCH_TEMPLATE = (
    "def train_epoch(model, optimizer, loss_fn, dataset):\n"
    "    @tf.function(reduce_retracing=True)\n"
    "    def step(x, y):\n"
    "        with tf.GradientTape() as tape:\n"
    "            loss = loss_fn(y, model(x, training=True))\n"
    "        grads = tape.gradient(loss, model.trainable_variables)\n"
    "        optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
    "        return loss\n"
    "    losses, sizes = [], []\n"
    "    for x, y in dataset:\n"
    "        losses.append(step(x, y))\n"
    "        sizes.append(tf.shape(x)[0])\n"
    "{return_line}"
)

# gradient_variance body with one line left open for the mistake.
VARIANCE_TEMPLATE = (
    VARIANCE_PREFIX + "    rng = np.random.default_rng(seed)\n"
    "    grads = []\n"
    "    for _ in range(num_batches):\n"
    "{rows_line}"
    "        with tf.GradientTape() as tape:\n"
    "            logits = model(x[rows])\n"
    "            losses = keras.losses.sparse_categorical_crossentropy(y[rows], logits, from_logits=True)\n"
    "            loss = {reduce}(losses)\n"
    "        g = tape.gradient(loss, model.trainable_variables)\n"
    "        grads.append(tf.concat([tf.reshape(v, [-1]) for v in g], 0))\n"
    "    stacked = tf.stack(grads)\n"
    "{return_line}"
)
CHOICE = "        rows = rng.choice(len(x), size=batch_size, replace=False)\n"
VARIANCE_RETURN = "    return float(tf.reduce_mean(tf.math.reduce_variance(stacked, axis=0)))\n"

VARIANTS = {
    # --- iterate_minibatches ---------------------------------------------------
    "iterate-drops-last-partial-batch": {
        "cells": {
            "iterate_minibatches": ITERATE_PREFIX
            + "    order = np.random.default_rng(seed).permutation(len(x)) if shuffle else np.arange(len(x))\n"
            "    for start in range(0, len(x) - batch_size + 1, batch_size):\n"
            "        rows = order[start:start + batch_size]\n"
            "        yield x[rows], y[rows]\n"
        },
        "failing": ["test_iterate_minibatches"],
    },
    "iterate-shuffles-x-and-y-separately": {
        "cells": {
            "iterate_minibatches": ITERATE_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    n = len(x)\n"
            "    x_order = rng.permutation(n) if shuffle else np.arange(n)\n"
            "    y_order = rng.permutation(n) if shuffle else np.arange(n)\n"
            "    for start in range(0, n, batch_size):\n"
            "        stop = start + batch_size\n"
            "        yield x[x_order[start:stop]], y[y_order[start:stop]]\n"
        },
        "failing": ["test_iterate_minibatches"],
    },
    "iterate-samples-with-replacement": {
        "cells": {
            "iterate_minibatches": ITERATE_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    n = len(x)\n"
            "    for start in range(0, n, batch_size):\n"
            "        size = min(batch_size, n - start)\n"
            "        rows = rng.integers(0, n, size=size) if shuffle else np.arange(start, start + size)\n"
            "        yield x[rows], y[rows]\n"
        },
        "failing": ["test_iterate_minibatches"],
    },
    "iterate-ignores-seed": {
        "cells": {
            "iterate_minibatches": ITERATE_PREFIX
            + "    order = np.random.permutation(len(x)) if shuffle else np.arange(len(x))\n"
            "    for start in range(0, len(x), batch_size):\n"
            "        rows = order[start:start + batch_size]\n"
            "        yield x[rows], y[rows]\n"
        },
        "failing": ["test_iterate_minibatches"],
    },
    # --- make_dataset ----------------------------------------------------------
    "dataset-batches-before-shuffling": {
        "cells": {
            "make_dataset": DATASET_PREFIX + "    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)\n"
            "    if shuffle:\n"
            "        ds = ds.shuffle(len(x), seed=seed)\n"
            "    return ds\n"
        },
        "failing": ["test_make_dataset"],
    },
    "dataset-small-shuffle-buffer": {
        "cells": {
            "make_dataset": DATASET_PREFIX + "    ds = tf.data.Dataset.from_tensor_slices((x, y))\n"
            "    if shuffle:\n"
            "        ds = ds.shuffle(batch_size, seed=seed)\n"
            "    return ds.batch(batch_size)\n"
        },
        "failing": ["test_make_dataset"],
    },
    "dataset-drops-remainder": {
        "cells": {
            "make_dataset": DATASET_PREFIX + "    ds = tf.data.Dataset.from_tensor_slices((x, y))\n"
            "    if shuffle:\n"
            "        ds = ds.shuffle(len(x), seed=seed)\n"
            "    return ds.batch(batch_size, drop_remainder=True)\n"
        },
        "failing": ["test_make_dataset"],
    },
    # batches as a Python list: right rows, but not a tf.data pipeline
    "dataset-returns-list-of-batches": {
        "cells": {
            "make_dataset": DATASET_PREFIX
            + "    order = np.random.default_rng(seed).permutation(len(x)) if shuffle else np.arange(len(x))\n"
            "    x, y = np.asarray(x), np.asarray(y)\n"
            "    rows = [order[i:i + batch_size] for i in range(0, len(x), batch_size)]\n"
            "    return [(tf.constant(x[r]), tf.constant(y[r])) for r in rows]\n"
        },
        "failing": ["test_make_dataset"],
    },
    "dataset-same-order-every-epoch": {
        "cells": {
            "make_dataset": DATASET_PREFIX + "    ds = tf.data.Dataset.from_tensor_slices((x, y))\n"
            "    if shuffle:\n"
            "        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=False)\n"
            "    return ds.batch(batch_size)\n"
        },
        "failing": ["test_make_dataset"],
    },
    # --- train_epoch -----------------------------------------------------------
    "train-epoch-unweighted-mean-of-batches": {
        "cells": {
            "train_epoch": TRAIN_EPOCH_TEMPLATE.format(
                return_line="    return float(tf.reduce_mean(tf.stack(losses)))\n"
            )
        },
        "failing": ["test_train_epoch"],
        "messages": {"test_train_epoch": "the plain mean of the batch losses"},
    },
    "train-epoch-returns-tensor": {
        "cells": {
            "train_epoch": TRAIN_EPOCH_TEMPLATE.format(
                return_line="    sizes = tf.cast(tf.stack(sizes), tf.float32)\n"
                "    return tf.reduce_sum(tf.stack(losses) * sizes) / tf.reduce_sum(sizes)\n"
            )
        },
        "failing": ["test_train_epoch"],
        "messages": {"test_train_epoch": "must return a Python float"},
    },
    "train-epoch-returns-last-batch-loss": {
        "cells": {"train_epoch": TRAIN_EPOCH_TEMPLATE.format(return_line="    return float(losses[-1])\n")},
        "failing": ["test_train_epoch"],
    },
    "train-epoch-eager-no-tf-function": {
        "cells": {
            "train_epoch": "def train_epoch(model, optimizer, loss_fn, dataset):\n"
            "    total, count = 0.0, 0\n"
            "    for x, y in dataset:\n"
            "        with tf.GradientTape() as tape:\n"
            "            loss = loss_fn(y, model(x, training=True))\n"
            "        grads = tape.gradient(loss, model.trainable_variables)\n"
            "        optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
            "        total += float(loss) * len(x)\n"
            "        count += len(x)\n"
            "    return total / count\n"
        },
        "failing": ["test_train_epoch"],
    },
    # the model called in inference mode: BatchNormalization uses its moving statistics, unlike model.fit
    "train-epoch-inference-mode": {
        "cells": {
            "train_epoch": TRAIN_EPOCH_TEMPLATE.replace("model(x, training=True)", "model(x)").format(
                return_line="    sizes = tf.cast(tf.stack(sizes), tf.float32)\n"
                "    return float(tf.reduce_sum(tf.stack(losses) * sizes) / tf.reduce_sum(sizes))\n"
            )
        },
        "failing": ["test_train_epoch"],
    },
    "train-epoch-loss-after-update": {
        "cells": {
            "train_epoch": "def train_epoch(model, optimizer, loss_fn, dataset):\n"
            "    @tf.function(reduce_retracing=True)\n"
            "    def step(x, y):\n"
            "        with tf.GradientTape() as tape:\n"
            "            loss = loss_fn(y, model(x, training=True))\n"
            "        grads = tape.gradient(loss, model.trainable_variables)\n"
            "        optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
            "        return loss_fn(y, model(x, training=True))\n"
            "    total, count = tf.constant(0.0), tf.constant(0.0)\n"
            "    for x, y in dataset:\n"
            "        n = tf.cast(tf.shape(x)[0], tf.float32)\n"
            "        total += step(x, y) * n\n"
            "        count += n\n"
            "    return float(total / count)\n"
        },
        "failing": ["test_train_epoch"],
    },
    # --- gradient_variance -----------------------------------------------------
    "variance-divides-by-k-minus-one": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line=CHOICE,
                reduce="tf.reduce_mean",
                return_line="    k = tf.cast(tf.shape(stacked)[0], stacked.dtype)\n"
                "    return float(tf.reduce_mean(tf.math.reduce_variance(stacked, axis=0)) * k / (k - 1))\n",
            )
        },
        "failing": ["test_gradient_variance"],
    },
    "variance-returns-standard-deviation": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line=CHOICE,
                reduce="tf.reduce_mean",
                return_line="    return float(tf.reduce_mean(tf.math.reduce_std(stacked, axis=0)))\n",
            )
        },
        "failing": ["test_gradient_variance"],
    },
    "variance-of-summed-loss": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line=CHOICE, reduce="tf.reduce_sum", return_line=VARIANCE_RETURN
            )
        },
        "failing": ["test_gradient_variance"],
    },
    "variance-over-parameters-not-batches": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line=CHOICE,
                reduce="tf.reduce_mean",
                return_line="    return float(tf.math.reduce_variance(tf.reduce_mean(stacked, axis=0)))\n",
            )
        },
        "failing": ["test_gradient_variance"],
    },
    "variance-rows-with-replacement": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line="        rows = rng.integers(0, len(x), size=batch_size)\n",
                reduce="tf.reduce_mean",
                return_line=VARIANCE_RETURN,
            )
        },
        "failing": ["test_gradient_variance"],
    },
    "variance-same-batch-every-time": {
        "cells": {
            "gradient_variance": VARIANCE_TEMPLATE.format(
                rows_line="        rows = np.random.default_rng(seed).choice(len(x), batch_size, replace=False)\n",
                reduce="tf.reduce_mean",
                return_line=VARIANCE_RETURN,
            )
        },
        "failing": ["test_gradient_variance"],
    },
    # --- alternative correct solutions ------------------------------------------
    "numpy-batches-and-whole-epoch-graph": {
        "cells": {
            "iterate_minibatches": ITERATE_PREFIX + "    n = len(y)\n"
            "    idx = np.arange(n)\n"
            "    if shuffle:\n"
            "        np.random.default_rng(seed).shuffle(idx)\n"
            "    for batch in np.array_split(idx, range(batch_size, n, batch_size)):\n"
            "        yield np.take(x, batch, axis=0), np.take(y, batch, axis=0)\n",
            "make_dataset": DATASET_PREFIX + "    n = len(x)\n"
            "    ds = tf.data.Dataset.range(n)\n"
            "    if shuffle:\n"
            "        ds = ds.shuffle(n, seed=seed)\n"
            "    x, y = tf.constant(x), tf.constant(y)\n"
            "    return ds.batch(batch_size).map(lambda i: (tf.gather(x, i), tf.gather(y, i)))\n",
            "train_epoch": "def train_epoch(model, optimizer, loss_fn, dataset):\n"
            "    @tf.function\n"
            "    def run(ds):\n"
            "        total = tf.constant(0.0)\n"
            "        count = tf.constant(0.0)\n"
            "        for x, y in ds:\n"
            "            with tf.GradientTape() as tape:\n"
            "                loss = loss_fn(y, model(x, training=True))\n"
            "            grads = tape.gradient(loss, model.trainable_variables)\n"
            "            optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
            "            n = tf.cast(tf.shape(x)[0], tf.float32)\n"
            "            total += loss * n\n"
            "            count += n\n"
            "        return total / count\n"
            "    return float(run(dataset))\n",
            "gradient_variance": VARIANCE_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    vectors = []\n"
            "    for _ in range(num_batches):\n"
            "        rows = rng.permutation(len(x))[:batch_size]\n"
            "        with tf.GradientTape() as tape:\n"
            "            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(\n"
            "                y[rows], model(x[rows]))\n"
            "        g = tape.gradient(loss, model.trainable_variables)\n"
            "        vectors.append(np.concatenate([v.numpy().ravel() for v in g]))\n"
            "    vectors = np.array(vectors, dtype=np.float64)\n"
            "    return float(np.mean(np.mean((vectors - vectors.mean(axis=0)) ** 2, axis=0)))\n",
        },
        "failing": [],
    },  # rounds differently: the epoch's weighted mean in float64 NumPy, from tensors converted once per epoch
    "float64-weighted-mean-at-epoch-end": {
        "cells": {
            "train_epoch": "_steps = {}\n"
            "\n"
            "def train_epoch(model, optimizer, loss_fn, dataset):\n"
            "    if (model, optimizer) not in _steps:\n"
            "        @tf.function(reduce_retracing=True)\n"
            "        def step(x, y):\n"
            "            with tf.GradientTape() as tape:\n"
            "                loss = loss_fn(y, model(x, training=True))\n"
            "            variables = model.trainable_variables\n"
            "            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))\n"
            "            return loss, tf.shape(x)[0]\n"
            "        _steps[(model, optimizer)] = step\n"
            "    results = [_steps[(model, optimizer)](x, y) for x, y in dataset]\n"
            "    losses = tf.stack([loss for loss, _ in results]).numpy().astype(np.float64)\n"
            "    rows = tf.stack([n for _, n in results]).numpy()\n"
            "    return float(np.average(losses, weights=rows))\n",
        },
        "failing": [],
    },
}

# Every requirement sentence of the lesson (tests/test_requirements.py), its test cell and a variant breaking it.
REQUIREMENTS = [
    {
        "says": "An epoch must visit every example exactly once",
        "cell": "test_iterate_minibatches",
        "variant": "iterate-drops-last-partial-batch",
    },
    {
        "says": "A tf.data.Dataset of (x_batch, y_batch) tensor pairs",
        "cell": "test_make_dataset",
        "variant": "dataset-returns-list-of-batches",
    },
    {
        "says": "Every pass over it visits each row exactly once",
        "cell": "test_make_dataset",
        "variant": "dataset-drops-remainder",
    },
    {
        "says": "Trains for one pass over dataset and returns the epoch's mean loss",
        "cell": "test_train_epoch",
        "variant": "train-epoch-returns-last-batch-loss",
    },
    {
        "says": "The mean training loss over the epoch's examples as a Python float",
        "cell": "test_train_epoch",
        "variant": "train-epoch-returns-tensor",
    },
    {
        "says": "each batch's loss (before its update) weighted by its number of rows",
        "cell": "test_train_epoch",
        "variant": "train-epoch-unweighted-mean-of-batches",
    },
    {
        "says": "the number model.fit reports as history",
        "cell": "test_train_epoch",
        "variant": "train-epoch-loss-after-update",
    },
    {
        "says": "(1/P) sum_p Var_k(g_k[p]) as a Python float",
        "cell": "test_gradient_variance",
        "variant": "variance-returns-standard-deviation",
    },
    {
        "says": "the variance divides by K",
        "cell": "test_gradient_variance",
        "variant": "variance-divides-by-k-minus-one",
    },
]
