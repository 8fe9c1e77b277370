"""Finding submissions in nbgrader's layout, flat folders and zips."""

import zipfile

import pytest
from conftest import write_class

from backprop_lab.errors import UserError
from backprop_lab.grading.submissions import discover, parse_flat_name

LESSON = "01_manual_backprop"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("alice_01_manual_backprop.ipynb", ("alice", 0)),
        ("Copy of alice_01_manual_backprop.ipynb", ("alice", 0)),
        ("alice_Copy of 01_manual_backprop (2).ipynb", ("alice", 2)),
        ("bob.smith_lesson (1).ipynb", ("bob.smith", 1)),
        ("01manual.ipynb", None),
        ("_nobody.ipynb", None),
    ],
)
def test_parse_flat_name(name, expected):
    assert parse_flat_name(name) == expected


def test_nbgrader_layout(course, tmp_path):
    write_class(tmp_path / "class", {("alice", LESSON): "{}", ("bob", LESSON): "{}", ("carol", "99_nope"): "{}"})
    found = discover(tmp_path / "class", course, None, tmp_path / "work")
    assert [(s.student_id, s.lesson_id, s.problem) for s in found] == [
        ("alice", LESSON, ""),
        ("bob", LESSON, ""),
        ("carol", "99_nope", "unknown lesson"),
    ]


def test_nbgrader_layout_accepts_one_renamed_notebook(course, tmp_path):
    folder = tmp_path / "class" / "alice" / LESSON
    folder.mkdir(parents=True)
    (folder / f"Copy of {LESSON}.ipynb").write_text("{}")
    (sub,) = discover(tmp_path / "class", course, None, tmp_path / "work")
    assert sub.path.name == f"Copy of {LESSON}.ipynb" and "Copy of" in sub.note and not sub.problem


def test_flat_folder_keeps_latest_download(course, tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for name in [f"alice_{LESSON}.ipynb", f"Copy of alice_{LESSON} (1).ipynb", f"bob_{LESSON}.ipynb", "README.ipynb"]:
        (flat / name).write_text("{}")
    found = discover(flat, course, "01", tmp_path / "work")
    by_student = {s.student_id: s for s in found}
    assert by_student["alice"].path.name == f"Copy of alice_{LESSON} (1).ipynb"
    assert "2 files" in by_student["alice"].note
    assert by_student["README"].problem == "wrong file name"
    assert {s.lesson_id for s in found} == {LESSON}


def test_zip_is_unpacked_safely(course, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"submissions/alice_{LESSON}.ipynb", "{}")
        zf.writestr("__MACOSX/._alice.ipynb", "junk")
        zf.writestr("../escape_x.ipynb", "{}")
    found = discover(archive, course, LESSON, tmp_path / "work")
    assert [s.student_id for s in found] == ["alice"]
    assert not (tmp_path / "escape_x.ipynb").exists()


@pytest.mark.parametrize(
    "setup, lesson, pattern",
    [
        ("missing", None, "does not exist"),
        ("flat", None, "--lesson"),
        ("flat", "42", "unknown lesson '42'"),
        ("empty", LESSON, "no notebooks found"),
        ("badzip", LESSON, "not a valid zip"),
    ],
)
def test_errors_say_what_to_do(course, tmp_path, setup, lesson, pattern):
    path = tmp_path / setup
    if setup == "flat":
        path.mkdir()
        (path / f"alice_{LESSON}.ipynb").write_text("{}")
    elif setup == "empty":
        path.mkdir()
    elif setup == "badzip":
        path = tmp_path / "class.zip"
        path.write_text("not a zip")
    with pytest.raises(UserError, match=pattern):
        discover(path, course, lesson, tmp_path / "work")
