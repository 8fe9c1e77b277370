"""Known-wrong and alternative-correct submissions of lesson 06.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The reference
Dropout layer calls dropout(), so most mistakes in dropout() also fail the
layer's test.
"""


def _swap(source, old, new):
    """Returns `source` with `old` replaced by `new`, insisting that `old` occurs."""
    assert old in source, f"variant template out of date: {old!r} not found"
    return source.replace(old, new)


DROPOUT = """def dropout(x, rate, training, seed=None):
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    x = tf.convert_to_tensor(x)
    if not training or rate == 0.0:
        return x
    keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate
    return tf.where(keep, x / (1.0 - rate), tf.zeros_like(x))
"""

LAYER = """class Dropout(keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, training=bool(training), seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
"""

VARIANTS = {
    # --- dropout ---------------------------------------------------------------------
    "dropout-not-rescaled": {
        "cells": {"dropout": _swap(DROPOUT, "x / (1.0 - rate)", "x")},
        "failing": ["test_dropout", "test_Dropout"],
    },
    "dropout-keeps-with-probability-rate": {
        "cells": {"dropout": _swap(DROPOUT, ">= rate", "< rate")},
        "failing": ["test_dropout", "test_Dropout"],
    },
    "dropout-scales-by-keep-probability": {
        "cells": {"dropout": _swap(DROPOUT, "x / (1.0 - rate)", "x * (1.0 - rate)")},
        "failing": ["test_dropout", "test_Dropout"],
    },
    "dropout-also-at-inference": {
        "cells": {"dropout": _swap(DROPOUT, "if not training or rate == 0.0:", "if rate == 0.0:")},
        "failing": ["test_dropout", "test_Dropout"],
    },
    "dropout-ignores-seed": {
        "cells": {"dropout": _swap(DROPOUT, "seed=seed, ", "")},
        "failing": ["test_dropout", "test_Dropout"],
    },
    "dropout-accepts-rate-one": {
        "cells": {"dropout": _swap(DROPOUT, "0.0 <= rate < 1.0", "0.0 <= rate <= 1.0")},
        # The layer checks its rate itself, so only the function's test fails.
        "failing": ["test_dropout"],
    },
    "dropout-checks-rate-only-when-training": {
        "cells": {
            "dropout": "def dropout(x, rate, training, seed=None):\n"
            "    x = tf.convert_to_tensor(x)\n"
            "    if not training:\n"
            "        return x\n"
            "    if not 0.0 <= rate < 1.0:\n"
            "        raise ValueError(f'dropout rate must be in [0, 1), got {rate}')\n"
            "    keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate\n"
            "    return tf.where(keep, x / (1.0 - rate), tf.zeros_like(x))\n"
        },
        "failing": ["test_dropout"],
    },
    # --- Dropout -----------------------------------------------------------------------
    "layer-int-seed-same-mask-every-call": {
        "cells": {"Dropout": _swap(LAYER, "seed=self.seed_generator", "seed=self.seed")},
        "failing": ["test_Dropout"],
    },
    "layer-always-training": {
        "cells": {"Dropout": _swap(LAYER, "training=bool(training)", "training=True")},
        "failing": ["test_Dropout"],
    },
    "layer-python-counter-seed": {
        # Fine eagerly, but tf.function freezes the counter into the graph: caught by
        # the hidden test only.
        "cells": {
            "Dropout": _swap(
                _swap(LAYER, "self.seed_generator = keras.random.SeedGenerator(seed)", "self.calls = 0"),
                "        return dropout(inputs, self.rate, training=bool(training), seed=self.seed_generator)\n",
                "        self.calls += 1\n"
                "        seed = (self.seed or 0) * 1000 + self.calls\n"
                "        return dropout(inputs, self.rate, training=bool(training), seed=seed)\n",
            )
        },
        "failing": ["test_Dropout"],
    },
    "layer-checks-rate-only-in-dropout": {
        # No check in the constructor: Dropout(1.5) builds and fails only at its first
        # call. (It also drops get_config, which Keras 3 makes up from the constructor's
        # arguments, so that alone is not a mistake.)
        "cells": {
            "Dropout": "class Dropout(keras.layers.Layer):\n"
            "    def __init__(self, rate, seed=None, **kwargs):\n"
            "        super().__init__(**kwargs)\n"
            "        self.rate = rate\n"
            "        self.seed = seed\n"
            "        self.seed_generator = keras.random.SeedGenerator(seed)\n"
            "\n"
            "    def call(self, inputs, training=None):\n"
            "        return dropout(inputs, self.rate, training=bool(training), seed=self.seed_generator)\n"
        },
        "failing": ["test_Dropout"],
    },
    "dropout-error-does-not-say-why": {
        "cells": {
            "dropout": _swap(
                DROPOUT, 'raise ValueError(f"dropout rate must be in [0, 1), got {rate}")', "raise ValueError()"
            )
        },
        "failing": ["test_dropout"],
        "messages": {"test_dropout": "should say that the rate is the problem"},
    },
    "layer-accepts-rate-one": {
        # Keras's own layer accepts 1.0 (all zeros out); the lesson says ours refuses it at once.
        "cells": {"Dropout": _swap(LAYER, "if not 0.0 <= rate < 1.0:", "if not 0.0 <= rate <= 1.0:")},
        "failing": ["test_Dropout"],
        "messages": {"test_Dropout": "Dropout(1.0) was built without error"},
    },
    "dropout-asserts-the-rate": {
        # assert instead of raise: the student's own AssertionError must be named, not let out of the cell
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    if not 0.0 <= rate < 1.0:\n"
                '        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")\n',
                '    assert 0.0 <= rate < 1.0, f"dropout rate must be in [0, 1), got {rate}"\n',
            )
        },
        "failing": ["test_dropout"],
        "messages": {"test_dropout": "expected a ValueError, got AssertionError: dropout rate must be in [0, 1)"},
    },
    "dropout-float32-mask": {
        # a mask made in float32 whatever x is: fine for float32 inputs, a dtype clash for float64 ones
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    return tf.where(keep, x / (1.0 - rate), tf.zeros_like(x))\n",
                "    return x * tf.cast(keep, tf.float32) / (1.0 - rate)\n",
            )
        },
        "failing": ["test_dropout"],
        "messages": {"test_dropout": "mixes float32 and float64 tensors: a tensor made in float32"},
    },
    "dropout-bool-mask-not-cast": {
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    return tf.where(keep, x / (1.0 - rate), tf.zeros_like(x))\n",
                "    return x * keep / (1.0 - rate)\n",
            )
        },
        "failing": ["test_dropout", "test_Dropout"],
        "messages": {"test_dropout": "tf.cast(mask, x.dtype) first"},
    },
    "dropout-numpy-mask": {
        # a NumPy mask: works eagerly for None and int seeds, but cannot take a SeedGenerator
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate\n",
                "    keep = np.random.default_rng(seed).random(tuple(x.shape)) >= rate\n",
            )
        },
        "failing": ["test_dropout", "test_Dropout"],
        "messages": {
            "test_dropout": "seed=keras.random.SeedGenerator(0), which keras.random.uniform takes as its seed) fails"
        },
    },
    "dropout-numpy-mask-frozen-in-graph": {
        # NumPy only without a seed: a new mask at every eager call, one frozen mask inside tf.function
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate\n",
                "    if seed is None:\n"
                "        keep = np.random.random(tuple(x.shape)) >= rate\n"
                "    else:\n"
                "        keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate\n",
            )
        },
        "failing": ["test_dropout"],
        "messages": {"test_dropout": "frozen into the graph"},
    },
    "dropout-unseeded-with-a-generator": {
        # ints go to a stateless op, anything else to an unseeded one: a SeedGenerator is not reproducible
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    keep = keras.random.uniform(tf.shape(x), seed=seed, dtype=x.dtype) >= rate\n",
                "    if isinstance(seed, int):\n"
                "        u = tf.random.stateless_uniform(tf.shape(x), seed=[seed, 0], dtype=x.dtype)\n"
                "    else:\n"
                "        u = tf.random.uniform(tf.shape(x), dtype=x.dtype)\n"
                "    keep = u >= rate\n",
            )
        },
        "failing": ["test_dropout", "test_Dropout"],
        "messages": {"test_dropout": "two keras.random.SeedGenerator(0) gave different first masks"},
    },
    # --- alternative correct solution ----------------------------------------------------
    "stateless-floor-mask-and-tf-generator-layer": {
        "cells": {
            "dropout": "def dropout(x, rate, training, seed=None):\n"
            "    if rate < 0 or rate >= 1:\n"
            "        raise ValueError(f'rate={rate} is not a valid dropout rate; use 0 <= rate < 1')\n"
            "    if not training:\n"
            "        return tf.identity(x)\n"
            "    x = tf.convert_to_tensor(x)\n"
            "    if isinstance(seed, int):\n"
            "        u = tf.random.stateless_uniform(tf.shape(x), seed=[seed, 0], dtype=x.dtype)\n"
            "    elif seed is None:\n"
            "        u = tf.random.uniform(tf.shape(x), dtype=x.dtype)\n"
            "    else:  # a keras.random.SeedGenerator: its next() is a stateless seed, and advances it\n"
            "        u = tf.random.stateless_uniform(tf.shape(x), seed=seed.next(), dtype=x.dtype)\n"
            "    mask = tf.floor(1.0 - rate + u)  # 1 with probability 1 - rate\n"
            "    return x * mask / (1.0 - rate)\n",
            "Dropout": "class Dropout(keras.layers.Layer):\n"
            "    def __init__(self, rate, seed=None, **kwargs):\n"
            "        if not 0 <= rate < 1:\n"
            "            raise ValueError(f'rate must be in [0, 1), got {rate}')\n"
            "        super().__init__(**kwargs)\n"
            "        self.rate, self.seed = rate, seed\n"
            "        if seed is None:\n"
            "            self.generator = tf.random.Generator.from_non_deterministic_state()\n"
            "        else:\n"
            "            self.generator = tf.random.Generator.from_seed(seed)\n"
            "\n"
            "    def call(self, inputs, training=None):\n"
            "        if not training or self.rate == 0:\n"
            "            return inputs\n"
            "        u = self.generator.uniform(tf.shape(inputs), dtype=inputs.dtype)\n"
            "        return tf.where(u < self.rate, tf.zeros_like(inputs), inputs / (1 - self.rate))\n"
            "\n"
            "    def get_config(self):\n"
            "        config = super().get_config()\n"
            "        config.update({'rate': self.rate, 'seed': self.seed})\n"
            "        return config\n",
        },
        "failing": [],
    },
    "float64-scale-and-multiplied-mask": {
        # Rounds differently from x / (1 - rate): the scale is computed in float64 and cast, then multiplied.
        "cells": {
            "dropout": _swap(
                DROPOUT,
                "    return tf.where(keep, x / (1.0 - rate), tf.zeros_like(x))\n",
                "    scale = tf.cast(tf.constant(1.0, tf.float64) / (1.0 - rate), x.dtype)\n"
                "    return x * tf.cast(keep, x.dtype) * scale\n",
            )
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    {"says": "(dropped), and return", "cell": "test_dropout", "variant": "dropout-not-rescaled"},
    {
        "says": "false: return `x` unchanged, no mask and no scaling",
        "cell": "test_dropout",
        "variant": "dropout-also-at-inference",
    },
    {"says": "`rate` must be in `[0, 1)`", "cell": "test_dropout", "variant": "dropout-accepts-rate-one"},
    {"says": "Raise a `ValueError` that says so", "cell": "test_dropout", "variant": "dropout-error-does-not-say-why"},
    {"says": "even when not training", "cell": "test_dropout", "variant": "dropout-checks-rate-only-when-training"},
    {"says": "otherwise return x unchanged", "cell": "test_dropout", "variant": "dropout-also-at-inference"},
    {
        "says": "each entry is 0 with probability rate",
        "cell": "test_dropout",
        "variant": "dropout-keeps-with-probability-rate",
    },
    {"says": "and x / (1 - rate) otherwise", "cell": "test_dropout", "variant": "dropout-scales-by-keep-probability"},
    {
        "says": "whatever the value of training",
        "cell": "test_dropout",
        "variant": "dropout-checks-rate-only-when-training",
    },
    {
        "says": "`None` or `False` returns the inputs unchanged",
        "cell": "test_Dropout",
        "variant": "layer-always-training",
    },
    {"says": "our layer refuses it", "cell": "test_Dropout", "variant": "layer-accepts-rate-one"},
    {
        "says": "ValueError: rate is outside [0, 1).",
        "cell": "test_Dropout",
        "variant": "layer-checks-rate-only-in-dropout",
    },
    {"says": "would drop everything and is refused", "cell": "test_Dropout", "variant": "layer-accepts-rate-one"},
]
