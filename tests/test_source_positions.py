"""Issues and errors in a file that is not text name where a person finds the row: the
sheet and its row number in a spreadsheet, else the page (PDF), the table and its row,
and the source line (HTML) — not the number of a line the reader rendered (issue #14)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.document import read_document
from jixiao.extract.readers import blocks_to_lines, read_blocks
from tests.writers import Para, seed_002_first_table, write

DOC = seed_002_first_table()
PARAS = sum(isinstance(block, Para) for block in DOC)  # printed before the table


def _positioned(kind: str, tmp_path: Path) -> tuple[Path, list[tuple[str, int, str]]]:
    path = write(kind, DOC, tmp_path)
    doc = read_document(path)
    located = [(i.code, i.line, i.where) for i in doc.issues if i.line]
    assert located, "seed 002's first table has unit sums that differ (D010, D011)"
    return path, located


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_a_spreadsheet_issue_names_the_sheet_row(kind: str, tmp_path: Path) -> None:
    path, located = _positioned(kind, tmp_path)
    lines, _ = blocks_to_lines(read_blocks(path))
    for code, line, where in located:
        # the writer puts one paragraph per row, then the table's rows: rendered line = row
        assert where == f"sheet 表1, row {line}", (code, where)
        if kind == "xlsx":  # read the row back with another library than the reader's
            sheet = openpyxl.load_workbook(path).active
            cells = [str(c.value) for c in sheet[line] if c.value is not None]
            assert cells and cells[0] in lines[line - 1], (cells, lines[line - 1])


@pytest.mark.parametrize(
    ("kind", "prefix", "suffix"),
    [("pdf", "page 1, ", ""), ("docx", "", ""), ("html", "", ", line ")],
)
def test_a_table_issue_names_the_table_row(
    kind: str, prefix: str, suffix: str, tmp_path: Path
) -> None:
    _, located = _positioned(kind, tmp_path)
    for code, line, where in located:
        expected = f"{prefix}table 1, row {line - PARAS}{suffix}"
        assert where.startswith(expected), (code, where, expected)
        if suffix:  # HTML: the source line of the row's first printed cell
            assert int(where.removeprefix(expected)) > 0


def test_a_text_file_keeps_its_line_numbers(tmp_path: Path) -> None:
    _, located = _positioned("text-gb18030", tmp_path)
    assert all(where == "" for _, _, where in located)


def test_an_error_names_the_position_instead_of_the_rendered_line() -> None:
    error = DocumentError("a.xlsx", "expected a complete table row", 7, "sheet 表1, row 9")
    assert str(error) == "a.xlsx (sheet 表1, row 9): expected a complete table row"
    assert str(DocumentError("a.txt", "expected x", 7)) == "a.txt:7: expected x"
