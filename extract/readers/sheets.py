"""Spreadsheets as blocks: every visible sheet, merged ranges expanded, values as shown.

XLSX is read with openpyxl (cached formula results, number formats, merged ranges,
sheet state), XLS with xlrd (``formatting_info`` for formats and merged ranges). Both
were measured against python-calamine (``benchmarks/formats.py`` notes): calamine reads
a 3,000 × 8 sheet 13× faster but drops number formats (``95.5%`` comes back as
``0.955``, ``1,234.50`` as ``1234.5``), which changes what a target says; budget sheets
are small, so the readers that keep formats win.

A sheet's cells split into runs of non-empty rows; in a run, leading rows that print one
text only (a title, ``单位：万元``, often merged across) become paragraphs, and so do
trailing ones that are a ``注`` note or merged across half the table; the rest is one
table. Hidden sheets are skipped. Each cell's ``Where``
names the sheet and its row and column as the spreadsheet numbers them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from jixiao.extract.blocks import Block, BlockDocument, Paragraph, Where
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.limits import Limits, check_zip
from jixiao.extract.readers.numfmt import general, render_date, render_number
from jixiao.extract.readers.spans import MAX_CELLS, Span, TableTooLarge, build_table, squeeze

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)


def show(value: object, fmt: str) -> str:
    """One cell value as the sheet prints it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return squeeze(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        if isinstance(value, dt.datetime) and not is_timed(fmt) and value.time() == dt.time():
            value = value.date()
        return render_date(value, fmt)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return render_number(value, fmt)
    return squeeze(str(value))


def is_timed(fmt: str) -> bool:
    return any(ch in fmt.lower() for ch in "hs") and "general" not in fmt.lower()


class _Sheet:
    """One sheet's non-empty cell texts and merged ranges (clipped to the used range),
    by 1-based position and grouped by row."""

    def __init__(self, name: str, texts: Mapping[tuple[int, int], str], merges: Iterable[Merge]):
        self.name = name
        self.texts = texts
        self.by_row: dict[int, list[int]] = {}
        for r, c in texts:
            self.by_row.setdefault(r, []).append(c)
        last_row = max(self.by_row, default=0)
        last_column = max((c for _, c in texts), default=0)
        self.ranges: dict[tuple[int, int], Merge] = {}
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        covered: dict[int, list[int]] = {}
        for r0, c0, r1, c1 in merges:
            if not texts.get((r0, c0)):
                continue  # an empty merged range prints nothing
            r1, c1 = min(r1, last_row), min(c1, last_column)
            if (r1 - r0 + 1) * (c1 - c0 + 1) + len(self.origin) > MAX_CELLS:
                raise TableTooLarge((r1 - r0 + 1) * (c1 - c0 + 1) + len(self.origin))
            self.ranges[(r0, c0)] = (r0, c0, r1, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.origin[(r, c)] = (r0, c0)
                    covered.setdefault(r, []).append(c)
        self.covered = covered

    def rows(self) -> list[int]:
        return sorted(set(self.by_row) | set(self.covered))

    def sources(self, row: int) -> set[tuple[int, int]]:
        """Where the texts printed on ``row`` come from (a merged cell's origin)."""
        columns = [*self.by_row.get(row, ()), *self.covered.get(row, ())]
        return {self.origin.get((row, c), (row, c)) for c in columns}


def sheet_blocks(
    name: str, texts: Mapping[tuple[int, int], str], merges: Iterable[Merge]
) -> list[Block]:
    """Blocks of one sheet from its non-empty cell texts (1-based positions) and merges."""
    sheet = _Sheet(name, texts, merges)
    blocks: list[Block] = []
    run: list[int] = []
    for r in [*sheet.rows(), None]:
        if r is not None and (not run or r == run[-1] + 1):
            run.append(r)
            continue
        if run:
            blocks.extend(_run_blocks(sheet, run))
        run = [] if r is None else [r]
    return blocks


def _peel(sheet: _Sheet, row: int, out: list[Block], width: int = 0) -> bool:
    """A row that prints one text only becomes a paragraph (once, at its origin row). With
    ``width`` (the end of a table) only a ``注`` note or a text merged across half the
    table or more: a last row with one label is still a row."""
    sources = sheet.sources(row)
    if len(sources) != 1:
        return False
    (r0, c0) = next(iter(sources))
    if width:
        _, _, _, c1 = sheet.ranges.get((r0, c0), (r0, c0, r0, c0))
        if not (sheet.texts[(r0, c0)].startswith("注") or 2 * (c1 - c0 + 1) >= width):
            return False
    if r0 == row:
        out.append(Paragraph(sheet.texts[(r0, c0)], Where(sheet=sheet.name, row=row)))
    return True


def _run_blocks(sheet: _Sheet, run: list[int]) -> list[Block]:
    head: list[Block] = []
    tail: list[Block] = []
    while run and _peel(sheet, run[0], head):
        run = run[1:]
    while run:
        last: list[Block] = []
        columns = [c for r in run for c in (*sheet.by_row.get(r, ()), *sheet.covered.get(r, ()))]
        if not _peel(sheet, run[-1], last, max(columns) - min(columns) + 1):
            break
        tail[:0] = last
        run = run[:-1]
    if not run:
        return head + tail
    top, bottom = run[0], run[-1]
    left = min(c for r in run for c in (*sheet.by_row.get(r, ()), *sheet.covered.get(r, ())))
    spans: list[Span] = []
    for r in run:
        for c in sheet.by_row.get(r, ()):
            if sheet.origin.get((r, c), (r, c)) == (r, c):
                _, _, r1, c1 = sheet.ranges.get((r, c), (r, c, r, c))
                text = sheet.texts[(r, c)]
                spans.append(Span(r - top, c - left, text, min(r1, bottom) - r + 1, c1 - c + 1))
    table = build_table(spans, Where(sheet=sheet.name, row=top, column=left), first=(top, left))
    return [*head, table, *tail]


def _check_area(cells: int, sheet: str, path: Path | str) -> None:
    if cells > MAX_CELLS:
        raise DocumentError(
            path, f"sheet {sheet} spans {cells:,} cells; expected at most {MAX_CELLS:,}"
        )


def read_xlsx(data: bytes, path: Path | str, limits: Limits) -> BlockDocument:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, path, limits)
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except DocumentError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise DocumentError(
            path, f"cannot read XLSX ({error}); expected an Excel workbook"
        ) from None
    blocks: list[Block] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        _check_area(sheet.max_row * sheet.max_column, sheet.title, path)
        texts: dict[tuple[int, int], str] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    text = show(cell.value, cell.number_format or "General")
                    if text:
                        texts[(cell.row, cell.column)] = text
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
        blocks.extend(sheet_blocks(sheet.title, texts, merges))
    return BlockDocument(str(path), "xlsx", tuple(blocks))


def read_xls(data: bytes, path: Path | str) -> BlockDocument:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as error:  # xlrd raises XLRDError, struct.error, IndexError …
        raise DocumentError(
            path, f"cannot read XLS ({error}); expected an Excel 97–2003 workbook"
        ) from None
    blocks: list[Block] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility != 0:
                continue
            _check_area(sheet.nrows * sheet.ncols, sheet.name, path)
            texts: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    text = _xls_text(book, cell)
                    if text:
                        texts[(r + 1, c + 1)] = text
            merges = [(r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells]
            blocks.extend(sheet_blocks(sheet.name, texts, merges))
    except DocumentError:
        raise
    except Exception as error:
        raise DocumentError(
            path, f"cannot read XLS ({error}); expected an Excel 97–2003 workbook"
        ) from None
    return BlockDocument(str(path), "xls", tuple(blocks))


def _xls_text(book: object, cell: object) -> str:
    import xlrd

    kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    fmt = "General"
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None  # type: ignore[attr-defined]
    if xf is not None and xf.format_key in book.format_map:  # type: ignore[attr-defined]
        fmt = book.format_map[xf.format_key].format_str  # type: ignore[attr-defined]
    if kind == xlrd.XL_CELL_DATE:
        return show(xlrd.xldate_as_datetime(value, book.datemode), fmt)  # type: ignore[attr-defined]
    if kind == xlrd.XL_CELL_BOOLEAN:
        return general(bool(value))
    return show(value, fmt)
