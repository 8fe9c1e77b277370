"""The course model: where a course lives, its lessons read once, releases, the nbgrader bridge."""

from backprop_lab.course.folder import Course
from backprop_lab.course.lesson import Lesson

__all__ = ["Course", "Lesson"]
