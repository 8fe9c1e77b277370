"""Checks used by the lessons' test cells.

Every assertion here raises `AssertionError` with a message that names the
tensor, the expected and actual shapes or values, and the most likely mistake
(transposed, wrong sign, off by the batch size, kept an axis that should have
been summed). Nothing here prints to stderr, so a passing check never costs a
student points under nbgrader.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

GRADIENT_TOLERANCE = 1e-7
"""Largest relative error accepted by a float64 gradient check."""


def float32_tolerance(num_ops: int, *, dtype="float32", safety: float = 8.0) -> float:
    """Relative tolerance for comparing two computations done in `dtype`.

    Each floating-point operation rounds by at most half a unit in the last
    place (`eps / 2`); errors of `num_ops` chained operations add up to about
    `num_ops * eps` in the worst case. Two correct answers that round
    differently (constants cast early or late, another order of operations)
    can each be that far from the exact value, so the tolerance is
    `safety * num_ops * eps`: 8 * 10 * 1.19e-7 = 9.5e-6 for ten float32 ops.

    Args:
        num_ops: operations on the longest path from the inputs to the value.
        dtype: the dtype the values were computed in.
        safety: headroom for two answers rounding in opposite directions and
            for cancellation.

    Returns:
        The relative tolerance as a Python float.
    """
    if num_ops < 1:
        raise ValueError(f"num_ops must be at least 1, got {num_ops}")
    return float(safety * num_ops * np.finfo(dtype).eps)


def to_numpy(value, name: str | None = None) -> np.ndarray:
    """Converts a tensor, variable, list or scalar to a NumPy array.

    Args:
        value: what a student's function returned.
        name: what it is, for the message when it is None.

    Raises:
        AssertionError: `value` is None (a function without `return`).
    """
    if value is None:
        raise AssertionError(f"{name or 'the result'} returned None: did you forget `return`?")
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def relative_error(a, b) -> float:
    """Relative error between two arrays, as the curriculum defines it.

    `max|a - b| / max(1e-8, max|a| + max|b|)`: the largest absolute
    difference scaled by the size of the values, so it reads the same for
    tiny and for large gradients.

    Args:
        a: array-like.
        b: array-like of the same shape.

    Returns:
        The relative error as a Python float.
    """
    a = to_numpy(a).astype(np.float64)
    b = to_numpy(b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs equal shapes, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(1e-8, float(np.max(np.abs(a))) + float(np.max(np.abs(b))))
    return float(np.max(np.abs(a - b)) / scale)


def numerical_gradient(f: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """Gradient of a scalar function by central differences, in float64.

    Args:
        f: function of one array returning a scalar.
        x: point at which to differentiate; not modified.
        eps: step size.

    Returns:
        An array shaped like `x` with `(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`.
    """
    x = to_numpy(x).astype(np.float64).copy()
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + eps
        plus = float(to_numpy(f(x)))
        flat_x[i] = original - eps
        minus = float(to_numpy(f(x)))
        flat_x[i] = original
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def tape_gradient(f: Callable, x) -> np.ndarray:
    """Gradient of a scalar function with `tf.GradientTape`, in float64.

    Args:
        f: function of one float64 tensor returning a scalar tensor.
        x: point at which to differentiate.

    Returns:
        The gradient as a NumPy array shaped like `x`.
    """
    import tensorflow as tf

    x = tf.constant(to_numpy(x), dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x).numpy()


_ERROR_HINTS = [  # (a fragment of TensorFlow's or Python's message, what the student most likely did)
    (
        "but is a double tensor",
        "it mixes float32 and float64 tensors: tf.one_hot, tf.ones and tf.constant make float32 unless told "
        "otherwise; create every tensor in the dtype of the inputs (dtype=x.dtype) or tf.cast it",
    ),
    (
        "but is a float tensor",
        "it mixes float32 and float64 tensors: a tensor made in float32 (tf.cast(..., tf.float32), or "
        "keras.random.uniform, tf.ones, tf.constant without dtype=) meets float64 inputs; create every tensor "
        "in the dtype of the inputs (dtype=x.dtype) or tf.cast it",
    ),
    (
        "but is a bool tensor",
        "a bool tensor (a comparison such as z > 0) is used as a number; in TensorFlow dy * (z > 0) stays "
        "bool: tf.cast(z > 0, dy.dtype) first",
    ),
    (
        "attr 'T' of bool",
        "a bool tensor (a comparison such as z > 0) is used as a number; in TensorFlow dy * (z > 0) stays "
        "bool: tf.cast(z > 0, dy.dtype) first",
    ),
    (
        "got tf.bool !=",
        "a bool tensor (a comparison such as z > 0 or u >= rate) is used as a number; TensorFlow does not turn "
        "bool into 0 and 1 for you: tf.cast(mask, x.dtype) first",
    ),
    (
        "!= tf.bool",
        "a bool tensor (a comparison such as z > 0 or u >= rate) is used as a number; TensorFlow does not turn "
        "bool into 0 and 1 for you: tf.cast(mask, x.dtype) first",
    ),
    (
        "has no attribute 'numpy'",
        "a tensor inside tf.function is symbolic and has no .numpy(): use TensorFlow operations only and return "
        "the tensor itself (convert it outside the compiled step)",
    ),
    (
        "that does not match type float32",
        "it mixes float32 and float64 tensors: a tensor made in float64 (tf.float64, np.float64 constants) meets "
        "float32 weights; keep the dtype of the model's weights (tf.float32) or tf.cast it",
    ),
    (
        "that does not match type float64",
        "it mixes float32 and float64 tensors: a tensor made in float32 meets float64 inputs; create every tensor "
        "in the dtype of the inputs (dtype=x.dtype) or tf.cast it",
    ),
    (
        "'str' object is not callable",
        'a string is called as a function; a model compiled with loss="mse" keeps the string in model.loss: '
        "use model.compute_loss(x=x, y=y, y_pred=y_pred), which works whatever the model was compiled with",
    ),
    (
        "Attempt to convert a value (None)",
        "a None where a tensor belongs; tape.gradient returns None for a variable the loss does not depend on "
        "inside the tape: compute the forward pass and the loss inside `with tf.GradientTape() as tape:`",
    ),
    (
        "must have the same dtype, got tf.float",
        "it mixes float32 and float64 tensors: a TensorFlow operation on Python numbers alone "
        "(tf.sqrt(1 - beta_2 ** t) with a Python t, tf.constant(0.9)) makes float32, and TensorFlow never "
        "converts between float dtypes for you; tf.cast such values to the dtype of the inputs (tf.cast(v, x.dtype))",
    ),
    (
        "to EagerTensor of dtype int",
        "an integer tensor meets a float number: a TensorFlow operation on Python ints (tf.minimum(step, "
        "decay_steps), tf.constant(3)) makes an int32 tensor, and TensorFlow does not turn it into a float for "
        "you; tf.cast(step, tf.float32) first (or tf.float64)",
    ),
    ("has no attribute 'T'", "tensors have no .T: use tf.transpose(x), or tf.matmul(a, b, transpose_a=True)"),
    ("has no attribute 'mean'", "tensors have no .mean(): use tf.reduce_mean(x, axis=...)"),
    ("has no attribute 'sum'", "tensors have no .sum(): use tf.reduce_sum(x, axis=...)"),
    (
        "symbolic",
        "NumPy functions (np.dot, np.asarray, ...) and .numpy() cannot compute with the symbolic tensors "
        "of a tf.function: use TensorFlow operations",
    ),
    (
        "only available when eager execution is enabled",
        "NumPy functions (np.dot, np.asarray, ...) and .numpy() cannot compute with the symbolic tensors "
        "of a tf.function: use TensorFlow operations",
    ),
]


def call(name: str, fn: Callable, *args, compiled: bool = False):
    """Calls a student's `fn(*args)`, naming the likely mistake when it raises.

    Args:
        name: the function's name, used in the message.
        fn: the student's function.
        *args: its arguments.
        compiled: call it inside `tf.function`, as a compiled training step would
            (pass float32 tensors, like a training step's).

    Returns:
        Whatever `fn` returns.

    Raises:
        AssertionError: `fn` raised (a dtype clash, `.T` or `.mean()` on a tensor, NumPy
            or `.numpy()` on symbolic tensors, ...); the message names the error and the
            likely mistake. `NotImplementedError` (an unfinished exercise) passes through.
    """
    import tensorflow as tf

    try:
        return tf.function(fn)(*args) if compiled else fn(*args)
    except NotImplementedError as err:
        if not str(err).strip():  # the released stub: an unfinished exercise, reported as such by the grader
            raise
        return _raise_call_error(name, err, compiled)
    except Exception as err:  # whatever breaks in the student's code, they need to see what and why
        return _raise_call_error(name, err, compiled)


def _raise_call_error(name: str, err: Exception, compiled: bool):
    text = str(err).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first_line = (lines or [""])[0]
    if first_line.startswith("in user code"):  # tf.function: a traceback, then "SomeError: what happened"
        named = [line for line in lines if line.split(":")[0].endswith(("Error", "Exception"))]
        first_line = named[0].split(":", 1)[1].strip() if named else lines[-1]
    if first_line.startswith("Exception encountered when calling") and len(lines) > 1:  # a Keras layer's call
        first_line = lines[1].replace("\x1b[1m", "").replace("\x1b[0m", "")  # the error itself, without bold
    first_line = first_line[:300].rstrip(".")
    where = "inside tf.function on float32 tensors, as a compiled training step calls it" if compiled else ""
    hint = next((h for fragment, h in _ERROR_HINTS if fragment in text), None)
    if hint is None:
        hint = (
            "use TensorFlow operations (tf.matmul, tf.transpose, tf.reduce_sum) rather than NumPy functions, "
            ".numpy() or .T, and keep the dtype of the inputs"
            if compiled
            else "see the error above"
        )
    raise AssertionError(
        f"{name} fails{' ' + where if where else ''}: {type(err).__name__}: {first_line}. Likely: {hint}."
    ) from err


def assert_float32_matches(name: str, actual, expected, *, num_ops: int) -> None:
    """Asserts that a float32 result equals a float64 oracle up to float32 round-off.

    Args:
        name: the tensor's name, used in the message.
        actual: the result computed from float32 inputs; it must be float32 too.
        expected: the oracle, computed in float64 from the same (float32) inputs.
        num_ops: operations on the longest path from the inputs to the value; the
            tolerance on the relative error is `float32_tolerance(num_ops)`.

    Raises:
        AssertionError: the dtype is not float32 (a bool from `dy * (z > 0)`, a float64
            from a hard-coded dtype), or the values differ by more than the tolerance.
    """
    if actual is None:
        raise AssertionError(f"{name} is None: did the function forget to return it?")
    dtype = to_numpy(actual).dtype
    if dtype == np.bool_:
        raise AssertionError(
            f"{name} came back as bool for float32 inputs: in TensorFlow dy * (z > 0) stays bool; "
            "tf.cast(z > 0, dy.dtype) first"
        )
    if dtype != np.float32:
        raise AssertionError(
            f"{name} came back as {dtype} for float32 inputs: keep the dtype of the inputs "
            "(create tensors with dtype=x.dtype, do not hard-code float64)"
        )
    tol = float32_tolerance(num_ops)
    a, e = to_numpy(actual).astype(np.float64), to_numpy(expected).astype(np.float64)
    if a.shape != e.shape:
        raise AssertionError(_diagnose_shape(name, a, e))
    error = relative_error(a, e)
    if error > tol:
        detail = diagnose(name, a, e) or f"{name} differs from the float64 oracle"
        raise AssertionError(
            f"{detail} (float32 inputs: relative error {error:.3g} > {tol:.2g}, the round-off of {num_ops} operations)"
        )


def call_compiled(name: str, fn: Callable, *args):
    """Calls `fn(*args)` inside `tf.function`: `call(name, fn, *args, compiled=True)`."""
    return call(name, fn, *args, compiled=True)


def diagnose(name: str, actual, expected, batch_size: int | None = None) -> str:
    """Names the likely mistake when `actual` should equal `expected`.

    Args:
        name: the tensor's name, used in the message.
        actual: what the student's code produced.
        expected: the reference value.
        batch_size: number of rows in the batch, to recognise a missing or
            extra `1 / N`.

    Returns:
        A sentence describing the mismatch, or an empty string if the values agree.
    """
    actual = to_numpy(actual).astype(np.float64)
    expected = to_numpy(expected).astype(np.float64)
    if actual.shape != expected.shape:
        return _diagnose_shape(name, actual, expected)
    if not np.all(np.isfinite(actual)):
        return f"{name} contains NaN or inf; check for a division by zero or an overflow."
    if np.allclose(actual, expected, rtol=1e-5, atol=1e-7):
        return ""
    if np.allclose(actual, -expected, rtol=1e-5, atol=1e-7):
        return f"{name} has the wrong sign: every entry is the negative of the expected value."
    ratio = _constant_ratio(actual, expected)
    if ratio is not None:
        hint = f"{name} is off by a constant factor: it is {ratio:.4g} times the expected value."
        if batch_size and np.isclose(ratio, batch_size, rtol=1e-4):
            hint += f" That is the batch size ({batch_size}): divide by N (a mean, not a sum)."
        elif batch_size and np.isclose(ratio * batch_size, 1.0, rtol=1e-4):
            hint += (
                f" That is 1/batch size ({batch_size}): a mean over the batch where a sum belongs,"
                " or the 1/N is applied twice."
            )
        return hint
    if actual.size == 1:  # one number: say what it is; "the largest difference at index ()" says nothing
        return (
            f"{name} is {actual.item():.6g} but should be {expected.item():.6g} "
            f"(relative error {relative_error(actual, expected):.3g})."
        )
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1]:
        if np.allclose(actual, expected.T, rtol=1e-5, atol=1e-7):
            return f"{name} is transposed: it equals the transpose of the expected value."
    worst = np.unravel_index(np.argmax(np.abs(actual - expected)), actual.shape)
    return (
        f"{name} differs from the expected value (relative error "
        f"{relative_error(actual, expected):.3g}); the largest difference is at index "
        f"{tuple(int(i) for i in worst)}: got {actual[worst]:.6g}, expected {expected[worst]:.6g}."
    )


def _diagnose_shape(name: str, actual: np.ndarray, expected: np.ndarray) -> str:
    message = f"{name} has shape {actual.shape} but should have shape {expected.shape}"
    if actual.shape == expected.shape[::-1] and actual.ndim == 2:
        return message + ": it looks transposed (check the order of the matrix product)."
    if expected.ndim == 1 and actual.shape == (1, expected.shape[0]):  # before the batch-axis case: (1, D)
        return message + ": the sum kept the reduced axis (keepdims=True); use keepdims=False (or reshape)."
    if actual.ndim == expected.ndim + 1 and actual.shape[1:] == expected.shape:
        return (
            message + ": it still has the batch axis; sum (or average) over axis 0 "
            "where a broadcast was applied in the forward pass."
        )
    if actual.ndim == expected.ndim + 1 and actual.shape[:-1] == expected.shape:
        return message + ": it has an extra last axis; reduce over the last axis."
    if actual.size == 1 and expected.size != 1:
        return message + ": it was reduced to a single number; keep one value per entry."
    return message + "."


def _constant_ratio(actual: np.ndarray, expected: np.ndarray) -> float | None:
    mask = np.abs(expected) > 1e-12
    if not mask.any() or np.any(np.abs(actual[~mask]) > 1e-9):
        return None
    ratios = actual[mask] / expected[mask]
    # A ratio near 1 is a small error, not a factor; one number is trivially "a constant factor"
    # of another, so a single value needs a clearly different size (10%) before it is called one.
    min_gap = 0.1 if ratios.size == 1 else 1e-2
    if abs(ratios[0] - 1.0) < min_gap:
        return None
    if np.allclose(ratios, ratios[0], rtol=1e-4, atol=0) and not np.isclose(ratios[0], 1.0):
        return float(ratios[0])
    return None


def assert_shape(name: str, actual, expected_shape) -> None:
    """Asserts that `actual` has `expected_shape`, naming the likely mistake if not."""
    actual_shape = tuple(to_numpy(actual, name).shape)
    expected_shape = tuple(expected_shape)
    if actual_shape != expected_shape:
        message = _diagnose_shape(name, np.zeros(actual_shape), np.zeros(expected_shape))
        raise AssertionError(message)


def assert_close(
    name: str,
    actual,
    expected,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    batch_size: int | None = None,
) -> None:
    """Asserts that `actual` equals `expected` within a tolerance.

    Args:
        name: the tensor's name, used in the message.
        actual: what the student's code produced.
        expected: the reference value.
        rtol: relative tolerance (as in `np.allclose`).
        atol: absolute tolerance.
        batch_size: rows in the batch, to recognise a missing `1 / N`.

    Raises:
        AssertionError: with the shape, the values and the likely mistake.
    """
    if actual is None:
        raise AssertionError(f"{name} is None: did the function forget to return it?")
    a = to_numpy(actual).astype(np.float64)
    e = to_numpy(expected).astype(np.float64)
    if a.shape == e.shape and np.allclose(a, e, rtol=rtol, atol=atol):
        return
    detail = diagnose(name, a, e, batch_size=batch_size)
    if not detail:
        detail = (
            f"{name} is close but not within tolerance (rtol={rtol:g}, atol={atol:g}): "
            f"relative error {relative_error(a, e):.3g}."
        )
    raise AssertionError(detail)


def assert_gradients_match(
    name: str, actual, expected, *, tol: float = GRADIENT_TOLERANCE, batch_size: int | None = None
) -> None:
    """Asserts that two gradients agree to a relative error below `tol`.

    Use float64 values: float32 round-off alone is about 1e-7.

    Args:
        name: the gradient's name, used in the message.
        actual: the gradient under test.
        expected: the reference gradient (tape or finite differences).
        tol: largest accepted `relative_error`.
        batch_size: rows in the batch, to recognise a missing `1 / N`.
    """
    if actual is None:
        raise AssertionError(f"{name} is None: did the function forget to return it?")
    a = to_numpy(actual).astype(np.float64)
    e = to_numpy(expected).astype(np.float64)
    if a.shape != e.shape:
        raise AssertionError(_diagnose_shape(name, a, e))
    error = relative_error(a, e)
    if error > tol:
        detail = diagnose(name, a, e, batch_size=batch_size)
        if not detail:  # within diagnose's rtol 1e-5: float32 round-off, not a wrong formula
            detail = (
                f"{name} is close to the expected value but not within the tolerance of a float64 gradient check: "
                "was it computed in float32 (tf.constant(..., tf.float32), a cast, float32 weights)? "
                "The check needs float64 throughout."
            )
        stated = f"(relative error {error:.3g})"  # diagnose's own mention: state the error once
        if stated in detail:
            raise AssertionError(detail.replace(stated, f"(relative error {error:.3g} > {tol:g})", 1))
        raise AssertionError(f"{detail} (relative error {error:.3g} > {tol:g})")


def gradient_check(f: Callable, x, analytic_grad, *, eps: float = 1e-6, tol: float = 1e-6) -> float:
    """Compares an analytic gradient with central differences in float64.

    Args:
        f: scalar function of one array.
        x: point at which to check.
        analytic_grad: the gradient to check, shaped like `x`.
        eps: finite-difference step.
        tol: largest accepted relative error (finite differences are
            accurate to about `eps**2`, so 1e-6 is a safe default).

    Returns:
        The relative error.

    Raises:
        AssertionError: the gradients disagree.
    """
    numeric = numerical_gradient(f, x, eps=eps)
    assert_gradients_match("gradient", analytic_grad, numeric, tol=tol)
    return relative_error(analytic_grad, numeric)
