"""Known-wrong and alternative-correct submissions of lesson 08.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points. The reference
clipped_train_step calls clip_by_global_norm, so a wrong clip_by_global_norm
also fails test_clipped_train_step. Mutations of independent exercises share a
scenario to keep the suite fast.
"""

VALUE_PREFIX = "def clip_by_value(grads, clip_value):\n"
NORM_PREFIX = "def clip_by_norm(grad, max_norm):\n"
GLOBAL_PREFIX = "def clip_by_global_norm(grads, max_norm):\n"
STEP_PREFIX = "def clipped_train_step(model, optimizer, x, y, max_norm):\n"

VARIANTS = {
    # --- clip_by_value + clip_by_norm + clipped_train_step -------------------------
    "value-clips-only-above+norm-always-rescales+step-forgets-to-clip": {
        "cells": {
            "clip_by_value": VALUE_PREFIX + "    return [tf.minimum(g, clip_value) for g in grads]\n",
            # normalises every gradient to max_norm, even short ones
            "clip_by_norm": NORM_PREFIX + "    grad = tf.convert_to_tensor(grad)\n"
            "    return grad * max_norm / tf.norm(grad)\n",
            # measures the norm but applies the raw gradients
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    _, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
            "    return loss, global_norm\n",
        },
        "failing": ["test_clip_by_value", "test_clip_by_norm", "test_clipped_train_step"],
        "messages": {"test_clipped_train_step": "did you apply the clipped gradients?"},
    },
    "value-clips-to-zero-floor+norm-per-row+step-hardcodes-mse": {
        "cells": {
            "clip_by_value": VALUE_PREFIX + "    return [tf.clip_by_value(g, 0.0, clip_value) for g in grads]\n",
            # norm of each row instead of the whole tensor
            "clip_by_norm": NORM_PREFIX + "    grad = tf.convert_to_tensor(grad)\n"
            "    norm = tf.norm(grad, axis=-1, keepdims=True)\n"
            "    return grad * max_norm / tf.maximum(norm, max_norm)\n",
            # ignores the compiled loss
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = keras.losses.MeanSquaredError()(y, model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return loss, global_norm\n",
        },
        "failing": ["test_clip_by_value", "test_clip_by_norm", "test_clipped_train_step"],
    },
    "norm-nan-for-zero-gradient+step-returns-loss-after-update": {
        "cells": {
            # normalise, then rescale: 0 / 0 for an all-zero gradient
            "clip_by_norm": NORM_PREFIX + "    grad = tf.convert_to_tensor(grad)\n"
            "    norm = tf.norm(grad)\n"
            "    return grad / norm * tf.minimum(norm, tf.cast(max_norm, grad.dtype))\n",
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return model.compute_loss(x=x, y=y, y_pred=model(x)), global_norm\n",
        },
        "failing": ["test_clip_by_norm", "test_clipped_train_step"],
        "messages": {"test_clip_by_norm": "clip_by_norm of an all-zero gradient contains NaN"},
    },
    # --- clipped_train_step ----------------------------------------------------------
    "step-clips-each-tensor-by-its-norm": {
        "cells": {
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    global_norm = tf.linalg.global_norm(grads)\n"
            "    clipped = [clip_by_norm(g, max_norm) for g in grads]\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return loss, global_norm\n",
        },
        "failing": ["test_clipped_train_step"],
        "messages": {"test_clipped_train_step": "global clipping scales every tensor by the same factor"},
    },
    "step-calls-model-loss": {
        # fine with a loss object, a TypeError with a model compiled with loss="mse"
        "cells": {
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = model.loss(y, model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return loss, global_norm\n",
        },
        "failing": ["test_clipped_train_step"],
        "messages": {"test_clipped_train_step": "a string is called as a function"},
    },
    "step-returns-python-floats": {
        # fine eagerly, but float(...) fails inside the experiment's tf.function
        "cells": {
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return float(loss.numpy()), float(global_norm)\n",
        },
        "failing": ["test_clipped_train_step"],
        "messages": {"test_clipped_train_step": "returned the loss as a Python float"},
    },
    "step-loss-outside-the-tape": {
        "cells": {
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        y_pred = model(x, training=True)\n"
            "    loss = model.compute_loss(x=x, y=y, y_pred=y_pred)  # outside the tape: not recorded\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, max_norm)\n"
            "    optimizer.apply_gradients(zip(clipped, model.trainable_variables))\n"
            "    return loss, global_norm\n",
        },
        "failing": ["test_clipped_train_step"],
        "messages": {"test_clipped_train_step": "a None where a tensor belongs"},
    },
    # --- clip_by_global_norm (cascades into test_clipped_train_step) ---------------
    "global-returns-only-the-list": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    global_norm = tf.linalg.global_norm(grads)\n"
            "    scale = max_norm / tf.maximum(global_norm, max_norm)\n"
            "    scale = tf.where(tf.math.is_finite(global_norm), scale, tf.constant(np.nan, global_norm.dtype))\n"
            "    return [g * scale for g in grads]\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
        "messages": {"test_clip_by_global_norm": "(only the clipped list?): return (clipped_list, global_norm)"},
    },
    "global-returns-norm-first": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    global_norm = tf.linalg.global_norm(grads)\n"
            "    scale = max_norm / tf.maximum(global_norm, max_norm)\n"
            "    scale = tf.where(tf.math.is_finite(global_norm), scale, tf.constant(np.nan, global_norm.dtype))\n"
            "    return global_norm, [g * scale for g in grads]\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
        "messages": {
            "test_clip_by_global_norm": "returned (global_norm, clipped_list): return (clipped_list, global_norm)"
        },
    },
    "global-in-numpy-float64": {
        # right values for float64 arrays, but NumPy cannot run on the symbolic tensors of a tf.function
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    arrays = [np.asarray(g, dtype=np.float64) for g in grads]\n"
            "    global_norm = np.sqrt(sum(np.sum(a * a) for a in arrays))\n"
            "    scale = max_norm / max(global_norm, max_norm) if np.isfinite(global_norm) else np.nan\n"
            "    return [a * scale for a in arrays], global_norm\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
        "messages": {"test_clip_by_global_norm": "fails inside tf.function on float32 tensors"},
    },
    "global-clips-each-tensor-separately": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    global_norm = tf.linalg.global_norm(grads)\n"
            "    return [tf.clip_by_norm(g, max_norm) for g in grads], global_norm\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
        "messages": {"test_clip_by_global_norm": "that is per-tensor clipping"},
    },
    "global-returns-norm-after-clipping": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX
            + "    clipped, _ = tf.clip_by_global_norm([tf.convert_to_tensor(g) for g in grads], max_norm)\n"
            "    return clipped, tf.linalg.global_norm(clipped)\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
    },
    "global-norm-is-sum-of-norms": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    global_norm = tf.add_n([tf.norm(g) for g in grads])\n"
            "    scale = max_norm / tf.maximum(global_norm, max_norm)\n"
            "    return [g * scale for g in grads], global_norm\n",
        },
        "failing": ["test_clip_by_global_norm", "test_clipped_train_step"],
    },
    "global-hides-overflow-with-zero-update": {
        "cells": {
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    global_norm = tf.sqrt(tf.add_n([tf.reduce_sum(g ** 2) for g in grads]))\n"
            "    scale = tf.minimum(1.0, max_norm / global_norm)\n"
            "    return [g * tf.cast(scale, g.dtype) for g in grads], global_norm\n",
        },
        "failing": ["test_clip_by_global_norm"],
    },
    # --- arguments and return values ----------------------------------------------
    "value-returns-flat-tensors+norm-and-value-clip-in-place": {
        "cells": {
            # clips the right entries but flattens every tensor
            "clip_by_value": VALUE_PREFIX
            + "    return [tf.reshape(tf.clip_by_value(g, -clip_value, clip_value), [-1]) for g in grads]\n",
            # right values, but writes them into the caller's array
            "clip_by_norm": NORM_PREFIX + "    if isinstance(grad, np.ndarray):\n"
            "        grad *= max_norm / max(np.linalg.norm(grad), max_norm)\n"
            "        return grad\n"
            "    return tf.clip_by_norm(grad, max_norm)\n",
        },
        "failing": ["test_clip_by_value", "test_clip_by_norm"],
    },
    "value-clips-in-place": {
        "cells": {
            "clip_by_value": VALUE_PREFIX
            + "    return [np.clip(g, -clip_value, clip_value, out=g) if isinstance(g, np.ndarray)\n"
            "            else tf.clip_by_value(g, -clip_value, clip_value) for g in grads]\n",
        },
        "failing": ["test_clip_by_value"],
        "messages": {"test_clip_by_value": "changed grads[0] in place"},
    },
    # --- alternative correct solutions --------------------------------------------
    "library-calls-and-tf-where": {
        "cells": {
            "clip_by_value": VALUE_PREFIX
            + "    return [np.minimum(np.maximum(np.asarray(g), -clip_value), clip_value) for g in grads]\n",
            "clip_by_norm": NORM_PREFIX + "    grad = tf.convert_to_tensor(grad)\n"
            "    norm = tf.norm(grad)\n"
            "    return tf.where(norm > max_norm, grad * (max_norm / norm), grad)\n",
            "clip_by_global_norm": GLOBAL_PREFIX
            + "    clipped, global_norm = tf.clip_by_global_norm([tf.convert_to_tensor(g) for g in grads], max_norm)\n"
            "    return list(clipped), global_norm\n",
            "clipped_train_step": STEP_PREFIX + "    variables = model.trainable_variables\n"
            "    with tf.GradientTape() as tape:\n"
            "        loss = model.compute_loss(x, y, model(x))\n"
            "    clipped, global_norm = clip_by_global_norm(tape.gradient(loss, variables), max_norm)\n"
            "    optimizer.apply(clipped, variables)\n"
            "    return loss, global_norm\n",
        },
        "failing": [],
    },  # rounds differently: constants cast late, norms and factor in float64, one cast back at the end
    "float64-intermediates-and-late-casts": {
        "cells": {
            "clip_by_value": VALUE_PREFIX + "    bound = tf.constant(clip_value, tf.float64)\n"
            "    wide = [tf.cast(g, tf.float64) for g in grads]\n"
            "    clipped = [tf.minimum(tf.maximum(w, -bound), bound) for w in wide]\n"
            "    return [tf.cast(c, tf.convert_to_tensor(g).dtype) for c, g in zip(clipped, grads)]\n",
            "clip_by_norm": NORM_PREFIX + "    g = np.asarray(grad, dtype=np.float64)\n"
            "    factor = max_norm / max(np.sqrt(np.sum(g * g)), max_norm)\n"
            "    return (g * factor).astype(np.asarray(grad).dtype)\n",
            "clip_by_global_norm": GLOBAL_PREFIX + "    grads = [tf.convert_to_tensor(g) for g in grads]\n"
            "    wide = [tf.cast(g, tf.float64) for g in grads]\n"
            "    global_norm = tf.norm(tf.stack([tf.norm(g) for g in wide]))\n"
            "    factor = tf.cast(max_norm, tf.float64) / tf.maximum(global_norm, tf.cast(max_norm, tf.float64))\n"
            "    factor = tf.where(tf.math.is_finite(global_norm), factor, tf.constant(np.nan, tf.float64))\n"
            "    clipped = [tf.cast(w * factor, g.dtype) for w, g in zip(wide, grads)]\n"
            "    return clipped, tf.cast(global_norm, grads[0].dtype)\n",
            "clipped_train_step": STEP_PREFIX + "    with tf.GradientTape() as tape:\n"
            "        y_pred = model(x, training=True)\n"
            "        loss = model.compute_loss(x=x, y=y, y_pred=y_pred)\n"
            "    grads = tape.gradient(loss, model.trainable_variables)\n"
            "    clipped, global_norm = clip_by_global_norm(grads, tf.constant(max_norm, tf.float32))\n"
            "    optimizer.apply_gradients(list(zip(clipped, model.trainable_variables)))\n"
            "    return tf.identity(loss), global_norm\n",
        },
        "failing": [],
    },
}

# Every requirement sentence of the lesson (tests/test_requirements.py), its test cell and a variant breaking it.
REQUIREMENTS = [
    {
        "says": "return a list of the same length and shapes",
        "cell": "test_clip_by_value",
        "variant": "value-returns-flat-tensors+norm-and-value-clip-in-place",
    },
    {
        "says": "A list of tensors with the shapes of grads",
        "cell": "test_clip_by_value",
        "variant": "value-returns-flat-tensors+norm-and-value-clip-in-place",
    },
    {
        "says": "grad * max_norm / max(norm(grad), max_norm), shaped like grad",
        "cell": "test_clip_by_norm",
        "variant": "value-clips-only-above+norm-always-rescales+step-forgets-to-clip",
    },
    {
        "says": "return the clipped list and the global norm measured before clipping",
        "cell": "test_clip_by_global_norm",
        "variant": "global-returns-norm-after-clipping",
    },
    {
        "says": "the global norm sqrt(sum of squared entries of all tensors) of grads before clipping",
        "cell": "test_clip_by_global_norm",
        "variant": "global-norm-is-sum-of-norms",
    },
    {
        "says": "If the global norm is inf or NaN, every clipped entry is NaN",
        "cell": "test_clip_by_global_norm",
        "variant": "global-hides-overflow-with-zero-update",
    },
    {
        "says": "Return the loss (computed before the update) and the global norm before clipping",
        "cell": "test_clipped_train_step",
        "variant": "norm-nan-for-zero-gradient+step-returns-loss-after-update",
    },
    {
        "says": "The result must update the weights exactly as Keras does",
        "cell": "test_clipped_train_step",
        "variant": "value-clips-only-above+norm-always-rescales+step-forgets-to-clip",
    },
    {
        "says": "the compiled loss on the batch before the update",
        "cell": "test_clipped_train_step",
        "variant": "value-clips-to-zero-floor+norm-per-row+step-hardcodes-mse",
    },
]
