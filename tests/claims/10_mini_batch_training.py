"""Claims of lesson 10: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The experiment trains with seed 0; the first check trains the four batch sizes again from seeds 1 and 2
(`train_run`), and the claims about training must hold for all three seeds. Times are each run's median
seconds per epoch (tracing excluded), compared with margins wide enough for a shared machine. The
variance slope is measured again on two more draws of mini-batches.
"""

MORE_SEEDS = (
    "summaries = {0: results['batch']}\n"
    "for seed in (1, 2):\n"
    "    summaries[seed] = batch_summary({b: train_run(b, seed=seed) for b in learning_rates})\n"
    "full = len(x_train)\n"
)


def for_all_seeds(condition: str) -> str:
    """A check that `condition` (an expression of `s`, one seed's summary by batch size) holds for every seed."""
    return f"fails = [seed for seed, s in summaries.items() if not ({condition})]\nassert not fails, (fails, summaries)"


CLAIMS = [
    {
        "says": "after eight epochs the loss is lower the smaller the batch",
        "check": MORE_SEEDS + for_all_seeds("s[32]['final'] < s[256]['final'] < s[full]['final']"),
    },
    {
        "says": "batch size 1 gets lower in a third of an epoch than batch size 256 does in a whole epoch",
        "check": for_all_seeds("s[1]['final'] < s[256]['after_one_epoch']"),
    },
    {
        "says": "Per second, the extremes lose",
        "check": for_all_seeds(
            "all(s[b]['seconds_to_target'] < min(s[1]['seconds_to_target'], s[full]['seconds_to_target'])"
            " for b in (32, 256))"
        ),
    },
    {
        "says": "an epoch takes more than five times as long as with batches of 32",
        "check": for_all_seeds("s[1]['epoch_seconds'] > 5 * s[32]['epoch_seconds']"),
    },
    {
        "says": "Batch size 1 pays the fixed cost of a step 1438 times",
        "check": "assert len(x_train) == 1438, len(x_train)",
    },
    {
        "says": "The full batch makes one update per epoch: after eight epochs its loss is still above 1",
        "check": for_all_seeds("s[full]['final'] > 1 and s[full]['final_epoch'] == 8"),
    },
    {
        "says": "The moderate batches, 32 and 256, both get below 0.5 within eight epochs, which neither extreme does",
        "check": for_all_seeds(
            "np.isfinite(s[32]['seconds_to_target']) and np.isfinite(s[256]['seconds_to_target'])"
            " and s[1]['final'] > 0.5 and s[full]['final'] > 0.5"
        ),
    },
    {
        "says": "the measured points lie close to the dashed line, with a slope between -0.8 and -1.2",
        "check": "slopes = [results['variance_slope']]\n"
        "for seed in (1, 2):\n"
        "    v = [gradient_variance(model, x_train, y_train, b, num_batches=20, seed=seed) for b in batch_sizes]\n"
        "    slopes.append(float(np.polyfit(np.log(batch_sizes), np.log(v), 1)[0]))\n"
        "assert all(-1.2 < s < -0.8 for s in slopes), slopes",
    },
]
