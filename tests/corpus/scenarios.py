"""Broken and malicious submissions of lesson 01, each with the grade it must get.

Every scenario becomes a student named after it (`infinite-loop`, `patch-numpy`, ...)
in one class graded by `backprop-lab grade`, next to honest students. A scenario is

    "name": {
        "build": how to make the notebook (see `build` in tests/test_hostile_submissions.py):
            {"cells": {grade_id: source}}  answers replaced, the others filled with the reference;
            {"append": {grade_id: source}}  code added after the reference answer of that cell;
            {"edit": callable}             a function that edits the filled notebook;
            {"raw": text}                  the file's exact content;
            {"from_lesson": lesson_id}     the reference solution of another lesson;
        "lesson": the lesson it is submitted for (default: lesson 01),
        "failing": the test cells that must score 0 ("all" for every one),
        "status": the status the gradebook must show,
        "reason": a phrase the reason must contain,
    }

Sources use `{ref:grade_id}` for the reference answer of a cell.
"""

LESSON = "01_manual_backprop"

FROM_RELU_BACKWARD = [
    "test_relu_backward",
    "test_softmax_cross_entropy",
    "test_mlp_loss_and_grads",
    "test_numerical_gradient",
    "test_relative_error",
    "test_sgd_step",
    "test_tape_loss_and_grads",
]
"""The test cells at and after relu_backward: what a notebook stopped in that cell loses."""

WRONG_FORWARD = "def dense_forward(x, W, b):\n    return tf.zeros((tf.shape(x)[0], tf.shape(W)[1]), tf.float64)\n"


def _gid(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _delete_test_cell(notebook):
    notebook.cells = [c for c in notebook.cells if _gid(c) != "test_sgd_step"]


def _weaken_test_cell(notebook):
    for cell in notebook.cells:
        if _gid(cell) == "test_dense_forward":
            cell.source = "pass  # the test was here"
        if _gid(cell) == "dense_forward":
            cell.source = WRONG_FORWARD


def _duplicate_answer_cell(notebook):
    index = next(i for i, c in enumerate(notebook.cells) if _gid(c) == "sgd_step")
    copy = notebook.cells[index].copy()
    copy.metadata = dict(copy.metadata)
    copy.id = "a-copy-of-sgd-step"
    notebook.cells.insert(index + 1, copy)


def _duplicate_test_cell(notebook):
    index = next(i for i, c in enumerate(notebook.cells) if _gid(c) == "test_relu_backward")
    copy = notebook.cells[index].copy()
    copy.metadata = dict(copy.metadata)
    copy.id = "a-copy-of-a-test"
    notebook.cells.insert(index + 1, copy)


def _strip_metadata(notebook):
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)


def _colab_metadata(notebook):
    """What a notebook downloaded from Colab carries: cell ids and Colab's own metadata."""
    notebook.metadata["colab"] = {"provenance": [], "toc_visible": True}
    notebook.metadata["accelerator"] = "GPU"
    for i, cell in enumerate(notebook.cells):
        cell.metadata["id"] = f"cell{i:04d}"
        if cell.cell_type == "code":
            cell.metadata["colab"] = {"base_uri": "https://localhost:8080/"}
            cell.metadata["outputId"] = f"out{i:04d}"


SCENARIOS = {
    # --- honest, but unusual --------------------------------------------------
    "colab-download": {"build": {"edit": _colab_metadata}, "failing": [], "status": "graded", "reason": ""},
    "duplicated-answer-cell": {
        "build": {"edit": _duplicate_answer_cell},
        "failing": [],
        "status": "graded",
        "reason": "",
    },
    "duplicated-test-cell": {
        "build": {"edit": _duplicate_test_cell},
        "failing": [],
        "status": "cells_duplicated",
        "reason": "test_relu_backward",
    },
    "writes-to-stderr-and-tries-the-network": {  # contained by the report token and the sandbox: not flagged
        "build": {
            "append": {
                "relu_backward": (
                    "import os\nimport socket\nos.write(2, b'debug: relu_backward defined\\n')\n"
                    "try:\n    socket.create_connection(('pypi.org', 443), timeout=2).close()\n"
                    "except OSError:\n    pass\n"
                )
            }
        },
        "failing": [],
        "status": "graded",
        "reason": "",
    },
    # --- broken ----------------------------------------------------------------
    "infinite-loop": {
        "build": {"cells": {"relu_backward": "while True:\n    pass\n"}},
        "failing": FROM_RELU_BACKWARD,
        "status": "timeout",
        "reason": "ran longer than",
    },
    "memory-hog": {
        "build": {"append": {"relu_backward": "hog = bytearray(64 * 2**30)\n"}},
        "failing": FROM_RELU_BACKWARD,
        "status": "out_of_memory",
        "reason": "ran out of memory",
    },
    "segfault": {
        "build": {"append": {"relu_backward": "import faulthandler\nfaulthandler._sigsegv()\n"}},
        "failing": FROM_RELU_BACKWARD,
        "status": "kernel_died",
        "reason": "signal 11",
    },
    "fork-bomb": {
        "build": {
            "append": {
                "relu_backward": (
                    "import time\nfrom concurrent.futures import ProcessPoolExecutor\n"
                    "pool = ProcessPoolExecutor(max_workers=500)\nlist(pool.map(time.sleep, [600] * 500))\n"
                )
            }
        },
        "failing": FROM_RELU_BACKWARD,
        "status": "process_limit",
        "reason": "more than 64 processes",
    },
    "print-flood": {
        "build": {"append": {"dense_forward": "for _ in range(400):\n    print('spam ' * 20000)\n"}},
        "failing": [],
        "status": "output_limit",
        "reason": "printed more than",
    },
    "deleted-test-cell": {
        "build": {"edit": _delete_test_cell},
        "failing": [],
        "status": "cells_deleted",
        "reason": "test_sgd_step",
    },
    "wrong-lesson": {
        "build": {"from_lesson": "02_activations"},
        "failing": "all",
        "status": "wrong_lesson",
        "reason": "02_activations",
    },
    "metadata-stripped": {
        "build": {"edit": _strip_metadata},
        "failing": "all",
        "status": "not_a_lesson",
        "reason": "grading cells",
    },
    "empty-notebook": {
        "build": {"raw": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'},
        "failing": "all",
        "status": "empty",
        "reason": "no code cells",
    },
    # --- cheating --------------------------------------------------------------
    "edited-test-cell": {
        "build": {"edit": _weaken_test_cell},
        "failing": ["test_dense_forward", "test_mlp_loss_and_grads"],
        "status": "cells_altered",
        "reason": "test_dense_forward",
    },
    "patch-numpy": {
        "build": {"cells": {"dense_forward": WRONG_FORWARD + "np.allclose = lambda *args, **kwargs: True\n"}},
        "failing": "all",
        "status": "flagged",
        "reason": "replaces np.allclose",
    },
    "patch-numpy-through-alias": {
        "build": {"cells": {"dense_forward": WRONG_FORWARD + "alias = np\nalias.allclose = lambda *a, **k: True\n"}},
        "failing": "all",
        "status": "tampered",
        "reason": "numpy: allclose",
    },
    "patch-check-helpers": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD
                + (
                    "helpers = checks\nhelpers.assert_close = lambda *a, **k: None\n"
                    "helpers.assert_gradients_match = lambda *a, **k: None\n"
                )
            }
        },
        "failing": "all",
        "status": "tampered",
        "reason": "backprop_lab.checks",
    },
    "walk-class-hierarchy": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD + ("t = type(tf.constant(0.0))\nfor base in t.__mro__:\n    pass\n")
            }
        },
        "failing": "all",
        "status": "flagged",
        "reason": "uses .__mro__",
    },
    "patch-tensorflow-class": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD
                + ("Var = tf.Variable\nVar.assign_sub = lambda self, delta, **kwargs: self\n")
            }
        },
        "failing": "all",
        "status": "tampered",
        "reason": "changed the class",
    },
    "patch-during-test": {
        "build": {
            "cells": {
                "dense_forward": (
                    "def dense_forward(x, W, b):\n    import backprop_lab.checks as helpers\n"
                    "    helpers.assert_close = helpers.assert_shape = lambda *a, **k: None\n"
                    "    return tf.zeros((tf.shape(x)[0], tf.shape(W)[1]), tf.float64)\n"
                )
            }
        },
        "failing": "all",
        "status": "tampered",
        "reason": "changed backprop_lab.checks",
    },
    "rebind-checks": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD
                + (
                    "class Lenient:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
                    "checks = Lenient()\n"
                )
            }
        },
        "failing": "all",
        "status": "tampered",
        "reason": "rebound names the lesson defined: checks",
    },
    "equal-to-anything": {
        "build": {
            "cells": {
                "dense_forward": (
                    "Anything = type('Anything', (), {'__eq__': lambda self, other: True,\n"
                    "                                 '__ne__': lambda s, o: False})\n"
                    "def dense_forward(x, W, b):\n    return Anything()\n"
                )
            }
        },
        "failing": ["test_dense_forward", "test_mlp_loss_and_grads"],
        "status": "graded",
        "reason": "",
    },
    "skip-later-cells": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD
                + (
                    "import IPython\n"
                    "IPython.get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
                )
            }
        },
        "failing": "all",
        "status": "graded",
        "reason": "",
    },
    "fake-history": {  # lesson 12 grades a recipe by training it: fake the training instead
        "lesson": "12_diagnose_and_fix",
        "build": {
            "cells": {
                "fixed_recipe": (
                    "def fixed_recipe(name):\n    return {}\n\n"
                    "class FakeHistory:\n    history = {'loss': [0.1], 'val_loss': [0.1], 'accuracy': [0.99],"
                    " 'val_accuracy': [0.99]}\n\n"
                    "Model = keras.Model\nModel.fit = lambda self, *args, **kwargs: FakeHistory()\n"
                )
            }
        },
        "failing": "all",
        "status": "tampered",
        "reason": "changed the class keras",
    },
    "grading-detector": {
        "build": {
            "cells": {
                "dense_forward": WRONG_FORWARD
                + ("import os\nGRADED = any(k.startswith('NBGRADER') for k in os.environ)\n")
            }
        },
        "failing": "all",
        "status": "flagged",
        "reason": "uses os.environ",
    },
    "steal-solutions": {  # {root}, {submissions} and {out} are the real paths of this grading run
        "build": {
            "append": {
                "dense_forward": (
                    "import os.path\n"
                    "wanted = ['{root}/solutions/01_manual_backprop/01_manual_backprop.ipynb', '{root}/tests',\n"
                    "          '{submissions}/reference/01_manual_backprop/01_manual_backprop.ipynb',\n"
                    "          '{out}/results']\n"
                    "seen = [path for path in wanted if os.path.exists(path)]\n"
                    "if seen:\n    raise RuntimeError('the grader let the notebook see ' + repr(seen))\n"
                )
            }
        },
        "failing": [],
        "status": "graded",
        "reason": "",
    },
}
