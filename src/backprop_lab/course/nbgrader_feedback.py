"""Feedback pages of plain `nbgrader generate_feedback` without hidden test source.

nbgrader's `autograde` puts the hidden tests back into each test cell before
running it, and `generate_feedback` renders that notebook as it is: the pages
would show the hidden tests, and the traceback of a failing one quotes their
code. `HideHiddenTests`, listed among the `GenerateFeedback` preprocessors in
`autograder/nbgrader_config.py`, cuts the hidden region out of every test cell
and shortens the errors of those cells to their type and message, which are
written for students.
"""

from __future__ import annotations

from nbgrader.preprocessors import ClearHiddenTests


class HideHiddenTests(ClearHiddenTests):
    """nbgrader's `ClearHiddenTests`, plus tracebacks cut down to `ErrorType: message`.

    It runs on autograded notebooks, so it keeps the outputs (and so the
    result of each test) and only removes what could reveal hidden tests.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        """Removes the hidden region of a test cell and the code lines quoted by its errors."""
        if self._remove_hidden_test_region(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
