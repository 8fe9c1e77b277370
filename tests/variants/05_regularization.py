"""Known-wrong and alternative-correct submissions of lesson 05.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The training
step calls the penalties, so a wrong penalty also fails the training-step test.
"""


def _swap(source, old, new):
    """Returns `source` with `old` replaced by `new`, insisting that `old` occurs."""
    assert old in source, f"variant template out of date: {old!r} not found"
    return source.replace(old, new)


L2 = """def l2_penalty(model, lam):
    total = tf.constant(0.0)
    for kernel in [w for w in model.trainable_weights if w.name == "kernel"]:
        total += tf.reduce_sum(tf.square(kernel))
    return lam * total
"""

L1 = _swap(_swap(L2, "l2_penalty", "l1_penalty"), "tf.square(kernel)", "tf.abs(kernel)")

STEP = """def regularized_train_step(model, optimizer, x, y, lam, kind="l2"):
    if kind not in ("l2", "l1"):
        raise ValueError(f"kind must be 'l2' or 'l1', got {kind!r}")
    penalty = {"l2": l2_penalty, "l1": l1_penalty}[kind]
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        data_loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))
        loss = data_loss + penalty(model, lam)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
"""

VARIANTS = {
    # --- l2_penalty and l1_penalty -------------------------------------------------
    "l2-penalizes-biases+l1-without-abs": {
        "cells": {
            "l2_penalty": _swap(
                L2, '[w for w in model.trainable_weights if w.name == "kernel"]', "model.trainable_weights"
            ),
            "l1_penalty": _swap(L1, "tf.abs(kernel)", "kernel"),
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
    },
    "l2-halved-like-tf-nn-l2-loss+l1-penalizes-biases": {
        "cells": {
            "l2_penalty": _swap(L2, "tf.reduce_sum(tf.square(kernel))", "tf.nn.l2_loss(kernel)"),
            "l1_penalty": _swap(
                L1, '[w for w in model.trainable_weights if w.name == "kernel"]', "model.trainable_weights"
            ),
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
        "messages": {"test_l2_penalty": "tf.nn.l2_loss (or a factor 1/2) halves the sum"},
    },
    "l2-forgets-return+l1-forgets-lam": {
        "cells": {
            "l2_penalty": _swap(L2, "    return lam * total\n", "    lam * total\n"),
            "l1_penalty": _swap(L1, "    return lam * total\n", "    return total\n"),
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
        "messages": {
            "test_l2_penalty": "returned None: did you forget `return`?",
            "test_l1_penalty": "is the sum without lam",
        },
    },
    "l2-penalizes-batch-norm-scale+l1-one-penalty-per-kernel": {
        "cells": {
            "l2_penalty": _swap(
                L2,
                '[w for w in model.trainable_weights if w.name == "kernel"]',
                '[w for w in model.trainable_weights if w.name != "bias"]',
            ),
            "l1_penalty": "def l1_penalty(model, lam):\n"
            '    kernels = [w for w in model.trainable_weights if w.name == "kernel"]\n'
            "    return lam * tf.stack([tf.reduce_sum(tf.abs(k)) for k in kernels])\n",
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
        "messages": {
            "test_l2_penalty": "penalizes the batch-norm scale and offset (gamma, beta) too",
            "test_l1_penalty": "sum the per-kernel penalties into one scalar",
        },
    },
    "l2-mean-of-squares": {
        "cells": {
            "l2_penalty": _swap(L2, "tf.reduce_sum(tf.square(kernel))", "tf.reduce_mean(tf.square(kernel))"),
        },
        "failing": ["test_l2_penalty", "test_regularized_train_step"],
    },
    # --- regularized_train_step ------------------------------------------------------
    "penalty-added-outside-the-tape": {
        "cells": {
            "regularized_train_step": _swap(
                _swap(STEP, "        loss = data_loss + penalty(model, lam)\n", ""),
                "    grads = tape.gradient(loss, model.trainable_variables)\n",
                "    loss = data_loss + penalty(model, lam)\n"
                "    grads = tape.gradient(data_loss, model.trainable_variables)\n",
            ),
        },
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "add the penalty to the loss inside the tf.GradientTape"},
    },
    "step-always-l2": {
        "cells": {
            "regularized_train_step": _swap(
                STEP, 'penalty = {"l2": l2_penalty, "l1": l1_penalty}[kind]', "penalty = l2_penalty"
            ),
        },
        "failing": ["test_regularized_train_step"],
    },
    "step-treats-logits-as-probabilities": {
        "cells": {
            "regularized_train_step": _swap(STEP, "from_logits=True", "from_logits=False"),
        },
        "failing": ["test_regularized_train_step"],
    },
    "step-returns-data-loss-only": {
        "cells": {
            "regularized_train_step": _swap(STEP, "    return loss\n", "    return data_loss\n"),
        },
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "penalty is missing from the returned loss"},
    },
    "step-returns-numpy": {
        "cells": {"regularized_train_step": _swap(STEP, "    return loss\n", "    return loss.numpy()\n")},
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "has no .numpy()"},
    },
    "step-data-loss-in-float64": {
        "cells": {
            "regularized_train_step": _swap(
                STEP,
                "        loss = data_loss + penalty(model, lam)\n",
                "        loss = tf.cast(data_loss, tf.float64) + penalty(model, lam)\n",
            )
        },
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "mixes float32 and float64"},
    },
    "l2-penalty-as-python-float": {
        # The step test compiles the step, as the experiment does; AutoGraph turns float() into tf.cast there,
        # so only the penalty's own test, called eagerly, sees the Python float.
        "cells": {"l2_penalty": _swap(L2, "    return lam * total\n", "    return float(lam * total)\n")},
        "failing": ["test_l2_penalty"],
        "messages": {"test_l2_penalty": "not a tensor"},
    },
    "step-unknown-kind-keyerror": {
        "cells": {
            "regularized_train_step": _swap(
                STEP,
                '    if kind not in ("l2", "l1"):\n'
                "        raise ValueError(f\"kind must be 'l2' or 'l1', got {kind!r}\")\n",
                "",
            )
        },
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "must raise a ValueError"},
    },
    "step-returns-loss-after-the-update": {
        "cells": {
            "regularized_train_step": _swap(
                STEP,
                "    return loss\n",
                "    logits = model(x, training=True)\n"
                "    data_loss = tf.reduce_mean(\n"
                "        keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))\n"
                "    return data_loss + penalty(model, lam)\n",
            )
        },
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "compute the loss before the update"},
    },
    "step-in-inference-mode": {
        "cells": {"regularized_train_step": _swap(STEP, "model(x, training=True)", "model(x)")},
        "failing": ["test_regularized_train_step"],
        "messages": {"test_regularized_train_step": "call the model with training=True"},
    },
    # --- alternative correct solution ----------------------------------------------
    "keras-regularizer-objects-and-layer-kernels": {
        "cells": {
            "l2_penalty": "def l2_penalty(model, lam):\n"
            "    regularizer = keras.regularizers.L2(lam)\n"
            "    return keras.ops.sum([regularizer(layer.kernel) for layer in model.layers\n"
            "                          if hasattr(layer, 'kernel')])\n",
            "l1_penalty": "def l1_penalty(model, lam):\n"
            "    kernels = [layer.kernel for layer in model.layers if hasattr(layer, 'kernel')]\n"
            "    return lam * tf.add_n([tf.norm(tf.reshape(k, [-1]), ord=1) for k in kernels])\n",
            "regularized_train_step": "def regularized_train_step(model, optimizer, x, y, lam, kind='l2'):\n"
            "    if kind not in ('l1', 'l2'):\n"
            "        raise ValueError('kind is l1 or l2')\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        penalty = l1_penalty(model, lam) if kind == 'l1' else l2_penalty(model, lam)\n"
            "        loss = loss_fn(y, model(x, training=True)) + penalty\n"
            "    variables = model.trainable_variables\n"
            "    optimizer.apply(tape.gradient(loss, variables), variables)\n"
            "    return loss\n",
        },
        "failing": [],
    },
    "penalties-in-float64-cast-back": {
        # Rounds differently: squares and sums in float64, lam cast early; the tape differentiates through the casts.
        "cells": {
            "l2_penalty": "def l2_penalty(model, lam):\n"
            "    kernels = [tf.cast(w, tf.float64) for w in model.trainable_weights if w.name == 'kernel']\n"
            "    total = tf.add_n([tf.reduce_sum(k * k) for k in kernels])\n"
            "    return tf.cast(tf.constant(lam, tf.float64) * total, tf.float32)\n",
            "l1_penalty": "def l1_penalty(model, lam):\n"
            "    kernels = [tf.cast(w, tf.float64) for w in model.trainable_weights if w.name == 'kernel']\n"
            "    return tf.cast(lam * tf.add_n([tf.reduce_sum(tf.abs(k)) for k in kernels]), tf.float32)\n",
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    {
        "says": "Return a scalar tensor, so the penalty can be added to a loss inside a `tf.GradientTape`",
        "cell": "test_l2_penalty",
        "variant": "l2-penalty-as-python-float",
    },
    {
        "says": "lam * sum of w**2 over every trainable kernel",
        "cell": "test_l2_penalty",
        "variant": "l2-mean-of-squares",
    },
    {
        "says": "lam * sum of w**2 over every trainable kernel",
        "cell": "test_l2_penalty",
        "variant": "l2-penalizes-batch-norm-scale+l1-one-penalty-per-kernel",
    },
    {
        "says": "Return a scalar tensor, so the penalty can be added to a loss inside a `tf.GradientTape`",
        "cell": "test_l1_penalty",
        "variant": "l2-penalizes-batch-norm-scale+l1-one-penalty-per-kernel",
    },
    {
        "says": "Returns: A scalar tensor: lam * sum of w**2",
        "cell": "test_l2_penalty",
        "variant": "l2-forgets-return+l1-forgets-lam",
    },
    {
        "says": "lam * sum of |w| over every trainable kernel",
        "cell": "test_l1_penalty",
        "variant": "l2-forgets-return+l1-forgets-lam",
    },
    {
        "says": "The loss the step minimized, a scalar tensor",
        "cell": "test_regularized_train_step",
        "variant": "step-returns-numpy",
    },
    {
        "says": "lam * sum of |w| over every trainable kernel",
        "cell": "test_l1_penalty",
        "variant": "l2-penalizes-biases+l1-without-abs",
    },
    {
        "says": "It returns the total loss, data term plus penalty",
        "cell": "test_regularized_train_step",
        "variant": "step-returns-data-loss-only",
    },
    {
        "says": "plus the penalty, computed before the update",
        "cell": "test_regularized_train_step",
        "variant": "step-returns-loss-after-the-update",
    },
    {
        "says": 'ValueError: kind is neither "l2" nor "l1"',
        "cell": "test_regularized_train_step",
        "variant": "step-unknown-kind-keyerror",
    },
]
