"""Blocks → text in the layout today's text reader (:func:`extract.document.read_text`)
reads: one line per paragraph; one line per table row with cells separated by tabs.

A merged copy prints as an empty cell (the label printed once for its block, as in the
text the reader was built on). A leading or trailing row that prints a single text (a
title or ``单位：万元`` inside the table's frame) prints as a plain line. Tabs and line
breaks inside a cell become spaces.
"""

from __future__ import annotations

from jixiao.extract.blocks import BlockDocument, Cell, Paragraph, Table


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def _single(row: tuple[Cell, ...]) -> str | None:
    texts = [cell.text for cell in row if cell.text and not cell.merged]
    if len(texts) == 1 and not any(
        cell.text and cell.merged and cell.text != texts[0] for cell in row
    ):
        return _clean(texts[0])
    if not texts and any(cell.text for cell in row):
        return ""  # only copies of a merged cell printed above: nothing new
    return None


def table_lines(table: Table) -> list[str]:
    rows = list(table.rows)
    head: list[str] = []
    tail: list[str] = []
    while rows and (line := _single(rows[0])) is not None:
        head.append(line)
        rows.pop(0)
    while rows and (line := _single(rows[-1])) is not None:
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
