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
    "zeros-transposed+glorot-limit-from-fan-in-only+he-not-truncated+stds-before-activation+symmetry-compares-rows": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return np.zeros((fan_out, fan_in), dtype=np.float32)\n",
            "glorot_uniform": GLOROT_PREFIX + "    limit = np.sqrt(6 / fan_in)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).astype(np.float32)\n",
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
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
        "messages": {"test_activation_stds": "take the std after the activation"},
    },
    "zeros-shape-passed-as-dtype+glorot-normal-not-uniform+he-truncated-without-correction"
    "+stds-include-the-input+symmetric-means-zero-gradient": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return np.zeros(fan_in, fan_out)\n",
            "glorot_uniform": GLOROT_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    std = np.sqrt(2 / (fan_in + fan_out))\n"
            "    return rng.normal(0, std, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX + "    std = np.sqrt(2 / fan_in)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0, std, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * std).any():\n"
            "        bad = np.abs(W) > 2 * std\n"
            "        W[bad] = rng.normal(0, std, size=bad.sum())\n"
            "    return W.astype(np.float32)\n",
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
            "    h = tf.convert_to_tensor(x, tf.float32)\n"
            "    stds = [float(tf.math.reduce_std(h))]\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.convert_to_tensor(init_fn(h.shape[1], width), tf.float32))\n"
            "        stds.append(float(tf.math.reduce_std(h)))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX + FIRST_LAYER_GRADIENTS + "    return bool(np.allclose(g, 0.0))\n",
        },
        "failing": [
            "test_zeros_init",
            "test_glorot_uniform",
            "test_he_normal",
            "test_activation_stds",
            "test_units_are_symmetric",
        ],
    },
    "glorot-positive-half-only+he-scaled-by-fan-out+stds-averaged-per-unit+symmetry-of-the-output-layer": {
        "cells": {
            "glorot_uniform": GLOROT_PREFIX + "    limit = np.sqrt(6 / (fan_in + fan_out))\n"
            "    rng = np.random.default_rng(seed)\n"
            "    return rng.uniform(0, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX + "    std = np.sqrt(2 / fan_out) / 0.87962566103423978\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0, std, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * std).any():\n"
            "        bad = np.abs(W) > 2 * std\n"
            "        W[bad] = rng.normal(0, std, size=bad.sum())\n"
            "    return W.astype(np.float32)\n",
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
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
        "messages": {
            "test_he_normal": "use fan_in (the number of inputs",
            "test_activation_stds": "one std over all N x width values",
        },
    },
    "zeros-forgets-return+he-one-scalar-for-every-redraw+stds-activation-names-only+symmetry-compares-weights": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    np.zeros((fan_in, fan_out), dtype=np.float32)\n",
            "he_normal": HE_PREFIX + "    std = np.sqrt(2 / fan_in) / 0.87962566103423978\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0, std, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * std).any():\n"
            "        W[np.abs(W) > 2 * std] = rng.normal(0, std)\n"
            "    return W.astype(np.float32)\n",
            "activation_stds": STDS_PREFIX
            + '    act = {"tanh": tf.tanh, "relu": tf.nn.relu, "sigmoid": tf.sigmoid}[activation]\n'
            "    h, stds = tf.convert_to_tensor(x, tf.float32), []\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.convert_to_tensor(init_fn(h.shape[1], width), tf.float32))\n"
            "        stds.append(float(tf.math.reduce_std(h)))\n"
            "    return stds\n",
            "units_are_symmetric": SYMMETRY_PREFIX
            + "    first = [l for l in model.layers if isinstance(l, keras.layers.Dense)][0]\n"
            "    w = np.concatenate([first.kernel.numpy(), first.bias.numpy()[None, :]])\n"
            "    return bool(np.abs(w - w[:, :1]).max() <= 1e-5 * np.abs(w).max())\n",
        },
        "failing": ["test_zeros_init", "test_he_normal", "test_activation_stds", "test_units_are_symmetric"],
        "messages": {
            "test_zeros_init": "zeros_init(3, 5) returned None: did you forget `return`?",
            "test_he_normal": "not one scalar for all of them",
            "test_activation_stds": "`activation` may be a callable as well as a name",
            "test_units_are_symmetric": "equal weights, different gradients",
        },
    },
    "glorot-limit-is-the-std+he-clipped-not-redrawn+stds-per-example": {
        "cells": {
            "glorot_uniform": GLOROT_PREFIX + "    std = np.sqrt(2 / (fan_in + fan_out))\n"
            "    return np.random.default_rng(seed).uniform(-std, std, size=(fan_in, fan_out)).astype(np.float32)\n",
            "he_normal": HE_PREFIX + "    std = np.sqrt(2 / fan_in) / 0.87962566103423978\n"
            "    W = np.random.default_rng(seed).normal(0, std, size=(fan_in, fan_out))\n"
            "    return np.clip(W, -2 * std, 2 * std).astype(np.float32)\n",
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
            "    h, stds = tf.convert_to_tensor(x, tf.float32), []\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.convert_to_tensor(init_fn(h.shape[1], width), tf.float32))\n"
            "        stds.append(float(tf.reduce_mean(tf.math.reduce_std(h, axis=1))))\n"
            "    return stds\n",
        },
        "failing": ["test_glorot_uniform", "test_he_normal", "test_activation_stds"],
        "messages": {
            "test_glorot_uniform": "limit = sqrt(3) * std",
            "test_he_normal": "Redraw, do not clip",
            "test_activation_stds": "one std over all N x width values",
        },
    },
    "he-stateful-tf-random-not-reproducible": {
        "cells": {
            "he_normal": HE_PREFIX + "    std = np.sqrt(2 / fan_in) / 0.87962566103423978\n"
            "    return tf.random.truncated_normal((fan_in, fan_out), stddev=std, seed=seed).numpy()\n",
        },
        "failing": ["test_he_normal"],
    },
    # --- requirements the text states (REQUIREMENTS below) ------------------------
    "initializers-return-float64": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return np.zeros((fan_in, fan_out))\n",
            "glorot_uniform": GLOROT_PREFIX + "    limit = np.sqrt(6.0 / (fan_in + fan_out))\n"
            "    return np.random.default_rng(seed).uniform(-limit, limit, size=(fan_in, fan_out))\n",
            "he_normal": HE_PREFIX + "    stddev = np.sqrt(2.0 / fan_in) / 0.87962566103423978\n"
            "    rng = np.random.default_rng(seed)\n"
            "    W = rng.normal(0.0, stddev, size=(fan_in, fan_out))\n"
            "    while (np.abs(W) > 2 * stddev).any():\n"
            "        bad = np.abs(W) > 2 * stddev\n"
            "        W[bad] = rng.normal(0.0, stddev, size=bad.sum())\n"
            "    return W\n",
        },
        "failing": ["test_zeros_init", "test_glorot_uniform", "test_he_normal"],
        "messages": {
            "test_zeros_init": "return float32",
            "test_glorot_uniform": "return float32",
            "test_he_normal": "return float32",
        },
    },
    "symmetry-ignores-bias-gradient": {
        "cells": {
            "units_are_symmetric": SYMMETRY_PREFIX
            + FIRST_LAYER_GRADIENTS
            + "    return bool(np.abs(g - g[:, :1]).max() <= 1e-5 * np.abs(g).max())\n"
        },
        "failing": ["test_units_are_symmetric"],
        "messages": {"test_units_are_symmetric": "fed all-zero inputs"},
    },
    "symmetry-absolute-tolerance": {
        "cells": {
            "units_are_symmetric": SYMMETRY_PREFIX
            + "    first = [l for l in model.layers if isinstance(l, keras.layers.Dense)][0]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    dk, db = (g.numpy() for g in tape.gradient(loss, [first.kernel, first.bias]))\n"
            "    return bool(np.allclose(dk, dk[:, :1], atol=1e-5) and np.allclose(db, db[0], atol=1e-5))\n"
        },
        "failing": ["test_units_are_symmetric"],
        "messages": {"test_units_are_symmetric": "tiny output weights"},
    },
    "symmetry-returns-tensor": {
        "cells": {
            "units_are_symmetric": SYMMETRY_PREFIX
            + "    first = [l for l in model.layers if isinstance(l, keras.layers.Dense)][0]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    dk, db = tape.gradient(loss, [first.kernel, first.bias])\n"
            "    g = tf.concat([dk, db[None, :]], axis=0)\n"
            "    return tf.reduce_max(tf.abs(g - g[:, :1])) <= 1e-5 * tf.reduce_max(tf.abs(g))\n"
        },
        "failing": ["test_units_are_symmetric"],
        "messages": {"test_units_are_symmetric": "must return a bool (Python or NumPy)"},
    },
    "symmetry-takes-model-layers-0": {
        "cells": {
            "units_are_symmetric": SYMMETRY_PREFIX + "    first = model.layers[0]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    dk, db = (g.numpy() for g in tape.gradient(loss, [first.kernel, first.bias]))\n"
            "    g = np.concatenate([dk, db[None, :]])\n"
            "    return bool(np.abs(g - g[:, :1]).max() <= 1e-5 * np.abs(g).max())\n"
        },
        "failing": ["test_units_are_symmetric"],
    },
    # --- alternative correct solutions ------------------------------------------
    "tensorflow-random+numpy-stds": {
        "cells": {
            "zeros_init": ZEROS_PREFIX + "    return tf.zeros([fan_in, fan_out])\n",
            "glorot_uniform": GLOROT_PREFIX + "    limit = (6.0 / (fan_in + fan_out)) ** 0.5\n"
            "    return tf.random.stateless_uniform(\n"
            "        [fan_in, fan_out], seed=[seed, 0], minval=-limit, maxval=limit)\n",
            "he_normal": HE_PREFIX + "    std = (2.0 / fan_in) ** 0.5 / 0.87962566103423978\n"
            "    return keras.random.truncated_normal((fan_in, fan_out), stddev=std, seed=seed)\n",
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
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
    "float32-one-pass-variance": {
        # mean of squares minus squared mean, all in float32: rounds differently from tf.math.reduce_std
        "cells": {
            "activation_stds": STDS_PREFIX + "    act = keras.activations.get(activation)\n"
            "    h, stds = tf.constant(x, tf.float32), []\n"
            "    for _ in range(depth):\n"
            "        h = act(h @ tf.constant(init_fn(int(h.shape[1]), width), tf.float32))\n"
            "        mean = tf.reduce_mean(h)\n"
            "        stds.append(float(tf.sqrt(tf.maximum(tf.reduce_mean(h * h) - mean * mean, 0.0))))\n"
            "    return stds\n",
        },
        "failing": [],
    },
    "rejection-loop-per-entry": {
        "cells": {
            "he_normal": HE_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    sigma = np.sqrt(2.0 / fan_in) / 0.87962566103423978\n"
            "    values = []\n"
            "    while len(values) < fan_in * fan_out:\n"
            "        batch = rng.standard_normal(fan_in * fan_out)\n"
            "        values.extend(batch[np.abs(batch) <= 2.0] * sigma)\n"
            "    return np.array(values[: fan_in * fan_out], np.float32).reshape(fan_in, fan_out)\n",
            "glorot_uniform": GLOROT_PREFIX + "    rng = np.random.default_rng(seed)\n"
            "    limit = np.sqrt(6.0 / (fan_in + fan_out))\n"
            "    return (limit * (2 * rng.random((fan_in, fan_out)) - 1)).astype(np.float32)\n",
        },
        "failing": [],
    },
}


_G1 = "zeros-transposed+glorot-limit-from-fan-in-only+he-not-truncated+stds-before-activation+symmetry-compares-rows"
_G2 = (
    "zeros-shape-passed-as-dtype+glorot-normal-not-uniform+he-truncated-without-correction"
    "+stds-include-the-input+symmetric-means-zero-gradient"
)
_G3 = "glorot-positive-half-only+he-scaled-by-fan-out+stds-averaged-per-unit+symmetry-of-the-output-layer"

# Every sentence of the lesson's text and docstrings that states a requirement (must, never,
# raise, refuse, return(s), strictly, in this order), its enforcing test cell, and a variant
# that breaks it (CONTRIBUTING, "Every sentence is checked").
_NO_RETURN = "zeros-forgets-return+he-one-scalar-for-every-redraw+stds-activation-names-only+symmetry-compares-weights"

REQUIREMENTS = [
    {
        "says": "returns such a kernel as a float32 array",
        "cell": "test_zeros_init",
        "variant": "initializers-return-float64",
    },
    {
        "says": "returns such a kernel as a float32 array",
        "cell": "test_glorot_uniform",
        "variant": "initializers-return-float64",
    },
    {
        "says": "returns such a kernel as a float32 array",
        "cell": "test_he_normal",
        "variant": "initializers-return-float64",
    },
    {"says": "Returns: A float32 array of zeros, shape (fan_in, fan_out)", "cell": "test_zeros_init", "variant": _G1},
    {
        "says": "Returns: A bool (Python or NumPy, not a tensor)",
        "cell": "test_units_are_symmetric",
        "variant": "symmetry-returns-tensor",
    },
    {
        "says": "True when every unit's gradient (its kernel column and its bias)",
        "cell": "test_units_are_symmetric",
        "variant": "symmetry-ignores-bias-gradient",
    },
    {
        "says": "within 1e-5 times the largest absolute entry of the kernel and bias gradients together",
        "cell": "test_units_are_symmetric",
        "variant": "symmetry-absolute-tolerance",
    },
    {
        "says": "Returns: A float32 array of shape (fan_in, fan_out), uniform in [-limit, limit]",
        "cell": "test_glorot_uniform",
        "variant": _G3,
    },
    {
        "says": "Returns: A float32 array of shape (fan_in, fan_out), uniform in [-limit, limit]",
        "cell": "test_glorot_uniform",
        "variant": "initializers-return-float64",
    },
    {
        "says": "Returns: A float32 array of shape (fan_in, fan_out) from a normal distribution",
        "cell": "test_he_normal",
        "variant": _G1,
    },
    {
        "says": "Returns: A float32 array of shape (fan_in, fan_out) from a normal distribution",
        "cell": "test_he_normal",
        "variant": "initializers-return-float64",
    },
    {"says": "Returns: A list of `depth` floats", "cell": "test_activation_stds", "variant": _G2},
    {
        "says": "Returns: A float32 array of zeros, shape (fan_in, fan_out)",
        "cell": "test_zeros_init",
        "variant": _NO_RETURN,
    },
    {
        "says": "True when every unit's gradient (its kernel column and its bias)",
        "cell": "test_units_are_symmetric",
        "variant": _NO_RETURN,
    },
    {"says": "layer 1, layer 2, ... (after the activation)", "cell": "test_activation_stds", "variant": _G1},
]
