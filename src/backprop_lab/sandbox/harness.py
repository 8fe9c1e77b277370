"""Runs one assembled notebook inside the sandbox and reports each cell's outcome.

This code runs in the forked child of `backprop_lab.sandbox.forkserver`, in the same
process as the student's code, so it trusts nothing the student could have
touched:

- student cells (answers and the student's own cells) run through IPython,
  like in a kernel; test cells run with a plain `exec` called from here, so
  IPython input transformers, hooks or events registered by the student
  cannot rewrite or skip them;
- before and after every test cell the `Integrity` snapshot taken before any
  student code ran is compared with the live interpreter (NumPy, TensorFlow, Keras,
  the check helpers, builtins, tracing hooks); a difference is reported as
  tampering and the remaining tests are not run;
- an audit hook installed first reports attempts to add other audit hooks
  or to walk the garbage collector (ways to reach the harness's own state);
- every report is written to the verdict pipe the moment it happens, so
  later student code cannot take it back, and carries the job's secret token,
  so the fork server can tell it from a line the student wrote.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import traceback
import types

_WATCHED_EVENTS = {
    "sys.addaudithook": "added an audit hook",
    "gc.get_objects": "walked the garbage collector (gc.get_objects)",
    "gc.get_referrers": "walked the garbage collector (gc.get_referrers)",
    "gc.get_referents": "walked the garbage collector (gc.get_referents)",
}


def _watched_modules() -> dict[str, object]:
    import importlib

    import keras
    import numpy as np
    import tensorflow as tf

    import backprop_lab

    student = {f"backprop_lab.{n}": importlib.import_module(f"backprop_lab.{n}") for n in backprop_lab.STUDENT_MODULES}
    return {
        **student,
        "builtins": builtins,
        "numpy": np,
        "numpy.linalg": np.linalg,
        "numpy.random": np.random,
        "numpy.testing": np.testing,
        "tensorflow": tf,
        "tensorflow.math": tf.math,
        "tensorflow.nn": tf.nn,
        "tensorflow.linalg": tf.linalg,
        "keras": keras,
        "keras.layers": keras.layers,
        "keras.ops": keras.ops,
        "keras.activations": keras.activations,
        "keras.losses": keras.losses,
        "keras.callbacks": keras.callbacks,
        "keras.initializers": keras.initializers,
        "keras.optimizers": keras.optimizers,
    }


def _watched_classes() -> dict[str, type]:
    import keras
    import tensorflow as tf
    from tensorflow.python.framework.ops import EagerTensor as tensor  # the class, without running an op

    classes = [
        tensor,
        *tensor.__mro__[1:-1],
        tf.Variable,
        keras.Model,
        keras.layers.Layer,
        keras.layers.Dense,
        keras.callbacks.Callback,
        keras.callbacks.History,
        keras.optimizers.Optimizer,
        keras.Variable,
        AssertionError,
        Exception,
        BaseException,
    ]
    return {f"{c.__module__}.{c.__qualname__}": c for c in classes}


_VOLATILE = {"__annotations__", "__doc__", "__dict__", "__weakref__", "__abstractmethods__", "_abc_impl"}
"""Class attributes Python or a library may create lazily: not evidence of tampering."""


def _is_api(value) -> bool:
    return callable(value) or isinstance(value, (types.ModuleType, int, float, str, bool, type(None)))


def _defined_by_course(value) -> bool:
    """Modules, functions and classes: what locked cells define and student code must not rebind."""
    return isinstance(value, (types.ModuleType, types.FunctionType, type))


class Integrity:
    """A snapshot of the interpreter that student code must leave alone."""

    def __init__(self):
        self.modules = {name: (m, self._members(m)) for name, m in _watched_modules().items()}
        self.classes = {name: (cls, dict(vars(cls))) for name, cls in _watched_classes().items()}
        self.sys_modules = {name: id(m) for name, m in sys.modules.items() if name in self.modules}
        self.bindings: dict[str, object] = {}

    def protect(self, before: dict[str, int], namespace: dict) -> None:
        """Remembers the modules, functions and classes a locked cell bound (`before`: ids before it ran)."""
        self.bindings.update(
            {
                k: v
                for k, v in namespace.items()
                if _defined_by_course(v) and not k.startswith("_") and before.get(k) != id(v)
            }
        )

    @staticmethod
    def _members(module) -> dict[str, int]:
        return {k: id(v) for k, v in list(vars(module).items()) if _is_api(v) and not k.startswith("__")}

    def problems(self, namespace: dict) -> list[str]:
        """What changed since the snapshot, as sentences; empty when nothing did."""
        found = []
        rebound = sorted(k for k, v in self.bindings.items() if namespace.get(k) is not v)
        if rebound:
            found.append(f"rebound names the lesson defined: {', '.join(rebound[:5])}")
        if sys.gettrace() is not None or sys.getprofile() is not None:
            found.append("installed a trace or profile function (sys.settrace / sys.setprofile)")
        for name, module_id in self.sys_modules.items():
            if id(sys.modules.get(name)) != module_id:
                found.append(f"replaced the module {name} in sys.modules")
        for name, (module, members) in self.modules.items():
            live = vars(module)
            changed = sorted(k for k, ident in members.items() if k not in live or id(live[k]) != ident)
            if changed:
                found.append(f"changed {name}: {', '.join(changed[:5])}")
        for name, (cls, attrs) in self.classes.items():
            live = vars(cls)
            changed = sorted(
                k for k in (set(attrs) | set(live)) - _VOLATILE if k not in attrs or live.get(k) is not attrs[k]
            )
            if changed:
                found.append(f"changed the class {name}: {', '.join(changed[:5])}")
        return found


def run(cells, verdict_fd: int, token: str, integrity: Integrity | None = None) -> None:
    """Runs the cells in order and writes one JSON line per event to `verdict_fd`.

    Args:
        cells: `protocol.JobCell`s, each with `kind` ("student", "locked" or "test") and `source`.
        verdict_fd: write end of the pipe read by the fork server.
        token: this job's secret; the fork server drops reports without it, so lines a
            student writes on the pipe (or through a descriptor swapped in its place) are forgeries.
        integrity: the snapshot to compare with; the fork server takes it once, before it forks
            (no student code has run in any process then), so each submission does not pay for it.
    """
    write, dumps = os.write, json.dumps  # bound now: student code may replace them later

    def report(**event) -> None:
        write(verdict_fd, (dumps({**event, "token": token}) + "\n").encode())

    def audit(event, args):
        if event in _WATCHED_EVENTS:
            report(event="tamper", reason=_WATCHED_EVENTS[event])

    sys.addaudithook(audit)
    integrity = integrity or Integrity()
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    namespace = shell.user_ns
    for index, cell in enumerate(cells):
        if cell.kind == "test":
            problems = integrity.problems(namespace)
            outcome = _exec(cell.source, namespace, index) if not problems else {}
            problems = problems or integrity.problems(namespace)  # patched while the test ran?
            if problems:
                report(event="tamper", reason="; ".join(problems))
                return
            report(event="cell", index=index, **outcome)
            continue
        before = {k: id(v) for k, v in namespace.items()}
        try:
            result = shell.run_cell(cell.source, store_history=True, silent=False)
            error = result.error_in_exec or result.error_before_exec
        except Exception as err:  # noqa: BLE001 - e.g. IPython could not print a traceback (output limit)
            error = err
        report(event="cell", index=index, ok=error is None, **_describe(error))
        if isinstance(error, MemoryError):  # like a kernel killed for memory: the notebook stops here
            report(event="oom")
            return
        if cell.kind == "locked":
            integrity.protect(before, namespace)
    problems = integrity.problems(namespace)
    if problems:
        report(event="tamper", reason="; ".join(problems))
    report(event="end")


def _exec(source: str, namespace: dict, index: int) -> dict:
    filename = f"<test cell {index}>"
    try:
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the instructor's test
    except BaseException as err:  # noqa: BLE001 - a test cell may raise anything (SystemExit too): a failure
        return {"ok": False, "line": _line_in(err, filename), **_describe(err)}
    return {"ok": True, **_describe(None)}


def _line_in(error: BaseException, filename: str) -> int:
    """The line at the test cell's own level that was running when `error` was raised (0 if unknown).

    The outermost frame of the cell: a helper the cell defines in its visible part and calls from
    its hidden part fails on the hidden line that called it.
    """
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            return tb.tb_lineno
        tb = tb.tb_next
    return 0


def _describe(error: BaseException | None) -> dict:
    if error is None:
        return {"ename": "", "evalue": "", "trace": ""}
    try:  # str() of a student's exception runs student code: it may raise too
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__)[-3:])
        return {"ename": type(error).__name__, "evalue": str(error)[:2000], "trace": trace[-2000:]}
    except Exception:  # noqa: BLE001
        return {"ename": type(error).__name__, "evalue": "(the error message could not be printed)", "trace": ""}
