"""Blocks → text in the layout today's text reader (:func:`extract.document.read_text`)
reads: one line per paragraph; one line per table row with cells separated by tabs.

A merged copy prints as an empty cell (the label printed once for its block, as in the
text the reader was built on). A leading row that prints a single text (a title or
``单位：万元`` inside the table's frame) prints as a plain line, and so does a trailing
one that is a ``注`` note or merged across half the row or more. Tabs and line
breaks inside a cell become spaces.
"""

from __future__ import annotations

from jixiao.extract.blocks import BlockDocument, Cell, Paragraph, Table


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


def table_lines(table: Table) -> list[str]:
    """A table as lines: tab-separated rows, one-text rows at its edges as plain lines."""
    rows = list(table.rows)
    head: list[str] = []
    tail: list[str] = []
    while rows and (line := _single(rows[0])) is not None:
        head.append(line)
        rows.pop(0)
    while rows and (line := _single(rows[-1], trailing=True)) is not None:
        tail.insert(0, line)
        rows.pop()
    body = ["\t".join("" if cell.merged else _clean(cell.text) for cell in row) for row in rows]
    return [line for line in head if line] + body + [line for line in tail if line]


def blocks_to_text(doc: BlockDocument) -> str:
    """The document as lines of text (tables as tab-separated rows)."""
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(_clean(block.text))
        else:
            lines.extend(table_lines(block))
    return "\n".join(lines) + "\n"
