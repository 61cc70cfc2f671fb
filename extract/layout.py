"""Lines → rows: the physical layout of tables in text extracted from PDFs.

Two layouts occur. *Tab* tables have one row per line with ``\\t`` between cells;
a cell's wrapped remainder may continue on a later line whose leading cells are empty
(document 004). *Space* tables (document 003) print cells separated by spaces, wrap a
row's label over several lines and put the row's numbers at the end of its last line.
Both repeat their header rows (and a title, ``部门名称：`` line, ``表N`` caption)
after every page break; those repeats are dropped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.extract.normalize import strip_tags, unescape_html

_CJK = r"\u3400-\u9fff\uff08\uff09\u201c\u201d\u3001"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")
_SPLIT_NUMBER_RE = re.compile(r"^-?[\d,]+(?:\.\d*)?(?:\s+\d+)+$|^-?[\d,]*\.\s*\d+$")
_NUMBER_RE = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
# A decimal amount as tables print it (``0.00``, ``1,566.29``, ``2291.1 1`` is joined first).
_AMOUNT = r"-?\d[\d,]*\.\d+"
_TRAILING_AMOUNTS_RE = re.compile(
    rf"(?:^|(?<=\s)|(?<=[^\d\s.,]))((?:{_AMOUNT})(?:\s+{_AMOUNT})*)\s*$"
)
_PAGE_LINE_RE = re.compile(r"^\s*(?:表\s*\d+\s*$|(?:部门|单位)名称\s*[：:]|单位\s*[：:]\s*万元)")
_INDENT_RE = re.compile(r"^[\u3000\s]*")


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: its cells (cleaned text) and the 1-based line where it starts."""

    cells: tuple[str, ...]
    line: int
    continuation: bool = False


@dataclass(frozen=True, slots=True)
class SpaceRecord:
    """A row of a space-separated table: label text, trailing amounts, and the text
    lines printed before the label (``before``: e.g. the previous row's goal)."""

    label: str
    amounts: tuple[Decimal, ...]
    line: int
    before: tuple[tuple[int, str], ...] = ()
    indent: int = 0


def clean_cell(text: str) -> str:
    """Cell text without HTML tags and entities, with PDF wrap gaps between Chinese closed."""
    text = strip_tags(unescape_html(text)).replace("\u3000", " ").strip()
    text = re.sub(r"\s+", " ", text)
    return _CJK_GAP_RE.sub("", text)


def indent_of(text: str) -> int:
    """Indentation depth encoded by leading full-width spaces (``　``) or ``□``."""
    match = _INDENT_RE.match(text)
    return text[: match.end()].count("\u3000") if match else 0


def parse_amount(cell: str) -> Decimal | None:
    """A printed amount (``98,880.78``, ``12,000``, ``2291.1 1``) as Decimal, else None."""
    text = cell.strip()
    if not text:
        return None
    if _SPLIT_NUMBER_RE.match(text):
        text = re.sub(r"\s+", "", text)
    if not _NUMBER_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _is_column_numbers(cells: Sequence[str]) -> bool:
    """A row ``1 2 3 … n`` numbering the columns (document 004)."""
    values = [c.strip() for c in cells if c.strip()]
    return len(values) >= 3 and values == [str(i) for i in range(1, len(values) + 1)]


def _has_amount(cells: Sequence[str]) -> bool:
    return any(
        "." in c and parse_amount(c) is not None for c in cells[1:] if c and len(c) < 24
    ) or any(parse_amount(c) is not None and "." in c for c in cells[:1])


def tab_rows(lines: Sequence[str], start: int, end: int) -> tuple[list[Row], list[Row]]:
    """Header rows and data rows of the tab table at ``lines[start:end]`` (0-based).

    Header rows are the tab rows before the first row with an amount; later rows equal to
    a header row (page-break repeats) and column-numbering rows are dropped. A row with
    no amount after the header is marked ``continuation`` (a wrapped cell).
    """
    header: list[Row] = []
    data: list[Row] = []
    header_keys: set[tuple[str, ...]] = set()
    for index in range(start, end):
        raw = lines[index]
        if "\t" not in raw:
            continue
        cells = tuple(clean_cell(c) for c in raw.rstrip("\n").split("\t"))
        key = tuple(c.replace(" ", "") for c in cells)
        if _is_column_numbers(cells):
            continue
        if not data and not _has_amount(cells):
            header.append(Row(cells, index + 1))
            header_keys.add(key)
            continue
        if key in header_keys:
            continue
        if not any(cells):
            continue
        data.append(Row(cells, index + 1, continuation=not _has_amount(cells)))
    return header, data


def column_labels(header: Sequence[Row]) -> list[str]:
    """One label per column: the header rows' texts of that column, joined top-down."""
    width = max((len(r.cells) for r in header), default=0)
    labels = []
    for i in range(width):
        parts = [r.cells[i].replace(" ", "") for r in header if i < len(r.cells)]
        labels.append("".join(p for p in parts if p))
    return labels


def _nonblank(lines: Sequence[str], start: int, end: int) -> Iterable[tuple[int, str]]:
    for index in range(start, end):
        text = lines[index].rstrip("\n")
        if text.strip():
            yield index + 1, text


def space_records(
    lines: Sequence[str], start: int, end: int
) -> tuple[list[str], list[SpaceRecord]]:
    """Header lines and records of the space-separated table at ``lines[start:end]``.

    A record closes on a line that ends with one or more decimal amounts; its label is
    the text before them plus the text lines gathered since the previous record (kept
    apart in ``before`` so that callers can split a goal from the next label). A line
    equal to the first header line starts a repeated header, skipped with the lines
    that belong to the header.
    """
    header: list[str] = []
    header_set: set[str] = set()
    records: list[SpaceRecord] = []
    pending: list[tuple[int, str]] = []
    skipping = False
    for number, raw in _nonblank(lines, start, end):
        text = raw.strip()
        if _PAGE_LINE_RE.match(text):
            continue
        if skipping and text in header_set:
            continue
        skipping = False
        if records and header and text == header[0]:
            skipping = True
            continue
        match = _TRAILING_AMOUNTS_RE.search(text)
        if match is None or not match.group(1):
            if records or header_set:
                pending.append((number, raw))
            else:
                header.append(text)
            continue
        if not records and not header_set:
            header_set = set(header)
            # label lines wrapped before the first record belong to the header
        label = text[: match.start(1)].strip()
        amounts = tuple(Decimal(a.replace(",", "")) for a in match.group(1).split())
        records.append(SpaceRecord(label, amounts, number, tuple(pending), indent_of(raw)))
        pending = []
    if pending:
        records.append(SpaceRecord("", (), pending[-1][0], tuple(pending)))
    return header, records


def join_text(parts: Iterable[str]) -> str:
    """Join wrapped lines of one cell: no gap unless both sides are ASCII letters or digits."""
    out = ""
    for part in parts:
        piece = clean_cell(part)
        if not piece:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and piece[0].isascii()
            and piece[0].isalnum()
        ):
            out += " "
        out += piece
    return out
