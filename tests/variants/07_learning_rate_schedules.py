"""Known-wrong and alternative-correct submissions of lesson 07.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. Mutations of
independent exercises share a scenario to keep the suite fast.
"""

STEP_PREFIX = "def step_decay(epoch, initial_lr, drop, epochs_per_drop):\n"
EXP_PREFIX = "def exponential_decay(step, initial_lr, decay_steps, decay_rate, staircase=False):\n"
COS_PREFIX = "def cosine_decay(step, initial_lr, decay_steps, alpha=0.0):\n"
ADAM_PREFIX = (
    "def adam_update(param, grad, m, v, t, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
)
ADAM_MOMENTS = (
    "    m = beta_1 * m + (1 - beta_1) * grad\n"
    "    v = beta_2 * v + (1 - beta_2) * grad ** 2\n"
)

VARIANTS = {
    # --- step_decay + cosine_decay ------------------------------------------------
    "step-drops-one-epoch-early+cosine-not-clamped": {
        "cells": {
            # the widely copied floor((1 + epoch) / epochs_drop)
            "step_decay": STEP_PREFIX
            + "    import math\n"
            "    return initial_lr * drop ** math.floor((1 + epoch) / epochs_per_drop)\n",
            # keeps following the cosine past decay_steps, so the rate climbs again
            "cosine_decay": COS_PREFIX
            + "    import math\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * step / decay_steps))\n"
            "    return initial_lr * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_step_decay", "test_cosine_decay"],
    },
    "step-decays-continuously+cosine-alpha-as-absolute-rate": {
        "cells": {
            "step_decay": STEP_PREFIX
            + "    return initial_lr * drop ** (epoch / epochs_per_drop)\n",
            # treats alpha as the final learning rate instead of a fraction of initial_lr
            "cosine_decay": COS_PREFIX
            + "    import math\n"
            "    cosine = 0.5 * (1 + math.cos(math.pi * min(step, decay_steps) / decay_steps))\n"
            "    return (initial_lr - alpha) * cosine + alpha\n",
        },
        "failing": ["test_step_decay", "test_cosine_decay"],
    },
    "cosine-missing-half-wave-scaling": {
        "cells": {
            "cosine_decay": COS_PREFIX
            + "    import math\n"
            "    cosine = math.cos(math.pi * min(step, decay_steps) / decay_steps)\n"
            "    return initial_lr * ((1 - alpha) * cosine + alpha)\n",
        },
        "failing": ["test_cosine_decay"],
    },
    # --- exponential_decay + adam_update ------------------------------------------
    "exponential-ignores-staircase+adam-textbook-epsilon": {
        "cells": {
            "exponential_decay": EXP_PREFIX
            + "    return initial_lr * decay_rate ** (step / decay_steps)\n",
            # the paper's form: epsilon added to the bias-corrected sqrt(v_hat)
            "adam_update": ADAM_PREFIX
            + ADAM_MOMENTS
            + "    m_hat = m / (1 - beta_1 ** t)\n"
            "    v_hat = v / (1 - beta_2 ** t)\n"
            "    return param - lr * m_hat / (v_hat ** 0.5 + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
    },
    "exponential-forgets-decay-steps+adam-no-bias-correction": {
        "cells": {
            "exponential_decay": EXP_PREFIX
            + "    import math\n"
            "    exponent = math.floor(step / decay_steps) if staircase else step\n"
            "    return initial_lr * decay_rate ** exponent\n",
            "adam_update": ADAM_PREFIX
            + ADAM_MOMENTS
            + "    return param - lr * m / (v ** 0.5 + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
    },
    "exponential-as-exp-of-rate+adam-counts-t-from-zero": {
        "cells": {
            # confuses decay_rate with the rate constant of exp(-k t)
            "exponential_decay": EXP_PREFIX
            + "    import math\n"
            "    p = step / decay_steps\n"
            "    if staircase:\n"
            "        p = math.floor(p)\n"
            "    return initial_lr * math.exp(-decay_rate * p)\n",
            # treats t as the number of previous steps and adds one
            "adam_update": ADAM_PREFIX
            + ADAM_MOMENTS
            + "    t = t + 1\n"
            "    lr_t = lr * (1 - beta_2 ** t) ** 0.5 / (1 - beta_1 ** t)\n"
            "    return param - lr_t * m / (v ** 0.5 + epsilon), m, v\n",
        },
        "failing": ["test_exponential_decay", "test_adam_update"],
    },
    # --- alternative correct solutions --------------------------------------------
    "plain-python-and-numpy": {
        "cells": {
            "step_decay": STEP_PREFIX
            + "    return initial_lr * drop ** (epoch // epochs_per_drop)\n",
            "exponential_decay": EXP_PREFIX
            + "    p = step / decay_steps\n"
            "    if staircase:\n"
            "        p = step // decay_steps\n"
            "    return initial_lr * decay_rate ** p\n",
            "cosine_decay": COS_PREFIX
            + "    import math\n"
            "    fraction = min(step, decay_steps) / decay_steps\n"
            "    return alpha * initial_lr + (1 - alpha) * initial_lr * (1 + math.cos(math.pi * fraction)) / 2\n",
            # bias-corrected moments with epsilon rescaled: algebraically the Keras update
            "adam_update": ADAM_PREFIX
            + "    param, grad, m, v = (np.asarray(a, dtype=np.float64) for a in (param, grad, m, v))\n"
            + ADAM_MOMENTS
            + "    m_hat = m / (1 - beta_1 ** t)\n"
            "    v_hat = v / (1 - beta_2 ** t)\n"
            "    eps_hat = epsilon / np.sqrt(1 - beta_2 ** t)\n"
            "    return param - lr * m_hat / (np.sqrt(v_hat) + eps_hat), m, v\n",
        },
        "failing": [],
    },
}
