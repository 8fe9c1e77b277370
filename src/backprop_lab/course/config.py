"""The course configuration, `autograder/course.toml`: one file an instructor who forks the course edits.

It says where the student-facing course is published (the public repository
and branch that the Colab badges open and the setup cell installs from, or a
version on the package index), the course id, the lessons assigned with their
due dates, the late policy and an optional roster. `load_config` reads it into
typed dataclasses and raises `UserError` naming the file, the key and the fix
for anything it cannot use. A course without the file gets `CourseConfig()`,
the defaults of the file this repository ships.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_lab.errors import UserError

if TYPE_CHECKING:
    from backprop_lab.course.folder import Course

CONFIG_NAME = "course.toml"
"""The configuration's file name, in the course's `autograder/` folder."""

DEFAULT_REPOSITORY = "https://github.com/backprop-lab/backprop-lab"
DEFAULT_BRANCH = "main"
PACKAGE_NAME = "backprop-lab"
LATE_METHODS = ("none", "zero", "per_day")
_GITHUB = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")
_PACKAGE = re.compile(r"^backprop-lab\s*(==|~=|>=)\s*[0-9][A-Za-z0-9.+!-]*$")


@dataclass(frozen=True)
class Publication:
    """Where students get the course: the public repository (and branch), or a version on the package index.

    Attributes:
        repository: `https://github.com/OWNER/NAME` of the public course that `backprop-lab publish`
            writes; the Colab badges open the lessons from it.
        branch: the branch the published course is pushed to.
        package: a requirement such as `backprop-lab==0.2.0`: the setup cell installs the library from
            the package index instead of the repository ("" installs from the repository).
    """

    repository: str = DEFAULT_REPOSITORY
    branch: str = DEFAULT_BRANCH
    package: str = ""

    @property
    def owner_and_name(self) -> str:
        match = _GITHUB.match(self.repository)
        return f"{match['owner']}/{match['name']}" if match else ""

    def colab_url(self, lesson_id: str) -> str:
        """The address the lesson's "Open in Colab" badge links to."""
        return (
            f"https://colab.research.google.com/github/{self.owner_and_name}/blob/{self.branch}/"
            f"lessons/{lesson_id}/{lesson_id}.ipynb"
        )

    @property
    def install_requirement(self) -> str:
        """What the setup cell passes to `pip install`.

        The repository's `branch` is pinned with `@branch` unless it is `main`, which pip's
        plain `git+URL` installs from a repository whose default branch it is.
        """
        if self.package:
            return self.package
        ref = "" if self.branch == DEFAULT_BRANCH else f"@{self.branch}"
        return f"{PACKAGE_NAME} @ git+{self.repository.rstrip('/').removesuffix('.git')}{ref}"


@dataclass(frozen=True)
class LatePolicy:
    """What a late submission loses.

    Attributes:
        method: "none" (nothing), "zero" (every point), or "per_day" (`per_day` of the lesson's
            points for each day or part of a day late, at most `cap` of them).
        per_day: share of the lesson's points lost per started day (with "per_day").
        cap: largest share of the lesson's points lost (with "per_day").
    """

    method: str = "none"
    per_day: float = 0.0
    cap: float = 1.0

    def penalty(self, raw_score: float, max_score: float, late_by: timedelta | None) -> float:
        """Points deducted from `raw_score` for a submission `late_by` after the due date (None: on time)."""
        if late_by is None or late_by <= timedelta(0) or self.method == "none":
            return 0.0
        if self.method == "zero":
            return raw_score
        days = math.ceil(late_by / timedelta(days=1))
        return round(min(raw_score, min(self.cap, self.per_day * days) * max_score), 6)


@dataclass(frozen=True)
class Assignment:
    """A lesson assigned to the class.

    Attributes:
        lesson_id: the lesson's id.
        due: the due date (time zone aware).
        canvas_id: the Canvas assignment id, for `backprop-lab export --to canvas` ("" lets Canvas
            create the assignment from the column name).
    """

    lesson_id: str
    due: datetime
    canvas_id: str = ""


@dataclass(frozen=True)
class Student:
    """One student of the roster.

    Attributes:
        id: the student id submissions are filed under (nbgrader's `student_id`).
        first_name, last_name, email: as the LMS knows them.
        lms_id: the LMS's own user id (Canvas: the `ID` column).
        sis_id: the school's student number (Canvas: `SIS User ID`; Moodle: `ID number`).
        login: the school login (Canvas: `SIS Login ID`).
        section: the course section (Canvas: `Section`).
    """

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_id: str = ""
    sis_id: str = ""
    login: str = ""
    section: str = ""

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.id


@dataclass(frozen=True)
class CourseConfig:
    """Everything `autograder/course.toml` says.

    Attributes:
        course_id: the course's id (nbgrader's `course_id`).
        publication: where students get the course.
        assignments: the lessons assigned, in course order.
        late_policy: what late work loses.
        roster: the class (empty: the students are whoever handed something in).
        timezone: the time zone of due dates written without an offset.
        source: the file read ("" for the defaults).
    """

    course_id: str = "backprop-lab"
    publication: Publication = field(default_factory=Publication)
    assignments: tuple[Assignment, ...] = ()
    late_policy: LatePolicy = field(default_factory=LatePolicy)
    roster: tuple[Student, ...] = ()
    timezone: str = "UTC"
    source: str = ""

    def assignment(self, lesson_id: str) -> Assignment | None:
        return next((a for a in self.assignments if a.lesson_id == lesson_id), None)

    def student(self, student_id: str) -> Student | None:
        return next((s for s in self.roster if s.id == student_id), None)

    def due(self, lesson_id: str) -> datetime | None:
        assignment = self.assignment(lesson_id)
        return assignment.due if assignment else None


def config_path(course: Course) -> Path:
    return course.autograder_dir / CONFIG_NAME


def load_config(course: Course, path: str | Path | None = None) -> CourseConfig:
    """Reads the course's configuration (`autograder/course.toml`, or `path`).

    Args:
        course: the course, to check the lesson ids the file names.
        path: another configuration file.

    Returns:
        The configuration; the defaults when the course has no `course.toml` and `path` is None.

    Raises:
        UserError: the file is not valid TOML, or a value is unusable (an unknown lesson or key, a bad
            date, time zone, repository or late policy).
    """
    path = Path(path) if path is not None else config_path(course)
    if not path.is_file():
        if path == config_path(course):
            return CourseConfig()
        raise UserError(f"configuration file {path} does not exist")
    return parse_config(read_toml(path), course.lesson_ids(), str(path))


def read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"{path} is not valid TOML: {err}") from err


def parse_config(data: dict, lesson_ids: list[str], source: str = "course.toml") -> CourseConfig:
    """A `CourseConfig` from the parsed TOML `data`, its lessons checked against `lesson_ids`.

    Raises:
        UserError: naming `source`, the key and what is wrong.
    """
    where = _Where(source)
    where.only(data, {"course_id", "timezone", "publish", "late_policy", "assignments", "students"}, "")
    course_id = where.text(data, "course_id", "", "backprop-lab")
    if not re.match(r"^[A-Za-z0-9_.-]+$", course_id):
        where.fail("course_id", f"{course_id!r} must be letters, digits, '.', '_' or '-'")
    zone_name = where.text(data, "timezone", "", "UTC")
    zone = _zone(zone_name, where)
    return CourseConfig(
        course_id=course_id,
        publication=_publication(where.table(data, "publish"), where),
        assignments=_assignments(where.table(data, "assignments"), lesson_ids, zone, where),
        late_policy=_late_policy(where.table(data, "late_policy"), where),
        roster=_roster(data.get("students", []), where),
        timezone=zone_name,
        source=source,
    )


class _Where:
    """Error messages that name the file and the key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str):
        raise UserError(f"{self.source}: {key}: {problem}")

    def only(self, table: dict, allowed: set[str], prefix: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            self.fail(prefix + unknown[0], f"unknown key. Known keys here: {', '.join(sorted(allowed))}")

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f"must be a table ([{key}]), got {value!r}")
        return value

    def text(self, table: dict, key: str, prefix: str, default: str = "") -> str:
        value = table.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(prefix + key, f"must be a string, got {value!r}")
        return value.strip()


def _zone(name: str, where: _Where):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        where.fail("timezone", f"unknown time zone {name!r} (use a name such as 'Europe/Berlin' or 'UTC')")


def _publication(table: dict, where: _Where) -> Publication:
    where.only(table, {"repository", "branch", "package"}, "publish.")
    repository = where.text(table, "repository", "publish.", DEFAULT_REPOSITORY)
    if not _GITHUB.match(repository):
        where.fail(
            "publish.repository",
            f"{repository!r} must be a GitHub repository such as https://github.com/OWNER/NAME "
            "(Colab opens lessons from GitHub)",
        )
    branch = where.text(table, "branch", "publish.", DEFAULT_BRANCH)
    if not _BRANCH.match(branch) or ".." in branch or branch.startswith(("/", "-")):
        where.fail("publish.branch", f"{branch!r} is not a branch name")
    package = where.text(table, "package", "publish.")
    if package and not _PACKAGE.match(package):
        where.fail("publish.package", f"{package!r} must pin a version, e.g. 'backprop-lab==0.2.0'")
    return Publication(repository, branch, package)


def _late_policy(table: dict, where: _Where) -> LatePolicy:
    where.only(table, {"method", "per_day", "cap"}, "late_policy.")
    method = where.text(table, "method", "late_policy.", "none")
    if method not in LATE_METHODS:
        where.fail("late_policy.method", f"{method!r} is not one of {', '.join(map(repr, LATE_METHODS))}")
    numbers = {}
    for key, default in (("per_day", 0.0), ("cap", 1.0)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            where.fail(f"late_policy.{key}", f"must be a share of the points between 0 and 1, got {value!r}")
        numbers[key] = float(value)
    if method == "per_day" and numbers["per_day"] == 0:
        where.fail("late_policy.per_day", "the 'per_day' method needs per_day > 0 (e.g. 0.1: 10% per day late)")
    if method != "per_day" and ("per_day" in table or "cap" in table):
        where.fail("late_policy.method", f"per_day and cap apply to method = 'per_day', not {method!r}")
    return LatePolicy(method, numbers["per_day"], numbers["cap"])


def _assignments(table: dict, lesson_ids: list[str], zone, where: _Where) -> tuple[Assignment, ...]:
    found = {}
    for key, value in table.items():
        matches = [k for k in lesson_ids if k == key or k.startswith(f"{key}_")]
        if len(matches) != 1:
            where.fail(f"assignments.{key}", f"unknown lesson. Known lessons: {', '.join(lesson_ids)}")
        lesson_id = matches[0]
        if lesson_id in found:
            where.fail(f"assignments.{key}", f"{lesson_id} is assigned twice")
        canvas_id = ""
        if isinstance(value, dict):
            where.only(value, {"due", "canvas_id"}, f"assignments.{key}.")
            if "due" not in value:
                where.fail(f"assignments.{key}", "needs a due date: { due = 2026-12-01T23:59:00Z }")
            canvas_id = where.text(value, "canvas_id", f"assignments.{key}.")
            value = value["due"]
        found[lesson_id] = Assignment(lesson_id, _due(value, zone, where, f"assignments.{key}"), canvas_id)
    return tuple(found[k] for k in sorted(found))


def _due(value, zone, where: _Where, key: str) -> datetime:
    """A due date: a TOML date-time (with or without offset), a date (its last second), or such a string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            where.fail(key, f"bad date {value!r}: write it as 2026-12-01T23:59:00Z or 2026-12-01 23:59")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), zone)
    where.fail(key, f"bad date {value!r}: write it as 2026-12-01T23:59:00Z or 2026-12-01 23:59")


_STUDENT_KEYS = {f.name for f in fields(Student)}


def _roster(entries, where: _Where) -> tuple[Student, ...]:
    if not isinstance(entries, list):
        where.fail("students", "must be an array of tables: [[students]] entries")
    roster, seen = [], set()
    for number, entry in enumerate(entries, 1):
        prefix = f"students[{number}]."
        if not isinstance(entry, dict):
            where.fail(f"students[{number}]", "must be a table with at least an id")
        where.only(entry, _STUDENT_KEYS, prefix)
        values = {key: where.text(entry, key, prefix) for key in _STUDENT_KEYS}
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$", values["id"]):
            where.fail(prefix + "id", f"{values['id']!r} is not a student id (letters, digits, ._@+-)")
        if values["id"] in seen:
            where.fail(prefix + "id", f"student {values['id']!r} is listed twice")
        seen.add(values["id"])
        roster.append(Student(**values))
    return tuple(roster)
