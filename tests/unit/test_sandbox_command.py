"""The `bwrap` command line the grader builds: what is mounted, in which order, with which environment."""

from __future__ import annotations

from conftest import ROOT

from backprop_lab.sandbox import bwrap as sandbox


def _mounts(args: list[str]) -> list[tuple[str, str]]:
    """`(option, target)` of every mount option, in order."""
    found = []
    for i, arg in enumerate(args):
        if arg in ("--ro-bind", "--bind", "--symlink"):
            found.append((arg, args[i + 2]))
        elif arg in ("--tmpfs", "--proc", "--dev"):
            found.append((arg, args[i + 1]))
    return found


def test_the_course_is_not_mounted_only_what_python_imports():
    targets = [target for option, target in _mounts(sandbox.bwrap_command("bwrap", 2**20)) if option == "--ro-bind"]
    assert str(ROOT) not in targets
    assert not [t for t in targets if t.startswith(str(ROOT)) and t not in (str(ROOT / "src"), str(ROOT / ".venv"))]
    assert not [t for t in targets if "solutions" in t or "tests" in t.split("/")]


def test_fresh_tmp_comes_before_the_import_roots():
    """Later mounts cover earlier ones: a checkout or venv under /tmp (CI clones) must stay visible."""
    mounts = _mounts(sandbox.bwrap_command("bwrap", 2**20))
    tmp = mounts.index(("--tmpfs", "/tmp"))
    for root in sandbox.import_roots():
        assert mounts.index(("--ro-bind", root)) > tmp, root


def test_the_environment_is_cleared_and_says_nothing_about_grading():
    args = sandbox.bwrap_command("bwrap", 2**20)
    assert "--clearenv" in args and "--unshare-all" in args and "--die-with-parent" in args
    names = [args[i + 1] for i, arg in enumerate(args) if arg == "--setenv"]
    assert not [n for n in names if "NBGRADER" in n or "BACKPROP" in n or "PYTEST" in n], names
    assert args[args.index("--uid") + 1] != "0"
