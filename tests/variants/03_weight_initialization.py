"""Known-wrong and alternative-correct submissions of lesson 03.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The test cells of
this lesson use their own models, initializers and oracles, so a mistake in one
exercise never makes another exercise's test fail; independent mistakes in
different exercises are therefore grouped into one scenario to keep the suite fast.
"""

ZEROS_PREFIX = "def zeros_init(fan_in, fan_out):\n"
GLOROT_PREFIX = "def glorot_uniform(fan_in, fan_out, seed):\n"
HE_PREFIX = "def he_normal(fan_in, fan_out, seed):\n"
STDS_PREFIX = "def activation_stds(init_fn, activation, depth, width, x):\n"
SYMMETRY_PREFIX = "def units_are_symmetric(model, x, y):\n"

FIRST_LAYER_GRADIENTS = (
    "    first = [l for l in model.layers if isinstance(l, keras.layers.Dense)][0]\n"
    "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
    "    with tf.GradientTape() as tape:\n"
    "        loss = loss_fn(y, model(x))\n"
    "    g = tape.gradient(loss, first.kernel).numpy()\n"
)

VARIANTS = {
    "zeros-transposed+glorot-limit-from-fan-in-only+he-not-truncated"
    "+stds-before-activation+symmetry-compares-rows": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return np.zeros((fan_out, fan_in), dtype=np.float32)\n",
            "glorot_uniform": GLOROT_PREFIX
            + "    limit = np.sqrt(6 / fan_in)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX
            + "    rng = np.random.default_rng(seed)\n"
            "    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).astype(np.float32)\n",
            "activation_stds": STDS_PREFIX
            + "    act = keras.activations.get(activation)\n"
            "    h, stds = np.asarray(x, np.float32), []\n"
            "    for _ in range(depth):\n"
            "        z = h @ np.asarray(init_fn(h.shape[1], width))\n"
            "        stds.append(float(np.std(z)))\n"
            "        h = np.asarray(act(z))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX
            + FIRST_LAYER_GRADIENTS
            + "    return bool(np.abs(g - g[:1, :]).max() <= 1e-5 * np.abs(g).max())\n",
        },
        "failing": [
            "test_zeros_init",
            "test_glorot_uniform",
            "test_he_normal",
            "test_activation_stds",
            "test_units_are_symmetric",
        ],
    },
    "zeros-shape-passed-as-dtype+glorot-normal-not-uniform+he-truncated-without-correction"
    "+stds-include-the-input+symmetric-means-zero-gradient": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return np.zeros(fan_in, fan_out)\n",
            "glorot_uniform": GLOROT_PREFIX
            + "    rng = np.random.default_rng(seed)\n"
            "    std = np.sqrt(2 / (fan_in + fan_out))\n"
            "    return rng.normal(0, std, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX
            + "    std = np.sqrt(2 / fan_in)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0, std, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * std).any():\n"
            "        bad = np.abs(W) > 2 * std\n"
            "        W[bad] = rng.normal(0, std, size=bad.sum())\n"
            "    return W.astype(np.float32)\n",
            "activation_stds": STDS_PREFIX
            + "    act = keras.activations.get(activation)\n"
            "    h = tf.convert_to_tensor(x, tf.float32)\n"
            "    stds = [float(tf.math.reduce_std(h))]\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.convert_to_tensor(init_fn(h.shape[1], width), tf.float32))\n"
            "        stds.append(float(tf.math.reduce_std(h)))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX
            + FIRST_LAYER_GRADIENTS
            + "    return bool(np.allclose(g, 0.0))\n",
        },
        "failing": [
            "test_zeros_init",
            "test_glorot_uniform",
            "test_he_normal",
            "test_activation_stds",
            "test_units_are_symmetric",
        ],
    },
    "glorot-positive-half-only+he-scaled-by-fan-out+stds-averaged-per-unit"
    "+symmetry-of-the-output-layer": {
        "cells": {
            "glorot_uniform": GLOROT_PREFIX
            + "    limit = np.sqrt(6 / (fan_in + fan_out))\n"
            "    rng = np.random.default_rng(seed)\n"
            "    return rng.uniform(0, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX
            + "    std = np.sqrt(2 / fan_out) / 0.87962566103423978\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0, std, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * std).any():\n"
            "        bad = np.abs(W) > 2 * std\n"
            "        W[bad] = rng.normal(0, std, size=bad.sum())\n"
            "    return W.astype(np.float32)\n",
            "activation_stds": STDS_PREFIX
            + "    act = keras.activations.get(activation)\n"
            "    h, stds = tf.convert_to_tensor(x, tf.float32), []\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.convert_to_tensor(init_fn(h.shape[1], width), tf.float32))\n"
            "        stds.append(float(tf.reduce_mean(tf.math.reduce_std(h, axis=0))))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX
            + "    last = [l for l in model.layers if isinstance(l, keras.layers.Dense)][-1]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    g = tape.gradient(loss, last.kernel).numpy()\n"
            "    return bool(np.abs(g - g[:, :1]).max() <= 1e-5 * np.abs(g).max())\n",
        },
        "failing": [
            "test_glorot_uniform",
            "test_he_normal",
            "test_activation_stds",
            "test_units_are_symmetric",
        ],
    },
    "he-stateful-tf-random-not-reproducible": {
        "cells": {
            "he_normal": HE_PREFIX
            + "    std = np.sqrt(2 / fan_in) / 0.87962566103423978\n"
            "    return tf.random.truncated_normal((fan_in, fan_out), stddev=std, seed=seed).numpy()\n",
        },
        "failing": ["test_he_normal"],
    },
    # --- alternative correct solutions ------------------------------------------
    "tensorflow-random+numpy-stds": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return tf.zeros([fan_in, fan_out])\n",
            "glorot_uniform": GLOROT_PREFIX
            + "    limit = (6.0 / (fan_in + fan_out)) ** 0.5\n"
            "    return tf.random.stateless_uniform(\n"
            "        [fan_in, fan_out], seed=[seed, 0], minval=-limit, maxval=limit)\n",
            "he_normal": HE_PREFIX
            + "    std = (2.0 / fan_in) ** 0.5 / 0.87962566103423978\n"
            "    return keras.random.truncated_normal((fan_in, fan_out), stddev=std, seed=seed)\n",
            "activation_stds": STDS_PREFIX
            + "    act = keras.activations.get(activation)\n"
            "    h, stds = np.asarray(x, np.float64), []\n"
            "    for layer in range(depth):\n"
            "        W = np.asarray(init_fn(h.shape[1], width), np.float64)\n"
            "        h = np.asarray(act(tf.constant(h @ W)))\n"
            "        stds.append(float(np.sqrt(np.mean((h - h.mean()) ** 2))))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX
            + "    dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    kernel, bias = dense[0].kernel, dense[0].bias\n"
            "    with tf.GradientTape() as tape:\n"
            "        logits = model(x)\n"
            "        loss = tf.reduce_mean(\n"
            "            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))\n"
            "    dk, db = (g.numpy() for g in tape.gradient(loss, [kernel, bias]))\n"
            "    scale = max(np.abs(dk).max(), np.abs(db).max())\n"
            "    same_k = np.abs(dk - dk[:, [0]]).max() <= 1e-5 * scale\n"
            "    same_b = np.abs(db - db[0]).max() <= 1e-5 * scale\n"
            "    return bool(same_k and same_b)\n",
        },
        "failing": [],
    },
    "rejection-loop-per-entry": {
        "cells": {
            "he_normal": HE_PREFIX
            + "    rng = np.random.default_rng(seed)\n"
            "    sigma = np.sqrt(2.0 / fan_in) / 0.87962566103423978\n"
            "    values = []\n"
            "    while len(values) < fan_in * fan_out:\n"
            "        batch = rng.standard_normal(fan_in * fan_out)\n"
            "        values.extend(batch[np.abs(batch) <= 2.0] * sigma)\n"
            "    return np.array(values[: fan_in * fan_out], np.float32).reshape(fan_in, fan_out)\n",
            "glorot_uniform": GLOROT_PREFIX
            + "    rng = np.random.default_rng(seed)\n"
            "    limit = np.sqrt(6.0 / (fan_in + fan_out))\n"
            "    return (limit * (2 * rng.random((fan_in, fan_out)) - 1)).astype(np.float32)\n",
        },
        "failing": [],
    },
}
