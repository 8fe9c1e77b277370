"""backprop_lab.event_files on real event files written by TensorFlow (no mocks)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from backprop_lab import event_files

tf = pytest.importorskip("tensorflow")


def _write(folder, series, metadata=True):
    """Writes `{tag: [values]}` with tf.summary.write, one step per value; returns the folder."""
    writer = tf.summary.create_file_writer(str(folder))
    with writer.as_default():
        for tag, values in series.items():
            for step, value in enumerate(values):
                tf.summary.write(
                    tag,
                    tf.constant(value, tf.float32),
                    step=step,
                    metadata=event_files.scalar_metadata() if metadata else None,
                )
    writer.close()
    return folder


def test_importing_the_module_imports_no_tensorflow():
    code = "import sys, backprop_lab.event_files; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_scalar_metadata_names_the_scalars_plugin():
    metadata = event_files.scalar_metadata()
    assert isinstance(metadata, tf.compat.v1.SummaryMetadata)
    assert metadata.plugin_data.plugin_name == "scalars"


def test_records_match_tfrecord_dataset(tmp_path):
    _write(tmp_path, {"epoch_loss": [1.0, 0.5, 0.25], "epoch_accuracy": [0.1, 0.2, 0.3]})
    (path,) = event_files.event_file_paths(tmp_path)
    ours = list(event_files.event_records(path))
    theirs = [record.numpy() for record in tf.data.TFRecordDataset(path)]
    assert ours == theirs and len(ours) == 1 + 6  # the file-version event, then one per value
    assert tf.compat.v1.Event.FromString(ours[0]).file_version.startswith("brain.Event")


def test_a_record_cut_short_is_left_out(tmp_path):
    _write(tmp_path, {"epoch_loss": [1.0, 0.5]})
    (path,) = event_files.event_file_paths(tmp_path)
    whole = list(event_files.event_records(path))
    with open(path, "rb") as file:
        content = file.read()
    for cut in (3, 14, 20):  # inside the footer, the data, the header of the last record
        truncated = tmp_path / f"cut{cut}" / "events.out.tfevents.cut"
        truncated.parent.mkdir()
        truncated.write_bytes(content[:-cut])
        assert list(event_files.event_records(truncated)) == whole[:-1], cut


def test_read_scalars_finds_runs_tags_steps_values_and_plugins(tmp_path):
    _write(tmp_path / "run" / "train", {"epoch_loss": [1.5, 0.75, 0.5], "epoch_accuracy": [0.25, 0.5, 0.75]})
    _write(tmp_path / "run" / "validation", {"epoch_loss": [1.75, 1.0, 0.875]})
    _write(tmp_path / "run" / "bare", {"no_plugin": [2.0]}, metadata=False)
    values, plugins = event_files.read_scalars(tmp_path / "run")
    assert values == {
        ("train", "epoch_loss"): {0: 1.5, 1: 0.75, 2: 0.5},
        ("train", "epoch_accuracy"): {0: 0.25, 1: 0.5, 2: 0.75},
        ("validation", "epoch_loss"): {0: 1.75, 1: 1.0, 2: 0.875},
        ("bare", "no_plugin"): {0: 2.0},
    }
    assert plugins == {key: "scalars" for key in values if key[0] != "bare"}
    assert event_files.summary_tags(tmp_path / "run" / "train") == {"epoch_loss", "epoch_accuracy"}


def test_read_scalars_reads_simple_values_and_skips_non_scalars(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        summary = tf.compat.v1.Summary(value=[tf.compat.v1.Summary.Value(tag="old", simple_value=0.125)])
        tf.summary.experimental.write_raw_pb(summary.SerializeToString(), step=4)
        tf.summary.write("vector", tf.constant([1.0, 2.0]), step=0)
        tf.summary.write("text", tf.constant("hello"), step=0)
        tf.summary.write("count", tf.constant(7, tf.int64), step=2, metadata=event_files.scalar_metadata())
    writer.close()
    values, plugins = event_files.read_scalars(tmp_path)
    assert values == {(".", "old"): {4: 0.125}, (".", "count"): {2: 7.0}}
    assert plugins == {(".", "old"): "scalars", (".", "count"): "scalars"}
    assert all(isinstance(v, float) for series in values.values() for v in series.values())


def test_an_empty_or_missing_folder_has_no_scalars(tmp_path):
    assert event_files.read_scalars(tmp_path) == ({}, {})
    assert event_files.read_scalars(tmp_path / "missing") == ({}, {})
    assert event_files.summary_tags(tmp_path / "missing") == set()


def test_float32_values_round_trip(tmp_path):
    values = np.random.default_rng(0).normal(size=5).astype(np.float32)
    _write(tmp_path, {"x": [float(v) for v in values]})
    read, _ = event_files.read_scalars(tmp_path)
    assert [read[(".", "x")][step] for step in range(5)] == [float(v) for v in values]
    assert os.path.basename(event_files.event_file_paths(tmp_path)[0]).startswith("events.out.tfevents")
