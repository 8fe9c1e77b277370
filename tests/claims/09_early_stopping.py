"""Claims of lesson 09: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The hand-written loop trains with seed 0; the first check trains it again from seeds 1 to 4
(`train_by_hand`), and every claim about the curves or the patience holds in at least 4 of the 5.
The claims about `model.fit` are about the callback's mechanics on the lesson's own run (its stop,
the built-in's stop on the same logs, the restored weights), which do not depend on the seed.
"""

MORE_SEEDS = (
    "curves = {0: hand}\n"
    "curves.update({seed: train_by_hand(seed) for seed in range(1, 5)})\n"
    "summaries = {seed: curve_summary(c) for seed, c in curves.items()}\n"
    "patiences = {seed: patience_summary(c['val']) for seed, c in curves.items()}\n"
)


def in_most_seeds(condition: str, about: str = "summaries") -> str:
    """A check that `condition` (an expression of `s`, one seed's entry of `about`) holds in 4 of 5 seeds."""
    return f"holds = [seed for seed, s in {about}.items() if {condition}]\nassert len(holds) >= 4, (holds, {about})"


CLAIMS = [
    {
        "says": "On the left, the training loss falls by more than a third over the run",
        "check": MORE_SEEDS + in_most_seeds("s['train_drop'] < 2 / 3"),
    },
    {
        "says": "the validation loss bottoms out within the first 20 epochs and then climbs more than a third above "
        "its minimum",
        "check": in_most_seeds("s['val_best_epoch'] < 20 and s['val_rise'] > 4 / 3"),
    },
    {
        "says": "The stopper ends training patience epochs after the best epoch",
        "check": in_most_seeds("s['stop_minus_best'] == patience"),
    },
    {
        "says": "every shaded epoch it saves has a higher validation loss than the best one",
        "check": in_most_seeds("s['saved_all_worse']"),
    },
    {
        "says": "On the right, model.fit with your callback stops patience epochs after its best epoch too",
        "check": "fit = results['fit']\nassert fit['stop'] - fit['best'] == patience, fit",
    },
    {
        "says": "on the same epoch as the Keras built-in fed the same logs",
        "check": "assert fit['builtin_stop'] == fit['stop'], fit",
    },
    {
        "says": "the model ends up with the weights of the best epoch",
        "check": "assert abs(fit['restored_val_loss'] - fit['best_val_loss']) <= 1e-4 * fit['best_val_loss'], fit",
    },
    {
        "says": "patience 3 stops before the validation loss reaches its minimum and keeps a model with a higher "
        "validation loss than patience 10 keeps",
        "check": in_most_seeds("s[3]['stop'] < s[10]['best'] and s[3]['val_loss'] > s[10]['val_loss']", "patiences"),
    },
    {
        "says": "A short patience stops on a random bump of the noisy curve",
        "check": "bumps = {seed: bool(curves[seed]['val'][p[3]['stop']] > p[3]['val_loss'])\n"
        "         for seed, p in patiences.items()}\n"
        "assert all(bumps.values()) and all(p[3]['stop'] < p[10]['best'] for p in patiences.values()), patiences",
    },
    {
        "says": "patience 30 restores the same epoch as patience 10 and trains 20 epochs longer",
        "check": in_most_seeds("s[30]['best'] == s[10]['best'] and s[30]['stop'] - s[10]['stop'] == 20", "patiences"),
    },
    {
        "says": "With restore_best_weights=True a longer patience can only keep an equal or better model",
        "check": "for seed, p in patiences.items():\n"
        "    assert p[30]['val_loss'] <= p[10]['val_loss'] <= p[3]['val_loss'], (seed, p)",
    },
]
