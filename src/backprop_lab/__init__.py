"""Backprop Lab: helpers for a course on training neural networks.

Importing this package has no side effects: it sets no seeds, changes no
matplotlib settings and configures no logging. TensorFlow is imported only by
the submodules that need it.

The modules lessons import (`STUDENT_MODULES`) sit at the top level and work
on a student's install alone (Colab). The instructor's tools live in the
subpackages `course` (the lesson model, releases), `grading` (the pipeline
from submissions to gradebook and report) and `sandbox` (the trusted runtime
that runs student code); `cli` and `demo` sit on top.
"""

from backprop_lab.environment import check_environment

__version__ = "0.1.0"

STUDENT_MODULES = ("checks", "data", "environment", "event_files", "plotting", "progress", "recipes")
"""The helper modules lessons import: preloaded by the fork server, watched by the harness, nameable by students."""

__all__ = ["STUDENT_MODULES", "check_environment", "__version__"]
