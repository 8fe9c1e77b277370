"""Known-wrong and alternative-correct submissions of lesson 07, and its requirements table.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. Mutations of
independent exercises share a scenario to keep the suite fast. `"messages"`
promises a fragment of the failure message a student sees.
"""

STEP_PREFIX = "def step_decay(epoch, initial_lr, drop, epochs_per_drop):\n"
EXP_PREFIX = "def exponential_decay(step, initial_lr, decay_steps, decay_rate, staircase=False):\n"
COS_PREFIX = "def cosine_decay(step, initial_lr, decay_steps, alpha=0.0):\n"
WARMUP_PREFIX = "def warmup_cosine_decay(step, initial_lr, warmup_target, warmup_steps, decay_steps, alpha=0.0):\n"
MOMENTUM_PREFIX = "def momentum_update(param, grad, velocity, lr=0.01, momentum=0.9, nesterov=False):\n"
RMSPROP_PREFIX = "def rmsprop_update(param, grad, avg_sq, lr=1e-3, rho=0.9, epsilon=1e-7):\n"
ADAM_PREFIX = "def adam_update(param, grad, m, v, t, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
ADAMW_PREFIX = (
    "def adamw_update(param, grad, m, v, t, lr=1e-3, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
)
RANGE_PREFIX = "def lr_range_test(build_model, x, y, min_lr, max_lr, num_steps, batch_size=32, seed=0):\n"
ADAM_MOMENTS = "    m = beta_1 * m + (1 - beta_1) * grad\n    v = beta_2 * v + (1 - beta_2) * grad ** 2\n"
# TensorFlow, in the parameter's dtype: what the optimizers need to run inside tf.function
TF_START = "    param = tf.convert_to_tensor(param)\n    dtype = param.dtype\n"
ADAM_TF = (
    TF_START + "    grad, m, v = (tf.cast(a, dtype) for a in (grad, m, v))\n"
    "    t, lr = tf.cast(t, dtype), tf.cast(lr, dtype)\n" + ADAM_MOMENTS
)
WARMUP_CLAMP = (
    "    import math\n"
    "    s = min(step, warmup_steps + decay_steps)\n"
    "    if s < warmup_steps:\n"
    "        return initial_lr + (warmup_target - initial_lr) * s / warmup_steps\n"
)
# the reference lr_range_test with one change marked by {loss_line}/{stop_line}/{step_line}
RANGE_BODY = (
    "    keras.utils.set_random_seed(seed)\n"
    "    model = build_model()\n"
    "    x = tf.convert_to_tensor(x, tf.float32)\n"
    "    y = tf.convert_to_tensor(y)\n"
    "    n = int(x.shape[0])\n"
    "    size = min(batch_size, n)\n"
    "    per_pass = n // size\n"
    "    rng = np.random.default_rng(seed)\n"
    "    order = np.concatenate([rng.permutation(n)[: per_pass * size] for _ in range(-(-num_steps // per_pass))])\n"
    "    batches = order[: num_steps * size].reshape(num_steps, size)\n"
    "    lrs = {rates}\n"
    "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
    "    params = model.trainable_variables\n"
    "    losses, best = [], np.inf\n"
    "    for k in range(num_steps):\n"
    "        xb, yb = tf.gather(x, batches[k]), tf.gather(y, batches[k])\n"
    "        with tf.GradientTape() as tape:\n"
    "            loss = loss_fn(yb, model(xb, training={training}))\n"
    "        for param, grad in zip(params, tape.gradient(loss, params)):\n"
    "            param.assign_sub(float(lrs[k]) * grad)\n"
    "        loss = float(loss)\n"
    "{stop}"
)
REFERENCE_RATES = "min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / (num_steps - 1))"
REFERENCE_STOP = (
    "        losses.append(loss)\n"
    "        best = min(best, loss)\n"
    "        if not np.isfinite(loss) or loss > 4 * best:\n"
    "            break\n"
    "    return lrs[: len(losses)], np.array(losses)\n"
)


def range_variant(rates=REFERENCE_RATES, training="True", stop=REFERENCE_STOP):
    return RANGE_PREFIX + RANGE_BODY.format(rates=rates, training=training, stop=stop)


VARIANTS = {
    # --- step_decay + cosine_decay ------------------------------------------------
    "step-drops-one-epoch-early+cosine-not-clamped": {
        "cells": {
            # the widely copied floor((1 + epoch) / epochs_drop)
            "step_decay": STEP_PREFIX + "    import math\n"
            "    return initial_lr * drop ** math.floor((1 + epoch) / epochs_per_drop)\n",
            # keeps following the cosine past decay_steps, so the rate climbs again
            "cosine_decay": COS_PREFIX + "    import math\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * step / decay_steps))\n"
            "    return initial_lr * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_step_decay", "test_cosine_decay"],
        "messages": {
            "test_step_decay": "no floor((1 + epoch) / epochs_per_drop)",
            "test_cosine_decay": "step 101 is past decay_steps, so clamp it first",
        },
    },
    "step-decays-continuously+cosine-alpha-as-absolute-rate": {
        "cells": {
            "step_decay": STEP_PREFIX + "    return initial_lr * drop ** (epoch / epochs_per_drop)\n",
            # treats alpha as the final learning rate instead of a fraction of initial_lr
            "cosine_decay": COS_PREFIX + "    import math\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * min(step, decay_steps) / decay_steps))\n"
            "    return (initial_lr - alpha) * cosine + alpha\n",
        },
        "failing": ["test_step_decay", "test_cosine_decay"],
        "messages": {"test_cosine_decay": "= 0.2, expected the floor alpha * initial_lr = 0.02: alpha is a fraction"},
    },
    "cosine-missing-half-wave-scaling": {
        "cells": {
            "cosine_decay": COS_PREFIX + "    import math\n"
            "    cosine = math.cos(math.pi * min(step, decay_steps) / decay_steps)\n"
            "    return initial_lr * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_cosine_decay"],
    },
    # --- exponential_decay + adam_update ------------------------------------------
    "exponential-ignores-staircase+adam-textbook-epsilon": {
        "cells": {
            "exponential_decay": EXP_PREFIX + "    return initial_lr * decay_rate ** (step / decay_steps)\n",
            # the paper's form: epsilon added to the bias-corrected sqrt(v_hat)
            "adam_update": ADAM_PREFIX + ADAM_TF + "    m_hat = m / (1 - beta_1 ** t)\n"
            "    v_hat = v / (1 - beta_2 ** t)\n"
            "    return param - lr * m_hat / (tf.sqrt(v_hat) + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
        "messages": {
            "test_exponential_decay": "with staircase=True the exponent is floor(step / decay_steps)",
            "test_adam_update": "with epsilon added to the uncorrected sqrt(v)",
        },
    },
    "exponential-forgets-decay-steps+adam-no-bias-correction": {
        "cells": {
            "exponential_decay": EXP_PREFIX + "    import math\n"
            "    exponent = math.floor(step / decay_steps) if staircase else step\n"
            "    return initial_lr * decay_rate ** exponent\n",
            "adam_update": ADAM_PREFIX + ADAM_TF + "    return param - lr * m / (tf.sqrt(v) + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
    },
    "exponential-as-exp-of-rate+adam-counts-t-from-zero": {
        "cells": {
            # confuses decay_rate with the rate constant of exp(-k t)
            "exponential_decay": EXP_PREFIX + "    import math\n"
            "    p = step / decay_steps\n"
            "    if staircase:\n"
            "        p = math.floor(p)\n"
            "    return initial_lr * math.exp(-decay_rate * p)\n",
            # treats t as the number of previous steps and adds one
            "adam_update": ADAM_PREFIX + ADAM_TF + "    t = t + 1\n"
            "    lr_t = lr * tf.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    return param - lr_t * m / (tf.sqrt(v) + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
    },
    # --- adam_update: requirement of an integer tensor t, bias correction folded into m -------------
    "adam-t-not-cast": {
        "cells": {
            # right with a Python int t, a TypeError with the int64 tensor t of the training loops
            "adam_update": ADAM_PREFIX + ADAM_MOMENTS + "    lr_t = lr * (1 - beta_2 ** t) ** 0.5 / (1 - beta_1 ** t)\n"
            "    return param - lr_t * m / (v ** 0.5 + epsilon), m, v\n",
        },
        "failing": ["test_adam_update"],
        "messages": {"test_adam_update": "failed inside tf.function with t an int64 tensor"},
    },
    "adam-returns-corrected-moments": {
        "cells": {
            "adam_update": ADAM_PREFIX + ADAM_TF + "    m_hat = m / (1 - beta_1 ** t)\n"
            "    v_hat = v / (1 - beta_2 ** t)\n"
            "    eps_hat = epsilon / tf.sqrt(1 - beta_2 ** t)\n"
            "    return param - lr * m_hat / (tf.sqrt(v_hat) + eps_hat), m_hat, v_hat\n",
        },
        "failing": ["test_adam_update"],
        "messages": {"test_adam_update": "return the uncorrected moving average"},
    },
    # --- warmup_cosine_decay ------------------------------------------------------
    "warmup-starts-at-target": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX + "    import math\n"
            "    s = min(step, warmup_steps + decay_steps)\n"
            "    if s < warmup_steps:\n"
            "        return warmup_target\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / decay_steps))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_warmup_cosine_decay"],
        "messages": {"test_warmup_cosine_decay": "the warm-up starts at initial_lr, not at warmup_target"},
    },
    "warmup-cosine-counts-from-step-0": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX
            + WARMUP_CLAMP
            + "    cosine = 0.5 * (1 + math.cos(math.pi * min(s, decay_steps) / decay_steps))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_warmup_cosine_decay"],
        "messages": {"test_warmup_cosine_decay": "the cosine starts at warmup_target when the warm-up ends"},
    },
    "warmup-not-clamped": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX + "    import math\n"
            "    if step < warmup_steps:\n"
            "        return initial_lr + (warmup_target - initial_lr) * step / warmup_steps\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / decay_steps))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_warmup_cosine_decay"],
        "messages": {"test_warmup_cosine_decay": "past warmup_steps + decay_steps the step is clamped"},
    },
    "warmup-alpha-of-initial-lr": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX
            + WARMUP_CLAMP
            + "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / decay_steps))\n"
            "    return (warmup_target - alpha * initial_lr) * cosine + alpha * initial_lr\n",
        },
        "failing": ["test_warmup_cosine_decay"],
        "messages": {"test_warmup_cosine_decay": "alpha is a fraction of warmup_target: the schedule ends at"},
    },
    # --- momentum_update ------------------------------------------------------------
    "momentum-on-parameter": {
        "cells": {
            # momentum applied to the parameter instead of the velocity
            "momentum_update": MOMENTUM_PREFIX + "    velocity = momentum * velocity - lr * grad\n"
            "    return momentum * param - lr * grad, velocity\n",
        },
        "failing": ["test_momentum_update"],
        "messages": {"test_momentum_update": "momentum multiplies the velocity, not the parameter"},
    },
    "momentum-ignores-nesterov": {
        "cells": {
            "momentum_update": MOMENTUM_PREFIX + "    velocity = momentum * velocity - lr * grad\n"
            "    return param + velocity, velocity\n",
        },
        "failing": ["test_momentum_update"],
        "messages": {"test_momentum_update": "param - (1 + momentum) * lr * grad"},
    },
    "momentum-pytorch-velocity": {
        "cells": {
            # the same steps at a constant rate, but the velocity is the sum of gradients, not the step
            "momentum_update": MOMENTUM_PREFIX + "    velocity = momentum * velocity + grad\n"
            "    if nesterov:\n"
            "        return param - lr * (momentum * velocity + grad), velocity\n"
            "    return param - lr * velocity, velocity\n",
        },
        "failing": ["test_momentum_update"],
        "messages": {"test_momentum_update": "not momentum * velocity + grad (PyTorch's convention)"},
    },
    "momentum-numpy": {
        "cells": {
            # right on NumPy arrays, but converts with np.asarray: fails inside tf.function
            "momentum_update": MOMENTUM_PREFIX
            + "    param, grad, velocity = (np.asarray(a, dtype=np.float64) for a in (param, grad, velocity))\n"
            "    velocity = momentum * velocity - lr * grad\n"
            "    if nesterov:\n"
            "        return param + momentum * velocity - lr * grad, velocity\n"
            "    return param + velocity, velocity\n",
        },
        "failing": ["test_momentum_update"],
        "messages": {"test_momentum_update": "momentum_update failed inside tf.function on float32 variables"},
    },
    "momentum-averaged-gradients": {
        "cells": {
            # Andrew Ng's form: an average of the gradients, then param - lr * velocity
            "momentum_update": MOMENTUM_PREFIX + "    velocity = momentum * velocity + (1 - momentum) * grad\n"
            "    if nesterov:\n"
            "        return param - lr * (momentum * velocity + (1 - momentum) * grad), velocity\n"
            "    return param - lr * velocity, velocity\n",
        },
        "failing": ["test_momentum_update"],
        "messages": {"test_momentum_update": "That is 1 - momentum"},
    },
    # --- rmsprop_update -----------------------------------------------------------------
    "rmsprop-no-square-root": {
        "cells": {
            "rmsprop_update": RMSPROP_PREFIX + "    avg_sq = rho * avg_sq + (1 - rho) * grad ** 2\n"
            "    return param - lr * grad / (avg_sq + epsilon), avg_sq\n",
        },
        "failing": ["test_rmsprop_update"],
        "messages": {"test_rmsprop_update": "Keras divides by sqrt(avg_sq + epsilon)"},
    },
    "rmsprop-epsilon-outside-root": {
        "cells": {
            "rmsprop_update": RMSPROP_PREFIX + "    avg_sq = rho * avg_sq + (1 - rho) * grad ** 2\n"
            "    return param - lr * grad / (tf.sqrt(avg_sq) + epsilon), avg_sq\n",
        },
        "failing": ["test_rmsprop_update"],
        "messages": {"test_rmsprop_update": "with epsilon inside the root"},
    },
    "rmsprop-rho-swapped": {
        "cells": {
            "rmsprop_update": RMSPROP_PREFIX + "    avg_sq = (1 - rho) * avg_sq + rho * grad ** 2\n"
            "    return param - lr * grad / tf.sqrt(avg_sq + epsilon), avg_sq\n",
        },
        "failing": ["test_rmsprop_update"],
        "messages": {"test_rmsprop_update": "with weight rho on the old average"},
    },
    "rmsprop-numpy-sqrt": {
        "cells": {
            # np.sqrt works on the NumPy arrays of the first checks, not on symbolic tensors
            "rmsprop_update": RMSPROP_PREFIX + "    avg_sq = rho * avg_sq + (1 - rho) * grad ** 2\n"
            "    return param - lr * grad / np.sqrt(avg_sq + epsilon), avg_sq\n",
        },
        "failing": ["test_rmsprop_update"],
        "messages": {"test_rmsprop_update": "rmsprop_update failed inside tf.function on float32 variables"},
    },
    # --- adamw_update -------------------------------------------------------------------
    "adamw-decay-through-gradient": {
        "cells": {
            # AdamW decaying with the adaptive step: the decay joins the gradient (L2 under Adam)
            "adamw_update": ADAMW_PREFIX + "    grad = grad + weight_decay * param\n"
            "    return adam_update(param, grad, m, v, t, lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)\n",
        },
        "failing": ["test_adamw_update"],
        "messages": {"test_adamw_update": "keep weight_decay * param out of grad, m and v"},
    },
    "adamw-decay-with-lr-t": {
        "cells": {
            "adamw_update": ADAMW_PREFIX + ADAM_TF + "    lr_t = lr * tf.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    param = param - lr_t * weight_decay * param\n"
            "    return param - lr_t * m / (tf.sqrt(v) + epsilon), m, v\n",
        },
        "failing": ["test_adamw_update"],
        "messages": {"test_adamw_update": "with the plain lr (not the bias-corrected lr_t"},
    },
    "adamw-forgets-decay": {
        "cells": {
            "adamw_update": ADAMW_PREFIX
            + "    return adam_update(param, grad, m, v, t, lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)\n",
        },
        "failing": ["test_adamw_update"],
    },
    # --- lr_range_test --------------------------------------------------------------------
    "range-linear-rates": {
        "cells": {"lr_range_test": range_variant(rates="np.linspace(min_lr, max_lr, num_steps)")},
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "your rates grow linearly; use a geometric sequence"},
    },
    "range-never-stops": {
        "cells": {
            "lr_range_test": range_variant(
                stop="        losses.append(loss)\n    return lrs[: len(losses)], np.array(losses)\n"
            )
        },
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "yet the test went on"},
    },
    "range-stops-before-recording": {
        "cells": {
            "lr_range_test": range_variant(
                stop="        best = min(best, loss)\n"
                "        if not np.isfinite(loss) or loss > 4 * best:\n"
                "            break\n"
                "        losses.append(loss)\n"
                "    return lrs[: len(losses)], np.array(losses)\n"
            )
        },
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "record the loss that blew up, then stop"},
    },
    "range-inference-mode": {
        "cells": {"lr_range_test": range_variant(training="False")},
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "call the model with training=True inside the tape"},
    },
    "range-unseeded-shuffle": {
        "cells": {
            "lr_range_test": range_variant()
            .replace("    keras.utils.set_random_seed(seed)\n", "")
            .replace("rng = np.random.default_rng(seed)", "rng = np.random")
        },
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "two calls with the same seed gave different losses"},
    },
    "range-adam-steps": {
        "cells": {
            "lr_range_test": range_variant()
            .replace(
                "    params = model.trainable_variables\n",
                "    params = model.trainable_variables\n    optimizer = keras.optimizers.Adam()\n",
            )
            .replace(
                "        for param, grad in zip(params, tape.gradient(loss, params)):\n"
                "            param.assign_sub(float(lrs[k]) * grad)\n",
                "        optimizer.learning_rate = float(lrs[k])\n"
                "        optimizer.apply_gradients(zip(tape.gradient(loss, params), params))\n",
            )
        },
        "failing": ["test_lr_range_test"],
        "messages": {"test_lr_range_test": "no momentum, no Adam"},
    },
    # --- mistakes the walk-through met: raw errors and misleading messages -------------------------
    # TensorFlow on Python numbers makes float32, which meets the float64 NumPy arrays of the first checks
    "cosine-int-step-tensor+warmup-ramp-off-by-one+momentum-float32-constant+rmsprop-old-average": {
        "cells": {
            # tf.minimum on Python ints gives an int32 tensor, which pi cannot multiply
            "cosine_decay": COS_PREFIX + "    step = tf.minimum(step, decay_steps)\n"
            "    cosine = 0.5 * (1 + tf.cos(np.pi * step / decay_steps))\n"
            "    return initial_lr * ((1 - alpha) * cosine + alpha)\n",
            "warmup_cosine_decay": WARMUP_PREFIX + "    import math\n"
            "    s = min(step, warmup_steps + decay_steps)\n"
            "    if s < warmup_steps:\n"
            "        return initial_lr + (warmup_target - initial_lr) * (s + 1) / warmup_steps\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / decay_steps))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
            # right on float32 variables; on float64 arrays tf.multiply(0.9, ...) is float32 and meets the param
            "momentum_update": MOMENTUM_PREFIX + "    param = tf.convert_to_tensor(param)\n"
            "    velocity = tf.multiply(momentum, velocity) - lr * grad\n"
            "    if nesterov:\n"
            "        return param + tf.multiply(momentum, velocity) - lr * grad, velocity\n"
            "    return param + velocity, velocity\n",
            # divides by the average of the previous step
            "rmsprop_update": RMSPROP_PREFIX + "    new_avg_sq = rho * avg_sq + (1 - rho) * grad ** 2\n"
            "    return param - lr * grad / tf.sqrt(avg_sq + epsilon), new_avg_sq\n",
        },
        "failing": ["test_cosine_decay", "test_warmup_cosine_decay", "test_momentum_update", "test_rmsprop_update"],
        "messages": {
            "test_cosine_decay": "Likely: an integer tensor meets a float number",
            "test_warmup_cosine_decay": "use step, not step + 1, so that step 0 gives initial_lr exactly",
            "test_momentum_update": "on float64 NumPy arrays, with lr and momentum Python floats fails",
            "test_rmsprop_update": "was divided by the average of the previous step: update avg_sq first",
        },
    },
    "warmup-ramp-ignores-initial-lr+adam-python-t-float32": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX + "    import math\n"
            "    s = min(step, warmup_steps + decay_steps)\n"
            "    if s < warmup_steps:\n"
            "        return warmup_target * s / warmup_steps\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / decay_steps))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
            # tf.sqrt of a Python number is float32; it meets the float64 tf.sqrt(v)
            "adam_update": ADAM_PREFIX + ADAM_MOMENTS + "    lr_t = lr * tf.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    return param - lr_t * m / (tf.sqrt(v) + epsilon), m, v\n",
        },
        "failing": ["test_warmup_cosine_decay", "test_adam_update"],
        "messages": {
            "test_warmup_cosine_decay": "not warmup_target * step / warmup_steps",
            "test_adam_update": "it mixes float32 and float64 tensors: a TensorFlow operation on Python numbers alone",
        },
    },
    "warmup-decay-steps-include-warmup+adam-t-from-zero": {
        "cells": {
            # the cosine ends at decay_steps, warm-up included
            "warmup_cosine_decay": WARMUP_PREFIX + "    import math\n"
            "    s = min(step, decay_steps)\n"
            "    if s < warmup_steps:\n"
            "        return initial_lr + (warmup_target - initial_lr) * s / warmup_steps\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / (decay_steps - warmup_steps)))\n"
            "    return warmup_target * ((1 - alpha) * cosine + alpha)\n",
            "adam_update": ADAM_PREFIX + ADAM_TF + "    t = t - 1\n"
            "    lr_t = lr * tf.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    return param - lr_t * m / (tf.sqrt(v) + epsilon), m, v\n",
        },
        "failing": ["test_warmup_cosine_decay", "test_adam_update"],
        "messages": {
            "test_warmup_cosine_decay": "decay_steps does not include the warm-up",
            "test_adam_update": "a division by zero; t starts at 1",
        },
    },
    "warmup-cosine-decays-to-initial-lr": {
        "cells": {
            "warmup_cosine_decay": WARMUP_PREFIX
            + WARMUP_CLAMP
            + "    cosine = 0.5 * (1 + math.cos(math.pi * (s - warmup_steps) / decay_steps))\n"
            "    return initial_lr + (warmup_target - initial_lr) * cosine\n",
        },
        "failing": ["test_warmup_cosine_decay"],
        "messages": {"test_warmup_cosine_decay": "not back to initial_lr"},
    },
    # --- alternative correct solutions --------------------------------------------
    "plain-python-and-numpy": {
        "cells": {
            "step_decay": STEP_PREFIX + "    return initial_lr * drop ** (epoch // epochs_per_drop)\n",
            "exponential_decay": EXP_PREFIX + "    p = step / decay_steps\n"
            "    if staircase:\n"
            "        p = step // decay_steps\n"
            "    return initial_lr * decay_rate ** p\n",
            "cosine_decay": COS_PREFIX + "    import math\n"
            "    fraction = min(step, decay_steps) / decay_steps\n"
            "    return alpha * initial_lr + (1 - alpha) * initial_lr * (1 + math.cos(math.pi * fraction)) / 2\n",
            "warmup_cosine_decay": WARMUP_PREFIX
            + WARMUP_CLAMP
            + "    return cosine_decay(s - warmup_steps, warmup_target, decay_steps, alpha)\n",
            # bias-corrected moments with epsilon rescaled: algebraically the Keras update
            "adam_update": ADAM_PREFIX + ADAM_TF + "    m_hat = m / (1 - beta_1 ** t)\n"
            "    v_hat = v / (1 - beta_2 ** t)\n"
            "    eps_hat = epsilon / tf.sqrt(1 - beta_2 ** t)\n"
            "    return param - lr * m_hat / (tf.sqrt(v_hat) + eps_hat), m, v\n",
            # eager, with the Keras SGD optimizer and a circular walk through reshuffled rows
            "lr_range_test": RANGE_PREFIX + "    keras.utils.set_random_seed(seed)\n"
            "    model = build_model()\n"
            "    optimizer = keras.optimizers.SGD(learning_rate=min_lr)\n"
            "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "    x, y = np.asarray(x, dtype=np.float32), np.asarray(y)\n"
            "    rng = np.random.default_rng(seed)\n"
            "    order, position = rng.permutation(len(x)), 0\n"
            "    lrs, losses = [], []\n"
            "    for k in range(num_steps):\n"
            "        if position + batch_size > len(x):\n"
            "            order, position = rng.permutation(len(x)), 0\n"
            "        rows = order[position:position + batch_size]\n"
            "        position += batch_size\n"
            "        lr = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))\n"
            "        optimizer.learning_rate = lr\n"
            "        with tf.GradientTape() as tape:\n"
            "            loss = loss_fn(y[rows], model(x[rows], training=True))\n"
            "        grads = tape.gradient(loss, model.trainable_variables)\n"
            "        optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
            "        lrs.append(lr)\n"
            "        losses.append(float(loss))\n"
            "        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):\n"
            "            break\n"
            "    return np.array(lrs), np.array(losses)\n",
        },
        "failing": [],
    },
    # float32 schedules; optimizers with float64 intermediates cast back to the parameter's dtype
    "float32-schedules+float64-intermediates": {
        "cells": {
            "step_decay": STEP_PREFIX
            + "    epoch, per_drop = tf.cast(epoch, tf.float32), tf.cast(epochs_per_drop, tf.float32)\n"
            "    return tf.cast(initial_lr, tf.float32) * tf.cast(drop, tf.float32) ** tf.floor(epoch / per_drop)\n",
            "exponential_decay": EXP_PREFIX
            + "    exponent = tf.cast(step, tf.float32) / tf.cast(decay_steps, tf.float32)\n"
            "    if staircase:\n"
            "        exponent = tf.floor(exponent)\n"
            "    return tf.cast(initial_lr, tf.float32) * tf.cast(decay_rate, tf.float32) ** exponent\n",
            "cosine_decay": COS_PREFIX + "    decay_steps = tf.cast(decay_steps, tf.float32)\n"
            "    step = tf.minimum(tf.cast(step, tf.float32), decay_steps)\n"
            "    cosine = 0.5 * (1.0 + tf.cos(tf.constant(np.pi, tf.float32) * step / decay_steps))\n"
            "    return tf.cast(initial_lr, tf.float32) * ((1.0 - alpha) * cosine + alpha)\n",
            "warmup_cosine_decay": WARMUP_PREFIX + "    f32 = lambda a: tf.cast(a, tf.float32)\n"
            "    s = tf.minimum(f32(step), f32(warmup_steps) + f32(decay_steps))\n"
            "    ramp = f32(initial_lr) + (f32(warmup_target) - f32(initial_lr)) * s / f32(warmup_steps)\n"
            "    cosine = 0.5 * (1.0 + tf.cos(f32(np.pi) * (s - f32(warmup_steps)) / f32(decay_steps)))\n"
            "    decayed = f32(warmup_target) * ((1.0 - f32(alpha)) * cosine + f32(alpha))\n"
            "    return tf.where(s < f32(warmup_steps), ramp, decayed)\n",
            "momentum_update": MOMENTUM_PREFIX
            + TF_START
            + "    g, vel = tf.cast(grad, tf.float64), tf.cast(velocity, tf.float64)\n"
            "    lr64, mu = tf.cast(lr, tf.float64), tf.cast(momentum, tf.float64)\n"
            "    vel = mu * vel - lr64 * g\n"
            "    step = mu * vel - lr64 * g if nesterov else vel\n"
            "    return tf.cast(tf.cast(param, tf.float64) + step, dtype), tf.cast(vel, dtype)\n",
            "rmsprop_update": RMSPROP_PREFIX
            + TF_START
            + "    g, avg = tf.cast(grad, tf.float64), tf.cast(avg_sq, tf.float64)\n"
            "    avg = rho * avg + (1 - rho) * g * g\n"
            "    new = tf.cast(param, tf.float64) - tf.cast(lr, tf.float64) * g * tf.math.rsqrt(avg + epsilon)\n"
            "    return tf.cast(new, dtype), tf.cast(avg, dtype)\n",
            "adam_update": ADAM_PREFIX
            + TF_START
            + "    p, g, m, v = (tf.cast(a, tf.float64) for a in (param, grad, m, v))\n"
            "    t, lr = tf.cast(t, tf.float64), tf.cast(lr, tf.float64)\n"
            "    m = m + (1 - beta_1) * (g - m)\n"
            "    v = v + (1 - beta_2) * (g * g - v)\n"
            "    alpha = lr * tf.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)\n"
            "    p = p - alpha * m / (tf.sqrt(v) + epsilon)\n"
            "    return tf.cast(p, dtype), tf.cast(m, dtype), tf.cast(v, dtype)\n",
            "adamw_update": ADAMW_PREFIX + TF_START + "    p64 = tf.cast(param, tf.float64)\n"
            "    p64 = p64 * (1 - tf.cast(lr, tf.float64) * weight_decay)\n"
            "    return adam_update(tf.cast(p64, dtype), grad, m, v, t, lr=lr, beta_1=beta_1, beta_2=beta_2,\n"
            "                       epsilon=epsilon)\n",
        },
        "failing": [],
    },
    # constants rounded to float32 first (as Keras does), then cast to the parameter's dtype
    "constants-cast-early-to-float32": {
        "cells": {
            "momentum_update": MOMENTUM_PREFIX
            + TF_START
            + "    lr, momentum = (tf.cast(tf.cast(a, tf.float32), dtype) for a in (lr, momentum))\n"
            "    velocity = momentum * tf.cast(velocity, dtype) - lr * tf.cast(grad, dtype)\n"
            "    if nesterov:\n"
            "        return param - lr * tf.cast(grad, dtype) + momentum * velocity, velocity\n"
            "    return param + velocity, velocity\n",
            "rmsprop_update": RMSPROP_PREFIX
            + TF_START
            + "    lr, rho, epsilon = (tf.cast(tf.cast(a, tf.float32), dtype) for a in (lr, rho, epsilon))\n"
            "    grad = tf.cast(grad, dtype)\n"
            "    avg_sq = rho * tf.cast(avg_sq, dtype) + (1 - rho) * tf.square(grad)\n"
            "    return param - lr * grad / tf.sqrt(avg_sq + epsilon), avg_sq\n",
            # the case: beta_1 and beta_2 cast with tf.cast (here through float32)
            "adam_update": ADAM_PREFIX
            + TF_START
            + "    beta_1, beta_2, epsilon, lr = (tf.cast(tf.cast(a, tf.float32), dtype)\n"
            "                                   for a in (beta_1, beta_2, epsilon, lr))\n"
            "    t = tf.cast(t, dtype)\n"
            "    grad = tf.cast(grad, dtype)\n"
            "    m = beta_1 * tf.cast(m, dtype) + (1 - beta_1) * grad\n"
            "    v = beta_2 * tf.cast(v, dtype) + (1 - beta_2) * tf.square(grad)\n"
            "    lr_t = lr * tf.sqrt(1 - tf.pow(beta_2, t)) / (1 - tf.pow(beta_1, t))\n"
            "    return param - lr_t * m / (tf.sqrt(v) + epsilon), m, v\n",
            # decay first, then the student's own Adam step
            "adamw_update": ADAMW_PREFIX
            + TF_START
            + "    param = param - tf.cast(lr, dtype) * tf.cast(tf.cast(weight_decay, tf.float32), dtype) * param\n"
            "    return adam_update(param, grad, m, v, t, lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)\n",
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    {
        "says": "initial_lr * drop ** floor(epoch / epochs_per_drop), a scalar",
        "cell": "test_step_decay",
        "variant": "step-decays-continuously+cosine-alpha-as-absolute-rate",
    },
    {
        "says": "with the exponent floored when staircase is True",
        "cell": "test_exponential_decay",
        "variant": "exponential-ignores-staircase+adam-textbook-epsilon",
    },
    {
        "says": "Returns: The learning rate at step, a scalar",
        "cell": "test_cosine_decay",
        "variant": "cosine-missing-half-wave-scaling",
    },
    {
        "says": "Returns: The learning rate at step, a scalar",
        "cell": "test_warmup_cosine_decay",
        "variant": "warmup-starts-at-target",
    },
    {
        "says": "every update function from here on must work inside tf.function on float32 variables",
        "cell": "test_momentum_update",
        "variant": "momentum-numpy",
    },
    {
        "says": "velocity is momentum * velocity - lr * grad, the step Keras keeps",
        "cell": "test_momentum_update",
        "variant": "momentum-pytorch-velocity",
    },
    {
        "says": "(param, avg_sq) after the update, each shaped like param",
        "cell": "test_rmsprop_update",
        "variant": "rmsprop-rho-swapped",
    },
    {
        "says": "Your function must also work when t is an integer tensor",
        "cell": "test_adam_update",
        "variant": "adam-t-not-cast",
    },
    {
        "says": "(param, m, v) after the update, each shaped like param",
        "cell": "test_adam_update",
        "variant": "adam-returns-corrected-moments",
    },
    {
        "says": "(param, m, v) after the update, each shaped like param",
        "cell": "test_adamw_update",
        "variant": "adamw-decay-through-gradient",
    },
    {
        "says": "It returns (lrs, losses), two 1-D NumPy arrays of the same length",
        "cell": "test_lr_range_test",
        "variant": "range-linear-rates",
    },
    {
        "says": "up to and including the first loss that is not finite or exceeds 4 times the lowest loss so far",
        "cell": "test_lr_range_test",
        "variant": "range-stops-before-recording",
    },
]
