"""Known-wrong and alternative-correct submissions of lesson 11.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points.
"""

CURVES_PREFIX = "def plot_learning_curves(history):\n"
HIST_PREFIX = "def activation_histograms(model, x, bins=30):\n"
MAPS_PREFIX = "def feature_maps(model, image, layer_name):\n"
TB_PREFIX = "def write_tensorboard_logs(logdir, history):\n"
GAP_PREFIX = "def initial_loss_gap(model, x, y):\n"
OVERFIT_PREFIX = "def overfit_one_batch(model, x, y, steps=200, lr=1e-2):\n"

# initial_loss_gap: {logits} is how the logits are computed, {loss} the mean loss, {log} ln C, {out} the return.
GAP_TEMPLATE = (
    GAP_PREFIX + "    logits = {logits}\n"
    "    loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits={from_logits}))\n"
    "    gap = loss - {log}\n"
    "    return {out}\n"
)
GAP_OK = {
    "logits": "model(x, training=False)",
    "from_logits": "True",
    "log": "np.log(logits.shape[-1])",
    "out": "float(gap)",
}

# overfit_one_batch: a Python loop over a tf.function step; {optimizer}, {mode} and {record} vary.
OVERFIT_TEMPLATE = (
    OVERFIT_PREFIX + "    optimizer = {optimizer}\n"
    "    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
    "\n"
    "    @tf.function\n"
    "    def step():\n"
    "        with tf.GradientTape() as tape:\n"
    "            loss = loss_fn(y, model(x, training={mode}))\n"
    "        grads = tape.gradient(loss, model.trainable_variables)\n"
    "        optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
    "        return {record}\n"
    "\n"
    "    losses = tf.stack([step() for _ in range(steps)])\n"
    "    return {out}\n"
)
OVERFIT_OK = {
    "optimizer": "keras.optimizers.Adam(learning_rate=lr)",
    "mode": "True",
    "record": "loss",
    "out": "losses.numpy().tolist()",
}

# UpdateRatioLogger, NumPy on the host after each batch; {copy}, {ratio} and {reset} vary.
RATIO_TEMPLATE = (
    "class UpdateRatioLogger(keras.callbacks.Callback):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.ratios = {{}}\n"
    "\n"
    "    def on_train_begin(self, logs=None):\n"
    "{reset}"
    "        self.dense = [layer for layer in self.model.layers if isinstance(layer, keras.layers.Dense)]\n"
    "\n"
    "    def on_train_batch_begin(self, batch, logs=None):\n"
    "        self.before = [{copy} for layer in self.dense]\n"
    "\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        for layer, before in zip(self.dense, self.before):\n"
    "            before = np.asarray(before, dtype=np.float32)\n"
    "            after = layer.kernel.numpy()\n"
    "            self.ratios.setdefault(layer.name, []).append(float({ratio}))\n"
    "\n"
    "    def on_epoch_end(self, epoch, logs=None):\n"
    "        pass\n"
)
RATIO_OK = {
    "reset": "        self.ratios = {}\n",
    "copy": "layer.kernel.numpy()",
    "ratio": "np.log10(np.std(after - before) / np.std(before))",
}

# plot_learning_curves with one panel per base metric; {body} draws on `ax`.
CURVES_TEMPLATE = (
    CURVES_PREFIX + "    history = getattr(history, 'history', history)\n"
    "    names = [k for k in history if not k.startswith('val_')]\n"
    "    fig, axes = plt.subplots(1, len(names), squeeze=False)\n"
    "    for ax, name in zip(axes[0], names):\n"
    "{body}"
    "    return fig\n"
)

# GradientNormLogger with a replaceable norm computation and reset.
LOGGER_TEMPLATE = (
    "class GradientNormLogger(keras.callbacks.Callback):\n"
    "    def __init__(self, x_probe, y_probe, loss_fn=None):\n"
    "        super().__init__()\n"
    "        self.x_probe, self.y_probe, self.loss_fn = x_probe, y_probe, loss_fn\n"
    "        self.norms = {{}}\n"
    "\n"
    "    def on_train_begin(self, logs=None):\n"
    "{reset}"
    "\n"
    "    def on_epoch_end(self, epoch, logs=None):\n"
    "        loss_fn = self.loss_fn or keras.losses.get(self.model.loss)\n"
    "        layers = [layer for layer in self.model.layers if layer.trainable_weights]\n"
    "        with tf.GradientTape() as tape:\n"
    "            loss = tf.reduce_mean(loss_fn(self.y_probe, self.model(self.x_probe, training={mode})))\n"
    "        grads = tape.gradient(loss, [layer.trainable_weights for layer in layers])\n"
    "        for layer, gs in zip(layers, grads):\n"
    "            norm = {norm}\n"
    "            self.norms.setdefault(layer.name, []).append(float(norm))\n"
)
RESET = "        self.norms = {}\n"
GLOBAL_NORM = "tf.linalg.global_norm(gs)"

# write_tensorboard_logs with a replaceable inner write; {run_of} maps a key to (folder, name).
TB_TEMPLATE = (
    TB_PREFIX + "    history = getattr(history, 'history', history)\n"
    "    for key, values in history.items():\n"
    "{run_of}"
    "        writer = tf.summary.create_file_writer(os.path.join(logdir, run))\n"
    "        with writer.as_default():\n"
    "            for epoch, value in enumerate(values):\n"
    "{write}"
    "        writer.close()\n"
)
KERAS_RUN_OF = (
    "        run = 'validation' if key.startswith('val_') else 'train'\n"
    "        name = 'epoch_' + (key[4:] if key.startswith('val_') else key)\n"
)
SCALAR_WRITE = "                tf.summary.write(name, float(value), step=epoch, metadata=SCALAR_METADATA)\n"

VARIANTS = {
    # --- plot_learning_curves --------------------------------------------------
    "curves-skip-validation": {
        "cells": {
            "plot_learning_curves": CURVES_TEMPLATE.format(
                body="        ax.plot(history[name], label=name)\n"
                "        ax.set(xlabel='epoch', ylabel=name, title=name)\n"
                "        ax.legend()\n"
            )
        },
        "failing": ["test_plot_learning_curves"],
    },
    "curves-one-panel-per-key": {
        "cells": {
            "plot_learning_curves": CURVES_PREFIX + "    history = getattr(history, 'history', history)\n"
            "    fig, axes = plt.subplots(1, len(history), squeeze=False)\n"
            "    for ax, (key, values) in zip(axes[0], history.items()):\n"
            "        ax.plot(values, label=key)\n"
            "        ax.set(xlabel='epoch', ylabel=key, title=key)\n"
            "        ax.legend()\n"
            "    return fig\n"
        },
        "failing": ["test_plot_learning_curves"],
    },
    "curves-without-axis-labels": {
        "cells": {
            "plot_learning_curves": CURVES_TEMPLATE.format(
                body="        for key in [name, 'val_' + name]:\n"
                "            if key in history:\n"
                "                ax.plot(history[key], label=key)\n"
                "        ax.set_title(name)\n"
                "        ax.legend()\n"
            )
        },
        "failing": ["test_plot_learning_curves"],
    },
    "curves-show-and-return-nothing": {
        "cells": {
            "plot_learning_curves": CURVES_PREFIX + "    history = getattr(history, 'history', history)\n"
            "    for name in [k for k in history if not k.startswith('val_')]:\n"
            "        plt.figure()\n"
            "        for key in [name, 'val_' + name]:\n"
            "            if key in history:\n"
            "                plt.plot(history[key], label=key)\n"
            "        plt.xlabel('epoch')\n"
            "        plt.ylabel(name)\n"
            "        plt.legend()\n"
            "    plt.show()\n"
        },
        "failing": ["test_plot_learning_curves"],
    },
    "curves-epochs-from-zero": {
        "cells": {
            "plot_learning_curves": CURVES_TEMPLATE.format(
                body="        for key in [name, 'val_' + name]:\n"
                "            if key in history:\n"
                "                ax.plot(history[key], label=key)\n"
                "        ax.set(xlabel='epoch', ylabel=name, title=name)\n"
                "        ax.legend()\n"
            )
        },
        "failing": ["test_plot_learning_curves"],
        "messages": {"test_plot_learning_curves": "number the epochs from 1"},
    },
    # --- GradientNormLogger ----------------------------------------------------
    "logger-kernel-only": {
        "cells": {"GradientNormLogger": LOGGER_TEMPLATE.format(reset=RESET, mode="False", norm="tf.norm(gs[0])")},
        "failing": ["test_GradientNormLogger"],
    },
    "logger-never-reset": {
        "cells": {"GradientNormLogger": LOGGER_TEMPLATE.format(reset="        pass\n", mode="False", norm=GLOBAL_NORM)},
        "failing": ["test_GradientNormLogger"],
    },
    "logger-probe-in-training-mode": {
        "cells": {"GradientNormLogger": LOGGER_TEMPLATE.format(reset=RESET, mode="True", norm=GLOBAL_NORM)},
        "failing": ["test_GradientNormLogger"],
        "messages": {"test_GradientNormLogger": "but the gradient norm of that layer is"},
    },
    "logger-weight-norms-not-gradients": {
        "cells": {
            "GradientNormLogger": LOGGER_TEMPLATE.format(
                reset=RESET, mode="False", norm="tf.linalg.global_norm(layer.trainable_weights)"
            )
        },
        "failing": ["test_GradientNormLogger"],
    },
    # --- activation_histograms -------------------------------------------------
    "histograms-of-kernels": {
        "cells": {
            "activation_histograms": HIST_PREFIX + "    return {layer.name: np.histogram(np.concatenate(\n"
            "        [np.ravel(w) for w in layer.get_weights()] or [np.zeros(1)]), bins=bins)\n"
            "        for layer in model.layers}\n"
        },
        "failing": ["test_activation_histograms"],
    },
    "histograms-first-row-only": {
        "cells": {
            "activation_histograms": HIST_PREFIX
            + "    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])\n"
            "    outputs = probe(x, training=False)\n"
            "    return {layer.name: np.histogram(np.ravel(out[0]), bins=bins)\n"
            "            for layer, out in zip(model.layers, outputs)}\n"
        },
        "failing": ["test_activation_histograms"],
        "messages": {"test_activation_histograms": "only the first row?"},
    },
    "histograms-ignore-bins": {
        "cells": {
            "activation_histograms": HIST_PREFIX
            + "    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])\n"
            "    outputs = probe(x, training=False)\n"
            "    return {layer.name: np.histogram(np.ravel(out), bins=30)\n"
            "            for layer, out in zip(model.layers, outputs)}\n"
        },
        "failing": ["test_activation_histograms"],
    },
    "histograms-in-training-mode": {
        "cells": {
            "activation_histograms": HIST_PREFIX
            + "    probe = keras.Model(model.inputs[0], [layer.output for layer in model.layers])\n"
            "    outputs = probe(x, training=True)\n"
            "    return {layer.name: np.histogram(np.ravel(out), bins=bins)\n"
            "            for layer, out in zip(model.layers, outputs)}\n"
        },
        "failing": ["test_activation_histograms"],
    },
    # --- feature_maps ----------------------------------------------------------
    "maps-keep-batch-axis": {
        "cells": {
            "feature_maps": MAPS_PREFIX
            + "    image = np.asarray(image, np.float32).reshape((-1,) + model.inputs[0].shape[1:])\n"
            "    probe = keras.Model(model.inputs[0], model.get_layer(layer_name).output)\n"
            "    return np.asarray(probe(image))\n"
        },
        "failing": ["test_feature_maps"],
        "messages": {"test_feature_maps": "it still has the batch axis; drop it with [0]"},
    },
    "maps-channels-first": {
        "cells": {
            "feature_maps": MAPS_PREFIX
            + "    image = np.asarray(image, np.float32).reshape((-1,) + model.inputs[0].shape[1:])\n"
            "    probe = keras.Model(model.inputs[0], model.get_layer(layer_name).output)\n"
            "    return np.transpose(np.asarray(probe(image))[0], (2, 0, 1))\n"
        },
        "failing": ["test_feature_maps"],
    },
    "maps-always-first-layer": {
        "cells": {
            "feature_maps": MAPS_PREFIX
            + "    image = np.asarray(image, np.float32).reshape((-1,) + model.inputs[0].shape[1:])\n"
            "    model.get_layer(layer_name)\n"
            "    return np.asarray(model.layers[0](image))[0]\n"
        },
        "failing": ["test_feature_maps"],
    },
    # --- write_tensorboard_logs ------------------------------------------------
    "tb-flat-layout-raw-names": {
        "cells": {
            "write_tensorboard_logs": TB_TEMPLATE.format(run_of="        run, name = '', key\n", write=SCALAR_WRITE)
        },
        "failing": ["test_write_tensorboard_logs"],
    },
    "tb-steps-count-from-one": {
        "cells": {
            "write_tensorboard_logs": TB_TEMPLATE.format(
                run_of=KERAS_RUN_OF,
                write="                tf.summary.write(name, float(value), step=epoch + 1,\n"
                "                                 metadata=SCALAR_METADATA)\n",
            )
        },
        "failing": ["test_write_tensorboard_logs"],
    },
    "tb-no-scalar-metadata": {
        "cells": {
            "write_tensorboard_logs": TB_TEMPLATE.format(
                run_of=KERAS_RUN_OF,
                write="                tf.summary.write(name, float(value), step=epoch)\n",
            )
        },
        "failing": ["test_write_tensorboard_logs"],
    },
    "tb-training-metrics-only": {
        "cells": {
            "write_tensorboard_logs": TB_TEMPLATE.format(
                run_of="        if key.startswith('val_'):\n"
                "            continue\n"
                "        run, name = 'train', 'epoch_' + key\n",
                write=SCALAR_WRITE,
            )
        },
        "failing": ["test_write_tensorboard_logs"],
    },
    # --- initial_loss_gap ------------------------------------------------------
    "gap-log2": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "log": "np.log2(logits.shape[-1])"})},
        "failing": ["test_initial_loss_gap"],
        "messages": {"test_initial_loss_gap": "subtract the natural logarithm"},
    },
    "gap-classes-from-labels": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "log": "np.log(len(np.unique(y)))"})},
        "failing": ["test_initial_loss_gap"],
        "messages": {"test_initial_loss_gap": "output width"},
    },
    "gap-classes-from-max-label": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "log": "np.log(int(np.max(y)) + 1)"})},
        "failing": ["test_initial_loss_gap"],
        "messages": {"test_initial_loss_gap": "use the model's output width (10)"},
    },
    "gap-training-mode": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "logits": "model(x, training=True)"})},
        "failing": ["test_initial_loss_gap"],
    },
    "gap-returns-tensor": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "out": "gap"})},
        "failing": ["test_initial_loss_gap"],
        "messages": {"test_initial_loss_gap": "should return a Python float"},
    },
    "gap-logits-read-as-probabilities": {
        "cells": {"initial_loss_gap": GAP_TEMPLATE.format(**{**GAP_OK, "from_logits": "False"})},
        "failing": ["test_initial_loss_gap"],
    },
    # --- overfit_one_batch -----------------------------------------------------
    "overfit-sgd-not-adam": {
        "cells": {
            "overfit_one_batch": OVERFIT_TEMPLATE.format(
                **{**OVERFIT_OK, "optimizer": "keras.optimizers.SGD(learning_rate=lr)"}
            )
        },
        "failing": ["test_overfit_one_batch"],
    },
    "overfit-ignores-lr": {
        "cells": {
            "overfit_one_batch": OVERFIT_TEMPLATE.format(**{**OVERFIT_OK, "optimizer": "keras.optimizers.Adam()"})
        },
        "failing": ["test_overfit_one_batch"],
    },
    "overfit-loss-after-the-update": {
        "cells": {
            "overfit_one_batch": OVERFIT_TEMPLATE.format(
                **{**OVERFIT_OK, "record": "loss_fn(y, model(x, training=True))"}
            )
        },
        "failing": ["test_overfit_one_batch"],
        "messages": {"test_overfit_one_batch": "before the update"},
    },
    "overfit-inference-mode": {
        "cells": {"overfit_one_batch": OVERFIT_TEMPLATE.format(**{**OVERFIT_OK, "mode": "False"})},
        "failing": ["test_overfit_one_batch"],
        "messages": {"test_overfit_one_batch": "training=True"},
    },
    "overfit-returns-an-array": {
        "cells": {"overfit_one_batch": OVERFIT_TEMPLATE.format(**{**OVERFIT_OK, "out": "losses.numpy()"})},
        "failing": ["test_overfit_one_batch"],
        "messages": {"test_overfit_one_batch": "should return a list of Python floats"},
    },
    "overfit-returns-tensors": {
        "cells": {"overfit_one_batch": OVERFIT_TEMPLATE.format(**{**OVERFIT_OK, "out": "list(losses)"})},
        "failing": ["test_overfit_one_batch"],
        "messages": {"test_overfit_one_batch": "should return Python floats, got a list of"},
    },
    "overfit-half-the-batch-each-step": {
        "cells": {
            "overfit_one_batch": OVERFIT_TEMPLATE.format(**OVERFIT_OK).replace(
                "loss_fn(y, model(x, training=True))", "loss_fn(y[:8], model(x[:8], training=True))"
            )
        },
        "failing": ["test_overfit_one_batch"],
        "messages": {"test_overfit_one_batch": "Train on the whole batch (x, y) at every step"},
    },
    # --- UpdateRatioLogger -----------------------------------------------------
    "ratio-natural-log": {
        "cells": {
            "UpdateRatioLogger": RATIO_TEMPLATE.format(
                **{**RATIO_OK, "ratio": "np.log(np.std(after - before) / np.std(before))"}
            )
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "natural log"},
    },
    "ratio-of-norms-not-stds": {
        "cells": {
            "UpdateRatioLogger": RATIO_TEMPLATE.format(
                **{**RATIO_OK, "ratio": "np.log10(np.linalg.norm(after - before) / np.linalg.norm(before))"}
            )
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "ratio of norms"},
    },
    "ratio-against-kernel-after-update": {
        "cells": {
            "UpdateRatioLogger": RATIO_TEMPLATE.format(
                **{**RATIO_OK, "ratio": "np.log10(np.std(after - before) / np.std(after))"}
            )
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "after the update"},
    },
    "ratio-never-reset": {
        "cells": {"UpdateRatioLogger": RATIO_TEMPLATE.format(**{**RATIO_OK, "reset": ""})},
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "reset self.ratios in on_train_begin"},
    },
    "ratio-buffer-never-emptied": {
        "cells": {
            "UpdateRatioLogger": "class UpdateRatioLogger(keras.callbacks.Callback):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.ratios = {}\n"
            "        self.pending = []\n"
            "\n"
            "    def on_train_begin(self, logs=None):\n"
            "        self.ratios = {}\n"
            "        self.dense = [l for l in self.model.layers if isinstance(l, keras.layers.Dense)]\n"
            "\n"
            "    def on_train_batch_begin(self, batch, logs=None):\n"
            "        self.before = [tf.identity(l.kernel) for l in self.dense]\n"
            "\n"
            "    def on_train_batch_end(self, batch, logs=None):\n"
            "        self.pending.append(tf.stack([\n"
            "            tf.math.log(tf.math.reduce_std(l.kernel - b) / tf.math.reduce_std(b)) / tf.math.log(10.0)\n"
            "            for l, b in zip(self.dense, self.before)]))\n"
            "\n"
            "    def on_epoch_end(self, epoch, logs=None):\n"
            "        values = tf.stack(self.pending).numpy()\n"
            "        for l, column in zip(self.dense, values.T):\n"
            "            self.ratios.setdefault(l.name, []).extend(column.tolist())\n"
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "empty your per-epoch buffer in on_epoch_end"},
    },
    "ratio-numpy-float32-values": {
        "cells": {
            "UpdateRatioLogger": RATIO_TEMPLATE.format(**RATIO_OK).replace(
                ".append(float(np.log10(", ".append(np.float32(np.log10("
            )
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "should hold Python floats, got float32"},
    },
    "ratio-on-epoch-end-left-as-stub": {
        "cells": {
            "UpdateRatioLogger": RATIO_TEMPLATE.format(**RATIO_OK).replace(
                "    def on_epoch_end(self, epoch, logs=None):\n        pass\n",
                "    def on_epoch_end(self, epoch, logs=None):\n        raise NotImplementedError()\n",
            )
        },
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "UpdateRatioLogger.on_epoch_end still raises NotImplementedError"},
    },
    "ratio-variable-not-a-copy": {
        "cells": {"UpdateRatioLogger": RATIO_TEMPLATE.format(**{**RATIO_OK, "copy": "layer.kernel"})},
        "failing": ["test_UpdateRatioLogger"],
        "messages": {"test_UpdateRatioLogger": "Keep a copy of the kernel"},
    },
    # --- feature_maps: the ValueError the lesson promises -----------------------
    "maps-unknown-name-falls-back-to-last-layer": {
        "cells": {
            "feature_maps": MAPS_PREFIX
            + "    image = np.asarray(image, np.float32).reshape((-1,) + model.inputs[0].shape[1:])\n"
            "    layer = next((l for l in model.layers if l.name == layer_name), model.layers[-1])\n"
            "    probe = keras.Model(model.inputs[0], layer.output)\n"
            "    return np.asarray(probe(image, training=False))[0]\n"
        },
        "failing": ["test_feature_maps"],
        "messages": {"test_feature_maps": "should raise ValueError"},
    },
    # --- alternative correct solutions ------------------------------------------
    "figure-api-layer-loops-and-raw-summaries": {
        "cells": {
            "plot_learning_curves": CURVES_PREFIX + "    history = dict(getattr(history, 'history', history))\n"
            "    names = sorted({k[4:] if k.startswith('val_') else k for k in history})\n"
            "    fig = matplotlib.figure.Figure(figsize=(4 * len(names), 3))\n"
            "    for i, name in enumerate(names):\n"
            "        ax = fig.add_subplot(1, len(names), i + 1)\n"
            "        for prefix, label in [('', 'train'), ('val_', 'val')]:\n"
            "            if prefix + name in history:\n"
            "                values = history[prefix + name]\n"
            "                ax.plot(np.arange(len(values)) + 1, values, label=label)\n"
            "        ax.set_xlabel('epoch')\n"
            "        ax.set_ylabel(name)\n"
            "        ax.legend()\n"
            "    return fig\n",
            "GradientNormLogger": "class GradientNormLogger(keras.callbacks.Callback):\n"
            "    def __init__(self, x_probe, y_probe, loss_fn=None):\n"
            "        super().__init__()\n"
            "        self.x_probe = tf.convert_to_tensor(x_probe)\n"
            "        self.y_probe = tf.convert_to_tensor(y_probe)\n"
            "        self.loss_fn = loss_fn\n"
            "\n"
            "    def on_train_begin(self, logs=None):\n"
            "        self.norms = {}\n"
            "        self._loss = self.loss_fn if self.loss_fn is not None else keras.losses.get(self.model.loss)\n"
            "\n"
            "    def on_epoch_end(self, epoch, logs=None):\n"
            "        with tf.GradientTape(persistent=True) as tape:\n"
            "            loss = tf.reduce_mean(self._loss(self.y_probe, self.model(self.x_probe)))\n"
            "        for layer in self.model.layers:\n"
            "            if not layer.trainable_weights:\n"
            "                continue\n"
            "            grads = tape.gradient(loss, layer.trainable_weights)\n"
            "            total = sum(float(np.sum(np.square(g.numpy()))) for g in grads)\n"
            "            self.norms.setdefault(layer.name, []).append(total ** 0.5)\n"
            "        del tape\n",
            "activation_histograms": HIST_PREFIX + "    result, h = {}, tf.convert_to_tensor(x)\n"
            "    for layer in model.layers:\n"
            "        h = layer(h, training=False)\n"
            "        result[layer.name] = np.histogram(h.numpy().reshape(-1), bins)\n"
            "    return result\n",
            "feature_maps": MAPS_PREFIX
            + "    h = tf.reshape(tf.cast(image, tf.float32), (1,) + tuple(model.inputs[0].shape[1:]))\n"
            "    names = [layer.name for layer in model.layers]\n"
            "    if layer_name not in names:\n"
            "        raise ValueError(f'no layer {layer_name!r}')\n"
            "    for layer in model.layers:\n"
            "        h = layer(h, training=False)\n"
            "        if layer.name == layer_name:\n"
            "            return tf.squeeze(h, axis=0).numpy()\n",
            "write_tensorboard_logs": TB_PREFIX + "    history = getattr(history, 'history', history)\n"
            "    for run, keep in [('train', lambda k: not k.startswith('val_')),\n"
            "                      ('validation', lambda k: k.startswith('val_'))]:\n"
            "        keys = [k for k in history if keep(k)]\n"
            "        if not keys:\n"
            "            continue\n"
            "        writer = tf.summary.create_file_writer(os.path.join(logdir, run))\n"
            "        with writer.as_default():\n"
            "            for key in keys:\n"
            "                tag = 'epoch_' + key.removeprefix('val_')\n"
            "                for step, value in enumerate(history[key]):\n"
            "                    summary = tf.compat.v1.Summary(\n"
            "                        value=[tf.compat.v1.Summary.Value(tag=tag, simple_value=float(value))])\n"
            "                    tf.summary.experimental.write_raw_pb(summary.SerializeToString(), step)\n"
            "        writer.flush()\n",
        },
        "failing": [],
    },
    "sanity-checks-numpy-fit-and-a-float64-logger": {
        "cells": {
            "initial_loss_gap": GAP_PREFIX + "    logits = np.asarray(model.predict(x, verbose=0), dtype=np.float64)\n"
            "    top = logits.max(axis=1, keepdims=True)\n"
            "    log_z = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))\n"
            "    loss = np.mean(log_z - logits[np.arange(len(logits)), np.asarray(y)])\n"
            "    return float(loss - np.log(logits.shape[1]))\n",
            "overfit_one_batch": OVERFIT_PREFIX + "    model.compile(optimizer=keras.optimizers.Adam(lr),\n"
            "                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
            "    history = model.fit(x, y, epochs=steps, batch_size=len(x), shuffle=False, verbose=0)\n"
            "    return [float(v) for v in history.history['loss']]\n",
            "UpdateRatioLogger": RATIO_TEMPLATE.format(
                reset="        self.ratios = dict()\n",
                copy="layer.get_weights()[0].astype(np.float64)",
                ratio="np.log10(np.std(after.astype(np.float64) - before, ddof=1) / np.std(before, ddof=1))",
            ).replace("before = np.asarray(before, dtype=np.float32)", "before = np.asarray(before, dtype=np.float64)"),
        },
        "failing": [],
    },
    "sanity-checks-tensorflow-cast-early": {
        "cells": {
            "initial_loss_gap": GAP_PREFIX + "    logits = tf.cast(model(x, training=False), tf.float64)\n"
            "    labels = tf.cast(y, tf.int64)\n"
            "    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)\n"
            "    return float(tf.reduce_mean(loss) - tf.math.log(tf.cast(tf.shape(logits)[-1], tf.float64)))\n",
            "UpdateRatioLogger": "class UpdateRatioLogger(keras.callbacks.Callback):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.ratios = {}\n"
            "\n"
            "    def on_train_begin(self, logs=None):\n"
            "        self.ratios = {}\n"
            "        self.pending = {}\n"
            "\n"
            "    def on_train_batch_begin(self, batch, logs=None):\n"
            "        self.before = {l.name: tf.identity(l.kernel) for l in self.model.layers\n"
            "                       if isinstance(l, keras.layers.Dense)}\n"
            "\n"
            "    def on_train_batch_end(self, batch, logs=None):\n"
            "        for name, before in self.before.items():\n"
            "            update = self.model.get_layer(name).kernel - before\n"
            "            var_ratio = tf.math.reduce_variance(update) / tf.math.reduce_variance(before)\n"
            "            self.pending.setdefault(name, []).append(0.5 * tf.math.log(var_ratio) / np.log(10.0))\n"
            "\n"
            "    def on_epoch_end(self, epoch, logs=None):\n"
            "        for name, values in self.pending.items():\n"
            "            self.ratios.setdefault(name, []).extend(float(v) for v in tf.stack(values).numpy())\n"
            "        self.pending = {}\n",
        },
        "failing": [],
    },
}

REQUIREMENTS = [
    # plot_learning_curves
    {"says": "and return the Figure", "cell": "test_plot_learning_curves", "variant": "curves-show-and-return-nothing"},
    {
        "says": "A matplotlib Figure with one Axes per metric",
        "cell": "test_plot_learning_curves",
        "variant": "curves-one-panel-per-key",
    },
    {
        "says": "when present, the validation curve of the metric",
        "cell": "test_plot_learning_curves",
        "variant": "curves-skip-validation",
    },
    {
        "says": "has an x label, a y label, a title and a legend",
        "cell": "test_plot_learning_curves",
        "variant": "curves-without-axis-labels",
    },
    # activation_histograms
    {
        "says": "as returned by np.histogram(values, bins=bins)",
        "cell": "test_activation_histograms",
        "variant": "histograms-ignore-bins",
    },
    {
        "says": "of the layer's output on x in inference mode (training=False)",
        "cell": "test_activation_histograms",
        "variant": "histograms-in-training-mode",
    },
    {
        "says": "for all values (all rows, all units) of the layer's output",
        "cell": "test_activation_histograms",
        "variant": "histograms-of-kernels",
    },
    # feature_maps
    {
        "says": "and return the result without the batch axis as a NumPy array of shape (H', W', channels)",
        "cell": "test_feature_maps",
        "variant": "maps-keep-batch-axis",
    },
    {
        "says": "np.ndarray of shape (H', W', channels)",
        "cell": "test_feature_maps",
        "variant": "maps-channels-first",
    },
    {
        "says": "the layer's output for the image in inference mode, without the batch axis",
        "cell": "test_feature_maps",
        "variant": "maps-always-first-layer",
    },
    {
        "says": "model.get_layer raises a ValueError for an unknown name; let it",
        "cell": "test_feature_maps",
        "variant": "maps-unknown-name-falls-back-to-last-layer",
    },
    {
        "says": "Raises: ValueError: no layer of that name",
        "cell": "test_feature_maps",
        "variant": "maps-unknown-name-falls-back-to-last-layer",
    },
    # initial_loss_gap
    {"says": "Return the gap as a Python float", "cell": "test_initial_loss_gap", "variant": "gap-returns-tensor"},
    {"says": "Returns: A Python float", "cell": "test_initial_loss_gap", "variant": "gap-returns-tensor"},
    {
        "says": "the mean cross-entropy of the logits model(x, training=False) against y",
        "cell": "test_initial_loss_gap",
        "variant": "gap-training-mode",
    },
    {"says": "minus ln(C)", "cell": "test_initial_loss_gap", "variant": "gap-log2"},
    {
        "says": "where C is the model's output width",
        "cell": "test_initial_loss_gap",
        "variant": "gap-classes-from-labels",
    },
    # overfit_one_batch
    {
        "says": "The model must run in training mode",
        "cell": "test_overfit_one_batch",
        "variant": "overfit-inference-mode",
    },
    {
        "says": "Return the losses as a list of steps Python floats",
        "cell": "test_overfit_one_batch",
        "variant": "overfit-returns-an-array",
    },
    {
        "says": "Returns: A list of steps Python floats",
        "cell": "test_overfit_one_batch",
        "variant": "overfit-returns-an-array",
    },
    {
        "says": "computed in its forward pass before its update",
        "cell": "test_overfit_one_batch",
        "variant": "overfit-loss-after-the-update",
    },
    # UpdateRatioLogger
    {
        "says": "on_train_begin must reset the record",
        "cell": "test_UpdateRatioLogger",
        "variant": "ratio-never-reset",
    },
]
