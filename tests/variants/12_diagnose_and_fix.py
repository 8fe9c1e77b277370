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
    "overfitting-checked-first+exploding-fix-changes-nothing+vanishing-fix-too-weak": {
        "cells": {
            "diagnose": diagnose_with(OVERFITTING, EXPLODING, DYING, VANISHING, SLOW),
            "fixed_recipe": fixes_with(
                exploding_gradients={"initializer": "he_normal"},  # already he_normal, and init_std replaces it
                vanishing_gradients={"activation": "relu"},  # 80% with seed 0: a signature gone, not enough
            ),
        },
        "failing": [
            "test_diagnose",
            "test_fixed_recipe",
            "test_fixed_recipe_exploding_gradients",
            "test_fixed_recipe_vanishing_gradients",
        ],
        "messages": {
            "test_diagnose": "diagnose returned 'overfitting'",
            "test_fixed_recipe_exploding_gradients": "your fix changes no hyperparameter: initializer is already "
            "'he_normal' (init_std, when set, replaces initializer)",
            "test_fixed_recipe_vanishing_gradients": "your diagnose no longer sees a failure, yet the run falls short",
        },
    },
    "slow-if-any-ratio-is-low+initializer-changed-under-init-std+dying-fix-changes-nothing": {
        "cells": {
            "diagnose": diagnose_with(
                EXPLODING,
                DYING,
                VANISHING,
                "    if ratios.min() < SLOW_UPDATE_RATIO:\n        return 'learning_rate_too_low'\n",
                OVERFITTING,
            ),
            "fixed_recipe": fixes_with(
                exploding_gradients={"initializer": "glorot_normal"}, dying_relu={"learning_rate": 2.0}
            ),
        },
        "failing": [
            "test_diagnose",
            "test_fixed_recipe",
            "test_fixed_recipe_exploding_gradients",
            "test_fixed_recipe_dying_relu",
        ],
        "messages": {
            "test_diagnose": "learning_rate_too_low needs every update ratio below SLOW_UPDATE_RATIO",
            "test_fixed_recipe_exploding_gradients": "set init_std to None to use an initializer",
            "test_fixed_recipe_dying_relu": "your fix changes no hyperparameter: learning_rate is already 2.0",
        },
    },
    "vanishing-by-absolute-norm+fixes-written-into-broken-recipes-then-copied": {
        "cells": {
            "diagnose": diagnose_with(
                EXPLODING,
                DYING,
                "    if norms[0] < VANISHING_RATIO:\n        return 'vanishing_gradients'\n",
                SLOW,
                OVERFITTING,
            ),
            "fixed_recipe": FIXED_PREFIX + f"    fixes = {GOOD_FIXES!r}\n"
            "    recipe = BROKEN_RECIPES[name]\n"
            "    recipe.update(fixes[name])\n"
            "    return dict(recipe)\n",
        },
        "failing": ["test_diagnose", "test_fixed_recipe", *ALL_FIXED],
        "messages": {
            "test_diagnose": "VANISHING_RATIO compares with the last",
            "test_fixed_recipe": "must not modify BROKEN_RECIPES",
            "test_fixed_recipe_exploding_gradients": "restart the kernel: BROKEN_RECIPES stays modified until then",
        },
    },
    "slow-checked-before-vanishing+learning-rate-fix-with-a-thin-margin": {
        "cells": {
            "diagnose": diagnose_with(EXPLODING, DYING, SLOW, VANISHING, OVERFITTING),
            "fixed_recipe": fixes_with(learning_rate_too_low={"learning_rate": 0.02}),  # 85.5% seed 0, 83.3% seed 1
        },
        "failing": ["test_diagnose", "test_fixed_recipe_learning_rate_too_low"],
        "messages": {
            "test_diagnose": "expected 'vanishing_gradients'",
            "test_fixed_recipe_learning_rate_too_low": "retrained with seed 1 it ends at",
        },
    },
    "ratios-compared-with-10-to-the-threshold+fixed-recipe-misses-a-name": {
        "cells": {
            "diagnose": diagnose_with(
                EXPLODING,
                DYING,
                VANISHING,
                "    if ratios.max() < 10 ** SLOW_UPDATE_RATIO:\n        return 'learning_rate_too_low'\n",
                OVERFITTING,
            ),
            "fixed_recipe": FIXED_PREFIX + "    if name == 'exploding_gradients':\n"
            "        return {'init_std': None}\n"
            "    elif name == 'dying_relu':\n"
            "        return {'learning_rate': 0.1}\n"
            "    elif name == 'vanishing_gradients':\n"
            "        return {'batch_norm': True}\n"
            "    elif name == 'learning_rate_too_low':\n"
            "        return {'optimizer': 'adam'}\n",
        },
        "failing": ["test_diagnose", "test_fixed_recipe", "test_fixed_recipe_overfitting"],
        "messages": {
            "test_diagnose": "the ratios are already log10",
            "test_fixed_recipe_overfitting": "returned None for 'overfitting': does it handle every name?",
        },
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
        "says": "return a new dict of the hyperparameters you change",
        "cell": "test_fixed_recipe",
        "variant": "fixed-recipe-edits-broken-recipes",
    },
    {
        "says": "each changed key must be one that the table below names for that failure",
        "cell": "test_fixed_recipe",
        "variant": "diagnose-blind-to-nan+dying-fix-with-a-remedy-not-in-the-table",
    },
    {
        "says": "it changes at least one and",
        "cell": "test_fixed_recipe_dying_relu",
        "variant": "slow-if-any-ratio-is-low+initializer-changed-under-init-std+dying-fix-changes-nothing",
    },
    {
        "says": "`check_fix` refuses every fix after that, until you restart the kernel",
        "cell": "test_fixed_recipe_exploding_gradients",
        "variant": "vanishing-by-absolute-norm+fixes-written-into-broken-recipes-then-copied",
    },
    {
        "says": "a fix that changes `initializer` must also set `init_std` to `None`",
        "cell": "test_fixed_recipe_exploding_gradients",
        "variant": "slow-if-any-ratio-is-low+initializer-changed-under-init-std+dying-fix-changes-nothing",
    },
    {
        "says": "trained again with seed 1 and must reach the target there too",
        "cell": "test_fixed_recipe_learning_rate_too_low",
        "variant": "slow-checked-before-vanishing+learning-rate-fix-with-a-thin-margin",
    },
    {
        "says": "reaches TARGET_ACCURACY on validation within the broken recipe's epochs (with seed 1 too",
        "cell": "test_fixed_recipe_learning_rate_too_low",
        "variant": "slow-checked-before-vanishing+learning-rate-fix-with-a-thin-margin",
    },
    {
        "says": "at most `MAX_CHANGES` (two) hyperparameters of the broken recipe",
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
