"""Known-wrong and alternative-correct submissions of lesson 01.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points.
"""

DENSE_BACKWARD_PREFIX = "def dense_backward(dy, x, W):\n"
SOFTMAX_PREFIX = "def softmax_cross_entropy(logits, labels):\n"

VARIANTS = {
    # --- dense_forward ---------------------------------------------------------
    "forward-forgets-bias": {
        "cells": {"dense_forward": "def dense_forward(x, W, b):\n    return tf.matmul(x, W)\n"},
        "failing": ["test_dense_forward", "test_mlp_loss_and_grads"],
    },
    "forward-output-transposed": {
        "cells": {
            "dense_forward": "def dense_forward(x, W, b):\n"
            "    return tf.matmul(W, x, transpose_a=True, transpose_b=True) + b[:, None]\n"
        },
        "failing": ["test_dense_forward", "test_mlp_loss_and_grads"],
    },
    # --- dense_backward --------------------------------------------------------
    "dW-not-transposed": {
        "cells": {
            "dense_backward": DENSE_BACKWARD_PREFIX
            + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(dy, x, transpose_a=True)\n"
            "    db = tf.reduce_sum(dy, axis=0)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
    },
    "db-summed-over-wrong-axis": {
        "cells": {
            "dense_backward": DENSE_BACKWARD_PREFIX
            + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(x, dy, transpose_a=True)\n"
            "    db = tf.reduce_sum(dy, axis=1)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
    },
    "db-averaged-not-summed": {
        "cells": {
            "dense_backward": DENSE_BACKWARD_PREFIX
            + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(x, dy, transpose_a=True)\n"
            "    db = tf.reduce_mean(dy, axis=0)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
    },
    # --- relu_backward ---------------------------------------------------------
    "relu-returns-mask-only": {
        "cells": {
            "relu_backward": "def relu_backward(dy, z):\n    return tf.cast(z > 0, tf.float64)\n"
        },
        "failing": ["test_relu_backward", "test_mlp_loss_and_grads"],
    },
    "relu-masks-on-gradient-sign": {
        "cells": {
            "relu_backward": "def relu_backward(dy, z):\n    return dy * tf.cast(dy > 0, dy.dtype)\n"
        },
        "failing": ["test_relu_backward", "test_mlp_loss_and_grads"],
    },
    # --- softmax_cross_entropy -------------------------------------------------
    "loss-gradient-missing-1-over-N": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX
            + "    probs = tf.nn.softmax(logits)\n"
            "    onehot = tf.one_hot(labels, probs.shape[1], dtype=probs.dtype)\n"
            "    loss = -tf.reduce_mean(tf.reduce_sum(onehot * tf.math.log(probs), axis=1))\n"
            "    return loss, probs - onehot\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
    },
    "softmax-overflows-without-max-shift": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX
            + "    logits = tf.convert_to_tensor(logits)\n"
            "    e = tf.exp(logits)\n"
            "    probs = e / tf.reduce_sum(e, axis=1, keepdims=True)\n"
            "    onehot = tf.one_hot(labels, logits.shape[1], dtype=logits.dtype)\n"
            "    n = logits.shape[0]\n"
            "    loss = -tf.reduce_sum(onehot * tf.math.log(probs)) / n\n"
            "    return loss, (probs - onehot) / n\n"
        },
        "failing": ["test_softmax_cross_entropy"],
    },
    # --- mlp_loss_and_grads ----------------------------------------------------
    "mlp-skips-relu-backward": {
        "cells": {
            "mlp_loss_and_grads": "def mlp_loss_and_grads(params, x, labels):\n"
            "    z1 = dense_forward(x, params['W1'], params['b1'])\n"
            "    h = tf.nn.relu(z1)\n"
            "    logits = dense_forward(h, params['W2'], params['b2'])\n"
            "    loss, dlogits = softmax_cross_entropy(logits, labels)\n"
            "    dh, dW2, db2 = dense_backward(dlogits, h, params['W2'])\n"
            "    _, dW1, db1 = dense_backward(dh, x, params['W1'])\n"
            "    return loss, {'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}\n"
        },
        "failing": ["test_mlp_loss_and_grads"],
    },
    "mlp-dW2-uses-pre-activation": {
        "cells": {
            "mlp_loss_and_grads": "def mlp_loss_and_grads(params, x, labels):\n"
            "    z1 = dense_forward(x, params['W1'], params['b1'])\n"
            "    h = tf.nn.relu(z1)\n"
            "    logits = dense_forward(h, params['W2'], params['b2'])\n"
            "    loss, dlogits = softmax_cross_entropy(logits, labels)\n"
            "    dh, dW2, db2 = dense_backward(dlogits, z1, params['W2'])\n"
            "    dz1 = relu_backward(dh, z1)\n"
            "    _, dW1, db1 = dense_backward(dz1, x, params['W1'])\n"
            "    return loss, {'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}\n"
        },
        "failing": ["test_mlp_loss_and_grads"],
    },
    # --- numerical_gradient ----------------------------------------------------
    "one-sided-differences": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    x = np.array(x, dtype=float)\n"
            "    grad = np.zeros_like(x)\n"
            "    f0 = f(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        old = x[i]\n"
            "        x[i] = old + eps\n"
            "        grad[i] = (f(x) - f0) / eps\n"
            "        x[i] = old\n"
            "    return grad\n"
        },
        "failing": ["test_numerical_gradient"],
    },
    "central-difference-missing-factor-2": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    x = np.array(x, dtype=float)\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        old = x[i]\n"
            "        x[i] = old + eps\n"
            "        plus = f(x)\n"
            "        x[i] = old - eps\n"
            "        minus = f(x)\n"
            "        x[i] = old\n"
            "        grad[i] = (plus - minus) / eps\n"
            "    return grad\n"
        },
        "failing": ["test_numerical_gradient"],
    },
    "perturbs-caller-array": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        x[i] += eps\n"
            "        plus = f(x)\n"
            "        x[i] -= 2 * eps\n"
            "        minus = f(x)\n"
            "        grad[i] = (plus - minus) / (2 * eps)\n"
            "    return grad\n"
        },
        "failing": ["test_numerical_gradient"],
    },
    # --- relative_error --------------------------------------------------------
    "relative-error-without-floor": {
        "cells": {
            "relative_error": "def relative_error(a, b):\n"
            "    a, b = np.asarray(a, float), np.asarray(b, float)\n"
            "    return float(np.max(np.abs(a - b)) / (np.max(np.abs(a)) + np.max(np.abs(b))))\n"
        },
        "failing": ["test_relative_error"],
    },
    "relative-error-uses-mean": {
        "cells": {
            "relative_error": "def relative_error(a, b):\n"
            "    a, b = np.asarray(a, float), np.asarray(b, float)\n"
            "    return float(np.mean(np.abs(a - b)) / max(1e-8, np.max(np.abs(a)) + np.max(np.abs(b))))\n"
        },
        "failing": ["test_relative_error"],
    },
    # --- tape_loss_and_grads ---------------------------------------------------
    "tape-watches-nothing": {
        "cells": {
            "tape_loss_and_grads": "def tape_loss_and_grads(params, x, labels):\n"
            "    p = {k: tf.constant(v) for k, v in params.items()}\n"
            "    with tf.GradientTape() as tape:\n"
            "        h = tf.nn.relu(x @ p['W1'] + p['b1'])\n"
            "        logits = h @ p['W2'] + p['b2']\n"
            "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))\n"
            "    return loss, tape.gradient(loss, p)\n"
        },
        "failing": ["test_tape_loss_and_grads"],
    },
    "tape-loss-summed-over-batch": {
        "cells": {
            "tape_loss_and_grads": "def tape_loss_and_grads(params, x, labels):\n"
            "    p = {k: tf.Variable(v) for k, v in params.items()}\n"
            "    with tf.GradientTape() as tape:\n"
            "        h = tf.nn.relu(x @ p['W1'] + p['b1'])\n"
            "        logits = h @ p['W2'] + p['b2']\n"
            "        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))\n"
            "    return loss, tape.gradient(loss, p)\n"
        },
        "failing": ["test_tape_loss_and_grads"],
    },
    # --- sgd_step --------------------------------------------------------------
    "sgd-ascends": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    return {k: params[k] + lr * grads[k] for k in params}\n"
        },
        "failing": ["test_sgd_step"],
    },
    "sgd-ignores-learning-rate": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    return {k: params[k] - grads[k] for k in params}\n"
        },
        "failing": ["test_sgd_step"],
    },
    # --- alternative correct solutions ------------------------------------------
    "numpy-everywhere": {
        "cells": {
            "dense_forward": "def dense_forward(x, W, b):\n    return np.dot(x, W) + b\n",
            "dense_backward": DENSE_BACKWARD_PREFIX
            + "    dy, x, W = (np.asarray(v) for v in (dy, x, W))\n"
            "    return dy @ W.T, x.T @ dy, dy.sum(axis=0)\n",
            "relu_backward": "def relu_backward(dy, z):\n"
            "    return np.where(np.asarray(z) > 0, dy, 0.0)\n",
            "softmax_cross_entropy": SOFTMAX_PREFIX
            + "    logits = np.asarray(logits, dtype=np.float64)\n"
            "    log_probs = logits - logits.max(axis=1, keepdims=True)\n"
            "    log_probs -= np.log(np.exp(log_probs).sum(axis=1, keepdims=True))\n"
            "    n = len(labels)\n"
            "    loss = -log_probs[np.arange(n), labels].mean()\n"
            "    dlogits = np.exp(log_probs)\n"
            "    dlogits[np.arange(n), labels] -= 1\n"
            "    return loss, dlogits / n\n",
            "relative_error": "def relative_error(a, b):\n"
            "    a, b = np.asarray(a, float), np.asarray(b, float)\n"
            "    diff = np.abs(a - b)\n"
            "    return float(diff.max() / np.maximum(1e-8, np.abs(a).max() + np.abs(b).max()))\n",
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    new = dict(params)\n"
            "    for key, grad in grads.items():\n"
            "        new[key] = new[key] - lr * grad\n"
            "    return new\n",
        },
        "failing": [],
    },
    "keras-style-tape": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    x0 = np.asarray(x, dtype=np.float64)\n"
            "    grad = np.empty_like(x0)\n"
            "    for i in range(x0.size):\n"
            "        step = np.zeros(x0.size)\n"
            "        step[i] = eps\n"
            "        step = step.reshape(x0.shape)\n"
            "        grad.flat[i] = (f(x0 + step) - f(x0 - step)) / (2 * eps)\n"
            "    return grad\n",
            "tape_loss_and_grads": "def tape_loss_and_grads(params, x, labels):\n"
            "    p = {k: tf.convert_to_tensor(v) for k, v in params.items()}\n"
            "    with tf.GradientTape(persistent=True) as tape:\n"
            "        tape.watch(list(p.values()))\n"
            "        logits = tf.nn.relu(x @ p['W1'] + p['b1']) @ p['W2'] + p['b2']\n"
            "        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)\n"
            "    grads = {k: tape.gradient(loss, v) for k, v in p.items()}\n"
            "    return loss, grads\n",
        },
        "failing": [],
    },
}
