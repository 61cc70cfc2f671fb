"""Spreadsheet values as the sheet prints them: dates, integers, decimals, percentages,
thousands separators, units in the format; in XLSX, XLS and ODS."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.blocks import Paragraph
from jixiao.extract.readers import read_blocks
from jixiao.extract.readers.numfmt import general, render_date, render_number

# (value, Excel format, what Excel prints)
CASES = [
    (44561, "yyyy-mm-dd", "2021-12-31"),
    (45291, 'yyyy"年"m"月"d"日"', "2023年12月31日"),
    (12, "General", "12"),
    (12.0, "0", "12"),
    (12.5, "General", "12.5"),
    (0.955, "0.0%", "95.5%"),
    (1, "0%", "100%"),
    (1234.5, "#,##0.00", "1,234.50"),
    (86246.64, "#,##0.00_);[Red]\\(#,##0.00\\)", "86,246.64"),
    (-5, "#,##0.00_);[Red]\\(#,##0.00\\)", "(5.00)"),
    (120, '0.00"万元"', "120.00万元"),
    (3, "0\\天", "3天"),
    (0.1 + 0.2, "General", "0.3"),
    (0, "0.00;-0.00;\\-", "-"),
]


def _xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "值"])
    for n, (value, fmt, _) in enumerate(CASES, start=2):
        sheet.cell(n, 1, f"第{n}行")
        cell = sheet.cell(n, 2, value)
        cell.number_format = fmt
        if "yy" in fmt:  # openpyxl writes a date serial when the value is a date
            cell.value = dt.date(1899, 12, 30) + dt.timedelta(days=value)
    book.save(path)
    return path


def _xls(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("值")
    sheet.write(0, 0, "指标")
    sheet.write(0, 1, "值")
    for n, (value, fmt, _) in enumerate(CASES, start=1):
        sheet.write(n, 0, f"第{n + 1}行")
        sheet.write(n, 1, value, xlwt.easyxf(num_format_str=fmt))
    book.save(str(path))
    return path


@pytest.mark.parametrize("writer", [_xlsx, _xls])
def test_values_print_as_the_sheet_shows_them(writer: object, tmp_path: Path) -> None:
    doc = read_blocks(writer(tmp_path / f"values{'.xlsx' if writer is _xlsx else '.xls'}"))
    (table,) = doc.tables()
    assert [row[1].text for row in table.rows[1:]] == [shown for _, _, shown in CASES]


def test_ods_prints_its_display_text(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P, S

    book = OpenDocumentSpreadsheet()
    table = Table(name="值")
    rows = [
        [("string", None, "指标"), ("string", None, "值")],
        [("string", None, "完成时间"), ("date", "2023-12-31", "2023-12-31")],
        [("string", None, "达标率"), ("percentage", "0.955", "95.5%")],
        [("string", None, "金额"), ("float", "1234.5", "1,234.50")],
    ]
    for cells in rows:
        tr = TableRow()
        for kind, value, shown in cells:
            args = {"valuetype": kind}
            if kind == "date":
                args["datevalue"] = value
            elif value is not None:
                args["value"] = value
            cell = TableCell(**args)
            cell.addElement(P(text=shown))
            tr.addElement(cell)
        table.addElement(tr)
    spaced = TableRow()
    spaced_cell = TableCell(valuetype="string", numbercolumnsrepeated=2)
    paragraph = P(text="服务")
    paragraph.addElement(S(c=2))
    paragraph.addText("对象")
    spaced_cell.addElement(paragraph)
    spaced.addElement(spaced_cell)
    table.addElement(spaced)
    book.spreadsheet.addElement(table)
    book.save(str(tmp_path / "v.ods"))
    (grid,) = read_blocks(tmp_path / "v.ods").tables()
    assert grid.texts() == [
        ["指标", "值"], ["完成时间", "2023-12-31"], ["达标率", "95.5%"], ["金额", "1,234.50"],
        ["服务 对象", "服务 对象"],
    ]  # fmt: skip


def test_title_rows_become_paragraphs_and_blank_rows_split_tables(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B2"] = "部门预算项目支出预算表"
    sheet.merge_cells("B2:E3")
    sheet["B4"] = "单位：万元"
    for r, row in enumerate([["项目", "金额"], ["甲", "1.00"]], start=5):
        for c, text in enumerate(row, start=2):
            sheet.cell(r, c, text)
    sheet["B8"] = "第二张表"
    sheet["C8"] = "x"
    sheet["B9"] = "注：本表无数据。"
    book.save(tmp_path / "t.xlsx")
    blocks = read_blocks(tmp_path / "t.xlsx").blocks
    assert [b.text if isinstance(b, Paragraph) else b.texts() for b in blocks] == [
        "部门预算项目支出预算表", "单位：万元", [["项目", "金额"], ["甲", "1.00"]],
        [["第二张表", "x"]], "注：本表无数据。",
    ]  # fmt: skip
    assert blocks[2].rows[0][0].where.row == 5 and blocks[2].rows[0][0].where.column == 2


# ---------------------------------------------------------------- the format engine


@given(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 6))
def test_fixed_decimals_property(value: float, places: int) -> None:
    fmt = "0" + ("." + "0" * places if places else "")
    want = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    assert render_number(value, fmt) == f"{want:.{places}f}"
    assert render_number(value, "#,##" + fmt) == f"{want:,.{places}f}"


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_general_never_prints_a_float_tail(value: float) -> None:
    text = general(value)
    assert not text.endswith(".0")
    assert float(text) == pytest.approx(value, rel=1e-14, abs=1e-300)
    if value.is_integer():
        assert text == str(int(value))


@given(st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)))
def test_date_formats_property(stamp: dt.datetime) -> None:
    assert render_date(stamp.date(), "yyyy-mm-dd") == stamp.date().isoformat()
    assert render_date(stamp, "yyyy/m/d h:mm") == (
        f"{stamp.year}/{stamp.month}/{stamp.day} {stamp.hour}:{stamp.minute:02d}"
    )


def test_a_last_row_with_one_label_stays_a_row(tmp_path: Path) -> None:
    """Budget tables end in rows that print one label only (``十六、金融支出`` with no
    amount): they are rows, not notes; a ``注`` line or a text merged across is a note."""
    import openpyxl

    from jixiao.extract.readers import blocks_to_text

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["收入", "金额", "支出", "金额"], ["一、财政拨款", "1.00", "十五、商业服务业等支出", ""],
                [None, None, "十六、金融支出", None]):  # fmt: skip
        sheet.append(row)
    sheet["A4"] = "说明：金额为预算数（表下的说明，合并单元格）"
    sheet.merge_cells("A4:D4")
    book.save(tmp_path / "last.xlsx")
    doc = read_blocks(tmp_path / "last.xlsx")
    assert doc.tables()[0].texts()[-1] == ["", "", "十六、金融支出", ""]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "说明：金额为预算数（表下的说明，合并单元格）"
    ]
    text = blocks_to_text(doc).splitlines()
    assert text[2] == "\t\t十六、金融支出\t" and text[-1].startswith("说明：")
