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
            "l2_penalty": _swap(L2, '[w for w in model.trainable_weights if w.name == "kernel"]',
                                "model.trainable_weights"),
            "l1_penalty": _swap(L1, "tf.abs(kernel)", "kernel"),
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
    },
    "l2-halved-like-tf-nn-l2-loss+l1-penalizes-biases": {
        "cells": {
            "l2_penalty": _swap(L2, "tf.reduce_sum(tf.square(kernel))", "tf.nn.l2_loss(kernel)"),
            "l1_penalty": _swap(L1, '[w for w in model.trainable_weights if w.name == "kernel"]',
                                "model.trainable_weights"),
        },
        "failing": ["test_l2_penalty", "test_l1_penalty", "test_regularized_train_step"],
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
    },
    "step-always-l2": {
        "cells": {
            "regularized_train_step": _swap(STEP, 'penalty = {"l2": l2_penalty, "l1": l1_penalty}[kind]',
                                            "penalty = l2_penalty"),
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
}
