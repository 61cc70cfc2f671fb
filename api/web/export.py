"""The audit table as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) and XLSX."""

from __future__ import annotations

import csv
import io
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
    **{c.key: (c.zh, c.en) for c in i18n.CATEGORIES},
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


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]], lang: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(lang))
    for line in table(rows, lang):
        writer.writerow(["" if v is None else _cell(v) for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]], lang: str, sheet: str = "audit") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers(lang))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in table(rows, lang):
        ws.append(line)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    amount = COLUMNS.index("amount") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=amount, max_col=amount):
        cell.number_format = "#,##0.00"
    widths = {"project": 48, "unit": 30, "id": 60}
    for i, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 12)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
