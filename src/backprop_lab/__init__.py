"""Backprop Lab: helpers for a course on training neural networks.

Importing this package has no side effects: it sets no seeds, changes no
matplotlib settings and configures no logging. TensorFlow is imported only by
the submodules that need it.
"""

from backprop_lab.environment import check_environment

__version__ = "0.1.0"

__all__ = ["check_environment", "__version__"]
