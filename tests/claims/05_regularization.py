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
]
