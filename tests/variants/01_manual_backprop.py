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
            "dense_backward": DENSE_BACKWARD_PREFIX + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(dy, x, transpose_a=True)\n"
            "    db = tf.reduce_sum(dy, axis=0)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
    },
    "db-summed-over-wrong-axis": {
        "cells": {
            "dense_backward": DENSE_BACKWARD_PREFIX + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(x, dy, transpose_a=True)\n"
            "    db = tf.reduce_sum(dy, axis=1)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
    },
    "db-averaged-not-summed": {
        "cells": {
            "dense_backward": DENSE_BACKWARD_PREFIX + "    dx = tf.matmul(dy, W, transpose_b=True)\n"
            "    dW = tf.matmul(x, dy, transpose_a=True)\n"
            "    db = tf.reduce_mean(dy, axis=0)\n"
            "    return dx, dW, db\n"
        },
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
        "messages": {"test_dense_backward": "db is the mean of dy over the batch"},
    },
    # --- relu_backward ---------------------------------------------------------
    "relu-returns-mask-only": {
        "cells": {"relu_backward": "def relu_backward(dy, z):\n    return tf.cast(z > 0, tf.float64)\n"},
        "failing": ["test_relu_backward", "test_mlp_loss_and_grads"],
    },
    "relu-masks-on-gradient-sign": {
        "cells": {"relu_backward": "def relu_backward(dy, z):\n    return dy * tf.cast(dy > 0, dy.dtype)\n"},
        "failing": ["test_relu_backward", "test_mlp_loss_and_grads"],
    },
    # --- softmax_cross_entropy -------------------------------------------------
    "loss-gradient-missing-1-over-N": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    probs = tf.nn.softmax(logits)\n"
            "    onehot = tf.one_hot(labels, probs.shape[1], dtype=probs.dtype)\n"
            "    loss = -tf.reduce_mean(tf.reduce_sum(onehot * tf.math.log(probs), axis=1))\n"
            "    return loss, probs - onehot\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
    },
    "softmax-overflows-without-max-shift": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    logits = tf.convert_to_tensor(logits)\n"
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
        "messages": {"test_numerical_gradient": "is a one-sided difference"},
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
        "messages": {"test_tape_loss_and_grads": "That is the batch size (4): divide by N"},
    },
    # --- sgd_step --------------------------------------------------------------
    "sgd-ascends": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n    return {k: params[k] + lr * grads[k] for k in params}\n"
        },
        "failing": ["test_sgd_step"],
        "messages": {"test_sgd_step": "The update has the wrong sign"},
    },
    "sgd-ignores-learning-rate": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n    return {k: params[k] - grads[k] for k in params}\n"
        },
        "failing": ["test_sgd_step"],
    },
    # --- requirements the text states (REQUIREMENTS below) ------------------------
    "numpy-forward-breaks-in-tf-function": {
        "cells": {"dense_forward": "def dense_forward(x, W, b):\n    return np.dot(x, W) + b\n"},
        "failing": ["test_dense_forward", "test_mlp_loss_and_grads"],
        "messages": {"test_dense_forward": "dense_forward fails inside tf.function on float32 tensors"},
    },
    "dense-backward-uses-numpy-T": {
        "cells": {"dense_backward": DENSE_BACKWARD_PREFIX + "    return dy @ W.T, x.T @ dy, dy.sum(axis=0)\n"},
        "failing": ["test_dense_backward", "test_mlp_loss_and_grads"],
        "messages": {"test_dense_backward": "tensors have no .T"},
    },
    "relu-multiplies-by-bool": {
        "cells": {"relu_backward": "def relu_backward(dy, z):\n    return dy * (z > 0)\n"},
        "failing": ["test_relu_backward", "test_mlp_loss_and_grads"],
        "messages": {"test_relu_backward": "came back as bool", "test_mlp_loss_and_grads": "is used as a number"},
    },
    "softmax-one-hot-in-float32": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    probs = tf.nn.softmax(logits)\n"
            "    onehot = tf.one_hot(labels, probs.shape[1])\n"
            "    n = probs.shape[0]\n"
            "    loss = -tf.reduce_sum(onehot * tf.math.log(probs)) / n\n"
            "    return loss, (probs - onehot) / n\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
        "messages": {"test_softmax_cross_entropy": "mixes float32 and float64 tensors"},
    },
    "relu-passes-gradient-at-zero": {
        "cells": {"relu_backward": "def relu_backward(dy, z):\n    return dy * tf.cast(z >= 0, dy.dtype)\n"},
        "failing": ["test_relu_backward"],
        "messages": {"test_relu_backward": "use z > 0, not z >= 0"},
    },
    "softmax-loss-per-row": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    logits = tf.convert_to_tensor(logits)\n"
            "    n = tf.cast(tf.shape(logits)[0], logits.dtype)\n"
            "    onehot = tf.one_hot(labels, tf.shape(logits)[1], dtype=logits.dtype)\n"
            "    log_probs = tf.nn.log_softmax(logits, axis=1)\n"
            "    return -tf.reduce_sum(onehot * log_probs, axis=1), (tf.exp(log_probs) - onehot) / n\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
        "messages": {"test_softmax_cross_entropy": "loss has shape (6,) but should have shape ()"},
    },
    "softmax-hardcodes-float64": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    logits = tf.cast(logits, tf.float64)\n"
            "    n = logits.shape[0]\n"
            "    onehot = tf.one_hot(labels, logits.shape[1], dtype=tf.float64)\n"
            "    log_probs = tf.nn.log_softmax(logits, axis=1)\n"
            "    loss = -tf.reduce_sum(onehot * log_probs) / n\n"
            "    return loss, (tf.exp(log_probs) - onehot) / n\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
        "messages": {"test_softmax_cross_entropy": "came back as float64 for float32 inputs"},
    },
    "softmax-log-with-epsilon": {
        "cells": {
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    logits = tf.convert_to_tensor(logits)\n"
            "    probs = tf.nn.softmax(logits, axis=1)\n"
            "    n = tf.cast(tf.shape(logits)[0], logits.dtype)\n"
            "    onehot = tf.one_hot(labels, tf.shape(logits)[1], dtype=logits.dtype)\n"
            "    loss = -tf.reduce_sum(onehot * tf.math.log(probs + 1e-3)) / n\n"
            "    return loss, (probs - onehot) / n\n"
        },
        "failing": ["test_softmax_cross_entropy", "test_mlp_loss_and_grads"],
        # a scalar a little off is named with both values, not "off by a constant factor: 1.001 times"
        "messages": {"test_softmax_cross_entropy": "but should be"},
    },
    "mlp-grads-keys-renamed": {
        "cells": {
            "mlp_loss_and_grads": "def mlp_loss_and_grads(params, x, labels):\n"
            "    z1 = dense_forward(x, params['W1'], params['b1'])\n"
            "    h = tf.nn.relu(z1)\n"
            "    logits = dense_forward(h, params['W2'], params['b2'])\n"
            "    loss, dlogits = softmax_cross_entropy(logits, labels)\n"
            "    dh, dW2, db2 = dense_backward(dlogits, h, params['W2'])\n"
            "    _, dW1, db1 = dense_backward(relu_backward(dh, z1), x, params['W1'])\n"
            "    return loss, {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}\n"
        },
        "failing": ["test_mlp_loss_and_grads"],
        "messages": {"test_mlp_loss_and_grads": "grads must be a dict with the keys of params"},
    },
    "numerical-gradient-flattened": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    x = np.array(x, dtype=float)\n"
            "    grad = []\n"
            "    for i in np.ndindex(x.shape):\n"
            "        old = x[i]\n"
            "        x[i] = old + eps\n"
            "        plus = f(x)\n"
            "        x[i] = old - eps\n"
            "        minus = f(x)\n"
            "        x[i] = old\n"
            "        grad.append((plus - minus) / (2 * eps))\n"
            "    return np.array(grad)\n"
        },
        "failing": ["test_numerical_gradient"],
        "messages": {"test_numerical_gradient": "grad has shape (4,) but should have shape (2, 2)"},
    },
    "numerical-gradient-restores-by-arithmetic": {
        "cells": {
            "numerical_gradient": "def numerical_gradient(f, x, eps=1e-6):\n"
            "    grad = np.zeros_like(x, dtype=float)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        x[i] += eps\n"
            "        plus = f(x)\n"
            "        x[i] -= 2 * eps\n"
            "        minus = f(x)\n"
            "        x[i] += eps\n"
            "        grad[i] = (plus - minus) / (2 * eps)\n"
            "    return grad\n"
        },
        "failing": ["test_numerical_gradient"],
        "messages": {"test_numerical_gradient": "numerical_gradient changed its input x"},
    },
    "relative-error-returns-tensor": {
        "cells": {
            "relative_error": "def relative_error(a, b):\n"
            "    a, b = tf.constant(a, tf.float64), tf.constant(b, tf.float64)\n"
            "    scale = tf.maximum(1e-8, tf.reduce_max(tf.abs(a)) + tf.reduce_max(tf.abs(b)))\n"
            "    return tf.reduce_max(tf.abs(a - b)) / scale\n"
        },
        "failing": ["test_relative_error"],
        "messages": {"test_relative_error": "relative_error must return a Python float"},
    },
    "sgd-updates-the-dict-in-place": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    for k in params:\n"
            "        params[k] = params[k] - lr * grads[k]\n"
            "    return params\n"
        },
        "failing": ["test_sgd_step"],
        "messages": {"test_sgd_step": "sgd_step modified the params dict passed in"},
    },
    "sgd-updates-the-arrays-in-place": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    new = {}\n"
            "    for k in params:\n"
            "        params[k] -= lr * grads[k]\n"
            "        new[k] = params[k]\n"
            "    return new\n"
        },
        "failing": ["test_sgd_step"],
        "messages": {"test_sgd_step": "sgd_step modified the params dict passed in"},
    },
    "sgd-numpy-breaks-in-tf-function": {
        "cells": {
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    return {k: np.subtract(params[k], np.multiply(lr, grads[k])) for k in params}\n"
        },
        "failing": ["test_sgd_step"],
        "messages": {"test_sgd_step": "sgd_step fails inside tf.function"},
    },
    "tape-grads-as-list": {
        "cells": {
            "tape_loss_and_grads": "def tape_loss_and_grads(params, x, labels):\n"
            "    keys = ['W1', 'b1', 'W2', 'b2']\n"
            "    p = [tf.Variable(params[k]) for k in keys]\n"
            "    with tf.GradientTape() as tape:\n"
            "        h = tf.nn.relu(x @ p[0] + p[1])\n"
            "        logits = h @ p[2] + p[3]\n"
            "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))\n"
            "    return loss, tape.gradient(loss, p)\n"
        },
        "failing": ["test_tape_loss_and_grads"],
        "messages": {"test_tape_loss_and_grads": "grads must be a dict with keys W1 b1 W2 b2"},
    },
    # --- alternative correct solutions ------------------------------------------
    "numpy-arithmetic": {
        "cells": {
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
    "float64-intermediates+einsum": {
        "cells": {
            "dense_forward": "def dense_forward(x, W, b):\n    return tf.einsum('ni,io->no', x, W) + b\n",
            "dense_backward": DENSE_BACKWARD_PREFIX + "    dx = tf.einsum('no,io->ni', dy, W)\n"
            "    dW = tf.einsum('ni,no->io', x, dy)\n"
            "    return dx, dW, tf.einsum('no->o', dy)\n",
            "relu_backward": "def relu_backward(dy, z):\n    return tf.where(z > 0, dy, tf.zeros_like(dy))\n",
            "softmax_cross_entropy": SOFTMAX_PREFIX + "    logits = tf.convert_to_tensor(logits)\n"
            "    wide = tf.cast(logits, tf.float64)\n"
            "    onehot = tf.one_hot(labels, tf.shape(wide)[1], dtype=tf.float64)\n"
            "    loss = tf.reduce_mean(tf.reduce_logsumexp(wide, axis=1) - tf.reduce_sum(onehot * wide, axis=1))\n"
            "    dlogits = (tf.nn.softmax(wide, axis=1) - onehot) / tf.cast(tf.shape(wide)[0], tf.float64)\n"
            "    return tf.cast(loss, logits.dtype), tf.cast(dlogits, logits.dtype)\n",
            "sgd_step": "def sgd_step(params, grads, lr):\n"
            "    new = {}\n"
            "    for key in params:\n"
            "        p = tf.convert_to_tensor(params[key])\n"
            "        new[key] = p - tf.cast(lr, p.dtype) * tf.cast(grads[key], p.dtype)\n"
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


# Every sentence of the lesson's text and docstrings that states a requirement (must, never,
# raise, refuse, return(s), strictly, in this order), its enforcing test cell, and a variant
# that breaks only it (CONTRIBUTING, "Every sentence is checked").
REQUIREMENTS = [
    {
        "says": "so they must work there too",
        "cell": "test_dense_forward",
        "variant": "numpy-forward-breaks-in-tf-function",
    },
    {"says": "so they must work there too", "cell": "test_dense_backward", "variant": "dense-backward-uses-numpy-T"},
    {"says": "so they must work there too", "cell": "test_relu_backward", "variant": "relu-multiplies-by-bool"},
    {
        "says": "so they must work there too",
        "cell": "test_softmax_cross_entropy",
        "variant": "softmax-hardcodes-float64",
    },
    {
        "says": "so they must work there too",
        "cell": "test_mlp_loss_and_grads",
        "variant": "numpy-forward-breaks-in-tf-function",
    },
    {"says": "so they must work there too", "cell": "test_sgd_step", "variant": "sgd-numpy-breaks-in-tf-function"},
    {
        "says": "Returns: y = x W + b, shape (N, fan_out)",
        "cell": "test_dense_forward",
        "variant": "forward-forgets-bias",
    },
    {
        "says": "returns the gradients with respect to its inputs and parameters",
        "cell": "test_dense_backward",
        "variant": "dW-not-transposed",
    },
    {
        "says": "Returns: (dx, dW, db) with the shapes of x, W and b",
        "cell": "test_dense_backward",
        "variant": "db-summed-over-wrong-axis",
    },
    {
        "says": "Returns: dz, the gradient with respect to z",
        "cell": "test_relu_backward",
        "variant": "relu-masks-on-gradient-sign",
    },
    {
        "says": "Returns: (loss, dlogits): the mean loss (a scalar)",
        "cell": "test_softmax_cross_entropy",
        "variant": "softmax-loss-per-row",
    },
    {
        "says": "both in the dtype of logits",
        "cell": "test_softmax_cross_entropy",
        "variant": "softmax-hardcodes-float64",
    },
    {
        "says": "Returns: (loss, grads) where grads has the same keys and shapes as params",
        "cell": "test_mlp_loss_and_grads",
        "variant": "mlp-grads-keys-renamed",
    },
    {
        "says": "it must be left unchanged",
        "cell": "test_numerical_gradient",
        "variant": "numerical-gradient-restores-by-arithmetic",
    },
    {
        "says": "Returns: An array shaped like x",
        "cell": "test_numerical_gradient",
        "variant": "numerical-gradient-flattened",
    },
    {"says": "Returns: A Python float", "cell": "test_relative_error", "variant": "relative-error-returns-tensor"},
    {
        "says": "Return a new dict and leave the old one alone",
        "cell": "test_sgd_step",
        "variant": "sgd-updates-the-dict-in-place",
    },
    {
        "says": "Returns: A new dict with params[k] - lr * grads[k] for every key",
        "cell": "test_sgd_step",
        "variant": "sgd-ascends",
    },
    {
        "says": "The dict passed in, and its arrays, must be left as they were",
        "cell": "test_sgd_step",
        "variant": "sgd-updates-the-arrays-in-place",
    },
    {
        "says": "Returns: (loss, grads) with grads a dict of the same keys as params",
        "cell": "test_tape_loss_and_grads",
        "variant": "tape-grads-as-list",
    },
]
