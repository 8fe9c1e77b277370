"""Known-wrong and alternative-correct submissions of lesson 02.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The test cells of
this lesson build their own models and oracles, so a mistake in one exercise
never makes another exercise's test fail; independent mistakes in different
exercises are therefore grouped into one scenario to keep the suite fast.
"""

DERIVATIVE_PREFIX = "def derivative_with_tape(fn, x):\n"
LEAKY_PREFIX = "def leaky_relu(x, alpha=0.01):\n"
LEAKY_GRAD_PREFIX = "def leaky_relu_grad(x, alpha=0.01):\n"
BUILD_PREFIX = "def build_deep_mlp(activation, depth, width, input_dim, num_classes, seed):\n"
NORMS_PREFIX = "def layer_gradient_norms(model, x, y):\n"
DEAD_PREFIX = "def dead_relu_fraction(model, x):\n"

VARIANTS = {
    # --- derivative_with_tape + leaky_relu + leaky_relu_grad ---------------------
    "tape-never-watches-x+leaky-negative-branch-constant+grad-forgets-alpha": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX
            + "    x = tf.convert_to_tensor(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        y = fn(x)\n"
            "    return tape.gradient(y, x)\n",
            "leaky_relu": LEAKY_PREFIX
            + "    x = tf.convert_to_tensor(x)\n"
            "    return tf.where(x > 0, x, alpha)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX
            + "    x = tf.convert_to_tensor(x)\n"
            "    return tf.cast(x > 0, x.dtype)\n",
        },
        "failing": ["test_derivative_with_tape", "test_leaky_relu", "test_leaky_relu_grad"],
    },
    "tape-derivative-of-the-mean+leaky-relu-in-numpy+grad-is-alpha-times-x": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX
            + "    x = tf.convert_to_tensor(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch(x)\n"
            "        y = tf.reduce_mean(fn(x))\n"
            "    return tape.gradient(y, x)\n",
            "leaky_relu": LEAKY_PREFIX
            + "    x = np.asarray(x)\n"
            "    return np.where(x > 0, x, alpha * x)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX
            + "    x = tf.convert_to_tensor(x)\n"
            "    return tf.where(x > 0, tf.ones_like(x), alpha * x)\n",
        },
        "failing": ["test_derivative_with_tape", "test_leaky_relu", "test_leaky_relu_grad"],
    },
    "leaky-relu-keras-default-slope": {
        "cells": {
            "leaky_relu": "def leaky_relu(x, alpha=0.2):\n"
            "    x = tf.convert_to_tensor(x)\n"
            "    return tf.where(x > 0, x, alpha * x)\n",
        },
        "failing": ["test_leaky_relu"],
    },
    # --- build_deep_mlp + layer_gradient_norms + dead_relu_fraction --------------
    "softmax-output-layer+norms-include-biases+zero-entries-not-units": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX
            + "    layers = [keras.Input(shape=(input_dim,))]\n"
            "    for i in range(depth):\n"
            "        init = keras.initializers.GlorotUniform(seed=seed * 100 + i)\n"
            "        layers.append(keras.layers.Dense(width, activation=activation,"
            " kernel_initializer=init))\n"
            "    init = keras.initializers.GlorotUniform(seed=seed * 100 + depth)\n"
            "    layers.append(keras.layers.Dense(num_classes, activation='softmax',"
            " kernel_initializer=init))\n"
            "    return keras.Sequential(layers)\n",
            "layer_gradient_norms": NORMS_PREFIX
            + "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    return [float(tf.norm(g)) for g in grads]\n",
            "dead_relu_fraction": DEAD_PREFIX
            + "    h, zeros, total = tf.convert_to_tensor(x), 0.0, 0\n"
            "    for layer in model.layers[:-1]:\n"
            "        h = layer(h)\n"
            "        zeros += float(tf.reduce_sum(tf.cast(h == 0, tf.float32)))\n"
            "        total += int(tf.size(h))\n"
            "    return zeros / total\n",
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_dead_relu_fraction"],
    },
    "depth-counts-output-layer+norms-output-side-first+averages-layer-shares": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX
            + "    layers = [keras.Input(shape=(input_dim,))]\n"
            "    for i in range(depth - 1):\n"
            "        init = keras.initializers.GlorotUniform(seed=seed * 100 + i)\n"
            "        layers.append(keras.layers.Dense(width, activation=activation,"
            " kernel_initializer=init))\n"
            "    init = keras.initializers.GlorotUniform(seed=seed * 100 + depth)\n"
            "    layers.append(keras.layers.Dense(num_classes, kernel_initializer=init))\n"
            "    return keras.Sequential(layers)\n",
            "layer_gradient_norms": NORMS_PREFIX
            + "    dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    grads = tape.gradient(loss, [l.kernel for l in reversed(dense)])\n"
            "    return [float(tf.norm(g)) for g in grads]\n",
            "dead_relu_fraction": DEAD_PREFIX
            + "    h, shares = tf.convert_to_tensor(x), []\n"
            "    for layer in model.layers[:-1]:\n"
            "        h = layer(h)\n"
            "        dead = tf.reduce_all(h == 0, axis=0)\n"
            "        shares.append(float(tf.reduce_mean(tf.cast(dead, tf.float32))))\n"
            "    return float(np.mean(shares))\n",
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_dead_relu_fraction"],
    },
    "one-seeded-initializer-shared+loss-summed-over-batch+output-layer-counted": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX
            + "    init = keras.initializers.GlorotUniform(seed=seed)\n"
            "    layers = [keras.Input(shape=(input_dim,))]\n"
            "    for _ in range(depth):\n"
            "        layers.append(keras.layers.Dense(width, activation=activation,"
            " kernel_initializer=init))\n"
            "    layers.append(keras.layers.Dense(num_classes, kernel_initializer=init))\n"
            "    return keras.Sequential(layers)\n",
            "layer_gradient_norms": NORMS_PREFIX
            + "    dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    with tf.GradientTape() as tape:\n"
            "        losses = keras.losses.sparse_categorical_crossentropy("
            "y, model(x), from_logits=True)\n"
            "        loss = tf.reduce_sum(losses)\n"
            "    grads = tape.gradient(loss, [l.kernel for l in dense])\n"
            "    return [float(tf.norm(g)) for g in grads]\n",
            "dead_relu_fraction": DEAD_PREFIX
            + "    h, dead, total = tf.convert_to_tensor(x), 0, 0\n"
            "    for layer in model.layers:\n"
            "        h = layer(h)\n"
            "        dead += int(tf.reduce_sum(tf.cast(tf.reduce_all(h == 0, axis=0), tf.int32)))\n"
            "        total += layer.units\n"
            "    return dead / total\n",
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_dead_relu_fraction"],
    },
    "seed-ignored": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX
            + "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
            "    for _ in range(depth):\n"
            "        model.add(keras.layers.Dense(width, activation=activation))\n"
            "    model.add(keras.layers.Dense(num_classes))\n"
            "    return model\n",
        },
        "failing": ["test_build_deep_mlp"],
    },
    # --- alternative correct solutions ------------------------------------------
    "variable-tape+global-seed+numpy-counts": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX
            + "    v = tf.Variable(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        total = tf.reduce_sum(fn(v))\n"
            "    return tape.gradient(total, v)\n",
            "leaky_relu": LEAKY_PREFIX + "    return tf.maximum(x, alpha * x)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX
            + "    return np.where(np.asarray(x) > 0, 1.0, alpha)\n",
            "build_deep_mlp": BUILD_PREFIX
            + "    keras.utils.set_random_seed(seed)\n"
            "    model = keras.Sequential()\n"
            "    model.add(keras.Input(shape=(input_dim,)))\n"
            "    for _ in range(depth):\n"
            "        model.add(keras.layers.Dense(width, activation=activation))\n"
            "    model.add(keras.layers.Dense(num_classes))\n"
            "    return model\n",
            "layer_gradient_norms": NORMS_PREFIX
            + "    kernels = [v for v in model.trainable_variables if v.path.endswith('kernel')]\n"
            "    with tf.GradientTape() as tape:\n"
            "        logits = model(x, training=True)\n"
            "        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy("
            "y, logits, from_logits=True))\n"
            "    grads = tape.gradient(loss, kernels)\n"
            "    return [float(tf.sqrt(tf.reduce_sum(tf.square(g)))) for g in grads]\n",
            "dead_relu_fraction": DEAD_PREFIX
            + "    relu_layers = [layer for layer in model.layers\n"
            "                   if layer.get_config().get('activation') == 'relu']\n"
            "    probe = keras.Model(model.inputs, [layer.output for layer in relu_layers])\n"
            "    outputs = probe(np.asarray(x, dtype='float32'))\n"
            "    if not isinstance(outputs, (list, tuple)):\n"
            "        outputs = [outputs]\n"
            "    dead = sum(int(np.all(np.asarray(h) == 0, axis=0).sum()) for h in outputs)\n"
            "    return dead / sum(int(np.shape(h)[1]) for h in outputs)\n",
        },
        "failing": [],
    },
    "functional-api+persistent-tape": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX
            + "    x = tf.constant(x) if not isinstance(x, tf.Variable) else x\n"
            "    with tf.GradientTape(persistent=True) as tape:\n"
            "        tape.watch(x)\n"
            "        total = tf.reduce_sum(fn(x))\n"
            "    return tape.gradient(total, x)\n",
            "build_deep_mlp": BUILD_PREFIX
            + "    inputs = keras.Input(shape=(input_dim,))\n"
            "    h = inputs\n"
            "    for i in range(depth + 1):\n"
            "        init = keras.initializers.GlorotUniform(seed=1000 * seed + i)\n"
            "        if i < depth:\n"
            "            h = keras.layers.Dense(width, activation, kernel_initializer=init)(h)\n"
            "        else:\n"
            "            h = keras.layers.Dense(num_classes, kernel_initializer=init)(h)\n"
            "    return keras.Model(inputs, h)\n",
        },
        "failing": [],
    },
}
