"""Blocks → text in the layout today's text reader (:func:`extract.document.read_text`)
reads: one line per paragraph; one line per table row with cells separated by tabs.

A merged copy prints as an empty cell (the label printed once for its block, as in the
text the reader was built on). A leading row that prints a single text (a title or
``单位：万元`` inside the table's frame) prints as a plain line, and so does a trailing
one that is a ``注`` note or merged across half the row or more. Tabs and line
breaks inside a cell become spaces.
"""

from __future__ import annotations

from jixiao.extract.blocks import BlockDocument, Cell, Paragraph, Table, Where


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def _single(row: tuple[Cell, ...], trailing: bool = False) -> str | None:
    """The one text a row prints, if it prints one only; at the end of a table only a
    note (``注…``) or a text merged across half the row or more counts (a last row with
    one label is still a row)."""
    texts = [cell.text for cell in row if cell.text and not cell.merged]
    shown = [cell for cell in row if cell.text]
    if len(texts) > 1 or len({cell.text for cell in shown}) > 1:
        return None
    if trailing and not (texts and (texts[0].startswith("注") or 2 * len(shown) >= len(row))):
        return None
    if texts:
        return _clean(texts[0])
    return "" if shown else None  # only copies of a merged cell printed above: nothing new


def _row_where(row: tuple[Cell, ...], table: Table, number: int, index: int) -> str:
    """Where a rendered row was printed, as a person finds it in the file: ``sheet 项目,
    row 12`` in a spreadsheet (rows as the sheet numbers them); else the table's number in
    the document and the row's in the table, after the page (PDF) and before the source
    line (HTML) when the format has them."""
    where = next(
        (cell.where for cell in row if cell.text and not cell.merged and cell.where != Where()),
        table.where,
    )
    if where.sheet is not None and where.row is not None:
        return f"sheet {where.sheet}, row {where.row}"
    parts = [f"page {where.page}"] if where.page is not None else []
    parts.append(f"table {number}, row {index}")
    if where.line is not None:
        parts.append(f"line {where.line}")
    return ", ".join(parts)


def table_lines(table: Table) -> list[str]:
    """A table as lines: tab-separated rows, one-text rows at its edges as plain lines."""
    return [line for line, _ in _table_rows(table, 1)]


def _table_rows(table: Table, number: int) -> list[tuple[str, str]]:
    """:func:`table_lines` with each line's source position."""
    rows = list(enumerate(table.rows, 1))
    head: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    while rows and (line := _single(rows[0][1])) is not None:
        index, row = rows.pop(0)
        head.append((line, _row_where(row, table, number, index)))
    while rows and (line := _single(rows[-1][1], trailing=True)) is not None:
        index, row = rows.pop()
        tail.insert(0, (line, _row_where(row, table, number, index)))
    body = [
        (
            "\t".join("" if cell.merged else _clean(cell.text) for cell in row),
            _row_where(row, table, number, index),
        )
        for index, row in rows
    ]
    return [item for item in head if item[0]] + body + [item for item in tail if item[0]]


def blocks_to_lines(doc: BlockDocument) -> tuple[list[str], list[str]]:
    """The lines of :func:`blocks_to_text` and, for each, where it was printed in the
    source file (``page 3``, ``sheet 项目, row 12``, ``table 2, row 5``)."""
    lines: list[str] = []
    wheres: list[str] = []
    tables = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(_clean(block.text))
            wheres.append(str(block.where) if block.where != Where() else "")
        else:
            tables += 1
            for line, where in _table_rows(block, tables):
                lines.append(line)
                wheres.append(where)
    return lines, wheres


def blocks_to_text(doc: BlockDocument) -> str:
    """The document as lines of text (tables as tab-separated rows)."""
    return "\n".join(blocks_to_lines(doc)[0]) + "\n"
