"""Every graded name of the curriculum (../shared/CURRICULUM.md) has a solution cell."""

import json

import pytest
from conftest import ROOT

from backprop_lab.course import Course

CURRICULUM = {
    "01_manual_backprop": [
        "dense_forward",
        "dense_backward",
        "relu_backward",
        "softmax_cross_entropy",
        "mlp_loss_and_grads",
        "numerical_gradient",
        "relative_error",
        "tape_loss_and_grads",
        "sgd_step",
    ],
    "02_activations": [
        "leaky_relu",
        "leaky_relu_grad",
        "derivative_with_tape",
        "build_deep_mlp",
        "layer_gradient_norms",
        "dead_relu_fraction",
    ],
    "03_weight_initialization": [
        "zeros_init",
        "glorot_uniform",
        "he_normal",
        "activation_stds",
        "units_are_symmetric",
    ],
    "04_batch_normalization": ["batchnorm_forward", "batchnorm_backward", "BatchNorm"],
    "05_regularization": ["l2_penalty", "l1_penalty", "regularized_train_step"],
    "06_dropout": ["dropout", "Dropout"],
    "07_learning_rate_schedules": ["step_decay", "exponential_decay", "cosine_decay", "adam_update"],
    "08_gradient_clipping": ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "clipped_train_step"],
    "09_early_stopping": ["EarlyStopper", "EarlyStoppingCallback"],
    "10_mini_batch_training": ["iterate_minibatches", "make_dataset", "train_epoch", "gradient_variance"],
    "11_monitoring_visualization": [
        "GradientNormLogger",
        "plot_learning_curves",
        "activation_histograms",
        "feature_maps",
        "write_tensorboard_logs",
    ],
    "12_diagnose_and_fix": ["diagnose", "fixed_recipe"],
}

PRESENT = [lesson for lesson in CURRICULUM if Course(ROOT).solution_path(lesson).is_file()]


def test_lesson_ids_follow_the_curriculum():
    unknown = set(Course(ROOT).lesson_ids()) - set(CURRICULUM)
    assert not unknown, f"lessons not in the curriculum: {sorted(unknown)}"
    assert "01_manual_backprop" in PRESENT


@pytest.mark.parametrize("lesson_id", PRESENT)
def test_every_graded_name_is_defined_in_a_solution_cell(lesson_id):
    notebook = json.loads(Course(ROOT).solution_path(lesson_id).read_text())
    solution_ids = {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in notebook["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    for name in CURRICULUM[lesson_id]:
        assert name in solution_ids, f"{lesson_id} has no solution cell {name!r}"
        source = next(
            "".join(c["source"]) for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == name
        )
        assert f"def {name}(" in source or f"class {name}(" in source or f"class {name}:" in source
