"""Claims of lesson 07: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The lesson runs each experiment with seed 0; the first check of each experiment re-runs it with seeds
1 and 2 through the lesson's own functions (`race_schedules`, `race_optimizers`, `range_test`,
`compare_decay`), and every claim is asserted for each of the three seeds. The checks run in the
lesson's kernel, so their own variables start with `c_` to leave the lesson's names alone.
"""

SCHEDULE_SEEDS = (
    "for c_seed in (1, 2):\n"
    "    if c_seed not in schedule_results:\n"
    "        schedule_results[c_seed] = race_schedules(c_seed)\n"
    "assert sorted(schedule_results) == [0, 1, 2], sorted(schedule_results)\n"
)
OPTIMIZER_SEEDS = (
    "for c_seed in (1, 2):\n"
    "    if c_seed not in optimizer_results:\n"
    "        optimizer_results[c_seed] = race_optimizers(c_seed)\n"
    "assert sorted(optimizer_results) == [0, 1, 2], sorted(optimizer_results)\n"
    "c_final = {s: {n: curve[-1] for n, (curve, _) in r.items()} for s, r in optimizer_results.items()}\n"
)
RANGE_SEEDS = (
    "for c_seed in (1, 2):\n"
    "    if c_seed not in range_results:\n"
    "        range_results[c_seed] = range_test(c_seed)\n"
    "assert sorted(range_results) == [0, 1, 2], sorted(range_results)\n"
)
DECAY_SEEDS = (
    "for c_seed in (1, 2):\n"
    "    if c_seed not in decay_results:\n"
    "        decay_results[c_seed] = compare_decay(c_seed)\n"
    "assert sorted(decay_results) == [0, 1, 2], sorted(decay_results)\n"
)
OTHERS = "('momentum', 'RMSprop', 'Adam')"

CLAIMS = [
    # --- section 9: schedules --------------------------------------------------------------------------
    {
        "says": "Read the two panels together",
        "check": "assert len(schedules) == len(schedule_results[0]) == 4",
    },
    {
        "says": "Held at 1.5, the constant run's loss goes up again in some epochs instead of settling",
        "check": SCHEDULE_SEEDS + "c_rises = {s: int(np.sum(np.diff(r['constant SGD'][0]) > 0))\n"
        "           for s, r in schedule_results.items()}\n"
        "assert base_lr == 1.5 and all(n >= 1 for n in c_rises.values()), c_rises",
    },
    {
        "says": "The decayed runs start from that same rate, yet cosine decay ends below a training loss of 0.3, "
        "with the lowest loss of its run in its last epoch",
        "check": "assert schedules['step decay SGD'][0] == schedules['cosine decay SGD'][0] == base_lr\n"
        "c_cosine = {s: r['cosine decay SGD'][0] for s, r in schedule_results.items()}\n"
        "assert all(c[-1] < 0.3 and c[-1] == c.min() for c in c_cosine.values()), c_cosine",
    },
    {
        "says": "Adam ends lowest of the four, with a base rate 150 times smaller and no schedule at all",
        "check": "assert np.all(schedules['Adam'] == 0.01) and base_lr / 0.01 == 150\n"
        "for c_seed, c_r in schedule_results.items():\n"
        "    c_finals = {n: curve[-1] for n, (curve, _) in c_r.items()}\n"
        "    assert min(c_finals, key=c_finals.get) == 'Adam', (c_seed, c_finals)",
    },
    {
        "says": "The checks of this lesson repeat the race with seeds 1 and 2, and all of this holds for each of "
        "the three seeds",
        "check": "assert sorted(schedule_results) == [0, 1, 2], sorted(schedule_results)",
    },
    # --- section 10: optimizers ------------------------------------------------------------------------
    {
        "says": "At the same rate, momentum ends with a training loss at least 4 times lower than plain SGD",
        "check": OPTIMIZER_SEEDS + "assert optimizer_lrs['SGD'] == optimizer_lrs['momentum']\n"
        "c_ratios = {s: f['SGD'] / f['momentum'] for s, f in c_final.items()}\n"
        "assert all(r >= 4 for r in c_ratios.values()), c_ratios",
    },
    {
        "says": "RMSprop and Adam end at least 3 times lower than plain SGD too",
        "check": "c_ratios = {s: (f['SGD'] / f['RMSprop'], f['SGD'] / f['Adam']) for s, f in c_final.items()}\n"
        "assert all(min(r) >= 3 for r in c_ratios.values()), c_ratios",
    },
    {
        "says": "After 5 epochs plain SGD is still above a loss of 1, while the three others are below 0.4",
        "check": "c_fifth = {s: {n: curve[4] for n, (curve, _) in r.items()} for s, r in optimizer_results.items()}\n"
        "assert all(f['SGD'] > 1 for f in c_fifth.values()), c_fifth\n"
        f"assert all(f[n] < 0.4 for f in c_fifth.values() for n in {OTHERS}), c_fifth",
    },
    {
        "says": "The three others also reach more than 95% validation accuracy",
        "check": "c_acc = {s: {n: a for n, (_, a) in r.items()} for s, r in optimizer_results.items()}\n"
        f"assert all(a[n] > 0.95 for a in c_acc.values() for n in {OTHERS}), c_acc",
    },
    {
        "says": "All of this holds for seeds 0, 1 and 2",
        "check": "assert sorted(optimizer_results) == [0, 1, 2], sorted(optimizer_results)",
    },
    # --- section 11: range test ------------------------------------------------------------------------
    {
        "says": "The curve has the three phases: at the smallest rates the smoothed loss is still within 5% of its "
        "start, it then falls by more than a quarter, and the test stops early, before reaching a rate of 30, "
        "once the loss blows up",
        "check": RANGE_SEEDS + "for c_seed, c_r in range_results.items():\n"
        "    c_smoothed, c_lrs, c_losses = c_r['smoothed'], c_r['lrs'], c_r['losses']\n"
        "    c_early = c_smoothed[c_lrs <= 1e-2]\n"
        "    assert len(c_early) >= 10 and np.all(np.abs(c_early / c_smoothed[0] - 1) < 0.05), (c_seed, c_early)\n"
        "    assert c_smoothed.min() < 0.75 * c_smoothed[0], (c_seed, c_smoothed.min(), c_smoothed[0])\n"
        "    assert len(c_lrs) < 120 and c_lrs[-1] < 30, (c_seed, len(c_lrs), c_lrs[-1])\n"
        "    assert not np.isfinite(c_losses[-1]) or c_losses[-1] > 4 * c_losses[:-1].min(), c_seed",
    },
    {
        "says": "The suggested rate lies between 0.05 and 1",
        "check": "c_suggested = {s: r['suggested'] for s, r in range_results.items()}\n"
        "assert all(0.05 < v < 1 for v in c_suggested.values()), c_suggested",
    },
    {
        "says": "Trained at it, plain SGD ends its 10 epochs with a lower loss than at 0.05",
        "check": "c_final_loss = {s: r['final_loss'] for s, r in range_results.items()}\n"
        "assert race_epochs == 10 and all(\n"
        "    r['final_loss'][r['suggested']] < r['final_loss'][0.05] for r in range_results.values()), c_final_loss",
    },
    {
        "says": "All of this holds for seeds 0, 1 and 2",
        "check": "assert sorted(range_results) == [0, 1, 2], sorted(range_results)",
    },
    # --- section 12: L2 under Adam vs AdamW ------------------------------------------------------------
    {
        "says": "In each of seeds 0, 1 and 2, plain Adam fits every training point and ends with the largest kernels",
        "check": DECAY_SEEDS + "for c_seed, c_r in decay_results.items():\n"
        "    assert c_r['Adam']['train'] == 1.0, (c_seed, c_r)\n"
        "    assert max(c_r, key=lambda n: c_r[n]['norm']) == 'Adam', (c_seed, c_r)",
    },
    {
        "says": "both penalties shrink the kernel norm to less than half of plain Adam's and validate better than "
        "plain Adam",
        "check": "for c_seed, c_r in decay_results.items():\n"
        "    for c_name in ('Adam + L2 in the loss', 'AdamW'):\n"
        "        assert c_r[c_name]['norm'] < 0.5 * c_r['Adam']['norm'], (c_seed, c_r)\n"
        "        assert c_r[c_name]['val'] > c_r['Adam']['val'], (c_seed, c_r)",
    },
]
