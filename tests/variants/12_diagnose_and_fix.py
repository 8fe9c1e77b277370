"""Known-wrong and alternative-correct submissions of lesson 12.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points.
"""

DIAGNOSE_PREFIX = "def diagnose(report):\n"
FIXED_PREFIX = "def fixed_recipe(name):\n"

# diagnose with the checks given as source lines, tried in order.
DIAGNOSE_TEMPLATE = (
    DIAGNOSE_PREFIX
    + "    losses = np.asarray(report['train_loss'] + report['val_loss'], dtype=float)\n"
    "    norms = np.asarray(report['gradient_norms'], dtype=float)\n"
    "    gap = report['train_accuracy'][-1] - report['val_accuracy'][-1]\n"
    "{checks}"
    "    return {fallback!r}\n"
)
EXPLODING = (
    "    if not np.all(np.isfinite(losses)) or norms.max() > EXPLODING_NORM:\n"
    "        return 'exploding_gradients'\n"
)
DYING = "    if report['dead_fraction'] > DEAD_FRACTION:\n        return 'dying_relu'\n"
VANISHING = (
    "    if norms[0] < VANISHING_RATIO * norms[-1]:\n        return 'vanishing_gradients'\n"
)
OVERFITTING = "    if gap > OVERFITTING_GAP:\n        return 'overfitting'\n"

# fixed_recipe from a dict literal of fixes.
FIXED_TEMPLATE = FIXED_PREFIX + "    fixes = {fixes}\n    return dict(fixes[name])\n"
GOOD_FIXES = {
    "vanishing_gradients": {"activation": "relu", "initializer": "he_normal"},
    "exploding_gradients": {"init_std": None},
    "dying_relu": {"learning_rate": 0.1},
    "overfitting": {"dropout": 0.5, "learning_rate": 0.003, "epochs": 10},
}

VARIANTS = {
    # --- diagnose --------------------------------------------------------------
    "diagnose-vanishing-checked-before-dying": {
        "cells": {
            "diagnose": DIAGNOSE_TEMPLATE.format(
                checks=EXPLODING + VANISHING + DYING + OVERFITTING, fallback="healthy"
            )
        },
        "failing": ["test_diagnose"],
    },
    "diagnose-blind-to-nan": {
        "cells": {
            "diagnose": DIAGNOSE_TEMPLATE.format(
                checks="    if norms.max() > EXPLODING_NORM:\n"
                "        return 'exploding_gradients'\n" + DYING + VANISHING + OVERFITTING,
                fallback="healthy",
            )
        },
        "failing": ["test_diagnose"],
    },
    "diagnose-never-healthy": {
        "cells": {
            "diagnose": DIAGNOSE_TEMPLATE.format(
                checks=EXPLODING + DYING + VANISHING, fallback="overfitting"
            )
        },
        "failing": ["test_diagnose"],
    },
    "diagnose-overfitting-from-any-loss-gap": {
        "cells": {
            "diagnose": DIAGNOSE_TEMPLATE.format(
                checks=EXPLODING
                + DYING
                + VANISHING
                + "    if report['train_loss'][-1] < report['val_loss'][-1]:\n"
                "        return 'overfitting'\n",
                fallback="healthy",
            )
        },
        "failing": ["test_diagnose"],
    },
    # --- fixed_recipe ----------------------------------------------------------
    "fixed-recipe-changes-nothing": {
        "cells": {"fixed_recipe": FIXED_PREFIX + "    return {}\n"},
        "failing": ["test_fixed_recipe"],
    },
    "fixed-recipe-trains-longer": {
        "cells": {
            "fixed_recipe": FIXED_TEMPLATE.format(
                fixes={**GOOD_FIXES, "vanishing_gradients": {"epochs": 40, "learning_rate": 0.5}}
            )
        },
        "failing": ["test_fixed_recipe"],
    },
    "fixed-recipe-only-clips-exploding-gradients": {
        "cells": {
            "fixed_recipe": FIXED_TEMPLATE.format(
                fixes={**GOOD_FIXES, "exploding_gradients": {"clipnorm": 1.0}}
            )
        },
        "failing": ["test_fixed_recipe"],
    },
    "fixed-recipe-uses-more-data": {
        "cells": {
            "fixed_recipe": FIXED_TEMPLATE.format(
                fixes={**GOOD_FIXES, "overfitting": {"n_train": None}}
            )
        },
        "failing": ["test_fixed_recipe"],
    },
    "fixed-recipe-edits-broken-recipes": {
        "cells": {
            "fixed_recipe": FIXED_PREFIX
            + f"    fixes = {GOOD_FIXES!r}\n"
            "    recipe = BROKEN_RECIPES[name]\n"
            "    recipe.update(fixes[name])\n"
            "    return recipe\n"
        },
        "failing": ["test_fixed_recipe"],
    },
    # --- alternative correct solutions ------------------------------------------
    "thresholds-inline-and-other-fixes": {
        "cells": {
            "diagnose": DIAGNOSE_PREFIX
            + "    import math\n"
            "    numbers = report['train_loss'] + report['val_loss'] + report['gradient_norms']\n"
            "    if any(math.isnan(v) or math.isinf(v) for v in numbers):\n"
            "        return 'exploding_gradients'\n"
            "    if max(report['gradient_norms']) > 100:\n"
            "        return 'exploding_gradients'\n"
            "    if report['dead_fraction'] > 0.5:\n"
            "        return 'dying_relu'\n"
            "    first, last = report['gradient_norms'][0], report['gradient_norms'][-1]\n"
            "    if first / last < 1e-3:\n"
            "        return 'vanishing_gradients'\n"
            "    if report['train_accuracy'][-1] > report['val_accuracy'][-1] + 0.1:\n"
            "        return 'overfitting'\n"
            "    return 'healthy'\n",
            "fixed_recipe": FIXED_PREFIX
            + "    recipe = dict(BROKEN_RECIPES[name])\n"
            "    if name == 'vanishing_gradients':\n"
            "        recipe.update(activation='relu', initializer='he_normal', depth=3)\n"
            "    elif name == 'exploding_gradients':\n"
            "        recipe.update(init_std=None, initializer='glorot_uniform', activation='tanh')\n"
            "    elif name == 'dying_relu':\n"
            "        recipe.update(activation='leaky_relu', learning_rate=0.3)\n"
            "    else:\n"
            "        recipe.update(epochs=5, learning_rate=0.003)\n"
            "    return recipe\n",
        },
        "failing": [],
    },
}
