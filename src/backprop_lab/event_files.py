"""TensorBoard event files with TensorFlow alone: scalar metadata, records, scalars.

TensorBoard reads *event files*: TFRecord files (each record framed as an
8-byte little-endian length, a 4-byte CRC of the length, the data, a 4-byte
CRC of the data) whose records are serialized `tf.compat.v1.Event` protocol
buffers. The `tensorboard` package is not needed to write or read them, and
this module does not require it.

Importing this module imports no TensorFlow: the functions that need it
import it when called.
"""

from __future__ import annotations

import glob
import os
import struct
from collections.abc import Iterator

_HEADER_BYTES = 12  # uint64 length + uint32 masked CRC of the length
_FOOTER_BYTES = 4  # uint32 masked CRC of the data


def scalar_metadata():
    """The summary metadata that makes TensorBoard draw a tensor as a scalar curve.

    Pass it to `tf.summary.write(name, value, step=step, metadata=...)`: it
    marks the value with `plugin_name="scalars"`, as `tf.summary.scalar` of the
    `tensorboard` package does.

    Returns:
        A `tf.compat.v1.SummaryMetadata`.
    """
    import tensorflow as tf

    return tf.compat.v1.SummaryMetadata(plugin_data=tf.compat.v1.SummaryMetadata.PluginData(plugin_name="scalars"))


def event_records(path) -> Iterator[bytes]:
    """The serialized records of one event file, in order.

    Parse each with `tf.compat.v1.Event.FromString(record)`. This plain-Python
    reader yields the same records as `tf.data.TFRecordDataset(path)` without
    its log messages. CRCs are not verified. A record cut short at the end of
    the file (a writer still writing) is left out, as TensorBoard does until
    the rest arrives.

    Args:
        path: an event file (`*tfevents*`).

    Yields:
        The bytes of each complete record.
    """
    with open(path, "rb") as file:
        while len(header := file.read(_HEADER_BYTES)) == _HEADER_BYTES:
            (length,) = struct.unpack("<Q", header[:8])
            record = file.read(length)
            if len(record) < length or len(file.read(_FOOTER_BYTES)) < _FOOTER_BYTES:
                return
            yield record


def event_file_paths(logdir) -> list[str]:
    """Every event file under `logdir` (any depth), sorted."""
    pattern = os.path.join(os.fspath(logdir), "**", "*tfevents*")
    return sorted(path for path in glob.glob(pattern, recursive=True) if os.path.isfile(path))


def read_scalars(logdir) -> tuple[dict, dict]:
    """Every scalar in the event files under `logdir`, by run folder and tag.

    A scalar is a summary value that holds a number: a `simple_value` (the
    old format, always drawn as a scalar) or a tensor with one numeric
    element (the `tf.summary.write` format, drawn as a scalar when its
    metadata names the "scalars" plugin). Other values (histograms, images,
    text) are skipped.

    Args:
        logdir: the folder given to TensorBoard's `--logdir`.

    Returns:
        `(values, plugins)`: `values[(run, tag)]` is a dict from step to the
        float written at that step, where `run` is the event file's folder
        relative to `logdir` ("." for files directly in it); `plugins[(run,
        tag)]` is the plugin name of the series' metadata ("scalars" for a
        simple_value), missing when no value of the series named a plugin.
    """
    import numpy as np
    import tensorflow as tf

    values, plugins = {}, {}
    for path in event_file_paths(logdir):
        run = os.path.relpath(os.path.dirname(path), os.fspath(logdir))
        for record in event_records(path):
            event = tf.compat.v1.Event.FromString(record)
            for value in event.summary.value:
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    number = float(value.simple_value)
                    plugins[(run, value.tag)] = "scalars"
                elif kind == "tensor":
                    array = tf.make_ndarray(value.tensor)
                    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
                        continue
                    number = float(array.reshape(()))
                    if value.metadata.plugin_data.plugin_name:
                        plugins[(run, value.tag)] = value.metadata.plugin_data.plugin_name
                else:
                    continue
                values.setdefault((run, value.tag), {})[int(event.step)] = number
    return values, plugins


def summary_tags(folder) -> set[str]:
    """The tags of all summary values in the event files directly in `folder`."""
    import tensorflow as tf

    tags = set()
    for path in sorted(glob.glob(os.path.join(os.fspath(folder), "*tfevents*"))):
        for record in event_records(path):
            tags.update(value.tag for value in tf.compat.v1.Event.FromString(record).summary.value)
    return tags
