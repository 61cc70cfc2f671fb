"""The one intermediate every document format is read into: a sequence of blocks.

A block is a :class:`Paragraph` (a line of text outside any table) or a :class:`Table`
(a rectangular grid of :class:`Cell`). Merged cells are expanded: every position a merged
cell covers holds a copy of its text with ``merged=True`` (the origin keeps
``merged=False``), so a reader can tell a label printed once for a block of rows from a
label printed on every row. Every block and cell keeps where it was printed
(:class:`Where`: page, sheet, row and column, or line for text).

Readers of each format (PDF, XLSX/XLS/ODS, HTML, DOCX, text) produce a
:class:`BlockDocument`; everything after works on blocks and grids. This module holds
types only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Where:
    """A source position; ``None`` for what a format has not. Lines, pages, rows and
    columns count from 1 (as a person reading the file counts)."""

    line: int | None = None
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "?"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    where: Where = field(default_factory=Where)
    merged: bool = False  # a copy of a merged cell's text, not where it was printed


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]  # rectangular: every row as wide as the widest
    where: Where = field(default_factory=Where)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def texts(self) -> list[list[str]]:
        """The grid as strings (merged copies included)."""
        return [[cell.text for cell in row] for row in self.rows]


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    where: Where = field(default_factory=Where)


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class BlockDocument:
    """A document as blocks. ``format``: ``pdf``, ``xlsx``, ``xls``, ``ods``, ``html``,
    ``docx`` or ``text``; ``encoding`` the text encoding where one was detected."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    encoding: str | None = None
    pages: int | None = None

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def grid(rows: list[list[str]], where: Where | None = None) -> Table:
    """A :class:`Table` from rows of strings, padded to a rectangle (for tests and the
    text reader)."""
    width = max((len(r) for r in rows), default=0)
    base = where or Where()
    cells = tuple(
        tuple(
            Cell(r[c] if c < len(r) else "", Where(base.line, base.page, base.sheet, i + 1, c + 1))
            for c in range(width)
        )
        for i, r in enumerate(rows)
    )
    return Table(cells, base)
