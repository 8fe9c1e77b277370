"""Claims of lesson 11: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The experiment cells run seed 0 and cache their runs by seed (`update_ratio_run`, `sanity_run`); the
claims are about training, so every check holds in each of the seeds 0, 1 and 2 (the cached runs make
the later checks cheap). The markdown says the course's tests check seeds 0, 1 and 2.
"""

SEEDS = "(0, 1, 2)"
HEALTHY, LOW, HIGH = "'1e-3 (healthy)'", "'1e-5 (too low)'", "'0.3 (too high)'"


def every_seed(condition: str, runs: str = "ratio") -> str:
    """A check that `condition` holds in each seed; `s` is ratio_summary(seed, name) or sanity_run(seed)."""
    if runs == "ratio":
        bind = "s = {name: ratio_summary(seed, name) for name in RATES}"
        shown = "{seed: {name: ratio_summary(seed, name) for name in RATES} for seed in " + SEEDS + "}"
    else:
        bind = "s = sanity_run(seed)"
        shown = "{seed: sanity_run(seed)['gap'] for seed in " + SEEDS + "}"
    return (
        f"failed = []\nfor seed in {SEEDS}:\n    {bind}\n    if not ({condition}):\n        failed.append(seed)\n"
        f"assert not failed, (failed, {shown})"
    )


CLAIMS = [
    {
        "says": "With Adam at 1e-3, the median update ratio of every layer lies between 1e-3 and 1e-2",
        "check": every_seed(f"all(-3 < m < -2 for m in s[{HEALTHY}]['median'].values())"),
    },
    {
        "says": "the training loss falls from the first epoch to the second by more than 0.3",
        "check": every_seed(f"s[{HEALTHY}]['loss'][0] - s[{HEALTHY}]['loss'][1] > 0.3"),
    },
    {
        "says": "A rate 100 times smaller moves every layer's median ratio down by close to two orders of magnitude",
        "check": every_seed(
            f"all(1.7 < s[{HEALTHY}]['median'][k] - s[{LOW}]['median'][k] < 2.3 for k in s[{HEALTHY}]['median'])"
        ),
    },
    {
        "says": "the loss hardly moves: it falls by less than 0.05 from the first epoch to the second",
        "check": every_seed(f"0 <= s[{LOW}]['loss'][0] - s[{LOW}]['loss'][1] < 0.05"),
    },
    {
        "says": "At 0.3, within the first ten batches every layer's update grows larger than the spread of its kernel",
        "check": every_seed(f"all(m > 0 for m in s[{HIGH}]['early_max'].values())"),
    },
    {
        "says": "the loss of the first epoch averages more than twice ln 10",
        "check": every_seed(f"s[{HIGH}]['loss'][0] > 2 * np.log(10)"),
    },
    {
        "says": "After those first batches the ratio at 0.3 falls: every layer's mean over the last ten batches lies "
        "more than 1.5 below its mean over the first five, and no higher than the mean of the run at 1e-3 over the "
        "same last ten batches",
        "check": every_seed(
            f"all(np.mean(h[k][-10:]) < np.mean(h[k][:5]) - 1.5 and np.mean(h[k][-10:]) <= np.mean(ok[k][-10:]) "
            f"for h in [update_ratio_run(seed, {HIGH})['ratios']] "
            f"for ok in [update_ratio_run(seed, {HEALTHY})['ratios']] "
            "for k in h)"
        ),
    },
    {
        "says": "its median therefore lies less than one order of magnitude above the median at 1e-3",
        "check": every_seed(
            f"all(0 < s[{HIGH}]['median'][k] - s[{HEALTHY}]['median'][k] < 1 for k in s[{HEALTHY}]['median'])"
        ),
    },
    {
        "says": "the rate that is too high shows in the first batches, not in the median",
        "check": every_seed(
            f"all(s[{HIGH}]['early_max'][k] > 0 > s[{HIGH}]['median'][k] - s[{HEALTHY}]['median'][k] - 1 "
            f"for k in s[{HIGH}]['median'])"
        ),
    },
    {
        "says": "After the second epoch, the run at 0.3 still has a higher loss than the run at 1e-3",
        "check": every_seed(f"s[{HIGH}]['loss'][1] > s[{HEALTHY}]['loss'][1]"),
    },
    {
        "says": "The Glorot-initialized MLP starts within 0.1 of ln 10 (its initial-loss gap)",
        "check": every_seed("abs(s['gap']['Glorot']) < 0.1", runs="sanity"),
    },
    {
        "says": "while the MLP whose output kernel has a standard deviation of 1 starts more than 1 above it",
        "check": every_seed("s['gap']['output std 1'] > 1", runs="sanity")
        + "\nglorot_std = np.sqrt(2 / (64 + 10))  # Glorot uniform's std for the 64 -> 10 output kernel"
        + "\nassert 5 < 1 / glorot_std < 7, glorot_std  # 'six times Glorot's' in the text above the experiment",
    },
    {
        "says": "the check catches the oversized output layer before any training",
        "check": every_seed("s['gap']['output std 1'] > 10 * abs(s['gap']['Glorot'])", runs="sanity"),
    },
    {
        "says": "On 16 training digits the Glorot MLP drives its loss below 0.01 within the 200 steps",
        "check": every_seed("len(s['overfit']['Glorot']) == 200 and min(s['overfit']['Glorot']) < 0.01", runs="sanity"),
    },
    {
        "says": "The MLP with `tanh` on its logits passes the initial-loss check (a gap within 0.1)",
        "check": every_seed("abs(s['gap']['tanh logits']) < 0.1", runs="sanity"),
    },
    {
        "says": "yet it cannot overfit the batch: its loss stays above 0.79",
        "check": every_seed("min(s['overfit']['tanh logits']) > 0.79", runs="sanity")
        + "\nfloor = np.log(1 + 9 / np.e**2)  # true logit 1, the nine others -1"
        + "\nassert abs(floor - 0.797) < 5e-4, floor"
        + "\nassert all(min(sanity_run(seed)['overfit']['tanh logits']) >= floor - 1e-4 for seed in "
        + SEEDS
        + ")",
    },
]
