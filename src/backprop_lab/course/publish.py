"""`backprop-lab publish DIR`: the student-facing course, ready to push to the public repository.

The instructor's repository holds the solutions and hidden tests and stays
private. What students see is written by `publish`, and nothing else:

- `lessons/<id>/<id>.ipynb`: the released notebooks (`backprop-lab release`);
- `src/backprop_lab/`: the student helper library, the top-level modules lessons
  import (no instructor tools, no course data), with a `pyproject.toml` that
  builds it, so that the setup cell's `pip install git+<repository>` works;
- `README.md`: for students (open a lesson, run it locally, hand it in).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import backprop_lab
from backprop_lab.course.config import PACKAGE_NAME, CourseConfig, load_config
from backprop_lab.course.folder import Course
from backprop_lab.errors import UserError

PUBLISHED = ("lessons", "src", "pyproject.toml", "README.md")
"""What `publish` writes (and replaces) in the target folder; everything else there (`.git`) is left alone."""

INSTRUCTOR_MODULES = ("cli", "demo")
"""Top-level modules of the package that are instructor tools, left out of the student library."""

_PYPROJECT = """\
# The Backprop Lab student library, as `backprop-lab publish` wrote it: what every lesson imports.
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "Helper library of the Backprop Lab lessons on training neural networks."
readme = "README.md"
requires-python = "{requires_python}"
dependencies = [{dependencies}]

[project.optional-dependencies]
lab = [{lab}]

[tool.hatch.build.targets.wheel]
packages = ["src/backprop_lab"]
"""


def student_modules() -> list[Path]:
    """The source files of the student library: the package's top-level modules minus the instructor tools."""
    package = Path(backprop_lab.__file__).parent
    return sorted(p for p in package.glob("*.py") if p.stem not in INSTRUCTOR_MODULES)


def publish(course: Course, target: str | Path, config: CourseConfig | None = None) -> list[Path]:
    """Writes the student-facing course into `target`.

    Args:
        course: the instructor's checkout (its lessons must be released).
        target: the folder to write, e.g. a clone of the public repository. `lessons/`, `src/`,
            `pyproject.toml` and `README.md` there are replaced; other files (`.git`) are kept.
        config: the course configuration (read from the course when None).

    Returns:
        The files written.

    Raises:
        UserError: `target` is the course itself or holds `solutions/`, or a lesson is not released
            or was released for another published location.
    """
    from backprop_lab.course.release import COLAB_BADGE

    config = config or load_config(course)
    target = Path(target).resolve()
    if target == course.root.resolve() or course.root.resolve().is_relative_to(target):
        raise UserError(
            f"{target} holds the course itself: publish into a new folder, e.g. a clone of "
            f"{config.publication.repository}"
        )
    if (target / "solutions").exists() or (target / "autograder").exists():
        raise UserError(
            f"{target} looks like an instructor repository (it has solutions/ or autograder/): "
            "publish into an empty folder or a clone of the public repository"
        )
    lesson_ids = course.lesson_ids()
    expected = config.publication.colab_url("X").removesuffix("X/X.ipynb")
    for lesson_id in lesson_ids:
        path = course.lesson_path(lesson_id)
        if not path.is_file():
            raise UserError(f"{lesson_id} is not released: run `backprop-lab release` first")
        badges = COLAB_BADGE.findall(path.read_text(encoding="utf-8"))
        if not badges or any(b != expected for b in badges):
            raise UserError(
                f"{path.relative_to(course.root)} points at another published location than "
                f"{config.source or 'the configuration'} ({config.publication.repository}, branch "
                f"{config.publication.branch}): run `backprop-lab release` first"
            )
    target.mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED:
        old = target / name
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    written = []
    for lesson_id in lesson_ids:
        destination = target / "lessons" / lesson_id / f"{lesson_id}.ipynb"
        destination.parent.mkdir(parents=True)
        shutil.copyfile(course.lesson_path(lesson_id), destination)
        written.append(destination)
    package = target / "src" / "backprop_lab"
    package.mkdir(parents=True)
    for module in student_modules():
        shutil.copyfile(module, package / module.name)
        written.append(package / module.name)
    (target / "pyproject.toml").write_text(_pyproject(course), encoding="utf-8")
    (target / "README.md").write_text(student_readme(course, config, lesson_ids), encoding="utf-8")
    return [*written, target / "pyproject.toml", target / "README.md"]


def _project_metadata(course: Course) -> dict:
    """The `[project]` table of the instructor package's `pyproject.toml`."""
    from backprop_lab.course.config import read_toml

    for root in (course.root, Path(backprop_lab.__file__).resolve().parents[2]):
        if (root / "pyproject.toml").is_file():
            project = read_toml(root / "pyproject.toml").get("project", {})
            if project.get("name") == PACKAGE_NAME:
                return project
    raise UserError(f"no pyproject.toml of {PACKAGE_NAME} found in {course.root}: publish needs the checkout's")


def _pyproject(course: Course) -> str:
    project = _project_metadata(course)

    def quoted(items) -> str:
        return ", ".join(f'"{item}"' for item in items)

    return _PYPROJECT.format(
        name=PACKAGE_NAME,
        version=backprop_lab.__version__,
        requires_python=project.get("requires-python", ">=3.10"),
        dependencies=quoted(project.get("dependencies", [])),
        lab=quoted(project.get("optional-dependencies", {}).get("lab", [])),
    )


def _title(course: Course, lesson_id: str) -> str:
    import nbformat

    notebook = nbformat.read(course.lesson_path(lesson_id), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return lesson_id


def student_readme(course: Course, config: CourseConfig, lesson_ids: list[str]) -> str:
    """The published course's README: the lessons with their Colab links and due dates, and how to work."""
    rows = []
    for lesson_id in lesson_ids:
        due = config.due(lesson_id)
        rows.append(
            f"| [{_title(course, lesson_id)}](lessons/{lesson_id}/{lesson_id}.ipynb) "
            f"| [Open in Colab]({config.publication.colab_url(lesson_id)}) "
            f"| {due.isoformat(sep=' ', timespec='minutes') if due else ''} |"
        )
    late = {
        "none": "",
        "zero": "Work handed in after the due date gets no points.",
        "per_day": (
            f"Work handed in late loses {config.late_policy.per_day:.0%} of the lesson's points per day "
            f"(or part of a day), at most {config.late_policy.cap:.0%}."
        ),
    }[config.late_policy.method]
    return f"""# Backprop Lab ({config.course_id})

{len(lesson_ids)} hands-on Jupyter lessons on training neural networks with Keras 3 and `tf.GradientTape`.
Each lesson has exercises: fill in every cell marked `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` line) and run the test cell below it. The visible tests are a
subset: the grader also runs hidden tests on other inputs.

| lesson | Colab | due |
|---|---|---|
{chr(10).join(rows)}

{late}

## On Colab

Open a lesson from its link above and run the setup cell first: it installs this course's helper
library (`{config.publication.install_requirement}`) once per runtime and checks the versions of
TensorFlow and Keras. When you are done, download the notebook (File > Download > Download .ipynb)
and hand it in as your instructor asks.

## On your machine

```bash
python3 -m venv .venv && .venv/bin/pip install ".[lab]"
.venv/bin/jupyter lab lessons/
```

Open a lesson, run the setup cell first, and work as above. Hand in the `.ipynb` file.
"""
