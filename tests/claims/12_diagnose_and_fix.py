"""Claims of lesson 12: every sentence of its `claims` cell, checked in the executed notebook's kernel.

The lesson trains each broken recipe with seed 0; the claims are about training, so the first
check trains the five broken recipes again with seeds 1 and 2 and every claim must hold in all
three seeds. (The remedies of the lesson's table are checked over seeds by the slow tests of
`tests/test_recipes.py`.)
"""

RUNS = (
    "def claim_run(model, report):\n"
    "    return {**report, 'norms_after': recipes.kernel_gradient_norms(model, x_train[:256], y_train[:256])}\n"
    "claim_runs = {0: {name: claim_run(*broken_runs[name]) for name in BROKEN_RECIPES}}\n"
    "for seed in (1, 2):\n"
    "    claim_runs[seed] = {name: claim_run(*train_recipe({**recipe, 'seed': seed}))\n"
    "                       for name, recipe in BROKEN_RECIPES.items()}\n"
)


def in_every_seed(name: str, condition: str) -> str:
    """A check that `condition` (an expression of `r`, the report of run `name`) holds for seeds 0, 1 and 2."""
    return (
        "import math\n"
        f"fails = {{seed: r for seed, runs in claim_runs.items() for r in [runs[{name!r}]] if not ({condition})}}\n"
        "assert sorted(claim_runs) == [0, 1, 2] and not fails, fails"
    )


CLAIMS = [
    {
        "says": "The exploding run starts with gradient norms above 10,000 in every kernel, and its training loss "
        "in the first epoch is `nan` or above 10^10",
        "check": RUNS
        + in_every_seed(
            "exploding_gradients",
            "min(r['gradient_norms']) > 1e4 and not (math.isfinite(r['train_loss'][0]) and r['train_loss'][0] <= 1e10)",
        ),
    },
    {
        "says": "The dying run starts with gradient norms below 10 but ends with more than half of its hidden units "
        "dead, and after training every kernel gets less than 1/10 of the gradient it got before training",
        "check": in_every_seed(
            "dying_relu",
            "max(r['gradient_norms']) < 10 and r['dead_fraction'] > 0.5 "
            "and all(a < b / 10 for a, b in zip(r['norms_after'], r['gradient_norms']))",
        ),
    },
    {
        "says": "The vanishing run's first kernel gets less than 1/1000 of the gradient of the logits layer, and its "
        "update ratios fall from the logits layer down to the first kernel",
        "check": in_every_seed(
            "vanishing_gradients",
            "r['gradient_norms'][0] < 1e-3 * r['gradient_norms'][-1] "
            "and all(a < b for a, b in zip(r['update_ratios'], r['update_ratios'][1:]))",
        ),
    },
    {
        "says": "The too-low learning rate leaves every update ratio below `SLOW_UPDATE_RATIO`, and validation "
        "accuracy below 30%",
        "check": in_every_seed(
            "learning_rate_too_low", "max(r['update_ratios']) < SLOW_UPDATE_RATIO and r['val_accuracy'][-1] < 0.3"
        ),
    },
    {
        "says": "The overfitting run ends above 90% on the noisy training labels and more than `OVERFITTING_GAP` "
        "lower on validation",
        "check": in_every_seed(
            "overfitting",
            "r['train_accuracy'][-1] > 0.9 and r['train_accuracy'][-1] - r['val_accuracy'][-1] > OVERFITTING_GAP",
        ),
    },
]
