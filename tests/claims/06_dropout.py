"""Claims of lesson 06: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The experiment trains with seed 0; the claims are about training, so the first check also trains the
same three networks from seeds 1 to 4, and every claim must hold in at least 4 of the 5 seeds.
"""

RUNS = (
    "def dropout_summary(train_curve, val_curve):\n"
    "    best = int(np.argmin(val_curve))\n"
    "    return {'train_first': float(train_curve[0]), 'train_last': float(train_curve[-1]),\n"
    "            'best_step': best, 'val_min': float(val_curve[best]), 'val_200': float(val_curve[200]),\n"
    "            'val_last': float(val_curve[-1]),\n"
    "            'rise': float(val_curve[-1] - val_curve[best])}\n"
    "summaries = {0: {rate: dropout_summary(*curves[rate]) for rate in rates}}\n"
    "for seed in range(1, 5):\n"
    "    summaries[seed] = {rate: dropout_summary(*train(rate, seed=seed)[1]) for rate in rates}\n"
)


def in_most_seeds(condition: str) -> str:
    """A check that `condition` (an expression of `s`, the summaries of one seed by rate) holds in 4 of 5 seeds."""
    return f"holds = [seed for seed, s in summaries.items() if {condition}]\nassert len(holds) >= 4, (holds, summaries)"


CLAIMS = [
    {
        "says": "Without dropout the training loss falls towards zero, several orders of magnitude",
        "check": RUNS + in_most_seeds("s[0.0]['train_last'] < s[0.0]['train_first'] / 100"),
    },
    {
        "says": "the validation loss turns around within the first few dozen steps and keeps rising",
        "check": in_most_seeds(
            "s[0.0]['best_step'] <= 40 and s[0.0]['val_last'] > s[0.0]['val_200'] > 1.2 * s[0.0]['val_min']"
        ),
    },
    {
        "says": "Dropout keeps the training loss away from zero",
        "check": in_most_seeds("s[0.5]['train_last'] > s[0.2]['train_last'] > 3 * s[0.0]['train_last']"),
    },
    {
        "says": "slows the rise of the validation loss, at both rates",
        "check": in_most_seeds("s[0.0]['rise'] > max(s[0.2]['rise'], s[0.5]['rise'])"),
    },
    {
        "says": "the best validation loss of every run came early",
        "check": in_most_seeds("all(s[rate]['best_step'] < 150 for rate in rates)"),
    },
    {
        "says": "with dropout the cost of training too long is much smaller",
        "check": in_most_seeds("s[0.5]['rise'] < 0.5 * s[0.0]['rise']"),
    },
]
CLAIMS.append(
    {
        "says": "The same happens when the networks start from other initial weights",
        "check": "assert sorted(summaries) == [0, 1, 2, 3, 4], sorted(summaries)",
    }
)
