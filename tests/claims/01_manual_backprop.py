"""Claims of lesson 01: every sentence of its `claims` cells, checked in the executed notebook's kernel."""

CLAIMS = [
    {
        "says": "all four relative errors come out around `1e-9`",
        "check": "assert all(1e-12 < e < 1e-8 for e in check_errors.values()), check_errors",
    },
    {
        "says": "far below the `1e-7` that deserves suspicion",
        "check": "assert max(check_errors.values()) < 1e-7, check_errors",
    },
    {
        "says": "the central difference gives `0.75`, where the true slope is 1",
        "check": "assert abs(kink_numeric[0] - 0.75) < 1e-6 and kink_backward[0] == 1.0, (kink_numeric, kink_backward)",
    },
    {
        "says": "At `0.3` and `-0.3`, far from the kink, it agrees with the backward pass",
        "check": "assert np.allclose(kink_numeric[1:], kink_backward[1:], atol=1e-6), (kink_numeric, kink_backward)",
    },
    {
        "says": "the training loss falls from about 1.1 to below 0.1 in 400 steps",
        "check": "assert 1.0 < losses[0] < 1.25 and losses[-1] < 0.1 and num_epochs == 400, (losses[0], losses[-1])",
    },
    {
        "says": "more than 95% of the validation points end up on the right side of the boundary",
        "check": "assert val_acc > 0.95, val_acc",
    },
    {
        "says": "Training from other random initial weights (seeds 1 to 4) ends the same way",
        "check": (
            "runs = [train_spirals(seed)[1:] for seed in range(1, 5)]\n"
            "good = [s for s, (l, a) in zip(range(1, 5), runs) if 1.0 < l[0] < 1.25 and l[-1] < 0.1 and a > 0.95]\n"
            "assert len(good) >= 3, [(float(l[0]), float(l[-1]), a) for l, a in runs]"
        ),
    },
    {
        "says": "agree to float64 round-off (relative errors around `1e-16`)",
        "check": "assert max(manual_vs_tape.values()) < 1e-14, manual_vs_tape",
    },
]
