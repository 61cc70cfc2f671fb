"""Find the 绩效指标 cells of a document without reading its tables in full.

A cell is the last tab-separated field of a line when it holds the inline numbered
format. (The whole-document reader of ``extract.document`` supersedes this for
tables; this scan is what ``jixiao summary`` uses.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extract.indicators import parse_indicators
from extract.records import ParseResult

_CELL_RE = re.compile(r"^\s*(?:<p>)?\s*1\s*、\s*1\s*-")


@dataclass(frozen=True, slots=True)
class Cell:
    line: int
    text: str
    result: ParseResult


@dataclass(frozen=True, slots=True)
class DocumentScan:
    path: Path
    lines: int
    cells: tuple[Cell, ...]


def scan_text(text: str, path: Path = Path("<text>")) -> DocumentScan:
    cells: list[Cell] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        last = line.rsplit("\t", 1)[-1]
        if _CELL_RE.match(last):
            cells.append(Cell(number, last, parse_indicators(last)))
    return DocumentScan(path, len(lines), tuple(cells))


def scan_document(path: Path) -> DocumentScan:
    """Scan ``path`` (UTF-8 text); raises ``UnicodeDecodeError``/``OSError`` on bad files."""
    return scan_text(path.read_text(encoding="utf-8"), path)
