"""The package's layers import in one direction only (issue 14).

- the student modules at the top level (what lessons import on Colab) import none of the
  instructor subpackages;
- `sandbox/` (the trusted runtime that runs hostile code) imports neither `grading/` nor `course/`;
- `course/` does not import `grading/` or `sandbox/`;
- `cli` and `demo` sit on top; nothing below imports them.
Imports are read from the source (module level and inside functions alike).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import backprop_lab

PACKAGE = Path(backprop_lab.__file__).parent
TOP = {"cli", "demo"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.startswith("backprop_lab")}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return "package"
    if parts[1] in ("course", "grading", "sandbox"):
        return parts[1]
    return "top" if parts[1] in TOP else "student" if parts[1] in backprop_lab.STUDENT_MODULES else "shared"


FORBIDDEN = {
    "student": {"course", "grading", "sandbox", "top"},
    "sandbox": {"course", "grading", "top"},
    "course": {"grading", "sandbox", "top"},
    "grading": {"top"},
    "shared": {"course", "grading", "sandbox", "top"},
}

MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_go_one_way(path):
    module = ".".join(("backprop_lab", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    layer = _layer(module)
    wrong = sorted(name for name in _imports(path) if _layer(name) in FORBIDDEN.get(layer, set()))
    assert not wrong, f"{module} ({layer}) must not import {wrong}"


def test_every_student_module_exists_and_is_light():
    for name in backprop_lab.STUDENT_MODULES:
        assert (PACKAGE / f"{name}.py").is_file(), name


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "checks.py"
    bad.write_text("def f():\n    from backprop_lab.grading import pipeline\n")
    assert {_layer(n) for n in _imports(bad)} >= {"grading"}


def test_help_imports_no_heavy_module():
    import subprocess
    import sys

    code = (
        "import sys\nfrom backprop_lab.cli import main\n"
        "for argv in (['--help'], ['grade', '--help'], ['release', '--help'], ['demo', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "heavy = ('nbformat', 'IPython', 'tensorflow', 'keras', 'nbgrader', 'distributed', 'matplotlib', 'numpy')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr
