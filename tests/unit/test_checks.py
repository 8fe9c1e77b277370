import keras
import numpy as np
import pytest
import tensorflow as tf

from backprop_lab import checks


def test_relative_error_definition():
    a, b = np.array([1.0, -2.0, 3.0]), np.array([1.0, -2.0, 3.1])
    assert checks.relative_error(a, a) == 0.0
    assert checks.relative_error(a, b) == pytest.approx(0.1 / (3.0 + 3.1))
    assert checks.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert checks.relative_error(1000 * a, 1000 * b) == pytest.approx(checks.relative_error(a, b))


def test_relative_error_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="equal shapes"):
        checks.relative_error(np.zeros(3), np.zeros(4))


def test_numerical_gradient_matches_tape():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))

    def f(v):
        return tf.reduce_sum(tf.sin(v) * v**2)

    numeric = checks.numerical_gradient(lambda v: f(tf.constant(v)), x)
    taped = checks.tape_gradient(f, x)
    assert checks.relative_error(numeric, taped) < 1e-8


def test_numerical_gradient_leaves_input_unchanged():
    x = np.array([1.0, 2.0])
    checks.numerical_gradient(lambda v: np.sum(v**2), x)
    assert np.array_equal(x, [1.0, 2.0])


def test_gradient_check_passes_and_fails():
    x = np.array([0.3, -1.2, 2.0])
    assert checks.gradient_check(lambda v: np.sum(v**3), x, 3 * x**2) < 1e-8
    with pytest.raises(AssertionError, match="off by a constant factor"):
        checks.gradient_check(lambda v: np.sum(v**3), x, 6 * x**2)


@pytest.mark.parametrize(
    "actual, expected, kwargs, pattern",
    [
        (np.ones((3, 4)), np.ones((4, 3)), {}, "transposed"),
        (-np.arange(1.0, 5.0), np.arange(1.0, 5.0), {}, "wrong sign"),
        (8 * np.arange(1.0, 5.0), np.arange(1.0, 5.0), {"batch_size": 8}, "batch size"),
        (np.arange(1.0, 5.0) / 8, np.arange(1.0, 5.0), {"batch_size": 8}, "1/N is applied twice"),
        (np.ones((5, 3)), np.ones(3), {}, "sum \\(or average\\) over axis 0"),
        (np.array([1.0, np.nan]), np.array([1.0, 2.0]), {}, "NaN or inf"),
        (np.array([[1.0, 2.0], [3.0, 4.0]]).T, np.array([[1.0, 2.0], [3.0, 4.0]]), {}, "transposed"),
    ],
)
def test_assert_close_names_the_likely_mistake(actual, expected, kwargs, pattern):
    with pytest.raises(AssertionError, match=pattern) as info:
        checks.assert_close("dW", actual, expected, **kwargs)
    assert "dW" in str(info.value)


def test_assert_close_accepts_tensors_and_tolerance():
    checks.assert_close("y", tf.constant([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7]))


def test_assert_close_reports_none():
    with pytest.raises(AssertionError, match="forget to return"):
        checks.assert_close("db", None, np.zeros(2))


def test_assert_shape_message():
    with pytest.raises(AssertionError, match=r"dx has shape \(2, 3\) but should have shape \(3, 2\)"):
        checks.assert_shape("dx", np.zeros((2, 3)), (3, 2))
    checks.assert_shape("dx", np.zeros((3, 2)), (3, 2))


def test_assert_gradients_match_uses_relative_error():
    a = np.array([1.0, 2.0, 3.0])
    checks.assert_gradients_match("g", a, a * (1 + 1e-9))
    with pytest.raises(AssertionError, match="relative error"):
        checks.assert_gradients_match("g", a, a + np.array([0.0, 0.0, 1e-3]))


def test_float32_tolerance_follows_the_dtype_and_the_operation_count():
    from backprop_lab.checks import float32_tolerance

    eps32 = np.finfo(np.float32).eps
    assert float32_tolerance(1) == pytest.approx(8 * eps32)
    assert float32_tolerance(10) == pytest.approx(10 * float32_tolerance(1))
    assert float32_tolerance(10, dtype="float64") < 1e-13
    # an Adam moment computed with constants cast early or late differs by a few ulps: accepted
    grad = np.float32(0.3)
    late = np.float32(0.9) * np.float32(0.2) + (np.float32(1) - np.float32(0.9)) * grad
    early = np.float32(np.float64(0.9) * 0.2 + np.float64(0.1) * np.float64(grad))
    assert abs(late - early) <= float32_tolerance(4) * abs(early)
    with pytest.raises(ValueError, match="num_ops"):
        float32_tolerance(0)


@pytest.mark.parametrize(
    "actual, expected",
    [(np.float64(1.001), np.float64(1.0)), (np.array([1.001, 2.002, 3.003]), np.array([1.0, 2.0, 3.0]))],
)
def test_a_ratio_near_one_is_not_called_a_constant_factor(actual, expected):
    message = checks.diagnose("loss", actual, expected)
    assert message and "constant factor" not in message
    assert "relative error" in message


def test_a_scalar_mismatch_names_both_values():
    message = checks.diagnose("loss", np.float64(1.45), np.float64(1.5))
    assert "loss is 1.45 but should be 1.5" in message
    assert "constant factor" not in message


def test_a_clear_factor_is_still_named_for_scalars_and_arrays():
    assert "8 times" in checks.diagnose("loss", np.float64(8.0), np.float64(1.0), batch_size=8)
    assert "1/batch size" in checks.diagnose("db", np.arange(1.0, 4.0) / 5, np.arange(1.0, 4.0), batch_size=5)
    assert "a mean over the batch where a sum belongs" in checks.diagnose(
        "db", np.arange(1.0, 4.0) / 5, np.arange(1.0, 4.0), batch_size=5
    )


def test_call_compiled_runs_tensorflow_code_and_names_numpy_code():
    x = tf.constant([[1.0, -2.0]], tf.float32)
    out = checks.call_compiled("double", lambda v: 2 * v, x)
    assert out.dtype == tf.float32 and np.allclose(out.numpy(), [[2.0, -4.0]])
    with pytest.raises(AssertionError, match="np_sum fails inside tf.function on float32 tensors") as info:
        checks.call_compiled("np_sum", lambda v: np.sum(np.asarray(v)), x)
    assert "NumPy functions" in str(info.value)
    with pytest.raises(AssertionError, match="has no attribute 'T'") as info:
        checks.call_compiled("transpose", lambda v: v.T, x)
    assert "in user code" not in str(info.value)


def test_call_names_common_tensor_mistakes_and_lets_an_unfinished_stub_through():
    dy, z = tf.constant([1.0, 2.0], tf.float64), tf.constant([1.0, -1.0], tf.float64)
    with pytest.raises(AssertionError, match="dense_backward fails: .*a bool tensor .* is used as a number"):
        checks.call("dense_backward", lambda dy, z: tf.matmul(dy[None, :], tf.transpose((z > 0)[None, :])), dy, z)
    with pytest.raises(AssertionError, match="mixes float32 and float64"):
        checks.call("softmax", lambda v: v - tf.one_hot([0, 1], 2), dy)
    with pytest.raises(AssertionError, match="tensors have no .T"):
        checks.call("dense_backward", lambda v: v.T, tf.constant([[1.0]]))
    # a bool mask multiplied in without a cast, and a float32 mask meeting float64 inputs
    with pytest.raises(AssertionError, match=r"got tf.bool != tf.float32\. Likely: a bool tensor .* tf.cast\(mask"):
        checks.call("dropout", lambda v: v * (v > 0) / 0.5, dy)
    with pytest.raises(AssertionError, match=r"mixes float32 and float64 tensors: a tensor made in float32"):
        checks.call("dropout", lambda v: v * tf.cast(v > 0, tf.float32), dy)
    with pytest.raises(AssertionError, match=r"not callable\. Likely: a string is called as a function"):
        checks.call("clipped_train_step", lambda loss: loss(dy, dy), "mse")
    with pytest.raises(AssertionError, match=r"Likely: a None where a tensor belongs; tape.gradient returns None"):
        checks.call("clipped_train_step", lambda grads: [tf.convert_to_tensor(g) for g in grads], [None])

    class BoolMask(keras.layers.Layer):
        def call(self, inputs):
            return inputs * (inputs > 0) / 0.5

    with pytest.raises(AssertionError, match=r"Dropout\(0.5\)\(x\) fails: TypeError: `x` and `y` must have the same"):
        checks.call("Dropout(0.5)(x)", BoolMask(), tf.constant([1.0, -1.0]))

    def stub(v):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.call("stub", stub, dy)
    assert checks.call("double", lambda v: 2 * v, dy).numpy().tolist() == [2.0, 4.0]


def test_assert_float32_matches_checks_dtype_and_derives_its_tolerance():
    want = np.array([1.0, 2.0, 3.0])
    checks.assert_float32_matches("y", tf.constant(want * (1 + 1e-6), tf.float32), want, num_ops=3)
    with pytest.raises(AssertionError, match="relative error .* > 2.9e-06"):
        checks.assert_float32_matches("y", tf.constant(want * (1 + 1e-4), tf.float32), want, num_ops=3)
    with pytest.raises(AssertionError, match="came back as bool"):
        checks.assert_float32_matches("dz", tf.constant([True, False]), want[:2], num_ops=1)
    with pytest.raises(AssertionError, match="came back as float64"):
        checks.assert_float32_matches("y", want, want, num_ops=1)


def test_a_function_without_return_is_named():
    with pytest.raises(AssertionError, match=r"he_normal\(3, 5\) returned None: did you forget `return`\?"):
        checks.to_numpy(None, "he_normal(3, 5)")
    with pytest.raises(AssertionError, match="the result returned None"):
        checks.to_numpy(None)
    with pytest.raises(AssertionError, match=r"l2_penalty\(model, 0.01\) returned None"):
        checks.assert_shape("l2_penalty(model, 0.01)", None, ())
    assert checks.to_numpy(tf.constant([1.0])).tolist() == [1.0]


def test_call_compiled_names_numpy_on_a_symbolic_tensor_and_a_float64_constant():
    x = tf.constant([1.0, 2.0], tf.float32)
    with pytest.raises(AssertionError, match=r"has no attribute 'numpy'\. Likely: .* return the tensor itself"):
        checks.call_compiled("step", lambda v: tf.reduce_sum(v).numpy(), x)
    with pytest.raises(AssertionError, match="mixes float32 and float64 tensors: a tensor made in float64"):
        checks.call_compiled("step", lambda v: v + tf.constant(1.0, tf.float64), x)


def test_a_gradient_close_but_outside_the_float64_tolerance_is_named_and_suspects_float32():
    a = np.array([1.0, 2.0, 3.0])
    with pytest.raises(AssertionError) as info:
        checks.assert_gradients_match("dgamma", a * (1 + 1e-6), a)
    message = str(info.value)
    assert message.startswith("dgamma is close to the expected value")
    assert "float32" in message and "float64" in message
    assert message.count("relative error") == 1 and "> 1e-07" in message


def test_a_gradient_message_states_the_relative_error_once():
    a = np.array([1.0, 2.0, 3.0])
    with pytest.raises(AssertionError) as info:
        checks.assert_gradients_match("dx", np.array([1.0, 2.5, 3.0]), a)
    message = str(info.value)
    assert message.startswith("dx differs from the expected value")
    assert message.count("relative error") == 1 and "> 1e-07" in message


def test_a_sum_with_keepdims_is_named_before_the_batch_axis():
    with pytest.raises(AssertionError, match=r"dgamma has shape \(1, 3\) .*keepdims=False"):
        checks.assert_gradients_match("dgamma", np.ones((1, 3)), np.ones(3))
    with pytest.raises(AssertionError, match="keepdims=False"):
        checks.assert_shape("dgamma", np.ones((1, 3)), (3,))
    with pytest.raises(AssertionError, match="still has the batch axis"):
        checks.assert_shape("dgamma", np.ones((5, 3)), (3,))


def test_call_names_python_numbers_made_float32_and_an_int_tensor_meeting_a_float():
    param = np.ones(3)  # float64, as lesson 07's first checks pass it

    def adam_lr_t(p, t):  # a Python t: tf.sqrt makes float32, which then meets the float64 parameter
        return p - tf.sqrt(1 - 0.999**t) / tf.sqrt(p)

    with pytest.raises(AssertionError, match=r"got tf.float32 != tf.float64\. Likely: .*Python numbers alone"):
        checks.call("adam_update", adam_lr_t, param, 1)
    with pytest.raises(AssertionError, match=r"EagerTensor of dtype int32\. Likely: an integer tensor meets a float"):
        checks.call("cosine_decay", lambda step: tf.cos(np.pi * tf.minimum(step, 100) / 100), 3)
