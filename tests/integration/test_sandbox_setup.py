"""Setting up the sandbox for the demo: bubblewrap found, installed, or explained when it cannot be.

Each test runs with a PATH of its own: a folder holding only what the case needs (the real
`bwrap`, a scripted `apt-get` that records its arguments and "installs" the real `bwrap`, a
`bwrap` that cannot create namespaces), so the machine's packages are never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from backprop_lab.sandbox.setup import prepare_sandbox

REAL_BWRAP = shutil.which("bwrap")
pytestmark = pytest.mark.skipif(REAL_BWRAP is None, reason="bubblewrap is installed by .ci/run")


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    """An empty folder that is the whole PATH (`sh` is reached by the scripts' absolute shebang)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def apt_get(bin_dir: Path, fail_on: str = "") -> Path:
    """A scripted apt-get: logs each call; `install` links the real bwrap into PATH (or fails on `fail_on`)."""
    log = bin_dir.parent / "apt.log"
    body = f'echo "$*" >> {log}\n'
    if fail_on:
        body += f'case "$1" in {fail_on}) echo "E: Unable to locate package bubblewrap" >&2; exit 100;; esac\n'
    body += f'[ "$1" = install ] && /bin/ln -s {REAL_BWRAP} {bin_dir / "bwrap"}\nexit 0\n'
    script(bin_dir, "apt-get", body)
    return log


def test_an_installed_bwrap_that_works_is_used_and_nothing_installed(bin_dir):
    os.symlink(REAL_BWRAP, bin_dir / "bwrap")
    log = apt_get(bin_dir)
    status = prepare_sandbox()
    assert status.ready, status.message
    assert not log.exists()


def test_a_missing_bwrap_is_installed_as_root_lists_first(bin_dir):
    log = apt_get(bin_dir)
    said = []
    status = prepare_sandbox(euid=0, say=said.append)
    assert status.ready, status.message
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update") and calls[1].startswith("install") and "bubblewrap" in calls[1], calls
    assert "apt-get install -y -qq bubblewrap" in said[0]


def test_without_root_or_a_passwordless_sudo_nothing_is_tried_and_the_fix_is_named(bin_dir):
    log = apt_get(bin_dir)
    script(bin_dir, "sudo", "exit 1\n")  # sudo that would ask for a password
    status = prepare_sandbox(euid=1000)
    assert not status.ready and not log.exists()
    assert "cannot be installed from here" in status.message and "sudo apt-get install bubblewrap" in status.message


def test_no_apt_get_names_the_fix(bin_dir):
    status = prepare_sandbox(euid=0)
    assert not status.ready and "sudo apt-get install bubblewrap" in status.message


def test_a_failed_install_says_what_apt_said(bin_dir):
    apt_get(bin_dir, fail_on="install")
    status = prepare_sandbox(euid=0)
    assert not status.ready
    assert "installing bubblewrap failed (E: Unable to locate package bubblewrap)" in status.message


def test_no_install_when_setup_is_declined(bin_dir):
    log = apt_get(bin_dir)
    status = prepare_sandbox(install=False, euid=0)
    assert not status.ready and not log.exists() and "not installed" in status.message


def test_a_bwrap_that_cannot_create_namespaces_is_reported(bin_dir):
    script(bin_dir, "bwrap", 'echo "bwrap: No permissions to create new namespace" >&2\nexit 1\n')
    status = prepare_sandbox(euid=0)
    assert not status.ready
    assert "cannot create the sandbox's namespaces" in status.message and "No permissions" in status.message
