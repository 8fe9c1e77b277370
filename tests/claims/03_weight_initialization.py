"""Claims of lesson 03: every sentence of its `claims` cell, checked in the executed notebook's kernel.

`spread[activation][initializer]` holds the 15 per-layer stds; `runs[start]` the losses, symmetry
flags and final weights of the training run (seed 0); `train_from_starts(seed)` reruns it with
another batch order, perturbation and Glorot draw, for the claims about training.
"""

_RATIO = "np.exp(np.mean(np.log(np.asarray(s[1:]) / np.asarray(s[:-1]))))"  # geometric mean of layer-to-layer ratios
_SEEDS = (
    "other_runs = [train_from_starts(seed, names=['all weights 0.1', '0.1 + noise (std 0.001)', 'Glorot uniform'])\n"
    "              for seed in range(1, 5)]\n"
    "def chunks(run, name):\n"
    "    return run[name][0].reshape(num_chunks, chunk).mean(axis=1)\n"
)

CLAIMS = [
    {
        "says": "weights shrink the signal by a constant factor per layer: about",
        "check": f"s = spread['tanh']['small random (std 0.01)']\nassert 0.14 < {_RATIO} < 0.18, s",
    },
    {
        "says": "and about 0.11 with ReLU, which also halves the mean square",
        "check": f"s = spread['relu']['small random (std 0.01)']\nassert 0.10 < {_RATIO} < 0.125, s",
    },
    {
        "says": "After 15 layers the spread is below `1e-9` with either activation",
        "check": "assert depth == 15 and all(spread[a]['small random (std 0.01)'][-1] < 1e-9 for a in spread), spread",
    },
    {
        "says": "both Glorot and He keep the signal alive through all 15 layers (a spread above 0.1",
        "check": "assert all(spread['tanh'][k][-1] > 0.1 for k in ['Glorot uniform', 'He normal']), spread['tanh']",
    },
    {
        "says": "Glorot's spread drifts down slowly, layer after layer",
        "check": (
            "s = np.asarray(spread['tanh']['Glorot uniform'])\n"
            f"assert np.all(np.diff(s) < 0) and 0.85 < {_RATIO} < 1, s"
        ),
    },
    {
        "says": "He's larger weights hold it higher at every layer",
        "check": (
            "he, glorot = np.asarray(spread['tanh']['He normal']), np.asarray(spread['tanh']['Glorot uniform'])\n"
            "assert np.all(he > glorot), (he, glorot)"
        ),
    },
    {
        "says": "Glorot loses a factor of about `sqrt(2)` per layer",
        "check": f"s = spread['relu']['Glorot uniform']\nassert 0.65 < {_RATIO} < 0.77, s",
    },
    {
        "says": "holds the spread roughly constant, within a factor of 1.5 of the",
        "check": (
            "s = np.asarray(spread['relu']['He normal'])\nassert np.all((s / s[0] > 1 / 1.5) & (s / s[0] < 1.5)), s"
        ),
    },
    {
        "says": "after 400 steps both kernels are still exactly zero",
        "check": (
            "W1, b1, W2, b2 = runs['zeros'][2]\n"
            "assert not W1.any() and not b1.any() and not W2.any() and b2.any(), runs['zeros'][2]\n"
            "assert all(runs['zeros'][1]) and num_chunks * chunk == 400"
        ),
    },
    {
        "says": "Its loss stays at ln 10 ≈ 2.30, the loss of a uniform guess",
        "check": "assert np.all(np.abs(chunk_means['zeros'] - np.log(10)) < 0.02), chunk_means['zeros']",
    },
    {
        "says": "answers yes at every check up to step 400, whatever the order of the",
        "check": _SEEDS + "flags = [r['all weights 0.1'][1] for r in [runs] + other_runs]\n"
        "assert all(all(f) for f in flags), flags",
    },
    {
        "says": "Round-off does not break the tie",
        "check": (
            "W1 = runs['all weights 0.1'][2][0]  # after 400 steps in float32, every column still equals the first\n"
            "assert all(runs['all weights 0.1'][1]) and np.array_equal(W1, np.tile(W1[:, :1], (1, W1.shape[1])))"
        ),
    },
    {
        "says": "and the loss only falls to about 1.5, more than ten times Glorot's",
        "check": (
            "finals = [(chunks(r, 'all weights 0.1')[-1], chunks(r, 'Glorot uniform')[-1])\n"
            "          for r in [runs] + other_runs]\n"
            "assert sum(1.3 < a < 1.7 and a > 10 * g for a, g in finals) >= 4, finals"
        ),
    },
    {
        "says": "the units differ from step 0",
        "check": "assert sum(not any(r['0.1 + noise (std 0.001)'][1]) for r in [runs] + other_runs) >= 4",
    },
    {
        "says": "For 100 steps its loss follows the all-0.1 curve",
        "check": (
            "gaps = [np.abs(chunks(r, '0.1 + noise (std 0.001)')[:2] - chunks(r, 'all weights 0.1')[:2]).max()"
            " for r in [runs] + other_runs]\n"
            "assert sum(g < 0.1 for g in gaps) >= 4, gaps"
        ),
    },
    {
        "says": "then it falls, to below 0.2 by step 400",
        "check": (
            "finals = [chunks(r, '0.1 + noise (std 0.001)')[-1] for r in [runs] + other_runs]\n"
            "assert sum(f < 0.2 for f in finals) >= 4, finals"
        ),
    },
    {
        "says": "Glorot's random start breaks the symmetry at step 0 and trains at once",
        "check": (
            "seconds = [chunks(r, 'Glorot uniform')[1] for r in [runs] + other_runs]\n"
            "assert sum(s < 0.35 for s in seconds) >= 4 and not any(runs['Glorot uniform'][1]), seconds"
        ),
    },
]
