"""Claims of lesson 05: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The experiment itself trains every strength with five seeds (`results[seed][lam]`, `mean_train`,
`mean_val`): claims about averages use the means, claims about single runs must hold in the seeds
the sentence names ("every seed") or in at least 4 of the 5.
"""

CLAIMS = [
    {
        "says": "the network without a penalty fits its training points almost perfectly",
        "check": (
            "good = [s for s in seeds if results[s][0.0]['train'] >= 0.96]\n"
            "assert len(seeds) == 5 and mean_train[0.0] > 0.95 and len(good) >= 4, (mean_train, good)"
        ),
    },
    {
        "says": "pays for it on the validation set",
        "check": "assert mean_train[0.0] - mean_val[0.0] > 0.10, (mean_train[0.0], mean_val[0.0])",
    },
    {
        "says": "As `λ` grows, the weights shrink",
        "check": (
            "w = {s: [results[s][lam]['mean_abs_w'] for lam in lams] for s in seeds}\n"
            "assert all(all(a > b for a, b in zip(v, v[1:])) for v in w.values()), w"
        ),
    },
    {
        "says": "The gap between training and validation accuracy closes",
        "check": (
            "gap = {lam: mean_train[lam] - mean_val[lam] for lam in lams}\n"
            "assert gap[3e-2] < 0.05 and gap[3e-2] < gap[0.0] / 3, gap"
        ),
    },
    {
        "says": "a moderate strength (`λ = 0.003` here) gives the best mean validation",
        "check": (
            "best = max(lams, key=lambda lam: mean_val[lam])\n"
            "assert best == 3e-3 and mean_val[best] - mean_val[0.0] > 0.02, mean_val"
        ),
    },
    {
        "says": "and at least as good in every seed",
        "check": "assert all(results[s][3e-3]['val'] >= results[s][0.0]['val'] for s in seeds), results",
    },
    {
        "says": "Push `λ` further and the penalty wins over the data",
        "check": (
            "assert mean_train[1e-1] < min(mean_train[lam] for lam in lams[:-1]) - 0.1, mean_train\n"
            "worse = [s for s in seeds if results[s][1e-1]['val'] < max(results[s][lam]['val'] for lam in lams)]\n"
            "assert mean_val[1e-1] < mean_val[3e-3] - 0.1 and len(worse) >= 4, (mean_val, worse)"
        ),
    },
    {
        "says": "in some seeds to chance",
        "check": "assert any(results[s][1e-1]['val'] <= 0.55 for s in seeds), [results[s][1e-1]['val'] for s in seeds]",
    },
    # The decision boundaries, drawn for seed 2 (shown_seed).
    {
        "says": "The decision boundaries tell the same story",
        "check": (
            "r = results[shown_seed]\n"
            "assert shown_seed == 2 and r[0.0]['train'] - r[0.0]['val'] > 0.1, r\n"
            "assert r[3e-3]['val'] == max(r[lam]['val'] for lam in lams) and r[1e-1]['val'] <= 0.55, r"
        ),
    },
    {
        "says": "without a penalty the network classifies all 50 training points correctly",
        "check": "assert len(splits[2].x_train) == 50 and results[2][0.0]['train'] == 1.0, results[2][0.0]['train']",
    },
    {
        "says": "it gives up a few of them and does better on the validation set",
        "check": (
            "r = results[2]\n"
            "assert 0.85 <= r[3e-3]['train'] < r[0.0]['train'] and r[3e-3]['val'] > r[0.0]['val'] + 0.03, r"
        ),
    },
    {
        "says": "it predicts the same class everywhere, a chance-level validation accuracy",
        "check": (
            "model.set_weights(results[2][1e-1]['weights'])\n"
            "points = np.concatenate([splits[2].x_train, splits[2].x_val])\n"
            "lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5\n"
            "grid = np.stack(np.meshgrid(*(np.linspace(a, b, 60) for a, b in zip(lo, hi))), -1).reshape(-1, 2)\n"
            "classes = np.unique(np.argmax(model(np.concatenate([grid, points]).astype('float32')), axis=1))\n"
            "assert len(classes) == 1 and abs(results[2][1e-1]['val'] - 0.5) <= 0.05, (classes, results[2][1e-1])"
        ),
    },
    {
        "says": "The first seed (0) is a mild case",
        "check": (
            "r = results[0]\nassert 0.75 <= r[1e-1]['train'] <= 0.85 and abs(r[1e-1]['val'] - r[0.0]['val']) <= 0.03, r"
        ),
    },
]
