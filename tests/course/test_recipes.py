"""Unit tests of `backprop_lab.recipes`, lesson 12's training machinery, on real small models.

The fast tests build and train tiny models for a step or two and compare with oracles (the tape,
NumPy). The `slow` tests train the lesson's recipes over several seeds: every remedy the lesson's
table lists reaches the target with a margin, and every broken recipe shows its signature.
"""

from __future__ import annotations

import json
import re

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from conftest import ROOT

from backprop_lab import checks, data, recipes

TINY = {"depth": 2, "width": 8, "epochs": 2, "n_train": 96, "batch_size": 32}
"""A recipe that trains in a fraction of a second."""


# --- data and recipes ---------------------------------------------------------------------------------------------


def test_noisy_digits_scrambles_about_27_percent_of_the_training_labels_only():
    split = recipes.noisy_digits()
    clean = data.load_dataset("digits", seed=0)
    np.testing.assert_array_equal(split.x_train, clean.x_train)
    np.testing.assert_array_equal(split.y_val, clean.y_val)
    wrong = np.mean(split.y_train != clean.y_train)
    assert 0.22 < wrong < 0.32, wrong  # 30% redrawn, one in ten redrawn to the right digit
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    assert recipes.noisy_digits() is split, "cached: every recipe trains on the same arrays"
    with pytest.raises(ValueError):
        split.y_train[0] = 3  # shared between calls: read-only


def test_complete_fills_defaults_and_refuses_unknown_keys():
    assert recipes.complete({"depth": 5}) == {**recipes.DEFAULTS, "depth": 5}
    with pytest.raises(KeyError, match="unknown recipe keys \\['dept'\\]"):
        recipes.complete({"dept": 5})


@pytest.mark.parametrize(
    "broken, recipe, changed",
    [
        ({}, {}, []),
        ({}, {"depth": 3}, []),  # the default value: no change
        ({"depth": 6, "init_std": 1.0}, {"depth": 6}, ["init_std"]),  # missing keys count as their default
        ({"learning_rate": 2.0}, {"learning_rate": 0.1, "optimizer": "adam"}, ["learning_rate", "optimizer"]),
    ],
)
def test_changed_keys(broken, recipe, changed):
    assert recipes.changed_keys(broken, recipe) == changed


def test_broken_recipes_are_complete_and_listed_with_their_remedies():
    assert recipes.FAILURES == (
        "exploding_gradients",
        "dying_relu",
        "vanishing_gradients",
        "learning_rate_too_low",
        "overfitting",
    )
    for name, recipe in recipes.BROKEN_RECIPES.items():
        assert set(recipe) == set(recipes.DEFAULTS), name
        assert recipes.REMEDIES[name] <= set(recipes.DEFAULTS) - {"n_train", "seed"}, name
    assert set(recipes.REMEDIES) == set(recipes.FAILURES)
    assert "residual" in recipes.DEFAULTS and "residual" in recipes.REMEDIES["vanishing_gradients"]


def test_the_lessons_table_of_remedies_names_the_keys_of_remedies():
    notebook = nbformat.read(ROOT / "solutions" / "12_diagnose_and_fix" / "12_diagnose_and_fix.ipynb", as_version=4)
    rows = {}
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            columns = [c.strip() for c in line.strip().strip("|").split("|")]
            if cell.cell_type == "markdown" and len(columns) == 3 and "`" in columns[2]:
                rows[columns[0]] = set(re.findall(r"`(\w+)`", columns[2]))
    rows.pop("diagnosis")  # the header
    by_name = {
        name.replace("_", " ").replace("dying relu", "dying ReLUs"): keys for name, keys in recipes.REMEDIES.items()
    }
    assert rows == by_name


# --- the model ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recipe, kernels, extra_layers",
    [
        ({"depth": 3, "width": 16}, [(64, 16), (16, 16), (16, 16), (16, 10)], {}),
        ({"depth": 2, "width": 8, "residual": True}, [(64, 8), (8, 8), (8, 8), (8, 10)], {keras.layers.Add: 2}),
        (
            {"depth": 2, "width": 8, "batch_norm": True},
            [(64, 8), (8, 8), (8, 10)],
            {keras.layers.BatchNormalization: 2},
        ),
        ({"depth": 1, "width": 8, "dropout": 0.5}, [(64, 8), (8, 10)], {keras.layers.Dropout: 1}),
    ],
)
def test_build_model_layers(recipe, kernels, extra_layers):
    model = recipes.build_model(recipe)
    assert [tuple(k.shape) for k in recipes.dense_kernels(model)] == kernels
    assert model.layers[-1].name == "logits"
    assert sum(isinstance(layer, keras.layers.Activation) for layer in model.layers) == recipe["depth"]
    for kind, count in extra_layers.items():
        assert sum(isinstance(layer, kind) for layer in model.layers) == count, kind
    assert model(np.zeros((3, 64), np.float32)).shape == (3, 10)


def test_residual_model_adds_each_branch_to_its_input():
    model = recipes.build_model({"depth": 2, "width": 8, "residual": True, "activation": "relu"})
    x = np.random.default_rng(0).normal(size=(5, 64)).astype(np.float32)
    dense = {layer.name: layer for layer in model.layers if isinstance(layer, keras.layers.Dense)}
    h = dense["projection"](x)
    for i in (1, 2):
        h = h + tf.nn.relu(dense[f"dense_{i}"](h))
    checks.assert_close("residual logits", model(x), dense["logits"](h), atol=checks.float32_tolerance(200))


def test_build_model_initialization_and_penalty():
    model = recipes.build_model({"depth": 2, "width": 256, "init_std": 1.0, "l2": 0.01, "seed": 0})
    stds = [float(np.std(k)) for k in recipes.dense_kernels(model)]
    assert all(0.9 < s < 1.1 for s in stds), stds
    assert len(model.losses) == 3
    he = recipes.build_model({"depth": 2, "width": 256})
    assert 0.8 * np.sqrt(2 / 256) < float(np.std(recipes.dense_kernels(he)[1])) < 1.2 * np.sqrt(2 / 256)


# --- the diagnostics ------------------------------------------------------------------------------------------------


def test_kernel_gradient_norms_match_the_tape():
    keras.utils.set_random_seed(0)
    model = recipes.build_model({"depth": 2, "width": 8})
    split = recipes.noisy_digits()
    x, y = split.x_train[:32], split.y_train[:32]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x, training=True))
    expected = [np.linalg.norm(g) for g in tape.gradient(loss, recipes.dense_kernels(model))]
    got = recipes.kernel_gradient_norms(model, x, y)
    assert all(isinstance(v, float) for v in got)
    checks.assert_close("kernel gradient norms", np.array(got), np.array(expected), rtol=checks.float32_tolerance(100))


@pytest.mark.parametrize("bias, residual, expected", [(-1.0, False, 1.0), (1.0, False, 0.0), (-1.0, True, 1.0)])
def test_dead_unit_fraction(bias, residual, expected):
    model = recipes.build_model({"depth": 2, "width": 4, "residual": residual})
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense) and layer.name.startswith("dense_"):
            layer.kernel.assign(tf.zeros_like(layer.kernel))
            layer.bias.assign(tf.fill(layer.bias.shape, bias))
    assert recipes.dead_unit_fraction(model, np.ones((6, 64), np.float32)) == expected


def test_dead_unit_fraction_counts_units_dead_on_every_row():
    model = recipes.build_model({"depth": 1, "width": 4})
    dense = model.get_layer("dense_1")
    dense.kernel.assign(tf.zeros_like(dense.kernel))
    dense.bias.assign([-1.0, 0.0, 1.0, -2.0])  # ReLU(0) = 0 counts as dead: 3 of 4
    assert recipes.dead_unit_fraction(model, np.ones((3, 64), np.float32)) == 0.75


@pytest.mark.parametrize("scale", [1e-1, 1e-3, 1e-5])
def test_update_ratio_is_the_log10_of_std_update_over_std_kernel(scale):
    rng = np.random.default_rng(0)
    before = rng.normal(size=(20, 30)).astype(np.float32)
    after = before + scale * rng.normal(size=before.shape).astype(np.float32)
    expected = np.log10(np.std(after.astype(np.float64) - before) / np.std(after.astype(np.float64)))
    got = float(recipes.update_ratio(tf.constant(before), tf.constant(after)))
    assert abs(got - expected) < 1e-3 + abs(np.log10(1 + 1e-7 / scale)), (got, expected)


def test_update_ratio_without_an_update_is_minus_infinity():
    kernel = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert float(recipes.update_ratio(kernel, kernel)) == -np.inf


def test_make_optimizer():
    sgd = recipes.make_optimizer({"learning_rate": 0.5, "clipnorm": 1.0})
    assert isinstance(sgd, keras.optimizers.SGD) and sgd.clipnorm == 1.0
    assert np.isclose(float(sgd.learning_rate), 0.5)
    assert isinstance(recipes.make_optimizer({"optimizer": "adam"}), keras.optimizers.Adam)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        recipes.make_optimizer({"optimizer": "rmsprop"})


# --- training ---------------------------------------------------------------------------------------------------------


def test_train_recipe_reports_every_diagnostic_and_is_deterministic():
    model, report = recipes.train_recipe(TINY)
    assert set(report) == {
        "train_loss",
        "val_loss",
        "train_accuracy",
        "val_accuracy",
        "gradient_norms",
        "update_ratios",
        "dead_fraction",
    }
    for key in ["train_loss", "val_loss", "train_accuracy", "val_accuracy"]:
        assert len(report[key]) == TINY["epochs"] and all(isinstance(v, float) for v in report[key]), key
    assert len(report["gradient_norms"]) == len(report["update_ratios"]) == TINY["depth"] + 1
    assert all(np.isfinite(report["update_ratios"])) and 0.0 <= report["dead_fraction"] <= 1.0
    assert isinstance(model, keras.Model)
    assert recipes.train_recipe(TINY)[1] == report, "the same recipe and seed give the same report"
    assert recipes.train_recipe({**TINY, "seed": 1})[1] != report


def test_one_full_batch_step_matches_an_sgd_step_by_hand():
    """One epoch of one batch: every number of the report, computed again with the tape."""
    recipe = recipes.complete({**TINY, "epochs": 1, "batch_size": 96, "learning_rate": 0.5})
    split = recipes.noisy_digits()
    x, y = split.x_train[:96], split.y_train[:96]
    keras.utils.set_random_seed(recipe["seed"])
    model = recipes.build_model(recipe)
    kernels = recipes.dense_kernels(model)
    before = [k.numpy() for k in kernels]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, kernels)
    after = [b - 0.5 * g.numpy() for b, g in zip(before, grads, strict=True)]
    ratios = [np.log10(np.std(a - b) / np.std(a)) for a, b in zip(after, before, strict=True)]
    accuracy = np.mean(np.argmax(logits, axis=-1) == y)

    trained, report = recipes.train_recipe(recipe)  # the rows of one full batch: their order does not matter
    tol = checks.float32_tolerance(1000)
    checks.assert_close("training loss of the only step", report["train_loss"][0], float(loss), rtol=tol)
    assert report["train_accuracy"][0] == pytest.approx(accuracy)
    checks.assert_close("update ratios", np.array(report["update_ratios"]), np.array(ratios), atol=1e-3)
    for kernel, expected in zip(recipes.dense_kernels(trained), after, strict=True):
        checks.assert_close("kernel after one SGD step", kernel.numpy(), expected, atol=tol)


def test_l2_penalty_is_part_of_the_training_loss():
    _, plain = recipes.train_recipe({**TINY, "epochs": 1})
    _, penalised = recipes.train_recipe({**TINY, "epochs": 1, "l2": 1.0})
    assert penalised["train_loss"][0] > plain["train_loss"][0] + 1.0


# --- the rules of a fix -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, changes, error",
    [
        ("dying_relu", {"learning_rate": 0.1}, None),
        ("exploding_gradients", {"init_std": None, "initializer": "he_normal"}, None),
        ("overfitting", {"epochs": 3}, None),
        ("exploding_gradients", {"init_std": None}, None),
        ("dying_relu", {**recipes.BROKEN_RECIPES["dying_relu"], "learning_rate": 0.1}, None),  # a full copy
        ("dying_relu", {"learning_rate": 2.0}, "changes no hyperparameter: learning_rate is already 2.0$"),
        ("dying_relu", {}, "changes no hyperparameter: it is empty"),
        (
            "exploding_gradients",
            {"initializer": "he_normal"},
            "changes no hyperparameter: initializer is already 'he_normal' "
            "\\(init_std, when set, replaces initializer\\)",
        ),
        ("exploding_gradients", {"initializer": "glorot_normal"}, "set init_std to None to use an initializer"),
        ("vanishing_gradients", {"activation": "relu", "initializer": "he_normal"}, None),  # no init_std: no note
        ("dying_relu", None, "returned None for 'dying_relu': does it handle every name\\?"),
        ("dying_relu", [("learning_rate", 0.1)], "a fix is a dict"),
        ("dying_relu", {"lr": 0.1}, "unknown keys \\['lr'\\]"),
        ("dying_relu", {"activation": "leaky_relu"}, "does not name for dying_relu"),
        ("exploding_gradients", {"clipnorm": 1.0}, "does not name for exploding_gradients"),
        ("dying_relu", {"n_train": 500}, "cannot label more data"),
        ("dying_relu", {"seed": 3}, "lucky seed"),
        ("overfitting", {"dropout": 0.5, "l2": 1e-3, "width": 64}, "changes 3 hyperparameters"),
        ("vanishing_gradients", {"epochs": 30}, "does not name for vanishing_gradients"),
        ("overfitting", {"epochs": 99}, "over the budget"),
        ("healthy", {}, "unknown failure"),
    ],
)
def test_check_fix(name, changes, error):
    if error is None:
        recipe = recipes.check_fix(name, changes)
        assert recipe == {**recipes.BROKEN_RECIPES[name], **changes}
        assert recipe is not recipes.BROKEN_RECIPES[name]
    else:
        with pytest.raises(ValueError, match=error):
            recipes.check_fix(name, changes)


# --- slow: the lesson's claims about its recipes, over seeds ---------------------------------------------------------

SEEDS = (0, 1, 2)
MARGIN = 0.03
"""Every seed reaches the target, and the mean over the seeds passes it by this much."""
REMEDY_EXAMPLES = {
    "exploding_gradients": [{"init_std": None}],
    "dying_relu": [{"learning_rate": 0.1}],
    "vanishing_gradients": [
        {"activation": "relu", "initializer": "he_normal"},
        {"residual": True},
        {"batch_norm": True},
    ],
    "learning_rate_too_low": [{"learning_rate": 0.1}, {"optimizer": "adam"}],
    "overfitting": [{"dropout": 0.5}, {"l2": 1e-3}, {"epochs": 5}, {"width": 32}],
}
"""One example of every remedy the lesson's table lists, per failure."""


def test_every_remedy_key_has_an_example():
    for name, examples in REMEDY_EXAMPLES.items():
        used = set().union(*(set(e) for e in examples))
        missing = recipes.REMEDIES[name] - used - {"initializer"}  # the initializer comes with an activation
        assert not missing, f"{name}: no example uses {missing}"
        for changes in examples:
            recipes.check_fix(name, changes)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, changes", [(n, c) for n, examples in REMEDY_EXAMPLES.items() for c in examples], ids=str
)
def test_every_remedy_in_the_table_reaches_the_target_with_a_margin(name, changes):
    accuracies = []
    for seed in SEEDS:
        _, report = recipes.train_recipe({**recipes.check_fix(name, changes), "seed": seed})
        accuracies.append(round(report["val_accuracy"][-1], 3))
    assert min(accuracies) >= recipes.TARGET_ACCURACY, (name, changes, accuracies)
    assert np.mean(accuracies) >= recipes.TARGET_ACCURACY + MARGIN, (name, changes, accuracies)


def test_check_fix_merges_into_the_broken_recipes_as_defined_and_refuses_an_edited_dict():
    recipe = recipes.BROKEN_RECIPES["dying_relu"]
    saved = dict(recipe)
    recipe.update(learning_rate=0.1)  # a fix written into BROKEN_RECIPES, then returned as a copy
    try:
        with pytest.raises(ValueError, match="BROKEN_RECIPES was modified \\(\\['dying_relu'\\].*restart the kernel"):
            recipes.check_fix("dying_relu", dict(recipe))
        with pytest.raises(ValueError, match="BROKEN_RECIPES was modified"):
            recipes.check_fix("overfitting", {"dropout": 0.5})  # every fix, until the kernel restarts
    finally:
        recipe.clear()
        recipe.update(saved)
    assert recipes.check_fix("dying_relu", {"learning_rate": 0.1})["learning_rate"] == 0.1


def test_init_std_zero_means_all_zero_kernels_not_the_initializer():
    model = recipes.build_model({"depth": 1, "width": 8, "init_std": 0.0})
    assert all(float(np.max(np.abs(k))) == 0.0 for k in recipes.dense_kernels(model))


def test_fewer_epochs_retrace_the_first_epochs_of_the_longer_run():
    """Lesson 12 §5: a fix that only lowers `epochs` draws the same line as the broken run, up to where it stops."""
    _, short = recipes.train_recipe({**TINY, "epochs": 2})
    _, long = recipes.train_recipe({**TINY, "epochs": 3})
    for key in ["train_loss", "val_loss", "train_accuracy", "val_accuracy"]:
        assert long[key][:2] == short[key], key


# --- saved runs: the grader trains lesson 12's broken recipes once, not once per submission -----------------------


def test_a_saved_run_is_the_run_and_is_used_only_for_its_own_recipe(tmp_path):
    [path] = recipes.save_runs(tmp_path, [TINY])
    model, report = recipes.train_recipe(TINY)
    recipes.use_saved_runs(tmp_path)
    try:
        saved_model, saved_report = recipes.train_recipe(TINY)
        assert saved_report == report
        assert [w.shape for w in saved_model.weights] == [w.shape for w in model.weights]
        for got, want in zip(saved_model.get_weights(), model.get_weights(), strict=True):
            np.testing.assert_array_equal(got, want)
        # the file is what comes back, nothing is trained: a doctored report is returned as it is
        with np.load(path) as saved:
            arrays = dict(saved)
        arrays["report"] = np.array(json.dumps({**report, "dead_fraction": 0.123}))
        np.savez(path, **arrays)
        assert recipes.train_recipe(TINY)[1]["dead_fraction"] == 0.123
        assert recipes.train_recipe({**TINY, "seed": 1})[1]["dead_fraction"] != 0.123, "another recipe trains"
        split = recipes.noisy_digits()
        other = data.Split(split.x_train, split.y_train[::-1], split.x_val, split.y_val)
        assert recipes.run_key(TINY, other) != recipes.run_key(TINY, split), "other data, another run"
        assert recipes.save_runs(tmp_path, [TINY]) == [], "a saved run is kept, not trained again"
    finally:
        recipes.use_saved_runs(None)
    assert recipes.train_recipe(TINY)[1] == report, "without saved runs, training again"


def test_save_runs_saves_the_five_broken_recipes_by_default(tmp_path, monkeypatch):
    trained = []

    def train_quickly(recipe, split):  # the recipes themselves train in seconds: record them, train TINY
        trained.append(recipe)
        return recipes.build_model(TINY), {"val_accuracy": [0.5]}

    monkeypatch.setattr(recipes, "train_recipe", train_quickly)
    written = recipes.save_runs(tmp_path)
    assert trained == [recipes.complete(r) for r in recipes.BROKEN_RECIPES.values()]
    assert sorted(written) == sorted(tmp_path.glob("*.npz")) and len(written) == 5
    assert not list(tmp_path.glob(".*")), "no partial file is left behind"


def test_rebinding_the_saved_runs_folder_is_tampering():
    from backprop_lab.sandbox import harness

    integrity = harness.Integrity()
    before = recipes._saved_runs
    recipes._saved_runs = "/sandbox"  # a folder a submission could fill with runs of its own
    try:
        assert any("backprop_lab.recipes: _saved_runs" in p for p in integrity.problems({}))
    finally:
        recipes._saved_runs = before
    assert integrity.problems({}) == []
