"""`gradebook.csv` files written by older versions, before nbgrader's export columns came first, still read."""

from backprop_lab.grading.gradebook import read_gradebook


def test_gradebooks_written_before_the_nbgrader_columns_still_read(tmp_path):
    path = tmp_path / "gradebook.csv"
    path.write_text("student_id,lesson,score,max_score,status,reason\nada,01_x,2,4,graded,\n")
    (row,) = read_gradebook(path)
    assert (row["assignment"], row["score"], row["max_score"]) == ("01_x", 2.0, 4.0)
