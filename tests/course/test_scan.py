"""The code scan: silent on every honest submission, loud on what no exercise needs."""

from __future__ import annotations

import pytest
from conftest import lesson_class, load_variants, selected_lessons

from backprop_lab import screen as scan
from backprop_lab.grading.assembly import assemble


@pytest.mark.parametrize("lesson", selected_lessons())
def test_reference_release_and_every_variant_pass_the_scan(course, lesson):
    template = course.lesson(lesson)
    notebooks = lesson_class(course, lesson, load_variants(lesson))
    for name, notebook in notebooks.items():
        program = assemble(template, notebook)
        found = [f for c in program.cells if c.kind == "student" for f in scan.findings(c.source, c.grade_id)]
        assert not found, f"{lesson} {name}: an honest submission would be flagged: {found}"


@pytest.mark.parametrize(
    "source, finding",
    [
        ("np.allclose = lambda *a, **k: True", "replaces np.allclose"),
        ("tf.math.reduce_sum = None", "replaces tf.math.reduce_sum"),
        ("checks.assert_close = print", "replaces checks.assert_close"),
        ("del np.testing", "replaces np.testing"),
        ("setattr(np, 'allclose', min)", "calls setattr()"),
        ("f = getattr(obj, name)", "calls getattr()"),
        ("import ctypes", "imports ctypes"),
        ("import gc\ngc.get_objects()", "imports gc"),
        ("from inspect import currentframe", "imports from inspect"),
        ("from sys import modules", "imports from sys"),
        ("import sys\nsys.settrace(None)", "uses sys.settrace"),
        ("import sys\nframe = sys._getframe(1)", "uses sys._getframe"),
        ("import os\nos.dup2(5, 1)", "uses os.dup2"),
        ("import os\nleak = os.environ", "uses os.environ"),
        ("try:\n    1/0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame.f_back", "uses .f_back"),
        ("fn.__globals__['x'] = 1", "uses .__globals__"),
        ("class A:\n    def __eq__(self, other):\n        return True", "defines __eq__"),
        ("exec('x = 1')", "calls exec()"),
        ("__import__('os')", "calls __import__()"),
        ("open('/proc/self/environ').read()", "mentions '/proc'"),
        ("get_ipython().events.register('pre_run_cell', f)", "calls get_ipython()"),
        ("%time import threading", "imports threading"),
        ("import os as system\nsystem.fork()", "imports os as system"),
        ("from os import dup2", "imports dup2 from os"),
        ("from os import *", "imports * from os"),
        ("import os\nrenamed = os", "aliases os"),
        ("from operator import attrgetter\nwalk = attrgetter('tb_frame.f_back')", "mentions 'f_back'"),
    ],
)
def test_hostile_constructs_are_flagged(source, finding):
    found = scan.findings(source, "cell relu")
    assert any(finding in f and f.startswith("cell relu: ") for f in found), found


@pytest.mark.parametrize(
    "source",
    [
        "def relu(x):\n    return tf.maximum(x, 0.0)",
        "history = getattr(history, 'history', history)",
        "import numpy as np\nimport sys\nprint('debug', file=sys.stderr)",
        "import os\nfrom os import path\nfolder = os.path.join('logs', 'run1')",
        "model.compile(optimizer='sgd', loss='mse')",
        "%matplotlib inline\nplt.plot([1, 2])",
        "def broken(:\n",  # a syntax error is not a finding: the cell simply fails when it runs
        "import os\nos.write(2, b'debug\\n')",  # output, or a forgery the report token exposes: contained
        "import socket\nsocket.create_connection(('pypi.org', 443), timeout=1)",  # the sandbox has no network
    ],
)
def test_ordinary_code_is_not_flagged(source):
    assert scan.findings(source, "cell") == []
