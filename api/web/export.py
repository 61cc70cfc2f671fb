"""Tables as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) and XLSX: the audit
table here, the findings in :mod:`api.web.findings_export`; both neutralise formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from jixiao.api.web import i18n

COLUMNS = ("project", "unit", "year", "amount", "indicators", *(c.key for c in i18n.CATEGORIES),
           "id")  # fmt: skip
_HEADERS = {
    "project": ("项目", "Project"),
    "unit": ("单位", "Unit"),
    "year": ("年度", "Year"),
    "amount": ("金额（万元）", "Amount (10k yuan)"),
    "indicators": ("指标数", "Indicators"),
    "id": ("IRI", "IRI"),
    **{c.key: (c.label("zh"), c.label("en")) for c in i18n.CATEGORIES},
}
_MARKS = {"has": ("有", "yes"), "named": ("仅名称提及", "named only"), "lacks": ("无", "no")}


def headers(lang: str) -> list[str]:
    return [i18n.word(_HEADERS[c], lang) for c in COLUMNS]


def table(rows: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    """One list per project, in the order of :func:`headers`."""
    out = []
    for r in rows:
        marks = []
        for c in i18n.CATEGORIES:
            state = "named" if c.key in r["named"] else "lacks"
            state = "has" if c.key in r["categories"] else state
            marks.append(i18n.word(_MARKS[state], lang))
        out.append([r["name"], r["unit"], r["year"], r["amount"], r["indicators"], *marks, r["id"]])
    return out


# What a spreadsheet may take for the start of a formula: the ASCII starters, tab and CR,
# and their full-width and small twins, which spreadsheets in CJK locales read as formulas.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠﹦﹢﹣")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula is quoted (CSV injection)."""
    return "'" + value if looks_like_formula(value) else value


def to_csv(rows: list[dict[str, Any]], lang: str) -> bytes:
    return csv_bytes(headers(lang), table(rows, lang))


def csv_bytes(header: list[str], lines: Iterable[list[Any]]) -> bytes:
    """A CSV table, UTF-8 with a byte-order mark, every cell neutralised (:func:`_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for line in lines:
        writer.writerow(["" if v is None else _cell(v) for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]], lang: str, sheet: str = "audit") -> bytes:
    widths = {"project": 48, "unit": 30, "id": 60}
    return xlsx_bytes(
        headers(lang), table(rows, lang), sheet,
        widths=[widths.get(name, 12) for name in COLUMNS],
        money=[COLUMNS.index("amount")],
    )  # fmt: skip


def xlsx_bytes(
    header: list[str],
    lines: Iterable[list[Any]],
    sheet: str,
    widths: Sequence[int],
    money: Sequence[int] = (),
) -> bytes:
    """A one-sheet workbook: bold frozen header with filters, ``widths`` per column,
    ``money`` columns (0-based) as #,##0.00; text is never taken for a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(line)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if looks_like_formula(cell.value):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True  # and it stays text when edited
    for column in money:
        for (cell,) in ws.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "#,##0.00"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
