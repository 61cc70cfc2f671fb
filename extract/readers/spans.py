"""Place cells with row and column spans on a rectangular grid (merged cells expanded).

Every reader that knows spans (HTML ``rowspan``/``colspan``, DOCX ``gridSpan``/``vMerge``,
ODS ``number-rows-spanned``, XLSX/XLS merged ranges, PDF ruled cells) describes a table as
:class:`Span` records and lets :func:`build_table` expand them: the origin keeps
``merged=False``, every other position the span covers holds a copy with ``merged=True``,
positions no span covers are empty cells, and every row is as wide as the widest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.extract.blocks import Cell, Table, Where

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACES_RE = re.compile(r"[ \t\r\n\u00a0\u2002-\u200b\u3000]+")
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_LATIN = re.compile(r"[A-Za-z0-9]")


MAX_CELLS = 2_000_000  # one table's positions, merged copies included


class TableTooLarge(ValueError):
    """A grid over :data:`MAX_CELLS` positions (a hostile span or sheet range)."""

    def __init__(self, cells: int) -> None:
        self.cells = cells
        super().__init__(f"a table of {cells:,} cells; expected at most {MAX_CELLS:,}")


@dataclass(frozen=True, slots=True)
class Span:
    """A cell at 0-based ``row``/``column`` covering ``rows`` × ``columns`` positions."""

    row: int
    column: int
    text: str
    rows: int = 1
    columns: int = 1
    line: int | None = None


def squeeze(text: str) -> str:
    """Runs of white space as one space, trimmed."""
    return _SPACES_RE.sub(" ", text).strip()


def join_lines(parts: Iterable[str]) -> str:
    """Lines of one cell (wrapped, or split by ``<br>``/paragraphs) as one string: Chinese
    text runs on without a gap; a space stays only between two Latin letters or digits."""
    out = ""
    for part in parts:
        part = squeeze(part)
        if not part:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(part[0]):
            out += " "
        out += part
    return out


def close_cjk_gaps(text: str) -> str:
    """One space between two Chinese characters removed (a wrap or layout gap)."""
    return _CJK_GAP_RE.sub("", text)


def build_table(spans: Iterable[Span], where: Where, first: tuple[int, int] = (1, 1)) -> Table:
    """The grid the spans describe; a position claimed twice keeps the first claim.
    ``first``: the source row and column number of the grid's top-left position (a sheet's
    used range may start below or right of A1). :class:`TableTooLarge` past
    :data:`MAX_CELLS`."""
    spans = list(spans)
    height = max((s.row + max(s.rows, 1) for s in spans), default=0)
    width = max((s.column + max(s.columns, 1) for s in spans), default=0)
    if height * width > MAX_CELLS:
        raise TableTooLarge(height * width)
    placed: dict[tuple[int, int], Cell] = {}
    for span in spans:
        for r in range(span.row, span.row + max(span.rows, 1)):
            for c in range(span.column, span.column + max(span.columns, 1)):
                if (r, c) in placed:
                    continue
                origin = r == span.row and c == span.column
                placed[(r, c)] = Cell(
                    span.text,
                    Where(span.line, where.page, where.sheet, r + first[0], c + first[1]),
                    merged=not origin,
                )
    rows = tuple(
        tuple(
            placed.get((r, c))
            or Cell("", Where(None, where.page, where.sheet, r + first[0], c + first[1]))
            for c in range(width)
        )
        for r in range(height)
    )
    return Table(rows, where)


class Occupancy:
    """Which grid positions are taken, for formats that list cells row by row and let a
    span from an earlier row push later cells right (HTML, ODS)."""

    def __init__(self) -> None:
        self.taken: set[tuple[int, int]] = set()

    def next_free(self, row: int, column: int) -> int:
        while (row, column) in self.taken:
            column += 1
        return column

    def claim(self, span: Span) -> None:
        for r in range(span.row, span.row + span.rows):
            for c in range(span.column, span.column + span.columns):
                self.taken.add((r, c))
