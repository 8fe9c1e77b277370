import subprocess
import sys

import pytest

from backprop_lab.environment import EnvironmentTooOld, check_environment, parse_version


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2.16.1", (2, 16, 1)),
        ("3.0.0rc1", (3, 0, 0)),
        ("2.21.0-dev2026", (2, 21, 0)),
        ("abc", ()),
    ],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_current_environment_passes():
    found = check_environment()
    assert set(found) == {"tensorflow", "keras"}


def test_too_old_version_gives_upgrade_message():
    pattern = r"keras .* is too old; this course needs keras >= 99.0.*pip install -U"
    with pytest.raises(EnvironmentTooOld, match=pattern):
        check_environment({"keras": (99, 0)})


def test_missing_module_gives_install_message():
    with pytest.raises(EnvironmentTooOld, match="not_a_real_module is not installed"):
        check_environment({"not_a_real_module": (1, 0)})


def test_import_has_no_side_effects():
    code = (
        "import sys, matplotlib, numpy as np, logging\n"
        "rc = dict(matplotlib.rcParams); state = np.random.get_state()[1].copy()\n"
        "handlers = list(logging.getLogger().handlers)\n"
        "import backprop_lab, backprop_lab.checks, backprop_lab.data, backprop_lab.plotting\n"
        "assert 'tensorflow' not in sys.modules, 'importing backprop_lab imported tensorflow'\n"
        "assert dict(matplotlib.rcParams) == rc, 'rcParams changed'\n"
        "assert (np.random.get_state()[1] == state).all(), 'numpy seed changed'\n"
        "assert logging.getLogger().handlers == handlers, 'logging configured'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
