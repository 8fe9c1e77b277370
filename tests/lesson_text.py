"""The sentences a lesson states, as `tests/test_requirements.py` and `tests/test_experiment_claims.py` read them.

A lesson's text is its markdown cells and the docstrings of its solution cells (see CONTRIBUTING.md,
"Every sentence is checked"). Splitting rules:

- markdown: fenced code blocks are skipped; a heading, a list item, a table row (not the `|---|`
  separator) and a paragraph are blocks; a block is split into sentences after `.`, `!` or `?`
  followed by a space and a capital letter, a digit, inline code or an opening mark (never inside
  inline code, nor after e.g., i.e., et al., vs., cf.);
- docstrings (Google style): the summary, paragraphs and each `Args:` entry are split the same way;
  a `Returns:` or `Yields:` section with its indented text is one sentence, each entry of a `Raises:`
  section is one sentence (`Raises: ValueError: ...`).

A sentence is a requirement when it contains, case-insensitively and as a whole word outside inline
code, one of REQUIREMENT_WORDS or the phrase "in this order". Fragments (`says`) are compared with
`normalize`: lowercase, whitespace collapsed, markdown backticks and asterisks removed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

REQUIREMENT_WORDS = (
    "must",
    "never",
    "raise",
    "raises",
    "raised",
    "refuse",
    "refuses",
    "refused",
    "return",
    "returns",
    "strictly",
)
_REQUIREMENT = re.compile(r"\b(?:" + "|".join(REQUIREMENT_WORDS) + r")\b|\bin\s+this\s+order\b", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
# a sentence ends at . ! ? (closing quotes/brackets allowed) followed by a space and something that starts one
_BOUNDARY = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bvs\.)(?<!\bcf\.)"  # not after an abbreviation
    r"([\"')\]]*)\s+(?=[A-Z0-9\x00*\"'(\[_])"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_SECTION = re.compile(
    r"^(Args|Arguments|Attributes|Returns|Yields|Raises|Examples?|Notes?|Warnings?|See Also|Todo):\s*(.*)$"
)
WHOLE_SECTIONS = ("Returns", "Yields")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a lesson: the cell it is in, where in that cell, and its text as written."""

    cell: int
    where: str  # "markdown", "markdown heading", or "docstring of <name>"
    text: str
    tags: tuple[str, ...] = ()

    @property
    def normalized(self) -> str:
        return normalize(self.text)

    @property
    def is_requirement(self) -> bool:
        return is_requirement(self.text)

    def __str__(self) -> str:
        return f"cell {self.cell} ({self.where}): {self.text}"


def normalize(text: str) -> str:
    """Lowercase, whitespace collapsed, markdown backticks and asterisks removed: how fragments are compared."""
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text)).strip().lower()


def is_requirement(text: str) -> bool:
    """Whether a sentence states a requirement: a requirement word outside inline code (and outside link targets)."""
    prose = _LINK_TARGET.sub("]", _CODE_SPAN.sub(" ", text))
    return bool(_REQUIREMENT.search(prose))


def split_sentences(block: str) -> list[str]:
    """The sentences of one block of prose (lines joined); inline code is never split."""
    spans: list[str] = []

    def protect(match: re.Match) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(protect, re.sub(r"\s+", " ", block).strip())
    pieces = _BOUNDARY.sub(lambda m: m.group(1) + "\x01", text).split("\x01")
    restored = [_PLACEHOLDER.sub(lambda m: spans[int(m.group(1))], piece).strip() for piece in pieces]
    return [sentence for sentence in restored if sentence]


def markdown_blocks(source: str) -> list[tuple[str, str]]:
    """`(kind, text)` of the headings, list items, table rows and paragraphs of a markdown cell.

    `kind` is "heading", "table row" or "prose" (paragraphs and list items, the only blocks split
    into sentences); fenced code is left out.
    """
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    fence = None

    def flush():
        if current:
            blocks.append(("prose", " ".join(current)))
            current.clear()

    for line in source.splitlines():
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            flush()
            fence = stripped[:3]
            continue
        stripped = re.sub(r"^(>\s*)+", "", stripped)  # block quotes read as prose
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            blocks.append(("heading", stripped.lstrip("#").strip()))
        elif stripped.startswith("|"):
            flush()
            if not _TABLE_SEPARATOR.match(stripped):
                blocks.append(("table row", stripped.strip("|").strip()))
        elif _LIST_ITEM.match(line):
            flush()
            current.append(_LIST_ITEM.sub("", line, count=1))
        else:
            current.append(stripped)
    flush()
    return blocks


def markdown_sentences(source: str, kinds: bool = False) -> list:
    """The sentences of a markdown cell; `(kind, sentence)` pairs with `kinds=True` (see markdown_blocks)."""
    sentences = []
    for kind, block in markdown_blocks(source):
        sentences += [(kind, text) for text in (split_sentences(block) if kind == "prose" else [block])]
    return sentences if kinds else [text for _, text in sentences]


def docstring_sentences(docstring: str) -> list[str]:
    """The sentences of a (cleaned) Google-style docstring; see the module docstring for the rules."""
    sentences: list[str] = []
    section = None
    paragraph: list[str] = []
    entry_indent = None

    def flush():
        if not paragraph:
            return
        text = " ".join(line.strip() for line in paragraph)
        if section in WHOLE_SECTIONS:
            sentences.append(f"{section}: {text}")
        elif section == "Raises":
            sentences.append(f"Raises: {text}")
        else:
            sentences.extend(split_sentences(text))
        paragraph.clear()

    for line in docstring.splitlines():
        indent = len(line) - len(line.lstrip())
        header = _SECTION.match(line) if indent == 0 else None
        if header:
            flush()
            section, entry_indent = header.group(1), None
            if header.group(2):
                paragraph.append(header.group(2))
            continue
        if not line.strip():
            if section not in WHOLE_SECTIONS:
                flush()
            continue
        if indent == 0:  # back to free text after a section
            if section is not None:
                flush()
                section = None
            paragraph.append(line)
            continue
        if section is None or section in WHOLE_SECTIONS:
            paragraph.append(line)
            continue
        if entry_indent is None or indent <= entry_indent:  # a new entry (argument, exception, ...)
            flush()
            entry_indent = indent
        paragraph.append(line)
    flush()
    return sentences


def code_docstrings(source: str) -> list[tuple[str, str]]:
    """`(name, docstring)` of the module, every class, function and method in a code cell."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node)
            if docstring:
                found.append((getattr(node, "name", "the cell"), docstring))
    return found


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("solution"))


def is_test_cell(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade"))


def notebook_sentences(notebook) -> list[Sentence]:
    """Every sentence of the markdown cells and of the docstrings in the solution cells, in order."""
    sentences = []
    for index, cell in enumerate(notebook.cells):
        tags = tuple(cell.metadata.get("tags", ()))
        if cell.cell_type == "markdown":
            sentences += [
                Sentence(index, "markdown heading" if kind == "heading" else "markdown", text, tags)
                for kind, text in markdown_sentences(cell.source, kinds=True)
            ]
        elif is_solution_cell(cell):
            try:
                docstrings = code_docstrings(cell.source)
            except SyntaxError as err:
                raise AssertionError(f"solution cell {index} is not valid Python: {err}") from err
            for name, docstring in docstrings:
                sentences += [
                    Sentence(index, f"docstring of {name}", text, tags) for text in docstring_sentences(docstring)
                ]
    return sentences


def read_notebook(path: str | Path):
    return nbformat.read(path, as_version=4)


def graded_cell_ids(notebook) -> set[str]:
    """Grade ids of the notebook's test cells (nbgrader `grade: true`)."""
    return {cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells if is_test_cell(cell)}


def fragment_in(says: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences that contain the fragment `says` (compared normalized)."""
    wanted = normalize(says)
    return [sentence for sentence in sentences if wanted and wanted in sentence.normalized]
