"""Write known documents in every published format, for the reader tests and
``benchmarks/formats.py``: each writer is another library than the reader it feeds
(openpyxl, xlwt, odfpy, python-docx, reportlab; HTML and text by hand).

A document is a list of blocks: :class:`Para` (a line of text) or :class:`Grid` (rows of
cell texts, ``None`` where a merged cell covers the position, and the merged ranges as
0-based inclusive ``(row0, col0, row1, col1)``). :func:`expected` gives the grid a reader
must return: a covered position holds its origin's text with ``merged=True``.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SEED_002

Merge = tuple[int, int, int, int]


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Grid:
    rows: list[list[str | None]]
    merges: list[Merge] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)

    def span_at(self, r: int, c: int) -> Merge | None:
        return next((m for m in self.merges if m[0] == r and m[1] == c), None)


Doc = list[Para | Grid]


def expected(grid: Grid) -> list[list[tuple[str, bool]]]:
    """(text, merged) per position: what a reader must give back for ``grid``."""
    out = [[(cell or "", False) for cell in row] for row in grid.rows]
    for r0, c0, r1, c1 in grid.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    out[r][c] = (grid.rows[r0][c0] or "", True)
    return out


def seed_002_first_table() -> Doc:
    """The first 项目支出绩效目标表 of seed 002 (title, 部门名称, 单位, the table) as blocks."""
    lines = SEED_002.read_text(encoding="utf-8").split("\n")
    doc: Doc = []
    rows: list[list[str | None]] = []
    for line in lines[1:]:
        if "\t" in line:
            rows.append(list(line.split("\t")))
        elif rows:
            break
        elif line.strip():
            doc.append(Para(line.strip()))
    doc.append(Grid(rows))
    return doc


TARGETS_GRID = Grid(
    [
        ["项目名称", "数据共享平台运维", None, None],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "接入部门数", "≥30个"],
        [None, None, "数据更新次数", "≥12次"],
        [None, "质量指标", "系统可用率", "≥99.5%"],
        [None, None, "数据准确率", "≥98%"],
        ["效益指标", "社会效益", "群众办事平均时长", "≤3天"],
        ["满意度指标", "服务对象满意度", "用户满意度", "≥90%"],
        ["成本指标", "经济成本指标", "运维成本", "≤120万元"],
    ],
    [(0, 1, 0, 3), (2, 0, 5, 0), (2, 1, 3, 1), (4, 1, 5, 1)],
)
TARGETS_DOC: Doc = [Para("项目支出绩效目标表"), Para("单位：万元"), TARGETS_GRID]


# ---------------------------------------------------------------- spreadsheets


def _sheet_rows(doc: Doc) -> list[tuple[int, Para | Grid]]:
    """(first row, block), 0-based; a blank row after each table."""
    placed = []
    row = 0
    for block in doc:
        placed.append((row, block))
        row += 1 if isinstance(block, Para) else len(block.rows) + 1
    return placed


def write_xlsx(doc: Doc, path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    for top, block in _sheet_rows(doc):
        if isinstance(block, Para):
            sheet.cell(top + 1, 1, block.text)
            continue
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                if text is not None:
                    sheet.cell(top + r + 1, c + 1, text)
        for r0, c0, r1, c1 in block.merges:
            sheet.merge_cells(
                start_row=top + r0 + 1, start_column=c0 + 1, end_row=top + r1 + 1, end_column=c1 + 1
            )
    hidden = book.create_sheet("隐藏")
    hidden["A1"] = "隐藏表的内容"
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


def write_xls(doc: Doc, path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    for top, block in _sheet_rows(doc):
        if isinstance(block, Para):
            sheet.write(top, 0, block.text)
            continue
        covered = {
            (r, c)
            for r0, c0, r1, c1 in block.merges
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
        }
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                span = block.span_at(r, c)
                if span:
                    r0, c0, r1, c1 = span
                    sheet.write_merge(top + r0, top + r1, c0, c1, text)
                elif (r, c) not in covered and text is not None:
                    sheet.write(top + r, c, text)
    hidden = book.add_sheet("隐藏")
    hidden.write(0, 0, "隐藏表的内容")
    hidden.visibility = 1
    book.save(str(path))
    return path


def write_ods(doc: Doc, path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    book = OpenDocumentSpreadsheet()
    table = Table(name="表1")
    for block in doc:
        if isinstance(block, Para):
            tr = TableRow()
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=block.text))
            tr.addElement(cell)
            table.addElement(tr)
            continue
        for r, row in enumerate(block.rows):
            tr = TableRow()
            for c, text in enumerate(row):
                span = block.span_at(r, c)
                if text is None:
                    tr.addElement(CoveredTableCell())
                    continue
                args = {"valuetype": "string"}
                if span:
                    args |= {
                        "numberrowsspanned": span[2] - span[0] + 1,
                        "numbercolumnsspanned": span[3] - span[1] + 1,
                    }
                cell = TableCell(**args)
                if text:
                    cell.addElement(P(text=text))
                tr.addElement(cell)
            table.addElement(tr)
        table.addElement(TableRow())
    book.spreadsheet.addElement(table)
    book.save(str(path))
    return path


# ---------------------------------------------------------------- HTML, DOCX


def html_page(doc: Doc, charset: str) -> str:
    parts = [
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>预算</title>',
        "<style>td { border: 1px solid }</style><script>var x = '<td>不是表格</td>';</script>",
        "</head><body>",
    ]
    for block in doc:
        if isinstance(block, Para):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        parts.append("<table>")
        for r, row in enumerate(block.rows):
            parts.append("<tr>")
            for c, text in enumerate(row):
                if text is None:
                    continue
                span = block.span_at(r, c)
                attrs = ""
                if span and span[2] > span[0]:
                    attrs += f' rowspan="{span[2] - span[0] + 1}"'
                if span and span[3] > span[1]:
                    attrs += f' colspan="{span[3] - span[1] + 1}"'
                body = html.escape(text)
                if len(text) > 6 and text.isalpha():  # a wrapped Chinese label: <br> in it
                    body = f"{html.escape(text[:3])}<br>\n  {html.escape(text[3:])}"
                parts.append(f"<td{attrs}>{body}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(doc: Doc, path: Path, encoding: str = "utf-8") -> Path:
    charset = "gbk" if encoding.lower() in ("gbk", "gb18030") else encoding
    path.write_bytes(html_page(doc, charset).encode(encoding))
    return path


def write_docx(doc: Doc, path: Path) -> Path:
    import docx

    document = docx.Document()
    for block in doc:
        if isinstance(block, Para):
            document.add_paragraph(block.text)
            continue
        table = document.add_table(rows=len(block.rows), cols=block.width)
        for r0, c0, r1, c1 in block.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                if text is not None:
                    table.cell(r, c).text = text
        document.add_paragraph("")
    document.save(str(path))
    return path


# ---------------------------------------------------------------- PDF


def write_pdf(doc: Doc, path: Path, font_size: float = 7) -> Path:
    """A landscape A4 PDF with ruled tables (reportlab's STSong-Light CID font)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "zh", fontName="STSong-Light", fontSize=font_size, leading=font_size * 1.35,
        wordWrap="CJK",
    )  # fmt: skip
    page = landscape(A4)
    story = []
    for block in doc:
        if isinstance(block, Para):
            story.append(Paragraph(html.escape(block.text), style))
            continue
        width = block.width
        widths = _column_widths(block, page[0] - 72)
        data = [
            [
                Paragraph(html.escape(t), style) if t else ""
                for t in row + [None] * (width - len(row))
            ]
            for row in block.rows
        ]
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in block.merges]
        story.append(Table(data, colWidths=widths, style=TableStyle(commands)))
        story.append(Paragraph("", style))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=page, leftMargin=36, rightMargin=36).build(story)
    path.write_bytes(buffer.getvalue())
    return path


def _column_widths(grid: Grid, total: float) -> list[float]:
    longest = [
        max(len(row[c] or "") if c < len(row) else 0 for row in grid.rows)
        for c in range(grid.width)
    ]
    weights = [min(max(n, 4), 400) ** 0.8 for n in longest]
    spare = total - 50 * len(weights)
    return [50 + spare * w / sum(weights) for w in weights]


def write_text(doc: Doc, path: Path, encoding: str = "utf-8") -> Path:
    lines: list[str] = []
    for block in doc:
        if isinstance(block, Para):
            lines += [block.text, ""]
        else:
            lines += ["\t".join(cell or "" for cell in row) for row in block.rows]
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


WRITERS = {
    "xlsx": write_xlsx,
    "xls": write_xls,
    "ods": write_ods,
    "html": write_html,
    "html-gbk": lambda doc, path: write_html(doc, path, "gbk"),
    "docx": write_docx,
    "pdf": write_pdf,
    "text-gb18030": lambda doc, path: write_text(doc, path, "gb18030"),
    "text-utf16": lambda doc, path: write_text(doc, path, "utf-16"),
    "text-utf8": write_text,
}
SUFFIX = {
    "xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "html": ".html", "html-gbk": ".htm",
    "docx": ".docx", "pdf": ".pdf", "text-gb18030": ".txt", "text-utf16": ".txt",
    "text-utf8": ".txt",
}  # fmt: skip


def write(kind: str, doc: Doc, folder: Path, stem: str = "doc") -> Path:
    return WRITERS[kind](doc, folder / f"{stem}-{kind}{SUFFIX[kind]}")
