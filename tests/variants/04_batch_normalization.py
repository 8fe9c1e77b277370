"""Known-wrong and alternative-correct submissions of lesson 04.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. Independent
mistakes in different cells are combined to keep the suite fast.
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
        if training:
            mean, variance = tf.nn.moments(x, axes=[0])
            self.moving_mean.assign(self.momentum * self.moving_mean + (1.0 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance + (1.0 - self.momentum) * variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return self.gamma * (x - mean) / tf.sqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
"""

VARIANTS = {
    # --- batchnorm_forward (+ an independent BatchNorm mistake) ------------------
    "forward-unbiased-variance+layer-momentum-swapped": {
        "cells": {
            "batchnorm_forward": _swap(
                FORWARD,
                "variance = tf.reduce_mean(tf.square(centered), axis=0)",
                "variance = tf.reduce_sum(tf.square(centered), axis=0) / (tf.cast(tf.shape(x)[0], x.dtype) - 1)",
            ),
            # moving = momentum * batch + (1 - momentum) * moving: the weights swapped.
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
    },
    "forward-eps-default-1e-5+layer-inference-uses-batch-stats": {
        "cells": {
            "batchnorm_forward": _swap(FORWARD, "eps=1e-3", "eps=1e-5"),
            "BatchNorm": _swap(
                LAYER,
                "        if training:\n",
                "        if True:  # batch statistics in both modes\n",
            ),
        },
        # The backward test passes eps explicitly, so only the forward test sees the default.
        "failing": ["test_batchnorm_forward", "test_BatchNorm"],
    },
    "forward-eps-outside-sqrt": {
        "cells": {
            "batchnorm_forward": _swap(
                FORWARD,
                "inv_std = 1.0 / tf.sqrt(variance + eps)",
                "inv_std = 1.0 / (tf.sqrt(variance) + eps)",
            ),
        },
        "failing": ["test_batchnorm_forward", "test_batchnorm_backward"],
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
    },
    # --- alternative correct solutions -------------------------------------------
    "numpy-staged-backward-keras-ops-layer": {
        "cells": {
            # NumPy throughout; the cache keeps the raw pieces and the backward pass
            # walks the computational graph node by node.
            "batchnorm_forward": "def batchnorm_forward(x, gamma, beta, eps=1e-3):\n"
            "    x = np.asarray(x, dtype=np.float64)\n"
            "    mu = x.mean(axis=0)\n"
            "    xc = x - mu\n"
            "    var = (xc ** 2).mean(axis=0)\n"
            "    std = np.sqrt(var + eps)\n"
            "    x_hat = xc / std\n"
            "    return gamma * x_hat + beta, {'xc': xc, 'std': std, 'x_hat': x_hat, 'gamma': np.asarray(gamma)}\n",
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
        },
        "failing": [],
    },
}
