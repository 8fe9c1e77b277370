"""Known-wrong and alternative-correct submissions of lesson 04.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. Independent
mistakes in different cells are combined to keep the suite fast. `REQUIREMENTS`
lists every requirement the lesson states, with the test cell that enforces it
and a variant that breaks it.
"""


def _swap(source, old, new):
    """Returns `source` with `old` replaced by `new`, insisting that `old` occurs."""
    assert old in source, f"variant template out of date: {old!r} not found"
    return source.replace(old, new)


FORWARD = """def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = tf.convert_to_tensor(x)
    gamma = tf.cast(gamma, x.dtype)
    beta = tf.cast(beta, x.dtype)
    mean = tf.reduce_mean(x, axis=0)
    centered = x - mean
    variance = tf.reduce_mean(tf.square(centered), axis=0)
    inv_std = 1.0 / tf.sqrt(variance + eps)
    x_hat = centered * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
"""

BACKWARD = """def batchnorm_backward(dy, cache):
    x_hat, gamma, inv_std = cache
    n = tf.cast(tf.shape(dy)[0], x_hat.dtype)
    dbeta = tf.reduce_sum(dy, axis=0)
    dgamma = tf.reduce_sum(dy * x_hat, axis=0)
    dx_hat = dy * gamma
    dx = (inv_std / n) * (n * dx_hat - tf.reduce_sum(dx_hat, axis=0)
                          - x_hat * tf.reduce_sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta
"""

LAYER = """class BatchNorm(keras.layers.Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        dim = (input_shape[-1],)
        self.gamma = self.add_weight(shape=dim, initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=dim, initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=dim, initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=dim, initializer="ones", trainable=False, name="moving_variance")

    def call(self, x, training=False):
        if training and self.trainable:
            mean, variance = tf.nn.moments(x, axes=[0])
            self.moving_mean.assign(self.momentum * self.moving_mean + (1.0 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1.0 - self.momentum) * variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return self.gamma * (x - mean) / tf.sqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
"""

LN_FORWARD = """def layernorm_forward(x, gamma, beta, eps=1e-3):
    x = tf.convert_to_tensor(x)
    gamma = tf.cast(gamma, x.dtype)
    beta = tf.cast(beta, x.dtype)
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    centered = x - mean
    variance = tf.reduce_mean(tf.square(centered), axis=-1, keepdims=True)
    inv_std = 1.0 / tf.sqrt(variance + eps)
    x_hat = centered * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
"""

LN_BACKWARD = """def layernorm_backward(dy, cache):
    x_hat, gamma, inv_std = cache
    dy = tf.cast(dy, x_hat.dtype)
    d = tf.cast(tf.shape(dy)[-1], dy.dtype)
    dbeta = tf.reduce_sum(dy, axis=0)
    dgamma = tf.reduce_sum(dy * x_hat, axis=0)
    dx_hat = dy * gamma
    dx = (inv_std / d) * (d * dx_hat
                          - tf.reduce_sum(dx_hat, axis=-1, keepdims=True)
                          - x_hat * tf.reduce_sum(dx_hat * x_hat, axis=-1, keepdims=True))
    return dx, dgamma, dbeta
"""

# The caller's array is changed in place (x -= ...), the values are right.
FORWARD_IN_PLACE = """def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x)
    x -= x.mean(axis=0)
    inv_std = 1.0 / np.sqrt((x ** 2).mean(axis=0) + eps)
    x *= inv_std
    return gamma * x + beta, (x.copy(), np.asarray(gamma), inv_std)
"""

LN_FORWARD_IN_PLACE = """def layernorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x)
    x -= x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps)
    x *= inv_std
    return gamma * x + beta, (x.copy(), np.asarray(gamma), inv_std)
"""

VARIANTS = {
    # --- batchnorm_forward (+ an independent BatchNorm mistake) ------------------
    "forward-unbiased-variance+layer-pytorch-momentum": {
        "cells": {
            "batchnorm_forward": _swap(
                FORWARD,
                "variance = tf.reduce_mean(tf.square(centered), axis=0)",
                "variance = tf.reduce_sum(tf.square(centered), axis=0) / (tf.cast(tf.shape(x)[0], x.dtype) - 1)",
            ),
            # PyTorch's convention, moving = momentum * batch + (1 - momentum) * moving: the weights swapped.
            "BatchNorm": _swap(
                _swap(
                    LAYER,
                    "self.momentum * self.moving_mean + (1.0 - self.momentum) * mean",
                    "(1.0 - self.momentum) * self.moving_mean + self.momentum * mean",
                ),
                "self.momentum * self.moving_variance + (1.0 - self.momentum) * variance",
                "(1.0 - self.momentum) * self.moving_variance + self.momentum * variance",
            ),
        },
        "failing": ["test_batchnorm_forward", "test_batchnorm_backward", "test_BatchNorm"],
        "messages": {
            "test_batchnorm_forward": "the unbiased variance (dividing by N - 1)",
            "test_BatchNorm": "follows PyTorch's momentum convention",
        },
    },
    "forward-stats-over-features+layer-moving-stats-trainable": {
        "cells": {
            "batchnorm_forward": _swap(
                _swap(
                    FORWARD,
                    "mean = tf.reduce_mean(x, axis=0)",
                    "mean = tf.reduce_mean(x, axis=1, keepdims=True)",
                ),
                "variance = tf.reduce_mean(tf.square(centered), axis=0)",
                "variance = tf.reduce_mean(tf.square(centered), axis=1, keepdims=True)",
            ),
            "BatchNorm": LAYER.replace(", trainable=False", ""),
        },
        "failing": ["test_batchnorm_forward", "test_batchnorm_backward", "test_BatchNorm"],
        "messages": {
            "test_batchnorm_forward": "statistics over the features (axis 1)",
            "test_BatchNorm": "add_weight(..., trainable=False)",
        },
    },
    "forward-eps-default-1e-5+layer-inference-uses-batch-stats": {
        "cells": {
            "batchnorm_forward": _swap(FORWARD, "eps=1e-3", "eps=1e-5"),
            "BatchNorm": _swap(
                LAYER,
                "        if training and self.trainable:\n",
                "        if True:  # batch statistics in both modes\n",
            ),
        },
        # The backward test passes eps explicitly, so only the forward test sees the default.
        "failing": ["test_batchnorm_forward", "test_BatchNorm"],
        "messages": {"test_batchnorm_forward": "epsilon = 1e-5 (PyTorch's default)"},
    },
    "forward-eps-outside-sqrt+layer-epsilon-ignored": {
        "cells": {
            "batchnorm_forward": _swap(
                FORWARD,
                "inv_std = 1.0 / tf.sqrt(variance + eps)",
                "inv_std = 1.0 / (tf.sqrt(variance) + eps)",
            ),
            # The constructor's epsilon is stored but 1e-3 is used: only the hidden epsilon=1e-5 case sees it.
            "BatchNorm": _swap(LAYER, "tf.sqrt(variance + self.epsilon)", "tf.sqrt(variance + 1e-3)"),
        },
        "failing": ["test_batchnorm_forward", "test_batchnorm_backward", "test_BatchNorm"],
        "messages": {"test_batchnorm_forward": "epsilon outside the square root"},
    },
    "forward-casts-to-float64": {
        "cells": {
            "batchnorm_forward": _swap(FORWARD, "x = tf.convert_to_tensor(x)", "x = tf.cast(x, tf.float64)"),
        },
        "failing": ["test_batchnorm_forward"],
        "messages": {"test_batchnorm_forward": "y must keep the dtype of x"},
    },
    "forward-changes-x-in-place": {
        "cells": {"batchnorm_forward": FORWARD_IN_PLACE},
        "failing": ["test_batchnorm_forward"],
        "messages": {"test_batchnorm_forward": "changed its argument x in place"},
    },
    "forward-returns-y-only": {
        "cells": {
            "batchnorm_forward": _swap(
                FORWARD, "return gamma * x_hat + beta, (x_hat, gamma, inv_std)", "return gamma * x_hat + beta"
            )
        },
        # the backward test needs the cache
        "failing": ["test_batchnorm_forward", "test_batchnorm_backward"],
        "messages": {"test_batchnorm_forward": "not the pair (y, cache)"},
    },
    # --- batchnorm_backward (+ an independent BatchNorm mistake) -----------------
    "backward-stats-treated-as-constants+layer-moving-variance-unbiased": {
        "cells": {
            "batchnorm_backward": "def batchnorm_backward(dy, cache):\n"
            "    x_hat, gamma, inv_std = cache\n"
            "    return dy * gamma * inv_std, tf.reduce_sum(dy * x_hat, axis=0), tf.reduce_sum(dy, axis=0)\n",
            "BatchNorm": _swap(
                LAYER,
                "(1.0 - self.momentum) * variance)",
                "(1.0 - self.momentum) * variance * x.shape[0] / (x.shape[0] - 1))",
            ),
        },
        "failing": ["test_batchnorm_backward", "test_BatchNorm"],
        "messages": {
            "test_batchnorm_backward": "each column of dx must sum to 0",
            "test_BatchNorm": "unbiased batch variance",
        },
    },
    "backward-dgamma-without-x-hat": {
        "cells": {
            "batchnorm_backward": _swap(
                BACKWARD,
                "dgamma = tf.reduce_sum(dy * x_hat, axis=0)",
                "dgamma = tf.reduce_sum(dy, axis=0)",
            ),
        },
        "failing": ["test_batchnorm_backward"],
    },
    "backward-misses-mean-path": {
        "cells": {
            "batchnorm_backward": _swap(BACKWARD, " - tf.reduce_sum(dx_hat, axis=0)", ""),
        },
        "failing": ["test_batchnorm_backward"],
    },
    "backward-dbeta-averaged": {
        "cells": {
            "batchnorm_backward": _swap(
                BACKWARD,
                "dbeta = tf.reduce_sum(dy, axis=0)",
                "dbeta = tf.reduce_mean(dy, axis=0)",
            ),
        },
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "dbeta is the mean over the batch instead of the sum"},
    },
    "backward-gamma-left-out": {
        "cells": {"batchnorm_backward": _swap(BACKWARD, "dx_hat = dy * gamma", "dx_hat = dy")},
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "with γ left out (dx̂ = dy)"},
    },
    "backward-returns-dx-dbeta-dgamma": {
        "cells": {"batchnorm_backward": _swap(BACKWARD, "return dx, dgamma, dbeta", "return dx, dbeta, dgamma")},
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "returned dgamma and dbeta swapped"},
    },
    "backward-returns-dx-only": {
        "cells": {"batchnorm_backward": _swap(BACKWARD, "return dx, dgamma, dbeta", "return dx")},
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "batchnorm_backward returned one EagerTensor, not the triple"},
    },
    "backward-dgamma-keepdims": {
        "cells": {
            "batchnorm_backward": _swap(
                BACKWARD,
                "dgamma = tf.reduce_sum(dy * x_hat, axis=0)",
                "dgamma = tf.reduce_sum(dy * x_hat, axis=0, keepdims=True)",
            )
        },
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "the sum kept the reduced axis (keepdims=True)"},
    },
    "backward-in-float32": {
        # The formula is right, but computed in float32: close, yet not within a float64 gradient check.
        "cells": {
            "batchnorm_backward": _swap(
                BACKWARD,
                "    x_hat, gamma, inv_std = cache\n",
                "    x_hat, gamma, inv_std = (tf.cast(v, tf.float32) for v in cache)\n"
                "    dy = tf.cast(dy, tf.float32)\n",
            )
        },
        "failing": ["test_batchnorm_backward"],
        "messages": {"test_batchnorm_backward": "returned dx in float32 for float64 inputs"},
    },
    "backward-float32-cast-back+ln-backward-float32": {
        # float32 inside, float64 out: close to the tape, but not within a float64 gradient check.
        "cells": {
            "batchnorm_backward": _swap(
                BACKWARD,
                "    x_hat, gamma, inv_std = cache\n",
                "    x_hat, gamma, inv_std = (tf.cast(v, tf.float32) for v in cache)\n"
                "    dy = tf.cast(dy, tf.float32)\n",
            ).replace("return dx, dgamma, dbeta", "return tuple(tf.cast(g, tf.float64) for g in (dx, dgamma, dbeta))"),
            "layernorm_backward": _swap(
                LN_BACKWARD,
                "    x_hat, gamma, inv_std = cache\n    dy = tf.cast(dy, x_hat.dtype)\n",
                "    x_hat, gamma, inv_std = (tf.cast(v, tf.float32) for v in cache)\n"
                "    dy = tf.cast(dy, tf.float32)\n",
            ),
        },
        "failing": ["test_batchnorm_backward", "test_layernorm_backward"],
        "messages": {
            "test_batchnorm_backward": "that is float32 round-off, too much for a float64 gradient check",
            # dgamma lands just outside the tolerance (1.13e-07 > 1e-07): checks.assert_gradients_match's message
            "test_layernorm_backward": "computed in float32",
        },
    },
    # --- BatchNorm ----------------------------------------------------------------
    "layer-ignores-trainable": {
        "cells": {"BatchNorm": _swap(LAYER, "if training and self.trainable:", "if training:")},
        "failing": ["test_BatchNorm"],
        "messages": {"test_BatchNorm": "a frozen BatchNorm (trainable = False) changed its moving_mean"},
    },
    "layer-rebinds-moving-stats": {
        # self.moving_mean = ... instead of .assign(...): the weight becomes a tensor (and tf.function fails).
        "cells": {
            "BatchNorm": _swap(
                _swap(LAYER, "self.moving_mean.assign(self.momentum", "self.moving_mean = (self.momentum"),
                "self.moving_variance.assign(self.momentum",
                "self.moving_variance = (self.momentum",
            )
        },
        "failing": ["test_BatchNorm"],
        "messages": {"test_BatchNorm": "use self.moving_mean.assign(...), not ="},
    },
    "layer-default-training-true": {
        "cells": {"BatchNorm": _swap(LAYER, "def call(self, x, training=False):", "def call(self, x, training=True):")},
        "failing": ["test_BatchNorm"],
        "messages": {"test_BatchNorm": "a call without training= changed moving_mean"},
    },
    # --- layernorm_forward (+ an independent layernorm_backward mistake) ---------
    "ln-forward-over-batch-axis": {
        # batchnorm_forward's axis copied: the cache then misleads the reference backward too.
        "cells": {"layernorm_forward": LN_FORWARD.replace("axis=-1, keepdims=True", "axis=0, keepdims=True")},
        "failing": ["test_layernorm_forward", "test_layernorm_backward"],
        "messages": {"test_layernorm_forward": "statistics over the batch axis (axis 0)"},
    },
    "ln-forward-unbiased-variance": {
        "cells": {
            "layernorm_forward": _swap(
                LN_FORWARD,
                "variance = tf.reduce_mean(tf.square(centered), axis=-1, keepdims=True)",
                "variance = tf.reduce_sum(tf.square(centered), axis=-1, keepdims=True) "
                "/ (tf.cast(tf.shape(x)[-1], x.dtype) - 1)",
            ),
        },
        "failing": ["test_layernorm_forward", "test_layernorm_backward"],
        "messages": {"test_layernorm_forward": "the unbiased variance (dividing by D - 1)"},
    },
    "ln-forward-without-keepdims": {
        "cells": {"layernorm_forward": LN_FORWARD.replace("axis=-1, keepdims=True", "axis=-1")},
        "failing": ["test_layernorm_forward", "test_layernorm_backward"],
        "messages": {"test_layernorm_forward": "keep the reduced axis so they have shape (N, 1)"},
    },
    "ln-forward-eps-outside-sqrt": {
        "cells": {
            "layernorm_forward": _swap(
                LN_FORWARD, "inv_std = 1.0 / tf.sqrt(variance + eps)", "inv_std = 1.0 / (tf.sqrt(variance) + eps)"
            ),
        },
        "failing": ["test_layernorm_forward", "test_layernorm_backward"],
        "messages": {"test_layernorm_forward": "epsilon outside the square root"},
    },
    "ln-forward-casts-to-float64": {
        "cells": {"layernorm_forward": _swap(LN_FORWARD, "x = tf.convert_to_tensor(x)", "x = tf.cast(x, tf.float64)")},
        "failing": ["test_layernorm_forward"],
        "messages": {"test_layernorm_forward": "y must keep the dtype of x"},
    },
    "ln-forward-changes-x-in-place": {
        "cells": {"layernorm_forward": LN_FORWARD_IN_PLACE},
        "failing": ["test_layernorm_forward"],
        "messages": {"test_layernorm_forward": "changed its argument x in place"},
    },
    "ln-forward-returns-y-only": {
        "cells": {
            "layernorm_forward": _swap(
                LN_FORWARD, "return gamma * x_hat + beta, (x_hat, gamma, inv_std)", "return gamma * x_hat + beta"
            )
        },
        "failing": ["test_layernorm_forward", "test_layernorm_backward"],
        "messages": {"test_layernorm_forward": "not the pair (y, cache)"},
    },
    # --- layernorm_backward --------------------------------------------------------
    "ln-backward-misses-mean-path": {
        "cells": {"layernorm_backward": _swap(LN_BACKWARD, "- tf.reduce_sum(dx_hat, axis=-1, keepdims=True)", "")},
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "the path through the row mean missing"},
    },
    "ln-backward-misses-variance-path": {
        "cells": {
            "layernorm_backward": _swap(
                LN_BACKWARD, "- x_hat * tf.reduce_sum(dx_hat * x_hat, axis=-1, keepdims=True)", ""
            )
        },
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "the path through the row variance missing"},
    },
    "ln-backward-sums-over-batch-axis": {
        # batchnorm_backward's formula: sums over the batch instead of over each row's features.
        "cells": {
            "layernorm_backward": _swap(
                LN_BACKWARD.replace("axis=-1, keepdims=True", "axis=0"), "tf.shape(dy)[-1]", "tf.shape(dy)[0]"
            )
        },
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "each row of dx must sum to 0"},
    },
    "ln-backward-batch-size-for-d": {
        # batchnorm_backward copied with the sums moved to the rows, but the count still the batch size.
        "cells": {"layernorm_backward": _swap(LN_BACKWARD, "tf.shape(dy)[-1]", "tf.shape(dy)[0]")},
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "the batch size N = 6 where the formula has D = 4"},
    },
    "ln-backward-dgamma-over-features": {
        "cells": {
            "layernorm_backward": _swap(
                LN_BACKWARD, "dgamma = tf.reduce_sum(dy * x_hat, axis=0)", "dgamma = tf.reduce_sum(dy * x_hat, axis=-1)"
            ),
        },
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "so sum over the batch axis (axis 0)"},
    },
    "ln-backward-dbeta-averaged": {
        "cells": {
            "layernorm_backward": _swap(
                LN_BACKWARD, "dbeta = tf.reduce_sum(dy, axis=0)", "dbeta = tf.reduce_mean(dy, axis=0)"
            )
        },
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "dbeta is the mean over the batch instead of the sum"},
    },
    "ln-backward-gamma-left-out": {
        "cells": {"layernorm_backward": _swap(LN_BACKWARD, "dx_hat = dy * gamma", "dx_hat = dy")},
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "with γ left out (dx̂ = dy)"},
    },
    "ln-backward-gradients-first": {
        "cells": {"layernorm_backward": _swap(LN_BACKWARD, "return dx, dgamma, dbeta", "return dgamma, dbeta, dx")},
        "failing": ["test_layernorm_backward"],
        "messages": {"test_layernorm_backward": "is not first. Return them in the order (dx, dgamma, dbeta)"},
    },
    "ln-backward-sums-without-keepdims": {
        "cells": {"layernorm_backward": LN_BACKWARD.replace("axis=-1, keepdims=True", "axis=-1")},
        "failing": ["test_layernorm_backward"],
        "messages": {
            "test_layernorm_backward": "keep the reduced axis (keepdims=True) so the sums, like s, have shape"
        },
    },
    # --- alternative correct solutions -------------------------------------------
    "numpy-staged-backward-keras-ops-layer-numpy-layernorm": {
        "cells": {
            # NumPy throughout, in the dtype it is given; the cache keeps the raw pieces and the
            # backward pass walks the computational graph node by node.
            "batchnorm_forward": "def batchnorm_forward(x, gamma, beta, eps=1e-3):\n"
            "    x = np.asarray(x)\n"
            "    mu = x.mean(axis=0)\n"
            "    xc = x - mu\n"
            "    var = (xc ** 2).mean(axis=0)\n"
            "    std = np.sqrt(var + eps).astype(x.dtype)\n"
            "    x_hat = xc / std\n"
            "    gamma, beta = np.asarray(gamma, x.dtype), np.asarray(beta, x.dtype)\n"
            "    return gamma * x_hat + beta, {'xc': xc, 'std': std, 'x_hat': x_hat, 'gamma': gamma}\n",
            "batchnorm_backward": "def batchnorm_backward(dy, cache):\n"
            "    dy = np.asarray(dy, dtype=np.float64)\n"
            "    xc, std, x_hat, gamma = cache['xc'], cache['std'], cache['x_hat'], cache['gamma']\n"
            "    n = dy.shape[0]\n"
            "    dbeta = dy.sum(axis=0)\n"
            "    dgamma = (dy * x_hat).sum(axis=0)\n"
            "    dx_hat = dy * gamma\n"
            "    dxc = dx_hat / std\n"
            "    dstd = -(dx_hat * xc).sum(axis=0) / std ** 2\n"
            "    dvar = 0.5 * dstd / std\n"
            "    dxc = dxc + 2.0 * xc * dvar / n\n"
            "    dmu = -dxc.sum(axis=0)\n"
            "    return dxc + dmu / n, dgamma, dbeta\n",
            "BatchNorm": "class BatchNorm(keras.layers.Layer):\n"
            "    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):\n"
            "        super().__init__(**kwargs)\n"
            "        self.momentum, self.epsilon = momentum, epsilon\n"
            "\n"
            "    def build(self, input_shape):\n"
            "        n = input_shape[-1]\n"
            "        self.gamma = self.add_weight(shape=(n,), initializer=keras.initializers.Ones())\n"
            "        self.beta = self.add_weight(shape=(n,), initializer=keras.initializers.Zeros())\n"
            "        self.moving_mean = self.add_weight(shape=(n,), initializer='zeros', trainable=False)\n"
            "        self.moving_variance = self.add_weight(shape=(n,), initializer='ones', trainable=False)\n"
            "\n"
            "    def call(self, x, training=False):\n"
            "        if not training or not self.trainable:\n"
            "            return keras.ops.batch_normalization(\n"
            "                x, self.moving_mean, self.moving_variance, axis=-1,\n"
            "                offset=self.beta, scale=self.gamma, epsilon=self.epsilon)\n"
            "        mean, variance = keras.ops.moments(x, axes=[0])\n"
            "        m = self.momentum\n"
            "        self.moving_mean.assign_sub((1 - m) * (self.moving_mean - mean))\n"
            "        self.moving_variance.assign_sub((1 - m) * (self.moving_variance - variance))\n"
            "        x_hat = (x - mean) * keras.ops.rsqrt(variance + self.epsilon)\n"
            "        return x_hat * self.gamma + self.beta\n"
            "\n"
            "    def get_config(self):\n"
            "        config = super().get_config()\n"
            "        config.update(momentum=self.momentum, epsilon=self.epsilon)\n"
            "        return config\n",
            # Constants cast to the input's dtype early; means rather than sums in the backward pass.
            "layernorm_forward": "def layernorm_forward(x, gamma, beta, eps=1e-3):\n"
            "    x = np.asarray(x)\n"
            "    xc = x - x.mean(axis=1, keepdims=True)\n"
            "    inv = 1.0 / np.sqrt((xc * xc).mean(axis=1, keepdims=True) + np.asarray(eps, x.dtype))\n"
            "    x_hat = xc * inv\n"
            "    gamma = np.asarray(gamma, x.dtype)\n"
            "    return gamma * x_hat + np.asarray(beta, x.dtype), (x_hat, gamma, inv)\n",
            "layernorm_backward": "def layernorm_backward(dy, cache):\n"
            "    x_hat, gamma, inv = cache\n"
            "    dy = np.asarray(dy, dtype=x_hat.dtype)\n"
            "    g = dy * gamma\n"
            "    dx = inv * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))\n"
            "    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)\n",
        },
        "failing": [],
    },
    "float64-intermediates-layer-tape-backward-passes": {
        "cells": {
            # Section 2 says so: a backward pass that replays the forward pass on a tape passes the tests.
            "batchnorm_forward": "def batchnorm_forward(x, gamma, beta, eps=1e-3):\n"
            "    x = tf.convert_to_tensor(x)\n"
            "    gamma, beta = tf.cast(gamma, x.dtype), tf.cast(beta, x.dtype)\n"
            "    mean, variance = tf.nn.moments(x, axes=[0])\n"
            "    y = tf.nn.batch_normalization(x, mean, variance, offset=beta, scale=gamma, variance_epsilon=eps)\n"
            "    return y, (x, gamma, beta, eps)\n",
            "batchnorm_backward": "def batchnorm_backward(dy, cache):\n"
            "    x, gamma, beta, eps = cache\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch([x, gamma, beta])\n"
            "        y, _ = batchnorm_forward(x, gamma, beta, eps)\n"
            "    return tape.gradient(y, [x, gamma, beta], output_gradients=tf.cast(dy, x.dtype))\n",
            # BatchNorm computes in float64 and rounds once at the end.
            "BatchNorm": "class BatchNorm(keras.layers.Layer):\n"
            "    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):\n"
            "        super().__init__(**kwargs)\n"
            "        self.momentum = momentum\n"
            "        self.epsilon = epsilon\n"
            "\n"
            "    def build(self, input_shape):\n"
            "        d = (input_shape[-1],)\n"
            "        self.gamma = self.add_weight(shape=d, initializer='ones', name='gamma')\n"
            "        self.beta = self.add_weight(shape=d, initializer='zeros', name='beta')\n"
            "        self.moving_mean = self.add_weight(shape=d, initializer='zeros', trainable=False)\n"
            "        self.moving_variance = self.add_weight(shape=d, initializer='ones', trainable=False)\n"
            "\n"
            "    def call(self, x, training=False):\n"
            "        f64 = lambda v: tf.cast(v, tf.float64)\n"
            "        x64 = f64(x)\n"
            "        if training and self.trainable:\n"
            "            mean = tf.reduce_mean(x64, axis=0)\n"
            "            variance = tf.reduce_mean(tf.square(x64 - mean), axis=0)\n"
            "            m = tf.constant(self.momentum, tf.float64)\n"
            "            self.moving_mean.assign(\n"
            "                tf.cast(m * f64(self.moving_mean) + (1 - m) * mean, self.moving_mean.dtype))\n"
            "            self.moving_variance.assign(\n"
            "                tf.cast(m * f64(self.moving_variance) + (1 - m) * variance, self.moving_variance.dtype))\n"
            "        else:\n"
            "            mean, variance = f64(self.moving_mean), f64(self.moving_variance)\n"
            "        y = f64(self.gamma) * (x64 - mean) / tf.sqrt(variance + self.epsilon) + f64(self.beta)\n"
            "        return tf.cast(y, x.dtype)\n"
            "\n"
            "    def get_config(self):\n"
            "        return {**super().get_config(), 'momentum': self.momentum, 'epsilon': self.epsilon}\n",
            # tf.nn.batch_normalization over the last axis; the backward pass replays the forward on a tape.
            "layernorm_forward": "def layernorm_forward(x, gamma, beta, eps=1e-3):\n"
            "    x = tf.convert_to_tensor(x)\n"
            "    gamma, beta = tf.cast(gamma, x.dtype), tf.cast(beta, x.dtype)\n"
            "    mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)\n"
            "    y = tf.nn.batch_normalization(x, mean, variance, offset=beta, scale=gamma, variance_epsilon=eps)\n"
            "    return y, (x, gamma, beta, eps)\n",
            "layernorm_backward": "def layernorm_backward(dy, cache):\n"
            "    x, gamma, beta, eps = cache\n"
            "    with tf.GradientTape() as tape:\n"
            "        tape.watch([x, gamma, beta])\n"
            "        y, _ = layernorm_forward(x, gamma, beta, eps)\n"
            "    dx, dgamma, dbeta = tape.gradient(y, [x, gamma, beta], output_gradients=tf.cast(dy, x.dtype))\n"
            "    return dx, dgamma, dbeta\n",
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    # section 1 and batchnorm_forward
    {
        "says": "Three details that the Keras layer fixes, and that your function must follow",
        "cell": "test_batchnorm_forward",
        "variant": "forward-unbiased-variance+layer-pytorch-momentum",
    },
    {"says": "Besides `y`, return a `cache`", "cell": "test_batchnorm_forward", "variant": "forward-returns-y-only"},
    {
        "says": "`y` must have the dtype of `x` (float64 in most tests, float32 as inside a model)",
        "cell": "test_batchnorm_forward",
        "variant": "forward-casts-to-float64",
    },
    {
        "says": "the function must leave `x`, `gamma` and `beta` unchanged (no `-=` on the caller's arrays)",
        "cell": "test_batchnorm_forward",
        "variant": "forward-changes-x-in-place",
    },
    {
        "says": "Returns: (y, cache): y = gamma * (x - mean) / sqrt(var + eps) + beta, shape (N, D), with the mean "
        "and the biased variance of each column taken over the batch axis",
        "cell": "test_batchnorm_forward",
        "variant": "forward-stats-over-features+layer-moving-stats-trainable",
    },
    # batchnorm_backward
    {
        "says": "Returns: (dx, dgamma, dbeta) with the shapes of x (N, D), gamma (D,) and beta (D,).",
        "cell": "test_batchnorm_backward",
        "variant": "backward-misses-mean-path",
    },
    # BatchNorm
    {
        "says": "a frozen `BatchNorm` (`trainable = False`, as when fine-tuning a pretrained network) must act in "
        "inference mode even when called with `training=True`",
        "cell": "test_BatchNorm",
        "variant": "layer-ignores-trainable",
    },
    # section 4 and layernorm_forward
    {
        "says": "So do the two rules: `y` must have the dtype of `x`",
        "cell": "test_layernorm_forward",
        "variant": "ln-forward-casts-to-float64",
    },
    {
        "says": "and the function must leave `x`, `gamma` and `beta` unchanged.",
        "cell": "test_layernorm_forward",
        "variant": "ln-forward-changes-x-in-place",
    },
    {
        "says": "with the mean and the biased variance of each row taken over its D features (the last axis)",
        "cell": "test_layernorm_forward",
        "variant": "ln-forward-over-batch-axis",
    },
    # layernorm_backward
    {
        "says": "Returns: (dx, dgamma, dbeta) with the shapes of x (N, D), gamma (D,) and beta (D,).",
        "cell": "test_layernorm_backward",
        "variant": "ln-backward-dgamma-over-features",
    },
]
