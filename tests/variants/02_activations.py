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
RESIDUAL_PREFIX = "def build_residual_mlp(activation, depth, width, input_dim, num_classes, seed):\n"

RESIDUAL = (
    RESIDUAL_PREFIX + "    seed_generator = keras.random.SeedGenerator(seed)\n"
    "    def dense(units, activation=None):\n"
    "        initializer = keras.initializers.GlorotUniform(seed=seed_generator)\n"
    "        return keras.layers.Dense(units, activation=activation, kernel_initializer=initializer)\n"
    "    inputs = keras.Input(shape=(input_dim,))\n"
    "    h = dense(width)(inputs)\n"
    "    for _ in range(depth):\n"
    "        h = h + dense(width, activation)(h)\n"
    "    return keras.Model(inputs, dense(num_classes)(h))\n"
)


def _swap(source, old, new):
    """Returns `source` with `old` replaced by `new`, insisting that `old` occurs."""
    assert old in source, f"variant template out of date: {old!r} not found"
    return source.replace(old, new)


RESIDUAL_SUBCLASS = """class ResidualMLP(keras.Model):
    def __init__(self, activation, depth, width, input_dim, num_classes, seed):
        super().__init__()
        init = [keras.initializers.GlorotUniform(seed=1000 * seed + i) for i in range(depth + 2)]
        self.projection = keras.layers.Dense(width, kernel_initializer=init[0])
        self.blocks = [keras.layers.Dense(width, activation=activation, kernel_initializer=init[i + 1])
                       for i in range(depth)]
        self.logits = keras.layers.Dense(num_classes, kernel_initializer=init[-1])
        self(keras.ops.zeros((1, input_dim)))  # creates every weight

    def call(self, x):
        h = self.projection(x)
        for block in self.blocks:
            h = h + block(h)
        return self.logits(h)


def build_residual_mlp(activation, depth, width, input_dim, num_classes, seed):
    return ResidualMLP(activation, depth, width, input_dim, num_classes, seed)
"""

SUBCLASS_PROJECTION = "        self.projection = keras.layers.Dense(width, kernel_initializer=init[0])\n"
SUBCLASS_BLOCKS = (
    "        self.blocks = [keras.layers.Dense(width, activation=activation, kernel_initializer=init[i + 1])\n"
    "                       for i in range(depth)]\n"
)

DEEP_SUBCLASS = """class DeepMLP(keras.Model):
    def __init__(self, activation, depth, width, input_dim, num_classes, seed):
        super().__init__()
        self.hidden = [keras.layers.Dense(width, activation=activation,
                                          kernel_initializer=keras.initializers.GlorotUniform(seed=100 * seed + i))
                       for i in range(depth)]
        self.out = keras.layers.Dense(num_classes,
                                      kernel_initializer=keras.initializers.GlorotUniform(seed=100 * seed + depth))
        self(keras.ops.zeros((1, input_dim)))  # one call creates every weight

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)


def build_deep_mlp(activation, depth, width, input_dim, num_classes, seed):
    return DeepMLP(activation, depth, width, input_dim, num_classes, seed)
"""

VARIANTS = {
    # --- derivative_with_tape + leaky_relu + leaky_relu_grad ---------------------
    "tape-never-watches-x+leaky-negative-branch-constant+grad-forgets-alpha": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX + "    x = tf.convert_to_tensor(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        y = fn(x)\n"
            "    return tape.gradient(y, x)\n",
            "leaky_relu": LEAKY_PREFIX + "    x = tf.convert_to_tensor(x)\n    return tf.where(x > 0, x, alpha)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX + "    x = tf.convert_to_tensor(x)\n"
            "    return tf.cast(x > 0, x.dtype)\n",
        },
        "failing": ["test_derivative_with_tape", "test_leaky_relu", "test_leaky_relu_grad"],
    },
    "tape-derivative-of-the-mean+leaky-relu-in-numpy+grad-is-alpha-times-x": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX + "    x = tf.convert_to_tensor(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch(x)\n"
            "        y = tf.reduce_mean(fn(x))\n"
            "    return tape.gradient(y, x)\n",
            "leaky_relu": LEAKY_PREFIX + "    x = np.asarray(x)\n    return np.where(x > 0, x, alpha * x)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX + "    x = tf.convert_to_tensor(x)\n"
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
            "build_deep_mlp": BUILD_PREFIX + "    layers = [keras.Input(shape=(input_dim,))]\n"
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
            "dead_relu_fraction": DEAD_PREFIX + "    h, zeros, total = tf.convert_to_tensor(x), 0.0, 0\n"
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
            "build_deep_mlp": BUILD_PREFIX + "    layers = [keras.Input(shape=(input_dim,))]\n"
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
            "dead_relu_fraction": DEAD_PREFIX + "    h, shares = tf.convert_to_tensor(x), []\n"
            "    for layer in model.layers[:-1]:\n"
            "        h = layer(h)\n"
            "        dead = tf.reduce_all(h == 0, axis=0)\n"
            "        shares.append(float(tf.reduce_mean(tf.cast(dead, tf.float32))))\n"
            "    return float(np.mean(shares))\n",
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_dead_relu_fraction"],
        "messages": {"test_dead_relu_fraction": "You averaged the layers' shares"},
    },
    "one-seeded-initializer-shared+loss-summed-over-batch+output-layer-counted": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX + "    init = keras.initializers.GlorotUniform(seed=seed)\n"
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
            "dead_relu_fraction": DEAD_PREFIX + "    h, dead, total = tf.convert_to_tensor(x), 0, 0\n"
            "    for layer in model.layers:\n"
            "        h = layer(h)\n"
            "        dead += int(tf.reduce_sum(tf.cast(tf.reduce_all(h == 0, axis=0), tf.int32)))\n"
            "        total += layer.units\n"
            "    return dead / total\n",
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_dead_relu_fraction"],
        "messages": {"test_dead_relu_fraction": "You counted the output layer's units too"},
    },
    "seed-ignored": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX + "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
            "    for _ in range(depth):\n"
            "        model.add(keras.layers.Dense(width, activation=activation))\n"
            "    model.add(keras.layers.Dense(num_classes))\n"
            "    return model\n",
        },
        "failing": ["test_build_deep_mlp"],
    },
    "tape-casts-to-float32": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX + "    x = tf.convert_to_tensor(x, dtype=tf.float32)\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch(x)\n"
            "        y = fn(x)\n"
            "    return tape.gradient(y, x)\n",
        },
        "failing": ["test_derivative_with_tape"],
        "messages": {"test_derivative_with_tape": "keep the dtype of x"},
    },
    "leaky-grad-one-at-zero": {
        "cells": {
            "leaky_relu_grad": LEAKY_GRAD_PREFIX + "    x = tf.convert_to_tensor(x)\n"
            "    return tf.where(x >= 0, tf.ones_like(x), alpha * tf.ones_like(x))\n",
        },
        "failing": ["test_leaky_relu_grad"],
        "messages": {"test_leaky_relu_grad": "leaky_relu_grad at exactly 0 is 1"},
    },
    "deep-mlp-not-built": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX + "    model = keras.Sequential()\n"
            "    for i in range(depth):\n"
            "        init = keras.initializers.GlorotUniform(seed=seed * 100 + i)\n"
            "        model.add(keras.layers.Dense(width, activation=activation, kernel_initializer=init))\n"
            "    init = keras.initializers.GlorotUniform(seed=seed * 100 + depth)\n"
            "    model.add(keras.layers.Dense(num_classes, kernel_initializer=init))\n"
            "    return model\n",
        },
        "failing": ["test_build_deep_mlp"],
        "messages": {"test_build_deep_mlp": "the model has no weights yet"},
    },
    "norms-in-inference-mode": {
        "cells": {
            "layer_gradient_norms": NORMS_PREFIX
            + "    kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x))\n"
            "    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]\n",
        },
        "failing": ["test_layer_gradient_norms"],
        "messages": {"test_layer_gradient_norms": "inference mode"},
    },
    "dead-fraction-calls-input-layer": {
        # The lesson's old hint: call every entry of model.layers. A functional model's InputLayer fails.
        "cells": {
            "dead_relu_fraction": DEAD_PREFIX + "    h = tf.convert_to_tensor(x)\n"
            "    dead, total = 0, 0\n"
            "    for layer in model.layers:\n"
            "        h = layer(h)\n"
            "        if isinstance(layer, keras.layers.Dense) and layer.activation is keras.activations.relu:\n"
            "            dead += int(tf.reduce_sum(tf.cast(tf.reduce_all(h == 0, axis=0), tf.int32)))\n"
            "            total += layer.units\n"
            "    return dead / total if total else 0.0\n",
        },
        "failing": ["test_dead_relu_fraction"],
        "messages": {"test_dead_relu_fraction": "a functional model lists its InputLayer first"},
    },
    # --- build_residual_mlp ---------------------------------------------------------
    "residual-no-projection": {
        # The first block maps input_dim to width and cannot add its input: it goes without a skip.
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    h = dense(width)(inputs)\n    for _ in range(depth):\n",
                "    h = dense(width, activation)(inputs)\n    for _ in range(depth - 1):\n",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "One is missing: first comes the projection"},
    },
    "residual-adds-before-the-projection": {
        # Blocks start on the raw input: input_dim and width differ, so the sum cannot be broadcast.
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    h = dense(width)(inputs)\n    for _ in range(depth):\n",
                "    h = inputs\n    for _ in range(depth):\n",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "A skip connection adds two tensors of the same shape"},
    },
    "residual-block-without-skip": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL, "h = h + dense(width, activation)(h)", "h = dense(width, activation)(h)"
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the blocks do not add their input back"},
    },
    "residual-activation-after-the-sum": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "h = h + dense(width, activation)(h)",
                "h = keras.layers.Activation(activation)(h + dense(width)(h))",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the activation is applied to the sum"},
    },
    "residual-projection-with-activation": {
        "cells": {
            "build_residual_mlp": _swap(RESIDUAL, "h = dense(width)(inputs)", "h = dense(width, activation)(inputs)")
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the projection has an activation"},
    },
    "residual-blocks-inside-a-custom-layer": {
        "cells": {
            "build_residual_mlp": "class ResidualBlock(keras.layers.Layer):\n"
            "    def __init__(self, dense, **kwargs):\n"
            "        super().__init__(**kwargs)\n"
            "        self.dense = dense\n"
            "\n"
            "    def call(self, h):\n"
            "        return h + self.dense(h)\n"
            "\n"
            "\n"
            + _swap(
                RESIDUAL,
                "h = h + dense(width, activation)(h)",
                "h = ResidualBlock(dense(width, activation))(h)",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "nested inside a custom layer"},
    },
    "residual-subclass-never-built": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL_SUBCLASS, "        self(keras.ops.zeros((1, input_dim)))  # creates every weight\n", ""
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the model has no weights yet"},
    },
    # --- messages that name the cause (walk-through of the student release) --------------
    "stubs-untouched": {
        # The released stubs raise a bare NotImplementedError: the grader says "not done yet", not a wrapped error.
        "cells": {
            "layer_gradient_norms": NORMS_PREFIX + "    raise NotImplementedError()\n",
            "dead_relu_fraction": DEAD_PREFIX + "    raise NotImplementedError()\n",
            "build_residual_mlp": RESIDUAL_PREFIX + "    raise NotImplementedError()\n",
        },
        "failing": ["test_layer_gradient_norms", "test_dead_relu_fraction", "test_build_residual_mlp"],
        "messages": {
            "test_layer_gradient_norms": "this exercise is not done yet",
            "test_dead_relu_fraction": "this exercise is not done yet",
            "test_build_residual_mlp": "this exercise is not done yet",
        },
    },
    "deep-mlp-without-bias+norms-logits-as-probabilities+residual-one-dense-reused": {
        "cells": {
            "build_deep_mlp": BUILD_PREFIX + "    seed_generator = keras.random.SeedGenerator(seed)\n"
            "    layers = [keras.Input(shape=(input_dim,))]\n"
            "    for _ in range(depth):\n"
            "        layers.append(keras.layers.Dense(width, activation=activation, use_bias=False,\n"
            "            kernel_initializer=keras.initializers.GlorotUniform(seed=seed_generator)))\n"
            "    layers.append(keras.layers.Dense(num_classes, use_bias=False,\n"
            "        kernel_initializer=keras.initializers.GlorotUniform(seed=seed_generator)))\n"
            "    return keras.Sequential(layers)\n",
            "layer_gradient_norms": NORMS_PREFIX
            + "    kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy()\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x, training=True))\n"
            "    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]\n",
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    for _ in range(depth):\n        h = h + dense(width, activation)(h)\n",
                "    block = dense(width, activation)\n    for _ in range(depth):\n        h = h + block(h)\n",
            ),
        },
        "failing": ["test_build_deep_mlp", "test_layer_gradient_norms", "test_build_residual_mlp"],
        "messages": {
            "test_build_deep_mlp": "Dense layer 1 has no bias: keep use_bias=True",
            "test_layer_gradient_norms": "compute the cross-entropy with from_logits=True",
            "test_build_residual_mlp": "create a new Dense layer for every block",
        },
    },
    "norms-spectral+residual-without-bias": {
        "cells": {
            "layer_gradient_norms": NORMS_PREFIX
            + "    kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = loss_fn(y, model(x, training=True))\n"
            "    return [float(np.linalg.norm(g.numpy(), 2)) for g in tape.gradient(loss, kernels)]\n",
            "build_residual_mlp": _swap(
                RESIDUAL,
                "activation=activation, kernel_initializer=initializer)",
                "activation=activation, kernel_initializer=initializer, use_bias=False)",
            ),
        },
        "failing": ["test_layer_gradient_norms", "test_build_residual_mlp"],
        "messages": {
            "test_layer_gradient_norms": "the norms are spectral norms",
            "test_build_residual_mlp": "Dense layer 1 has no bias: keep use_bias=True",
        },
    },
    "residual-one-block-too-many": {
        "cells": {"build_residual_mlp": _swap(RESIDUAL, "for _ in range(depth):", "for _ in range(depth + 1):")},
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "depth blocks plus the projection and the logits layer"},
    },
    "residual-projection-after-the-blocks": {
        # Blocks on the raw input (input_dim units each), then the projection: the layer order is wrong.
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    h = dense(width)(inputs)\n    for _ in range(depth):\n"
                "        h = h + dense(width, activation)(h)\n",
                "    h = inputs\n    for _ in range(depth):\n        h = h + dense(input_dim, activation)(h)\n"
                "    h = dense(width)(h)\n",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the first Dense layer is the projection input_dim -> width"},
    },
    "residual-subclass-assigns-blocks-first": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL_SUBCLASS,
                SUBCLASS_PROJECTION + SUBCLASS_BLOCKS,
                SUBCLASS_BLOCKS + SUBCLASS_PROJECTION,
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "in the order you assign them in __init__"},
    },
    "residual-activation-inside-and-after-the-sum": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "h = h + dense(width, activation)(h)",
                "h = keras.layers.Activation(activation)(h + dense(width, activation)(h))",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "the activation is applied twice"},
    },
    "residual-pre-activation-block": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "h = h + dense(width, activation)(h)",
                "h = h + dense(width)(keras.layers.Activation(activation)(h))",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "(a pre-activation block)"},
    },
    "residual-every-block-adds-the-projection": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    for _ in range(depth):\n        h = h + dense(width, activation)(h)\n",
                "    projected = h\n    for _ in range(depth):\n        h = projected + dense(width, activation)(h)\n",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "every block adds the projection's output"},
    },
    "residual-skip-from-the-block-before": {
        "cells": {
            "build_residual_mlp": _swap(
                RESIDUAL,
                "    for _ in range(depth):\n        h = h + dense(width, activation)(h)\n",
                "    skip = h\n    for _ in range(depth):\n        h, skip = skip + dense(width, activation)(h), h\n",
            )
        },
        "failing": ["test_build_residual_mlp"],
        "messages": {"test_build_residual_mlp": "adds the input of the block before it"},
    },
    # --- alternative correct solutions ------------------------------------------
    "subclassed-models+numpy-norms": {
        # Experiments and hints must work with subclassed models too (issue 11, no dead ends).
        "cells": {
            "build_deep_mlp": DEEP_SUBCLASS,
            "build_residual_mlp": RESIDUAL_SUBCLASS,
            "layer_gradient_norms": NORMS_PREFIX
            + "    kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]\n"
            "    with tf.GradientTape() as tape:\n"
            "        logits = model(x, training=True)\n"
            "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))\n"
            "    grads = tape.gradient(loss, kernels)\n"
            "    return [float(np.sqrt(np.sum(np.square(np.asarray(g, dtype=np.float64))))) for g in grads]\n",
        },
        "failing": [],
    },
    "residual-add-layer-int-seeds": {
        "cells": {
            "build_residual_mlp": RESIDUAL_PREFIX
            + "    init = [keras.initializers.GlorotUniform(seed=1000 * seed + i) for i in range(depth + 2)]\n"
            "    inputs = keras.Input(shape=(input_dim,))\n"
            "    h = keras.layers.Dense(width, kernel_initializer=init[0])(inputs)\n"
            "    for i in range(depth):\n"
            "        block = keras.layers.Dense(width, activation=activation, kernel_initializer=init[i + 1])\n"
            "        h = keras.layers.Add()([h, block(h)])\n"
            "    outputs = keras.layers.Dense(num_classes, kernel_initializer=init[-1])(h)\n"
            "    return keras.Model(inputs=inputs, outputs=outputs)\n",
        },
        "failing": [],
    },
    # --- alternative correct solutions ------------------------------------------
    "variable-tape+global-seed+numpy-counts": {
        "cells": {
            "derivative_with_tape": DERIVATIVE_PREFIX + "    v = tf.Variable(x)\n"
            "    with tf.GradientTape() as tape:\n"
            "        total = tf.reduce_sum(fn(v))\n"
            "    return tape.gradient(total, v)\n",
            "leaky_relu": LEAKY_PREFIX + "    return tf.maximum(x, alpha * x)\n",
            "leaky_relu_grad": LEAKY_GRAD_PREFIX + "    return np.where(np.asarray(x) > 0, 1.0, alpha)\n",
            "build_deep_mlp": BUILD_PREFIX + "    keras.utils.set_random_seed(seed)\n"
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
            "dead_relu_fraction": DEAD_PREFIX + "    h = np.asarray(x, dtype='float32')\n"
            "    dead, total = 0, 0\n"
            "    for layer in [l for l in model.layers if isinstance(l, keras.layers.Dense)]:\n"
            "        h = np.asarray(layer(h))\n"
            "        if layer.get_config().get('activation') == 'relu':\n"
            "            dead += int(np.all(h == 0, axis=0).sum())\n"
            "            total += h.shape[1]\n"
            "    return dead / total if total else 0.0\n",
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
            "build_deep_mlp": BUILD_PREFIX + "    inputs = keras.Input(shape=(input_dim,))\n"
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

REQUIREMENTS = [
    {
        "says": "float64 input gives float64 output",
        "cell": "test_derivative_with_tape",
        "variant": "tape-casts-to-float32",
    },
    {
        "says": "computed with TensorFlow operations so that the tape can differentiate it",
        "cell": "test_leaky_relu",
        "variant": "tape-derivative-of-the-mean+leaky-relu-in-numpy+grad-is-alpha-times-x",
    },
    {
        "says": "(alpha at x = 0, as TensorFlow does)",
        "cell": "test_leaky_relu_grad",
        "variant": "leaky-grad-one-at-zero",
    },
    {
        "says": "A keras.Model, already built",
        "cell": "test_build_deep_mlp",
        "variant": "deep-mlp-not-built",
    },
    {
        "says": "one per Dense layer in the order of model.layers",
        "cell": "test_layer_gradient_norms",
        "variant": "depth-counts-output-layer+norms-output-side-first+averages-layer-shares",
    },
    {
        "says": "stacks, in this order",
        "cell": "test_build_residual_mlp",
        "variant": "residual-no-projection",
    },
    {
        "says": "the model has its weights when you return it",
        "cell": "test_build_residual_mlp",
        "variant": "residual-subclass-never-built",
    },
    {
        "says": "then `depth` blocks h = h + Dense(width, activation)(h)",
        "cell": "test_build_residual_mlp",
        "variant": "residual-block-without-skip",
    },
    {
        "says": "these depth + 2 Dense layers are listed in model.layers",
        "cell": "test_build_residual_mlp",
        "variant": "residual-blocks-inside-a-custom-layer",
    },
    {
        "says": "Return the share of dead units among **all** ReLU units",
        "cell": "test_dead_relu_fraction",
        "variant": "depth-counts-output-layer+norms-output-side-first+averages-layer-shares",
    },
    {
        "says": "This works whichever kind of model `build_deep_mlp` returns",
        "cell": "test_dead_relu_fraction",
        "variant": "dead-fraction-calls-input-layer",
    },
    {
        "says": "dead units of all ReLU layers together divided by the number of ReLU units",
        "cell": "test_dead_relu_fraction",
        "variant": "softmax-output-layer+norms-include-biases+zero-entries-not-units",
    },
]
