"""Known-wrong and alternative-correct submissions of lesson 12.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. Grading lesson 12
trains models, so most wrong variants pair one independent mistake in `diagnose`
with one in `fixed_recipe` (each loses its own cells).
"""

DIAGNOSE_PREFIX = "def diagnose(report):\n"
FIXED_PREFIX = "def fixed_recipe(name):\n"

# diagnose with the checks given as source lines, tried in order.
DIAGNOSE_TEMPLATE = (
    DIAGNOSE_PREFIX + "    losses = np.asarray(report['train_loss'] + report['val_loss'], dtype=float)\n"
    "    norms = np.asarray(report['gradient_norms'], dtype=float)\n"
    "    ratios = np.asarray(report['update_ratios'], dtype=float)\n"
    "    gap = report['train_accuracy'][-1] - report['val_accuracy'][-1]\n"
    "{checks}"
    "    return {fallback!r}\n"
)
EXPLODING = (
    "    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(norms)) or norms.max() > EXPLODING_NORM:\n"
    "        return 'exploding_gradients'\n"
)
DYING = "    if report['dead_fraction'] > DEAD_FRACTION:\n        return 'dying_relu'\n"
VANISHING = "    if norms[0] < VANISHING_RATIO * norms[-1]:\n        return 'vanishing_gradients'\n"
SLOW = "    if ratios.max() < SLOW_UPDATE_RATIO:\n        return 'learning_rate_too_low'\n"
OVERFITTING = "    if gap > OVERFITTING_GAP:\n        return 'overfitting'\n"


def diagnose_with(*checks, fallback="healthy"):
    """A diagnose that tries `checks` (source snippets) in order."""
    return DIAGNOSE_TEMPLATE.format(checks="".join(checks), fallback=fallback)


# fixed_recipe from a dict literal of fixes.
FIXED_TEMPLATE = FIXED_PREFIX + "    fixes = {fixes}\n    return dict(fixes[name])\n"
GOOD_FIXES = {
    "exploding_gradients": {"init_std": None, "initializer": "he_normal"},
    "dying_relu": {"learning_rate": 0.1},
    "vanishing_gradients": {"activation": "relu", "initializer": "he_normal"},
    "learning_rate_too_low": {"learning_rate": 0.1},
    "overfitting": {"dropout": 0.5},
}


def fixes_with(**changed):
    """fixed_recipe with the good fixes, some failures' fixes replaced."""
    return FIXED_TEMPLATE.format(fixes={**GOOD_FIXES, **changed})


ALL_FIXED = [
    "test_fixed_recipe_exploding_gradients",
    "test_fixed_recipe_dying_relu",
    "test_fixed_recipe_vanishing_gradients",
    "test_fixed_recipe_learning_rate_too_low",
    "test_fixed_recipe_overfitting",
]

VARIANTS = {
    # --- one mistake in diagnose and one in fixed_recipe each ---------------------------------------
    "vanishing-checked-before-dying+overfitting-fix-changes-three-hyperparameters": {
        "cells": {
            "diagnose": diagnose_with(EXPLODING, VANISHING, DYING, SLOW, OVERFITTING),
            "fixed_recipe": fixes_with(overfitting={"dropout": 0.5, "l2": 1e-3, "width": 128}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_overfitting"],
        "messages": {
            "test_diagnose": "expected 'dying_relu'",
            "test_fixed_recipe": "changes 3 hyperparameters",
        },
    },
    "diagnose-blind-to-nan+dying-fix-with-a-remedy-not-in-the-table": {
        "cells": {
            "diagnose": diagnose_with(
                "    if norms.max() > EXPLODING_NORM:\n        return 'exploding_gradients'\n",
                DYING,
                VANISHING,
                SLOW,
                OVERFITTING,
            ),
            "fixed_recipe": fixes_with(dying_relu={"activation": "leaky_relu", "learning_rate": 0.3}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_dying_relu"],
        "messages": {"test_fixed_recipe": "which the table of remedies does not name for dying_relu"},
    },
    "diagnose-never-healthy+only-clips-exploding-gradients": {
        "cells": {
            "diagnose": diagnose_with(EXPLODING, DYING, VANISHING, SLOW, fallback="overfitting"),
            "fixed_recipe": fixes_with(exploding_gradients={"clipnorm": 1.0}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_exploding_gradients"],
        "messages": {"test_fixed_recipe": "does not name for exploding_gradients"},
    },
    "diagnose-never-says-learning-rate-too-low+overfitting-fix-trains-longer": {
        "cells": {
            "diagnose": diagnose_with(EXPLODING, DYING, VANISHING, OVERFITTING),
            "fixed_recipe": fixes_with(overfitting={"dropout": 0.5, "epochs": 60}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_overfitting"],
        "messages": {"test_diagnose": "expected 'learning_rate_too_low'", "test_fixed_recipe": "over the budget"},
    },
    "slow-updates-read-from-the-first-kernel+overfitting-fix-changes-the-seed": {
        "cells": {
            "diagnose": diagnose_with(
                EXPLODING,
                DYING,
                VANISHING,
                "    if ratios[0] < SLOW_UPDATE_RATIO:\n        return 'learning_rate_too_low'\n",
                OVERFITTING,
            ),
            "fixed_recipe": fixes_with(overfitting={"dropout": 0.5, "seed": 3}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_overfitting"],
        "messages": {"test_fixed_recipe": "lucky seed"},
    },
    "thresholds-inclusive+fixes-returned-from-a-shared-dict": {
        "cells": {
            "diagnose": diagnose_with(
                "    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(norms)):\n"
                "        return 'exploding_gradients'\n"
                "    if norms.max() >= EXPLODING_NORM:\n"
                "        return 'exploding_gradients'\n",
                "    if report['dead_fraction'] >= DEAD_FRACTION:\n        return 'dying_relu'\n",
                "    if norms[0] <= VANISHING_RATIO * norms[-1]:\n        return 'vanishing_gradients'\n",
                "    if ratios.max() <= SLOW_UPDATE_RATIO:\n        return 'learning_rate_too_low'\n",
                OVERFITTING,
            ),
            "fixed_recipe": f"FIXES = {GOOD_FIXES!r}\n\n\n" + FIXED_PREFIX + "    return FIXES[name]\n",
        },
        "failing": ["test_diagnose", "test_fixed_recipe"],
        "messages": {"test_fixed_recipe": "return a new dict"},
    },
    "learning-rate-checked-before-dying+overfitting-fix-too-weak": {
        "cells": {
            "diagnose": diagnose_with(EXPLODING, SLOW, DYING, VANISHING, OVERFITTING),
            "fixed_recipe": fixes_with(overfitting={"dropout": 0.02}),
        },
        "failing": ["test_diagnose", "test_fixed_recipe_overfitting"],
        "messages": {"test_diagnose": "expected 'dying_relu'", "test_fixed_recipe_overfitting": "below the target"},
    },
    # --- fixed_recipe alone ------------------------------------------------------------------------------
    "fixed-recipe-edits-broken-recipes": {
        "cells": {
            "fixed_recipe": FIXED_PREFIX + f"    fixes = {GOOD_FIXES!r}\n"
            "    recipe = BROKEN_RECIPES[name]\n"
            "    recipe.update(fixes[name])\n"
            "    return recipe\n"
        },
        "failing": ["test_fixed_recipe", *ALL_FIXED],
        "messages": {"test_fixed_recipe": "must not modify BROKEN_RECIPES"},
    },
    "fixed-recipe-one-recipe-for-every-failure": {
        "cells": {
            "fixed_recipe": FIXED_PREFIX
            + "    return {'activation': 'relu', 'initializer': 'he_normal', 'init_std': None,\n"
            "            'learning_rate': 0.1, 'dropout': 0.2}\n"
        },
        "failing": ["test_fixed_recipe", *ALL_FIXED],
        "messages": {"test_fixed_recipe": "which the table of remedies does not name"},
    },
    # --- alternative correct solutions ------------------------------------------------------------------
    "thresholds-inline-and-other-fixes": {
        "cells": {
            "diagnose": DIAGNOSE_PREFIX + "    import math\n"
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
            "    if all(r < -3.5 for r in report['update_ratios']):\n"
            "        return 'learning_rate_too_low'\n"
            "    if report['train_accuracy'][-1] > report['val_accuracy'][-1] + 0.1:\n"
            "        return 'overfitting'\n"
            "    return 'healthy'\n",
            "fixed_recipe": FIXED_PREFIX + "    recipe = dict(BROKEN_RECIPES[name])\n"
            "    if name == 'exploding_gradients':\n"
            "        recipe.update(init_std=None)\n"
            "    elif name == 'dying_relu':\n"
            "        recipe.update(learning_rate=0.3)\n"
            "    elif name == 'vanishing_gradients':\n"
            "        recipe.update(batch_norm=True)\n"
            "    elif name == 'learning_rate_too_low':\n"
            "        recipe.update(optimizer='adam')\n"
            "    else:\n"
            "        recipe.update(width=32)\n"
            "    return recipe\n",
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    {
        "says": "Check them in this order",
        "cell": "test_diagnose",
        "variant": "vanishing-checked-before-dying+overfitting-fix-changes-three-hyperparameters",
    },
    {
        "says": "return the first that matches",
        "cell": "test_diagnose",
        "variant": "learning-rate-checked-before-dying+overfitting-fix-too-weak",
    },
    {
        "says": "Returns: The first matching name, checked in this order",
        "cell": "test_diagnose",
        "variant": "diagnose-never-healthy+only-clips-exploding-gradients",
    },
    {
        "says": "return a new dict with only the hyperparameters you change",
        "cell": "test_fixed_recipe",
        "variant": "fixed-recipe-edits-broken-recipes",
    },
    {
        "says": "each changed key must be one that the table below names for that failure",
        "cell": "test_fixed_recipe",
        "variant": "diagnose-blind-to-nan+dying-fix-with-a-remedy-not-in-the-table",
    },
    {
        "says": "it changes at most `MAX_CHANGES` (two) hyperparameters of the broken recipe",
        "cell": "test_fixed_recipe",
        "variant": "vanishing-checked-before-dying+overfitting-fix-changes-three-hyperparameters",
    },
    {
        "says": "`epochs` may go down, never up",
        "cell": "test_fixed_recipe",
        "variant": "diagnose-never-says-learning-rate-too-low+overfitting-fix-trains-longer",
    },
    {
        "says": "a fix must not depend on a lucky seed",
        "cell": "test_fixed_recipe",
        "variant": "slow-updates-read-from-the-first-kernel+overfitting-fix-changes-the-seed",
    },
    {
        "says": "Returns: A new dict of recipe keys to new values",
        "cell": "test_fixed_recipe",
        "variant": "thresholds-inclusive+fixes-returned-from-a-shared-dict",
    },
    {
        "says": "a value exactly at a threshold does not match",
        "cell": "test_diagnose",
        "variant": "thresholds-inclusive+fixes-returned-from-a-shared-dict",
    },
]
