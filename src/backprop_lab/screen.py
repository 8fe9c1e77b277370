"""Reads the student's code before it runs and flags what an exercise never needs.

No lesson asks a student to patch a library, walk the interpreter's frames or
garbage collector, duplicate file descriptors, start processes or threads,
read the environment, or define what `==` means: each of these could change a
verdict (a patched check passes anything). Code that does is not run blind:
`findings` names each construct and its cell, and the grader withholds
the score for the instructor to review (status `flagged`).

This is a screen, not a proof: obfuscated code can slip past it, which is why
the sandbox and the harness's integrity checks stand behind it.
"""

from __future__ import annotations

import ast

from IPython.core.inputtransformer2 import TransformerManager

from backprop_lab import STUDENT_MODULES

FORBIDDEN_MODULES = {
    "ctypes",
    "gc",
    "inspect",
    "importlib",
    "builtins",
    "subprocess",
    "multiprocessing",
    "threading",
    "_thread",
    "signal",
    "atexit",
    "pty",
    "resource",
    "sysconfig",
    "marshal",
    "pickle",
    "dill",
}
FORBIDDEN_CALLS = {"exec", "eval", "compile", "__import__", "globals", "vars", "breakpoint", "get_ipython"}
ATTRIBUTE_CALLS = {"getattr", "setattr", "delattr"}
"""Allowed with a plain attribute name (`getattr(history, "history", history)`), on objects, not libraries."""
FORBIDDEN_ATTRIBUTES = {
    "__globals__",
    "__closure__",
    "__code__",
    "__subclasses__",
    "__builtins__",
    "__dict__",
    "__class__",
    "__bases__",
    "__mro__",
    "tb_frame",
    "f_back",
    "f_locals",
    "f_globals",
    "gi_frame",
    "cell_contents",
}
FORBIDDEN_SYSTEM_CALLS = {
    "settrace",
    "setprofile",
    "addaudithook",
    "_getframe",
    "modules",
    "environ",
    "getenv",
    "putenv",
    "system",
    "popen",
    "fork",
    "forkpty",
    "kill",
    "killpg",
    "dup",
    "dup2",
    "fdopen",
    "open",
    "_exit",
    "execv",
    "execve",
    "execvp",
    "spawnv",
    "ptrace",
    "setsid",
}
"""Attributes of `os` and `sys` (and `posix`) an exercise never needs and that could change a verdict.

Not here, because the sandbox and the harness already contain them: `os.write` (a line on the report
pipe without the job's secret token is a forgery, anything else is output) and `socket` (the sandbox
has no network)."""
_SYSTEM_MODULES = {"os", "sys", "posix"}
"""Modules whose use is screened by attribute: so they may not be renamed or aliased."""
FORBIDDEN_METHODS = {"__eq__", "__ne__", "__bool__", "__array_ufunc__", "__array_function__", "__instancecheck__"}
CODE_MAGICS = {"time", "timeit", "capture"}
"""Magics whose argument is Python code: the code is scanned."""
HARMLESS_MAGICS = {"matplotlib", "config", "load_ext", "tensorboard", "who", "whos"}
_ASSIGNABLE_ROOTS = {
    "np",
    "numpy",
    "tf",
    "tensorflow",
    "keras",
    "plt",
    "math",
    "os",
    "sys",
    "backprop_lab",
    "matplotlib",
    *STUDENT_MODULES,
}

_transformer = TransformerManager()


def findings(source: str, label: str) -> list[str]:
    """What `source` does that no exercise needs, one sentence each.

    Args:
        source: a code cell, IPython syntax allowed.
        label: how to name the cell in the sentences (`cell relu`, `cell 7`).

    Returns:
        Sentences such as `cell relu: replaces np.allclose`; empty when clean.
    """
    try:
        tree = ast.parse(_transformer.transform_cell(source))
    except (SyntaxError, ValueError):
        return []  # it cannot run either; the cell simply fails
    found, magic_calls = [], set()
    for node in ast.walk(tree):
        magic = _magic(node)
        if magic is not None:
            name, code = magic
            magic_calls.add(id(node.func.value))
            if name in CODE_MAGICS:
                found += findings(code, label)
            elif name not in HARMLESS_MAGICS:
                found.append(f"{label}: uses the %{name} magic")
        elif not (isinstance(node, ast.Call) and id(node) in magic_calls):
            found += [f"{label}: {what}" for what in _node_findings(node)]
    return sorted(set(found))


def _magic(node) -> tuple[str, str] | None:
    """`(name, code)` of a transformed IPython magic `get_ipython().run_line_magic("time", "x = 1")`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if not (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython"):
        return None
    args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else "" for a in node.args]
    if node.func.attr == "run_line_magic" and len(args) >= 2:
        return args[0], args[1]
    if node.func.attr == "run_cell_magic" and len(args) >= 3:
        return args[0], args[2]
    return node.func.attr, ""  # system (`!cmd`), getoutput, ...


def _node_findings(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [f"imports {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES] + [
            f"imports {a.name} as {a.asname}" for a in node.names if a.name in _SYSTEM_MODULES and a.asname
        ]
    if isinstance(node, ast.ImportFrom):
        root = (node.module or "").split(".")[0]
        if root in FORBIDDEN_MODULES or root == "sys":
            return [f"imports from {node.module}"]
        if root in _SYSTEM_MODULES:
            return [f"imports {a.name} from {root}" for a in node.names if a.name in FORBIDDEN_SYSTEM_CALLS | {"*"}]
        return []
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in _SYSTEM_MODULES:
        return [f"aliases {node.value.id}"]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
        return [f"calls {node.func.id}()"]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_CALLS:
        return [f"calls {node.func.id}() with a computed name or on a library"] if _reaches_around(node) else []
    if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
        return [f"uses .{node.attr}"]
    if (
        isinstance(node, ast.Attribute)
        and node.attr in FORBIDDEN_SYSTEM_CALLS
        and isinstance(node.value, ast.Name)
        and node.value.id in _SYSTEM_MODULES
    ):
        return [f"uses {node.value.id}.{node.attr}"]
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        return [f"replaces {_dotted(t)}" for t in targets if _patches_library(t)]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in FORBIDDEN_METHODS:
        return [f"defines {node.name}"]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.lower()
        words = [w for w in ("nbgrader", "/proc", "/dev/fd", "bwrap", "sandbox") if w in text]
        words += [w for w in sorted(FORBIDDEN_ATTRIBUTES) if w in node.value]  # attrgetter("tb_frame.f_back")
        return [f"mentions {word!r}" for word in words]
    return []


def _reaches_around(call: ast.Call) -> bool:
    """`getattr(obj, name)` with a computed or private name, or `setattr(np, ...)` on a library."""
    if len(call.args) < 2:
        return True
    target, name = call.args[0], call.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or name.value.startswith("_"):
        return True
    return isinstance(target, ast.Name) and target.id in _ASSIGNABLE_ROOTS


def _patches_library(target) -> bool:
    """`np.allclose = ...`, `tf.math.x = ...`, `checks.assert_close = ...`."""
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
        if isinstance(target, ast.Name):
            return target.id in _ASSIGNABLE_ROOTS
    return False


def _dotted(node) -> str:
    try:
        return ast.unparse(node)
    except (AttributeError, ValueError):
        return "a library attribute"
