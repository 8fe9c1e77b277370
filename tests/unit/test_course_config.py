"""`autograder/course.toml`: the typed reader, its errors, and what `backprop-lab release` writes from it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from conftest import ROOT
from packaging.requirements import Requirement

from backprop_lab.course import Course
from backprop_lab.course.config import (
    CourseConfig,
    LatePolicy,
    Publication,
    load_config,
    parse_config,
    read_toml,
)
from backprop_lab.errors import UserError

LESSONS = Course(ROOT).lesson_ids()
FULL = """
course_id = "dl-fall-2026"
timezone = "Europe/Berlin"

[publish]
repository = "https://github.com/uni-x/dl-course"
branch = "fall-2026"

[late_policy]
method = "per_day"
per_day = 0.1
cap = 0.3

[assignments]
01 = 2026-12-01T23:59:00Z
02_activations = { due = 2026-12-08 18:00:00, canvas_id = "48213" }
03 = 2026-12-15

[[students]]
id = "ada"
first_name = "Ada"
last_name = "Lovelace"
email = "ada@example.edu"
lms_id = "10231"
sis_id = "S1001"
login = "ada.l"
section = "A"

[[students]]
id = "ben"
"""


def parse(text: str) -> CourseConfig:
    import tomllib

    return parse_config(tomllib.loads(text), LESSONS, "course.toml")


def test_a_full_configuration_is_read_into_typed_values():
    config = parse(FULL)
    assert config.course_id == "dl-fall-2026"
    assert config.publication == Publication("https://github.com/uni-x/dl-course", "fall-2026")
    assert config.late_policy == LatePolicy("per_day", 0.1, 0.3)
    assert [a.lesson_id for a in config.assignments] == LESSONS[:3]
    first, second, third = config.assignments
    assert first.due == datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
    assert second.due.utcoffset() == timedelta(hours=1) and second.canvas_id == "48213"  # Berlin in winter
    assert second.due == datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc)  # written without offset: Berlin
    assert (third.due.date(), third.due.hour, third.due.minute) == (date(2026, 12, 15), 23, 59)
    assert config.student("ada").sis_id == "S1001" and config.student("ada").name == "Ada Lovelace"
    assert config.student("ben").name == "ben" and config.student("carl") is None


def test_the_committed_configuration_is_the_default():
    config = load_config(Course(ROOT))
    assert config.source.endswith("autograder/course.toml")
    default = CourseConfig()
    assert (config.course_id, config.publication, config.late_policy) == (
        default.course_id,
        default.publication,
        default.late_policy,
    )
    assert load_config(Course(ROOT / "no-such-course")) == default  # a course without the file


def test_the_default_install_command_is_valid_pip_syntax():
    requirement = Requirement(CourseConfig().publication.install_requirement)
    assert requirement.name == "backprop-lab" and requirement.url.startswith("git+https://github.com/")
    for publication in (
        Publication("https://github.com/uni-x/dl-course", "fall-2026"),
        Publication("https://github.com/uni-x/dl-course.git"),
        Publication(package="backprop-lab==0.2.0"),
    ):
        parsed = Requirement(publication.install_requirement)
        assert parsed.name == "backprop-lab"
    assert Requirement(Publication("https://github.com/u/c", "fall-2026").install_requirement).url.endswith(
        "/u/c@fall-2026"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("[assignments]\n99 = 2026-12-01", "assignments.99: unknown lesson"),
        ("[assignments]\n01 = 'next friday'", "assignments.01: bad date 'next friday'"),
        ("[assignments]\n01 = 2026-12-01\n01_manual_backprop = 2026-12-02", "assigned twice"),
        ("[assignments]\n01 = { canvas_id = '1' }", "needs a due date"),
        ("[late_policy]\nmethod = 'half'", "late_policy.method: 'half' is not one of"),
        ("[late_policy]\nmethod = 'per_day'", "needs per_day > 0"),
        ("[late_policy]\nmethod = 'per_day'\nper_day = 10", "between 0 and 1"),
        ("[late_policy]\nmethod = 'zero'\ncap = 0.5", "apply to method = 'per_day'"),
        ("[publish]\nrepository = 'https://gitlab.com/a/b'", "must be a GitHub repository"),
        ("[publish]\nbranch = 'a..b'", "is not a branch name"),
        ("[publish]\npackage = 'backprop-lab'", "must pin a version"),
        ("timezone = 'Mars/Olympus'", "unknown time zone"),
        ("course_id = 'a b'", "course_id"),
        ("[[students]]\nid = 'ada'\n[[students]]\nid = 'ada'", "listed twice"),
        ("[[students]]\nname = 'Ada'", "students[1].name: unknown key"),
        ("[[students]]\nfirst_name = 'Ada'", "students[1].id"),
        ("due = 2026-12-01", "due: unknown key"),
    ],
)
def test_bad_input_is_a_user_error_naming_the_key(text, message):
    with pytest.raises(UserError, match="course.toml: ") as err:
        parse(text)
    assert message in str(err.value)


def test_invalid_toml_is_a_user_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text("[publish\n")
    with pytest.raises(UserError, match="is not valid TOML"):
        read_toml(path)


@pytest.mark.parametrize(
    "policy, late_by, penalty",
    [
        (LatePolicy(), timedelta(days=3), 0.0),
        (LatePolicy("zero"), timedelta(seconds=1), 8.0),
        (LatePolicy("zero"), timedelta(0), 0.0),
        (LatePolicy("zero"), None, 0.0),
        (LatePolicy("per_day", 0.1, 0.3), timedelta(hours=1), 1.0),  # a started day counts
        (LatePolicy("per_day", 0.1, 0.3), timedelta(days=2, hours=1), 3.0),
        (LatePolicy("per_day", 0.1, 0.3), timedelta(days=9), 3.0),  # capped
        (LatePolicy("per_day", 0.5, 1.0), timedelta(days=3), 8.0),  # never more than the raw score
    ],
)
def test_late_penalty(policy, late_by, penalty):
    assert policy.penalty(8.0, 10.0, late_by) == pytest.approx(penalty)


def test_outside_a_checkout_the_tools_say_where_the_course_comes_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="no Backprop Lab course found.*--course PATH.*holds no course"):
        Course.locate()
