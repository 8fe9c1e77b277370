"""Claims of lesson 02: every sentence of its `claims` cells, checked in the executed notebook's kernel.

The depth experiment measures gradients at initialisation with seed 0; its last claim rebuilds the
30-deep networks from seeds 1 and 2.
"""

SEEDS_SWEEP = """
SEEDS = [0, 1, 2]
if "_dead_sweep" not in globals():  # seed 0 is the lesson's own run; seeds 1 and 2 are re-run once
    _dead_sweep = ({(0, lr): v for lr, v in dead_by_lr.items()}, {(0, lr): v for lr, v in final_loss_by_lr.items()})
    for _seed in SEEDS[1:]:
        _m = build_deep_mlp("relu", depth=2, width=64, input_dim=64, num_classes=10, seed=_seed)
        _w0 = _m.get_weights()
        _run, _opt = make_trainer(_m)
        for _lr in [0.03, 0.3, 1.0, 2.0]:
            _m.set_weights(_w0)
            _opt.learning_rate.assign(_lr)
            _d, _losses = train_and_track(_m, _run, lambda m: dead_relu_fraction(m, x_train), num_chunks=8, chunk=25)
            _dead_sweep[0][_seed, _lr], _dead_sweep[1][_seed, _lr] = _d, float(_losses[-25:].mean())
dead_s, loss_s = _dead_sweep
"""
SWEEP = SEEDS_SWEEP.lstrip("\n")

# Seeds 1 and 2 of the depth-30 experiment (seed 0 is the lesson's own run), built once: gradient norms of
# every Dense kernel, and the forward pass at initialisation (largest |logit|, mean cross-entropy).
DEEP_SEEDS = """
if "_deep_other" not in globals():
    _deep_other = {}
    for _seed in [1, 2]:
        for _wiring, _build in builders.items():
            for _act in ["sigmoid", "relu"]:
                _m = _build(_act, 30, width, input_dim=64, num_classes=10, seed=_seed)
                _logits = _m(x_probe)
                _loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y_probe, _logits, from_logits=True))
                _deep_other[_seed, _wiring, _act] = (
                    layer_gradient_norms(_m, x_probe, y_probe), float(tf.reduce_max(tf.abs(_logits))), float(_loss)
                )
deep_all = {(0, w, a): (deep_norms[w, a], *deep_forward[w, a]) for w, a in deep_norms}
deep_all.update(_deep_other)
""".lstrip("\n")

# The size of the gradients and of the logits at depth 30, asserted for one seed's (norms, logit, loss) dict.
SIZE_CHECKS = (
    "def sizes_hold(d):\n"
    "    pr, rs, rr = d['plain', 'relu'], d['residual', 'sigmoid'], d['residual', 'relu']\n"
    "    return (max(pr[0]) < 1e-4 and pr[1] < 1e-4 and 25 < rs[1] < 50 and 3e4 < rr[1] < 3e5\n"
    "            and rs[2] > 10 and rr[2] > 10 and np.median(rs[0]) > 1 and np.median(rr[0]) > 1e4)\n"
)

CLAIMS = [
    {
        "says": "first/last ratio falls from about `1e-6` at depth 10 to about `1e-12` at depth 20",
        "check": ("p = sigmoid_ratios['plain']\nassert 1e-7 < p[0] < 1e-5 and 1e-14 < p[1] < 1e-10, p"),
    },
    {
        "says": "at depth 30 the first layer's gradient underflows to exactly 0 in float32",
        "check": "assert deep_norms['plain', 'sigmoid'][0] == 0.0, deep_norms['plain', 'sigmoid']",
    },
    {
        "says": "while the next five layers get less than `1e-15` each: they cannot learn at all",
        "check": "assert max(deep_norms['plain', 'sigmoid'][1:6]) < 1e-15, deep_norms['plain', 'sigmoid']",
    },
    {
        "says": "the residual MLP keeps the ratio above `0.01` at every depth",
        "check": "r = sigmoid_ratios['residual']\nassert len(r) == 3 and min(r) > 0.01, sigmoid_ratios",
    },
    {
        "says": "the kernels of its 30 blocks all get gradients within a factor of 100 of each other",
        "check": (
            "blocks = deep_norms['residual', 'sigmoid'][1:-1]\n"
            "assert len(blocks) == 30 and max(blocks) / min(blocks) < 100, blocks"
        ),
    },
    {
        "says": "ReLU alone also keeps the plain MLP's ratio within a factor of 10 of 1 at depth 30",
        "check": "r = first_last_ratio(deep_norms['plain', 'relu'])\nassert 0.1 < r < 10, r",
    },
    {
        "says": "its residual version does the same",
        "check": "r = first_last_ratio(deep_norms['residual', 'relu'])\nassert 0.1 < r < 10, r",
    },
    {
        "says": "with skip connections, even sigmoid passes the gradient down 30 layers",
        "check": (
            "r = first_last_ratio(deep_norms['residual', 'sigmoid'])\n"
            "assert r > 0.01 and min(deep_norms['residual', 'sigmoid']) > 0, deep_norms['residual', 'sigmoid']"
        ),
    },
    {
        "says": "So the activation is not the only cure",
        "check": (
            "assert first_last_ratio(deep_norms['plain', 'sigmoid']) < 1e-20 "
            "< 0.01 < first_last_ratio(deep_norms['residual', 'sigmoid'])"
        ),
    },
    # --- the size of the gradients, not only their spread (seed 0 here; seeds 1 and 2 in the next claim)
    {
        "says": "The ratio measures how evenly the gradient is spread over the layers, not how large it is",
        "check": (
            "pr, rr = deep_norms['plain', 'relu'], deep_norms['residual', 'relu']\n"
            "assert 0.1 < first_last_ratio(pr) < 10 and 0.1 < first_last_ratio(rr) < 10, (pr, rr)\n"
            "assert np.median(rr) / np.median(pr) > 1e6, (np.median(rr), np.median(pr))"
        ),
    },
    {
        "says": "At depth 30 the plain ReLU MLP's kernel gradients are all below `1e-4`, and so are its logits",
        "check": (
            "assert max(deep_norms['plain', 'relu']) < 1e-4 and deep_forward['plain', 'relu'][0] < 1e-4, "
            "(deep_norms['plain', 'relu'], deep_forward)"
        ),
    },
    {
        "says": "their logits reach about 35 with sigmoid and about `1e5` with",
        "check": (
            "assert 25 < deep_forward['residual', 'sigmoid'][0] < 50, deep_forward\n"
            "assert 3e4 < deep_forward['residual', 'relu'][0] < 3e5, deep_forward"
        ),
    },
    {
        "says": "their initial loss is far above chance level",
        "check": (
            "assert deep_forward['residual', 'sigmoid'][1] > 10 and deep_forward['residual', 'relu'][1] > 10 "
            "and abs(deep_forward['plain', 'relu'][1] - np.log(10)) < 0.01, deep_forward"
        ),
    },
    {
        "says": "their median kernel gradient is above 1 with sigmoid and above `1e4` with ReLU",
        "check": (
            "medians = {k: np.median(v) for k, v in deep_norms.items()}\n"
            "assert medians['residual', 'sigmoid'] > 1 and medians['residual', 'relu'] > 1e4, medians"
        ),
    },
    {
        "says": "Other initial weights (seeds) give the same picture",
        "check": DEEP_SEEDS
        + SIZE_CHECKS
        + (
            "ratios = {k: first_last_ratio(v[0]) for k, v in deep_all.items()}\n"
            "for s in [0, 1, 2]:\n"
            "    assert ratios[s, 'plain', 'sigmoid'] < 1e-20 and ratios[s, 'residual', 'sigmoid'] > 0.01, ratios\n"
            "    assert all(0.1 < ratios[s, w, 'relu'] < 10 for w in ['plain', 'residual']), ratios\n"
            "    assert sizes_hold({(w, a): v for (t, w, a), v in deep_all.items() if t == s}), (s, ratios)"
        ),
    },
    # --- part 1: the derivatives plotted from the tape (z of the plot cell)
    {
        "says": "the sigmoid's derivative is at most **0.25** (at 0) and nearly 0 once `|x| > 5`",
        "check": (
            "zz, d = checks.to_numpy(z), checks.to_numpy(derivative_with_tape(tf.sigmoid, z))\n"
            "assert d.max() <= 0.25 and abs(zz[d.argmax()]) < 1e-9 and d[np.abs(zz) > 5].max() < 0.007, d.max()"
        ),
    },
    {
        "says": "tanh is a rescaled sigmoid centred at 0; its derivative peaks at 1 but saturates the same",
        "check": (
            "zz, d = checks.to_numpy(z), checks.to_numpy(derivative_with_tape(tf.tanh, z))\n"
            "assert np.allclose(np.tanh(zz), 2 / (1 + np.exp(-2 * zz)) - 1)\n"
            "assert np.isclose(d.max(), 1.0) and abs(zz[d.argmax()]) < 1e-9 and d[np.abs(zz) > 5].max() < 2e-4"
        ),
    },
    {
        "says": "ReLU's derivative is exactly 1 for every positive input, however large, and exactly 0",
        "check": (
            "zz, d = checks.to_numpy(z), checks.to_numpy(derivative_with_tape(tf.nn.relu, z))\n"
            "assert np.all(d[zz > 0] == 1) and np.all(d[zz < 0] == 0), d"
        ),
    },
    # --- part 5: vanishing gradients at depth 10 (gradients at initialisation, seed 0)
    {
        "says": "With sigmoid the first layer receives about a million times less gradient than the output layer",
        "check": "r = norms['sigmoid'][0] / norms['sigmoid'][-1]\nassert 1e-7 < r < 1e-5, norms['sigmoid']",
    },
    {
        "says": "Every sigmoid layer multiplies the gradient by a derivative of at most 0.25",
        "check": (
            "d = checks.to_numpy(derivative_with_tape(tf.sigmoid, z))\n"
            "s = checks.to_numpy(tf.sigmoid(z))\n"
            "assert d.max() <= 0.25 + 1e-12 and np.isclose(d.max(), 0.25) and s.min() > 0, (d.max(), s.min())"
        ),
    },
    {
        "says": "tanh and the ReLU family keep the gradient at roughly the same size from layer to layer",
        "check": (
            "spread = {name: max(v) / min(v) for name, v in norms.items() if name != 'sigmoid'}\n"
            "assert len(spread) == 3 and max(spread.values()) < 30, spread"
        ),
    },
    # --- part 8: dead ReLUs; the learning-rate sweep is re-run from seeds 1 and 2 (2-3 s more)
    {
        "says": "only a few percent of the units are dead at any time",
        "check": SWEEP + "assert all(max(dead_s[s, lr]) < 0.08 for s in SEEDS for lr in [0.03, 0.3]), dead_s",
    },
    {
        "says": "and two thirds of them (depending on the initial weights) are dead after 200 steps, the share",
        "check": SWEEP
        + "assert all(0.25 < dead_s[s, 1.0][-1] < 2 / 3 for s in SEEDS), dead_s\n"
        + "assert dead_s[0, 1.0][-1] == dead_by_lr[1.0][-1] and len(dead_by_lr[1.0]) == 9, dead_by_lr",
    },
    {
        "says": "most of those were already dead at step 100",
        "check": SWEEP + "assert all(dead_s[s, 1.0][4] > dead_s[s, 1.0][-1] / 2 for s in SEEDS), dead_s",
    },
    {
        "says": "learns with what is left, more slowly than at `lr = 0.3`",
        "check": SWEEP + "assert all(loss_s[s, 0.3] < loss_s[s, 1.0] < 2.0 for s in SEEDS), loss_s",
    },
    {
        "says": "At `lr = 2` more than 80 % of them die within 75 steps",
        "check": SWEEP + "assert all(dead_s[s, 2.0][3] > 0.8 and dead_s[s, 2.0][-1] > 0.8 for s in SEEDS), dead_s",
    },
    {
        "says": "the loss (printed above) sits at chance level",
        "check": SWEEP + "assert all(abs(loss_s[s, 2.0] - np.log(10)) < 0.02 for s in SEEDS), loss_s",
    },
    {
        "says": "the learning rate is the first cure",
        "check": SWEEP
        + "assert all(dead_s[s, 0.3][-1] < 0.1 < dead_s[s, 1.0][-1] and loss_s[s, 0.3] < 0.5 for s in SEEDS), "
        + "(dead_s, loss_s)",
    },
    {
        "says": "Initial weights from other seeds give the same picture",
        "check": SWEEP
        + "assert all(dead_s[s, 2.0][-1] > dead_s[s, 1.0][-1] > 0.1 > dead_s[s, 0.3][-1] for s in SEEDS), dead_s",
    },
    {
        "says": "After the negative bias shift, the ReLU curve is perfectly flat",
        "check": (
            "means = loss_curves['ReLU'].reshape(-1, 50).mean(axis=1)\n"
            "assert np.ptp(off_curves['ReLU']) == 0 and np.ptp(means) < 0.01, (off_curves['ReLU'], means)"
        ),
    },
    {
        "says": "The leaky ReLU and PReLU networks keep a gradient flowing through",
        "check": (
            "for name in ['leaky ReLU (α = 0.1)', 'PReLU, slopes start at 0', 'PReLU, slopes start at 0.25']:\n"
            "    off, loss = off_curves[name], loss_curves[name][-50:].mean()\n"
            "    assert off[-1] < off[0] - 0.3 and loss < 0.5, (name, off, loss)"
        ),
    },
    {
        "says": "PReLU starting at 0 waits until its slopes have grown, then recovers fast",
        "check": (
            "p0, p25 = off_curves['PReLU, slopes start at 0'], off_curves['PReLU, slopes start at 0.25']\n"
            "assert p0[2] == p0[0] and p0[-1] < 0.4 and p25[1] < p25[0] - 0.2, (p0, p25)"
        ),
    },
]
