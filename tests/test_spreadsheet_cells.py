"""Exported audit tables never hand a spreadsheet a formula (issue #18, item 9).

Project and unit names come from uploaded documents. ASCII ``= + - @`` were neutralised;
the full-width ``＝ ＋ － ＠`` (and the small ``﹦ ﹢ ﹣``), which spreadsheets in CJK locales
read as formula starters too, were not.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from jixiao.api.web.export import to_csv, to_xlsx

STARTERS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣"]
PLAIN = ["广州市项目", "1+1", "a=b", "（＝）", " =x"]


def row(name: str) -> dict:
    return {"name": name, "unit": name, "year": 2026, "amount": 12.5, "indicators": 3,
            "named": [], "categories": ["output"], "id": "https://w3id.org/jixiao/id/p/1"}  # fmt: skip


@pytest.mark.parametrize("start", STARTERS, ids=[f"U+{ord(c):04X}" for c in STARTERS])
def test_formula_starters_are_quoted_in_csv(start: str) -> None:
    name = start + 'HYPERLINK("http://x","y")'
    text = to_csv([row(name)], "zh").decode("utf-8-sig")
    (line,) = list(csv.reader(io.StringIO(text)))[1:]
    assert line[0] == line[1] == "'" + name


@pytest.mark.parametrize("name", PLAIN)
def test_other_text_is_left_as_it_is(name: str) -> None:
    text = to_csv([row(name)], "zh").decode("utf-8-sig")
    (line,) = list(csv.reader(io.StringIO(text)))[1:]
    assert line[0] == name


def test_formula_starters_are_text_cells_in_xlsx() -> None:
    names = [s + "SUM(1,2)" for s in STARTERS] + PLAIN
    book = load_workbook(io.BytesIO(to_xlsx([row(n) for n in names], "en")))
    sheet = book.active
    for number, name in enumerate(names, start=2):
        cell = sheet.cell(row=number, column=1)
        assert cell.value == name
        assert cell.data_type == "s"
        assert cell.quotePrefix == (name[:1] in STARTERS), name
