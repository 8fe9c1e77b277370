"""Claims of lesson 08: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The depth claims average five initializations per point (the lesson's `depth_profile`); their checks
repeat the measurement on two more groups of five seeds. The training claims hold for the lesson's seed
and are re-run with seeds 1 and 2 (the explosion, which needs only 40 steps, with seeds 1 to 4).
"""

DEPTH_GROUPS = (
    "profiles = {0: (results['he'], results['he_x1.5'])}\n"
    "for group in (1, 2):\n"
    "    seeds = range(5 * group, 5 * group + 5)\n"
    "    profiles[group] = (depth_profile(1.0, seeds), depth_profile(1.5, seeds))\n"
)

CLAIMS = [
    {
        "says": "With He's initialization the gradient norm does not grow steadily with depth: it varies with the "
        "draw of the weights, but from 2 to 10 layers it stays within a factor of 10",
        "check": DEPTH_GROUPS + "spread = {group: max(he) / min(he) for group, (he, _) in profiles.items()}\n"
        "assert all(s < 10 for s in spread.values()), spread\n"
        "assert not any(np.all(np.diff(he) > 0) for he, _ in profiles.values()), profiles  # no steady growth\n"
        "he = np.array([he for he, _ in profiles.values()])  # groups x depths\n"
        "assert np.max(he.max(axis=0) / he.min(axis=0)) > 1.5, he  # the draw of the weights matters",
    },
    {
        "says": "With weights 1.5 times larger it grows with every added layer, more than a hundredfold "
        "from 2 to 10 layers",
        "check": "growth = {group: big[-1] / big[0] for group, (_, big) in profiles.items()}\n"
        "assert all(np.all(np.diff(big) > 0) for _, big in profiles.values()), profiles\n"
        "assert all(g > 100 for g in growth.values()), growth",
    },
    {
        "says": "The global norm is above 10: with a learning rate of 0.1, the first step alone moves the weights "
        "by more than one unit of length",
        "check": "norms = [results['global_norm']] + [float(tf.linalg.global_norm(initial_gradients(seed)[2]))\n"
        "                                        for seed in range(1, 5)]\n"
        "assert min(norms) > 10, norms",
    },
    {
        "says": "clipping by value changes the direction of the update (its cosine with the original gradient "
        "drops below 0.99)",
        "check": "assert results['cosine']['by value'] < 0.99, results['cosine']",
    },
    {
        "says": "The two norm rules keep the direction of every tensor, but only the global rule keeps the "
        "direction of the whole update",
        "check": "for rule in ('by norm', 'by global norm'):\n"
        "    assert min(results['tensor_cosines'][rule]) > 0.9999, (rule, results['tensor_cosines'][rule])\n"
        "assert results['cosine']['by global norm'] > 0.9999, results['cosine']\n"
        "assert results['cosine']['by norm'] < 0.99, results['cosine']",
    },
    {
        "says": "clipping each tensor by its own norm shrinks the large tensors more than the small ones",
        "check": "norms, factors = results['tensor_norms'], results['shrink_factors']['by norm']\n"
        "order = np.argsort(norms)\n"
        "assert np.all(np.diff(np.array(factors)[order]) <= 1e-6), list(zip(norms, factors))\n"
        "assert factors[order[-1]] < 0.5 * factors[order[0]], list(zip(norms, factors))",
    },
    {
        "says": "Without clipping, the gradient norm at lr = 0.1 grows more than tenfold within ten steps, and within "
        "twenty steps the loss and the norm are inf or NaN, for good",
        "check": "def explosion(losses, norms):\n"
        "    finite = np.isfinite(losses) & np.isfinite(norms)\n"
        "    first_bad = int(np.argmin(finite))\n"
        "    return {'norm_growth': float(np.nanmax(norms[:10]) / norms[0]),\n"
        "            'first_bad_step': first_bad + 1 if not finite.all() else None,\n"
        "            'stays_bad': not finite.all() and not finite[first_bad:].any()}\n"
        "explosions = {0: explosion(*runs['lr 0.1, no clipping'])}\n"
        "explosions.update({seed: explosion(*run(0.1, 1e20, seed, num_steps=40)) for seed in range(1, 5)})\n"
        "for seed, e in explosions.items():\n"
        "    assert e['norm_growth'] > 10, (seed, e)\n"
        "    assert e['first_bad_step'] is not None and e['first_bad_step'] <= 20 and e['stays_bad'], (seed, e)",
    },
    {
        "says": "nothing recovers from a NaN weight",
        "check": "assert results['training']['stays_non_finite'], results['training']\n"
        "assert np.all(np.isnan(runs['lr 0.1, no clipping'][0][-20:]))",
    },
    {
        "says": "the same learning rate brings the loss down more than tenfold",
        "check": "experiments = {0: (runs, results['training'])}\n"
        "experiments.update({seed: experiment(seed) for seed in (1, 2)})\n"
        "trained = {seed: e[1] for seed, e in experiments.items()}\n"
        "for seed, t in trained.items():\n"
        "    assert t['clipped_finite'] and t['clipped_drop'] > 10, (seed, t)",
    },
    {
        "says": "The cap is active at more than 90% of the steps",
        "check": "assert all(t['cap_active'] > 0.9 for t in trained.values()), trained",
    },
    {
        "says": "The smaller learning rate keeps the loss finite but does not settle: over the last 100 steps its "
        "loss goes up and down from one step to the next, and its gradient norm stays above 30",
        "check": "def zigzag(losses, norms):\n"
        "    ups = np.sign(np.diff(losses[-100:]))\n"
        "    return {'alternating': float(np.mean(ups[1:] != ups[:-1])), 'lowest_norm': float(norms[-100:].min())}\n"
        "zigzags = {seed: zigzag(*e[0]['lr 0.01, no clipping']) for seed, e in experiments.items()}\n"
        "assert all(t['slow_finite'] for t in trained.values()), trained\n"
        "assert all(z['alternating'] > 0.85 and z['lowest_norm'] > 30 for z in zigzags.values()), zigzags",
    },
    {
        "says": "After the same 200 steps its loss is still more than 1.5 times the clipped run's",
        "check": "for seed, t in trained.items():\n    assert t['slow_final_over_clipped'] > 1.5, (seed, t)",
    },
    {
        "says": "with standardised targets nothing explodes, even without a cap, and the gradient norm stays below 10 "
        "at every step",
        "check": "y_standardised = y_train / tf.math.reduce_std(y_train)\n"
        "standardised = {seed: {max_norm: run(0.1, max_norm, seed, y=y_standardised) for max_norm in (1e20, 1.0)}\n"
        "                for seed in (0, 1, 2)}\n"
        "for seed, by_cap in standardised.items():\n"
        "    losses, norms = by_cap[1e20]\n"
        "    assert np.all(np.isfinite(losses)) and norms.max() < 10, (seed, losses[-1], norms.max())",
    },
    {
        "says": "The cap of 1.0 is still active at about four steps in five, because it sits below the typical norm "
        "of this healthy training, about 2 (the median over the steps)",
        "check": "for seed, by_cap in standardised.items():\n"
        "    active, median = np.mean(by_cap[1.0][1] > 1.0), np.median(by_cap[1e20][1])\n"
        "    assert 0.7 < active < 0.9 and 1.5 < median < 3, (seed, active, median)",
    },
]
