"""The setup cell records the student's versions and warns about newer ones (issue 15 §3)."""

from __future__ import annotations

import pytest

from backprop_lab import environment
from backprop_lab.environment import (
    ENVIRONMENT_MIME,
    TESTED_VERSIONS,
    format_versions,
    newer_than_tested,
    record_versions,
    recorded_versions,
)

VERSIONS = {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1"}


def test_tested_versions_name_python_tensorflow_and_keras():
    assert set(TESTED_VERSIONS) == {"python", "tensorflow", "keras"}
    assert all(len(v) == 2 for v in TESTED_VERSIONS.values())


@pytest.mark.parametrize(
    "versions, newer",
    [
        ({"tensorflow": "2.21.9"}, []),  # a patch release of a tested minor version is fine
        ({"tensorflow": "2.20.0", "keras": "3.0.0"}, []),
        ({"tensorflow": "2.22.0rc1"}, ["TensorFlow 2.22.0rc1"]),
        ({"keras": "4.0.0", "python": "3.13.1"}, ["Python 3.13.1", "Keras 4.0.0"]),
    ],
)
def test_newer_than_tested(versions, newer):
    tested = {"python": (3, 12), "tensorflow": (2, 21), "keras": (3, 15)}
    found = newer_than_tested(versions, tested)
    assert [sentence.split(" is newer")[0] for sentence in found] == newer
    assert all("tested with" in sentence for sentence in found)


def test_outside_a_kernel_the_versions_are_printed(capsys):
    record_versions(VERSIONS)
    out = capsys.readouterr()
    assert out.out.strip() == "Running Python 3.11.7 · TensorFlow 2.21.0 · Keras 3.15.1" and out.err == ""


def test_in_a_kernel_they_are_a_display_with_json_and_text(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(environment, "_kernel_shell", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: shown.append((bundle, raw)))
    record_versions(VERSIONS)
    ((bundle, raw),) = shown
    assert raw is True and bundle[ENVIRONMENT_MIME] == VERSIONS
    assert bundle["text/plain"] == f"Running {format_versions(VERSIONS)}"


def _notebook(*outputs, tags=("setup",)) -> dict:
    setup = {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": "...", "outputs": list(outputs)}
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# x"}, setup]}


@pytest.mark.parametrize(
    "output",
    [
        {"output_type": "display_data", "data": {ENVIRONMENT_MIME: VERSIONS, "text/plain": "..."}, "metadata": {}},
        {
            "output_type": "display_data",
            "data": {ENVIRONMENT_MIME: '{"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1"}'},
            "metadata": {},
        },
        {
            "output_type": "stream",
            "name": "stdout",
            "text": ["log\n", "Running Python 3.11.7 · TensorFlow 2.21.0 · Keras 3.15.1\n"],
        },
    ],
    ids=["json", "json-as-text", "printed-line"],
)
def test_the_saved_notebook_gives_the_versions_back(output):
    noise = {"output_type": "stream", "name": "stderr", "text": "I0000 tensorflow start-up log\n"}
    assert recorded_versions(_notebook(noise, output)) == VERSIONS


def test_no_versions_when_the_setup_cell_did_not_run():
    assert recorded_versions(_notebook()) == {}
    output = {"output_type": "display_data", "data": {ENVIRONMENT_MIME: VERSIONS}, "metadata": {}}
    assert recorded_versions(_notebook(output, tags=())) == {}, "only the setup cell's output counts"


def test_check_environment_records_and_warns_on_stdout(capsys, monkeypatch):
    monkeypatch.setattr(environment, "TESTED_VERSIONS", {"tensorflow": (2, 0), "keras": (99, 0)})
    found = environment.check_environment()
    out = capsys.readouterr()
    assert set(found) == {"tensorflow", "keras"}
    assert f"Running Python {__import__('platform').python_version()} · TensorFlow {found['tensorflow']}" in out.out
    assert f"Warning: TensorFlow {found['tensorflow']} is newer than 2.0" in out.out
    assert "Keras" not in out.out.split("Warning:", 1)[1], "a version older than the tested one gets no warning"
