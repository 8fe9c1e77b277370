"""Known-wrong and alternative-correct submissions of lesson 11.

Each entry replaces solution cells (by grade id) and names the test cells that
must then score 0; all other test cells must keep full points.
"""

CURVES_PREFIX = "def plot_learning_curves(history):\n"
HIST_PREFIX = "def activation_histograms(model, x, bins=30):\n"
MAPS_PREFIX = "def feature_maps(model, image, layer_name):\n"
TB_PREFIX = "def write_tensorboard_logs(logdir, history):\n"

# plot_learning_curves with one panel per base metric; {body} draws on `ax`.
CURVES_TEMPLATE = (
    CURVES_PREFIX
    + "    history = getattr(history, 'history', history)\n"
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
    TB_PREFIX
    + "    history = getattr(history, 'history', history)\n"
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
SCALAR_WRITE = (
    "                tf.summary.write(name, float(value), step=epoch, metadata=SCALAR_METADATA)\n"
)

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
            "plot_learning_curves": CURVES_PREFIX
            + "    history = getattr(history, 'history', history)\n"
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
            "plot_learning_curves": CURVES_PREFIX
            + "    history = getattr(history, 'history', history)\n"
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
    # --- GradientNormLogger ----------------------------------------------------
    "logger-kernel-only": {
        "cells": {
            "GradientNormLogger": LOGGER_TEMPLATE.format(
                reset=RESET, mode="False", norm="tf.norm(gs[0])"
            )
        },
        "failing": ["test_GradientNormLogger"],
    },
    "logger-never-reset": {
        "cells": {
            "GradientNormLogger": LOGGER_TEMPLATE.format(
                reset="        pass\n", mode="False", norm=GLOBAL_NORM
            )
        },
        "failing": ["test_GradientNormLogger"],
    },
    "logger-probe-in-training-mode": {
        "cells": {
            "GradientNormLogger": LOGGER_TEMPLATE.format(reset=RESET, mode="True", norm=GLOBAL_NORM)
        },
        "failing": ["test_GradientNormLogger"],
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
            "activation_histograms": HIST_PREFIX
            + "    return {layer.name: np.histogram(np.concatenate(\n"
            "        [np.ravel(w) for w in layer.get_weights()] or [np.zeros(1)]), bins=bins)\n"
            "        for layer in model.layers}\n"
        },
        "failing": ["test_activation_histograms"],
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
            "write_tensorboard_logs": TB_TEMPLATE.format(
                run_of="        run, name = '', key\n", write=SCALAR_WRITE
            )
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
    # --- alternative correct solutions ------------------------------------------
    "figure-api-layer-loops-and-raw-summaries": {
        "cells": {
            "plot_learning_curves": CURVES_PREFIX
            + "    history = dict(getattr(history, 'history', history))\n"
            "    names = sorted({k[4:] if k.startswith('val_') else k for k in history})\n"
            "    fig = matplotlib.figure.Figure(figsize=(4 * len(names), 3))\n"
            "    for i, name in enumerate(names):\n"
            "        ax = fig.add_subplot(1, len(names), i + 1)\n"
            "        for prefix, label in [('', 'train'), ('val_', 'val')]:\n"
            "            if prefix + name in history:\n"
            "                values = history[prefix + name]\n"
            "                ax.plot(range(len(values)), values, label=label)\n"
            "        ax.set_xlabel('epoch (from 0)')\n"
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
            "activation_histograms": HIST_PREFIX
            + "    result, h = {}, tf.convert_to_tensor(x)\n"
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
            "write_tensorboard_logs": TB_PREFIX
            + "    history = getattr(history, 'history', history)\n"
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
}
