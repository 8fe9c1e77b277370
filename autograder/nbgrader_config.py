"""nbgrader configuration for Backprop Lab.

Run nbgrader's own commands from this folder (`cd autograder`): the course
root is here, instructor sources are read from `../solutions` and student
versions are released to `../lessons`. `backprop-lab grade` starts from this
file too and overrides only the folders it works in.
"""

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "backprop-lab"
c.CourseDirectory.source_directory = "../solutions"
c.CourseDirectory.release_directory = "../lessons"

# Students download lessons from Colab as "Copy of 01_manual_backprop.ipynb";
# nbgrader only looks for the lesson's own name, so keep the default globs.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A passing test cell must never lose points because TensorFlow or Python
# wrote log lines or warnings to stderr: drop every stderr stream from executed
# cells before grades are computed. Errors (exceptions) still count.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?s)."

# Training cells take a while on a laptop CPU.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True

# Keep the student notebooks free of nbgrader's per-cell checksums diff noise.
c.ClearOutput.enabled = True

# Feedback pages (`nbgrader generate_feedback`) render autograded notebooks, which hold the hidden
# tests again: cut them out, and cut the tracebacks that would quote them down to their message.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "backprop_lab.course.nbgrader_feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Plain nbgrader's exchange (release_assignment, fetch_assignment, submit, collect) is a folder that
# every user of the JupyterHub can write to; this is nbgrader's default, set your own here.
# c.Exchange.root = "/srv/nbgrader/exchange"

# Due dates live in nbgrader's database, one per lesson you assign:
#   nbgrader db assignment add 01_manual_backprop --duedate="2026-12-01 23:59:00 UTC"
# `nbgrader export` then has each submission's timestamp and late penalty. Late work loses nothing
# unless you choose a penalty, e.g. zero points:
# c.LateSubmissionPlugin.penalty_method = "zero"
