"""Known-wrong and alternative-correct submissions of lesson 09.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The reference
EarlyStoppingCallback is built on EarlyStopper, so a wrong stopping rule also
fails test_EarlyStoppingCallback when the callback's scripted logs reach it.
"""

STOPPER_HEAD = (
    "class EarlyStopper:\n"
    "    def __init__(self, patience, min_delta=0.0, mode='min'):\n"
    "        if mode not in ('min', 'max'):\n"
    "            raise ValueError(f'mode must be min or max, got {mode!r}')\n"
    "        self.patience, self.min_delta, self.mode = patience, abs(min_delta), mode\n"
    "        self.best, self.best_epoch, self.wait, self.epoch = None, 0, 0, -1\n"
    "\n"
    "    def update(self, value):\n"
    "        value = float(value)\n"
    "        self.epoch += 1\n"
)


def stopper(improved, tail="        self.wait += 1\n        return self.wait >= self.patience\n"):
    """An EarlyStopper whose improvement test and ending are given as source lines."""
    return (
        STOPPER_HEAD + "        if self.best is None:\n"
        "            improved = True\n"
        "        else:\n"
        f"            improved = {improved}\n"
        "        if improved:\n"
        "            self.best, self.best_epoch, self.wait = value, self.epoch, 0\n"
        "            return False\n" + tail
    )


MIN_RULE = "(value < self.best - self.min_delta) if self.mode == 'min' else (value > self.best + self.min_delta)"

CALLBACK_INIT = (
    "class EarlyStoppingCallback(keras.callbacks.Callback):\n"
    "    def __init__(self, monitor='val_loss', patience=0, min_delta=0.0,"
    " restore_best_weights=False):\n"
    "        super().__init__()\n"
    "        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta\n"
    "        self.restore_best_weights = restore_best_weights\n"
)
CALLBACK_BEGIN = (
    "    def on_train_begin(self, logs=None):\n"
    "        self.stopper = EarlyStopper(self.patience, self.min_delta)\n"
    "        self.best_weights = None\n"
)
CALLBACK_EPOCH_END = (
    "    def on_epoch_end(self, epoch, logs=None):\n"
    "        value = (logs or {}).get(self.monitor)\n"
    "        if value is None:\n"
    "            return\n"
    "        stop = self.stopper.update(value)\n"
    "        if self.restore_best_weights and self.stopper.wait == 0:\n"
    "            self.best_weights = self.model.get_weights()\n"
    "        if stop:\n"
    "            self.model.stop_training = True\n"
)
CALLBACK_END = (
    "    def on_train_end(self, logs=None):\n"
    "        if self.restore_best_weights and self.best_weights is not None:\n"
    "            self.model.set_weights(self.best_weights)\n"
)

MODE_BY_NAME_INIT = CALLBACK_INIT.replace(
    "        self.restore_best_weights = restore_best_weights\n",
    "        self.restore_best_weights = restore_best_weights\n"
    "        self.mode = 'max' if ('acc' in monitor or 'auc' in monitor) else 'min'\n",
)
MODE_BY_NAME_BEGIN = CALLBACK_BEGIN.replace(
    "EarlyStopper(self.patience, self.min_delta)", "EarlyStopper(self.patience, self.min_delta, self.mode)"
)

VARIANTS = {
    # --- EarlyStopper -------------------------------------------------------------
    "stopper-counts-a-tie-as-improvement": {
        "cells": {
            "EarlyStopper": stopper(
                "(value <= self.best - self.min_delta) if self.mode == 'min' else (value >= self.best + self.min_delta)"
            )
        },
        "failing": ["test_EarlyStopper"],
    },
    "stopper-never-resets-wait": {
        "cells": {
            "EarlyStopper": STOPPER_HEAD + "        if self.best is None or (" + MIN_RULE + "):\n"
            "            self.best, self.best_epoch = value, self.epoch\n"
            "            return self.wait >= self.patience and self.wait > 0\n"
            "        self.wait += 1\n"
            "        return self.wait >= self.patience\n"
        },
        "failing": ["test_EarlyStopper", "test_EarlyStoppingCallback"],
    },
    "stopper-stops-one-epoch-late": {
        "cells": {
            "EarlyStopper": stopper(MIN_RULE, tail="        self.wait += 1\n        return self.wait > self.patience\n")
        },
        "failing": ["test_EarlyStopper", "test_EarlyStoppingCallback"],
    },
    # a wrong rule for "max" also fails the callback's val_accuracy run
    "stopper-ignores-mode": {
        "cells": {"EarlyStopper": stopper("value < self.best - self.min_delta")},
        "failing": ["test_EarlyStopper", "test_EarlyStoppingCallback"],
    },
    "stopper-accepts-any-mode": {
        "cells": {
            "EarlyStopper": stopper(
                "(value > self.best + self.min_delta) if self.mode == 'max' else (value < self.best - self.min_delta)"
            ).replace(
                "        if mode not in ('min', 'max'):\n"
                "            raise ValueError(f'mode must be min or max, got {mode!r}')\n",
                "",
            )
        },
        "failing": ["test_EarlyStopper"],
        "messages": {"test_EarlyStopper": "must raise a ValueError"},
    },
    # strict for a tie at min_delta = 0, but counts a change of exactly min_delta as an improvement
    "stopper-min-delta-inclusive": {
        "cells": {
            "EarlyStopper": stopper(
                "(value < self.best if self.min_delta == 0 else value <= self.best - self.min_delta) "
                "if self.mode == 'min' else "
                "(value > self.best if self.min_delta == 0 else value >= self.best + self.min_delta)"
            )
        },
        "failing": ["test_EarlyStopper"],
    },
    "stopper-best-starts-at-infinity": {
        "cells": {
            "EarlyStopper": stopper(MIN_RULE).replace(
                "self.best, self.best_epoch, self.wait, self.epoch = None, 0, 0, -1",
                "self.best = float('inf') if mode == 'min' else -float('inf')\n"
                "        self.best_epoch, self.wait, self.epoch = 0, 0, -1",
            )
        },
        "failing": ["test_EarlyStopper"],
    },
    "stopper-min-delta-in-wrong-direction": {
        "cells": {
            "EarlyStopper": stopper(
                "(value < self.best + self.min_delta) if self.mode == 'min' else (value > self.best - self.min_delta)"
            )
        },
        "failing": ["test_EarlyStopper", "test_EarlyStoppingCallback"],
    },
    # --- EarlyStoppingCallback ----------------------------------------------------
    "callback-sets-state-only-in-init": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT + "        self.stopper = EarlyStopper(patience, min_delta)\n"
            "        self.best_weights = None\n"
            "\n" + CALLBACK_EPOCH_END + "\n" + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
        "messages": {"test_EarlyStoppingCallback": "Did you reset the state in on_train_begin?"},
    },
    "callback-keeps-live-weight-references": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT
            + "\n"
            + CALLBACK_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END.replace("self.model.get_weights()", "list(self.model.weights)")
            + "\n"
            + CALLBACK_END.replace(
                "self.model.set_weights(self.best_weights)",
                "self.model.set_weights([w.numpy() for w in self.best_weights])",
            )
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    "callback-restores-only-when-stopping-early": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT
            + "\n"
            + CALLBACK_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END.replace(
                "            self.model.stop_training = True\n",
                "            self.model.stop_training = True\n"
                "            if self.restore_best_weights:\n"
                "                self.model.set_weights(self.best_weights)\n",
            )
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    "callback-always-watches-val-loss": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT
            + "\n"
            + CALLBACK_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END.replace("get(self.monitor)", "get('val_loss')")
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    # reads every monitor as a loss: stops a rising accuracy as if it got worse
    "callback-ignores-accuracy-direction": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT
            + "\n"
            + CALLBACK_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    "callback-counts-missing-monitor-as-worse": {
        "cells": {
            "EarlyStoppingCallback": CALLBACK_INIT.replace(
                "        self.restore_best_weights = restore_best_weights\n",
                "        self.restore_best_weights = restore_best_weights\n"
                "        self.mode = 'max' if ('acc' in monitor or 'auc' in monitor) else 'min'\n",
            )
            + "\n"
            + CALLBACK_BEGIN.replace(
                "EarlyStopper(self.patience, self.min_delta)", "EarlyStopper(self.patience, self.min_delta, self.mode)"
            )
            + "\n"
            + CALLBACK_EPOCH_END.replace(
                "        if value is None:\n            return\n",
                "        if value is None:\n"
                "            value = float('inf') if self.mode == 'min' else -float('inf')\n",
            )
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    "callback-keyerror-on-missing-monitor": {
        "cells": {
            "EarlyStoppingCallback": MODE_BY_NAME_INIT
            + "\n"
            + MODE_BY_NAME_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END.replace(
                "        value = (logs or {}).get(self.monitor)\n        if value is None:\n            return\n",
                "        value = logs[self.monitor]\n",
            )
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
        "messages": {"test_EarlyStoppingCallback": "raised KeyError: 'val_loss' for an epoch whose logs have no"},
    },
    "callback-never-sets-stop-training": {
        # sets the flag on the callback instead of the model: fit never stops
        "cells": {
            "EarlyStoppingCallback": MODE_BY_NAME_INIT
            + "\n"
            + MODE_BY_NAME_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END.replace("self.model.stop_training = True", "self.stop_training = True")
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
        "messages": {
            "test_EarlyStoppingCallback": "It never stopped: read 'val_loss' from the logs, and set "
            "self.model.stop_training = True"
        },
    },
    "callback-max-only-for-accuracy": {
        # "max" for "accuracy" only: a rising val_auc is read as a loss
        "cells": {
            "EarlyStoppingCallback": MODE_BY_NAME_INIT.replace(
                "('acc' in monitor or 'auc' in monitor)", "('accuracy' in monitor)"
            )
            + "\n"
            + MODE_BY_NAME_BEGIN
            + "\n"
            + CALLBACK_EPOCH_END
            + "\n"
            + CALLBACK_END
        },
        "failing": ["test_EarlyStoppingCallback"],
    },
    "stopper-best-epoch-none-before-first-update": {
        "cells": {
            "EarlyStopper": stopper(MIN_RULE).replace(
                "self.best, self.best_epoch, self.wait, self.epoch = None, 0, 0, -1",
                "self.best, self.best_epoch, self.wait, self.epoch = None, None, 0, -1",
            )
        },
        "failing": ["test_EarlyStopper"],
    },
    # --- alternative correct solutions --------------------------------------------
    "sign-flip-stopper-and-standalone-callback": {
        "cells": {
            # compares sign * value, with best starting at +inf
            "EarlyStopper": "class EarlyStopper:\n"
            "    def __init__(self, patience, min_delta=0.0, mode='min'):\n"
            "        if mode not in ('min', 'max'):\n"
            "            raise ValueError(mode)\n"
            "        self.sign = 1.0 if mode == 'min' else -1.0\n"
            "        self.patience, self.min_delta = patience, abs(min_delta)\n"
            "        self.best, self.best_epoch, self.wait = None, 0, 0\n"
            "        self._score, self._seen = float('inf'), 0\n"
            "\n"
            "    def update(self, value):\n"
            "        epoch, self._seen = self._seen, self._seen + 1\n"
            "        score = self.sign * float(value)\n"
            "        if score < self._score - self.min_delta or epoch == 0:\n"
            "            self._score, self.best, self.best_epoch, self.wait = score, float(value), epoch, 0\n"
            "            return False\n"
            "        self.wait += 1\n"
            "        return self.wait >= self.patience\n",
            # the Keras logic written out, without EarlyStopper
            "EarlyStoppingCallback": "class EarlyStoppingCallback(keras.callbacks.Callback):\n"
            "    def __init__(self, monitor='val_loss', patience=0, min_delta=0.0,"
            " restore_best_weights=False):\n"
            "        super().__init__()\n"
            "        self.monitor, self.patience, self.min_delta = monitor, patience, abs(min_delta)\n"
            "        self.restore_best_weights = restore_best_weights\n"
            "        self.sign = -1.0 if any(word in monitor for word in ('acc', 'auc')) else 1.0\n"
            "\n"
            "    def on_train_begin(self, logs=None):\n"
            "        self.best, self.wait, self.best_weights = np.inf, 0, None\n"
            "\n"
            "    def on_epoch_end(self, epoch, logs=None):\n"
            "        if self.monitor not in (logs or {}):\n"
            "            return\n"
            "        current = self.sign * logs[self.monitor]\n"
            "        self.wait += 1\n"
            "        if current < self.best - self.min_delta:\n"
            "            self.best, self.wait = current, 0\n"
            "            if self.restore_best_weights:\n"
            "                self.best_weights = self.model.get_weights()\n"
            "        elif self.wait >= self.patience and epoch > 0:\n"
            "            self.model.stop_training = True\n"
            "\n"
            "    def on_train_end(self, logs=None):\n"
            "        if self.best_weights is not None:\n"
            "            self.model.set_weights(self.best_weights)\n",
        },
        "failing": [],
    },
}

# Every requirement sentence of the lesson (tests/test_requirements.py), its test cell and a variant breaking it.
REQUIREMENTS = [
    {
        "says": "how much better a value must be to count as an improvement",
        "cell": "test_EarlyStopper",
        "variant": "stopper-min-delta-in-wrong-direction",
    },
    {
        "says": "on improvement: best = value, best_epoch = this epoch, wait = 0, return False",
        "cell": "test_EarlyStopper",
        "variant": "stopper-never-resets-wait",
    },
    {
        "says": "otherwise: wait += 1, and return True (stop) once wait >= patience",
        "cell": "test_EarlyStopper",
        "variant": "stopper-stops-one-epoch-late",
    },
    {
        "says": 'Raise a ValueError for a mode other than "min" or "max"',
        "cell": "test_EarlyStopper",
        "variant": "stopper-accepts-any-mode",
    },
    {
        "says": "returns True when training should stop",
        "cell": "test_EarlyStopper",
        "variant": "stopper-stops-one-epoch-late",
    },
    {
        "says": "the second run must not inherit the first run's best value",
        "cell": "test_EarlyStoppingCallback",
        "variant": "callback-sets-state-only-in-init",
    },
    {
        "says": "self.model.get_weights() returns NumPy copies",
        "cell": "test_EarlyStoppingCallback",
        "variant": "callback-keeps-live-weight-references",
    },
]
