"""Claims of lesson 04: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The experiments train with seed 0; the claims about training must hold in at least 4 of the 5 seeds
0-4. The lesson's experiment functions (`high_lr_runs`, `momentum_runs`, `tiny_batch_runs`) are
cached per seed, so each seed trains once whichever check asks first.
"""

SEEDS = "range(5)"


def in_most_seeds(runs: str, condition: str) -> str:
    """A check that `condition` (an expression of `r`, the result of `runs(seed)`) holds in 4 of 5 seeds."""
    return (
        f"results = {{seed: {runs}(seed) for seed in {SEEDS}}}\n"
        f"holds = [seed for seed, r in results.items() if {condition}]\n"
        f"assert len(holds) >= 4, (holds, results)"
    )


PLAIN, BN, CAUTIOUS = "r['plain, lr=0.5']", "r['batch norm, lr=0.5']", "r['plain, lr=0.05']"
M99, M09, RECAL = "r['momentum 0.99']", "r['momentum 0.9']", "r['recalibration']"

CLAIMS = [
    # --- section 5: a deep network at a high learning rate -----------------------------------------------
    {
        "says": "the plain network stays near chance: its final training loss is above 2",
        "check": in_most_seeds("high_lr_runs", f"{PLAIN}['loss'][-1] > 2.0"),
    },
    {
        "says": "The normalized network's training loss ends below 0.1 in at least 4 of 5 seeds",
        "check": in_most_seeds("high_lr_runs", f"{BN}['loss'][-1] < 0.1"),
    },
    {
        "says": "The plain network does learn at a learning rate ten times smaller, but after twelve epochs its "
        "training loss is still above the normalized network's after two",
        "check": in_most_seeds(
            "high_lr_runs", f"{CAUTIOUS}['loss'][-1] < 1.5 and {CAUTIOUS}['loss'][-1] > {BN}['loss'][1]"
        ),
    },
    {
        "says": "Yet after the first epoch, when its training loss is already below 2, the normalized "
        "network's validation accuracy is still below 40%",
        "check": in_most_seeds("high_lr_runs", f"{BN}['loss'][0] < 2.0 and {BN}['moving'][0] < 0.40"),
    },
    # --- section 6: moving statistics that lag behind ----------------------------------------------------
    {
        "says": "The two runs have identical training losses, and identical accuracies with batch statistics (one "
        "dashed curve in the figure): the moving statistics play no part in training",
        "check": (
            f"results = {{seed: momentum_runs(seed) for seed in {SEEDS}}}\n"
            "for seed, r in results.items():\n"
            f"    assert np.array_equal({M99}['loss'], {M09}['loss']), (seed, {M99}['loss'], {M09}['loss'])\n"
            f"    assert np.array_equal({M99}['batch'], {M09}['batch']), (seed, {M99}['batch'], {M09}['batch'])"
        ),
    },
    {
        "says": "With momentum 0.99, after one epoch the starting values still weigh `0.99¹¹ ≈ 0.90` in the "
        "moving averages, and 0.72 after three",
        "check": (
            "assert steps_per_epoch == 11, steps_per_epoch\n"
            "assert np.allclose(start_weight[0.99][[0, 2]], [0.90, 0.72], atol=0.005), start_weight"
        ),
    },
    {
        "says": "the validation accuracy with moving statistics trails the one with batch statistics by more than "
        "20 points in each of the first three epochs",
        "check": in_most_seeds("momentum_runs", f"np.all({M99}['batch'][:3] - {M99}['moving'][:3] > 0.20)"),
    },
    {
        "says": "With batch statistics the same weights score more than 60% after the first epoch",
        "check": in_most_seeds("momentum_runs", f"{M99}['batch'][0] > 0.60"),
    },
    {
        "says": "With momentum 0.9 the starting values weigh 0.31 after one epoch, and the two accuracies stay "
        "within 10 points of each other in every epoch",
        "check": (
            "assert abs(start_weight[0.9][0] - 0.31) < 0.005, start_weight\n"
            + in_most_seeds("momentum_runs", f"np.all(np.abs({M09}['batch'] - {M09}['moving']) < 0.10)")
        ),
    },
    {
        "says": "Recalibrating the three-epoch network lifts its accuracy in inference mode by more than 15 "
        "points, to within 2 points of the accuracy with batch statistics",
        "check": in_most_seeds(
            "momentum_runs",
            f"{RECAL}['recalibrated'] - {RECAL}['moving'] > 0.15 "
            f"and abs({RECAL}['recalibrated'] - {RECAL}['batch']) < 0.02",
        ),
    },
    # --- section 7: batches of two -----------------------------------------------------------------------
    {
        "says": "In batches of two, more than 80% of the standardized values lie within 0.05 of +1 or -1, "
        "against fewer than 10% in batches of 128",
        "check": "assert near_one[2] > 0.80 and near_one[128] < 0.10, near_one",
    },
    {
        "says": "the batch-normalized network hardly learns: after one epoch its training loss is still above 2.2 "
        "and its validation accuracy below 40%",
        "check": in_most_seeds(
            "tiny_batch_runs", "r['batch norm']['loss'][-1] > 2.2 and r['batch norm']['moving'][-1] < 0.40"
        ),
    },
    {
        "says": "The layer-normalized network, trained on the same batches, reaches more than 70% validation accuracy",
        "check": in_most_seeds("tiny_batch_runs", "r['layer norm']['moving'][-1] > 0.70"),
    },
]
