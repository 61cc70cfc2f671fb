"""PDF: the text layer as paragraphs, ruled tables as grids (pdfplumber).

Library choice, measured on the 22 real 部门预算 PDFs of ae86jack/open-budget (434 pages):
bare text extraction runs at ≈300 pages/s in pypdfium2 and ≈520 in PyMuPDF, but neither
finds tables worth having — pypdfium2 has no table finder, PyMuPDF's ``find_tables`` ran
at 1.4 pages/s here and PyMuPDF is AGPL (this project is Apache-2.0). pdfplumber (MIT)
gives characters with positions and the page's lines and rectangles, and its table
finder turns ruling lines into cells with their spans; this reader runs at 0.94× its
bare ``extract_text`` (11.6 against 12.3 pages/s, ``benchmarks/formats.py --pdf``), all
of it pdfminer's parsing. All three libraries read the same characters from these files.

Tables come from the ruling lines only: visible strokes and thin filled rectangles. A
white rectangle behind the print area (Excel exports draw one) is not a rule; without
this filter the page title joins the table. Where vertical rules run past the outermost
horizontal one (a table cut by a page break), a rule closes the cut row. Each cell spans
the grid lines its box covers; its characters (by their centre) form lines, joined
without a gap in Chinese.

Text outside tables becomes one paragraph per printed line, in reading order (top to
bottom), with the page number. A table that ends a page and one that starts the next
with the same column rules are one table (repeated header rows dropped); page numbers
(``13``, ``- 13 -``, ``第13页``) are page furniture and dropped. A PDF without any
character is a scan: an error, as are encrypted and broken files.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from jixiao.extract.blocks import Block, BlockDocument, Paragraph, Table, Where
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.spans import Span, build_table, close_cjk_gaps, join_lines, squeeze

Char = dict[str, Any]
# A line that is only a page number: 13, - 13 -, —13—, 第13页, 第 13 页 共 31 页, 13/31.
_FOLIO_RE = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*(?:共|/)\s*\d{1,4}\s*页?)?[-—–\s]*$"
)
_SNAP = 2.0  # points: coordinates this close are one grid line


def _dark(color: object) -> bool:
    """Whether a stroke or fill colour shows on white paper."""
    if color is None:
        return True
    if isinstance(color, int | float):
        return color < 0.95
    if isinstance(color, tuple | list) and all(isinstance(v, int | float) for v in color):
        if len(color) == 1:
            return color[0] < 0.95
        if len(color) == 3:
            return min(color) < 0.95
        if len(color) == 4:
            return max(color) > 0.05
    return True


def rules(page: Any) -> list[dict[str, Any]]:
    """The page's visible ruling lines: stroked lines and rectangles, thin filled bars."""
    found = [ln for ln in page.lines if _dark(ln.get("stroking_color"))]
    for rect in page.rects:
        thin = min(rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]) < 3
        stroked = rect.get("stroke") and _dark(rect.get("stroking_color"))
        if stroked or (thin and rect.get("fill") and _dark(rect.get("non_stroking_color"))):
            found.append(rect)
    return found


def close_open_ends(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A table cut by a page break has no rule above its first row on the next page (or
    below its last row): where vertical rules run past the outermost horizontal rule, a
    horizontal rule is added at their end, so the row there still becomes cells."""
    upright = [e for e in edges if e["bottom"] - e["top"] > 3 and e["x1"] - e["x0"] < 3]
    level = [e for e in edges if e["x1"] - e["x0"] > 3 and e["bottom"] - e["top"] < 3]
    if len(upright) < 2 or not level:
        return edges
    left, right = min(e["x0"] for e in upright), max(e["x1"] for e in upright)
    added = []
    top, first = min(e["top"] for e in upright), min(e["top"] for e in level)
    if top < first - 3:
        added.append(top)
    bottom, last = max(e["bottom"] for e in upright), max(e["bottom"] for e in level)
    if bottom > last + 3:
        added.append(bottom)
    lines = [
        {"object_type": "line", "x0": left, "x1": right, "top": y, "bottom": y,
         "width": right - left, "height": 0.0}
        for y in added
    ]  # fmt: skip
    return edges + lines


def _grid(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _SNAP:
            out.append(value)
    return out


def _index(lines: Sequence[float], value: float) -> int:
    i = bisect.bisect_left(lines, value - _SNAP)
    return min(i, len(lines) - 1)


def text_lines(chars: Sequence[Char]) -> list[tuple[float, str]]:
    """Characters as printed lines ``(top, text)``, top to bottom; a gap wider than a
    third of the font size is a space."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        size = max(ch.get("size") or 10.0, 1.0)
        if lines and abs(lines[-1][0]["top"] - ch["top"]) < size * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = ""
        for prev, ch in zip([None, *line[:-1]], line, strict=True):
            gap = ch["x0"] - prev["x1"] if prev else 0
            if prev and gap > max(ch.get("size") or 10.0, 1.0) / 3:
                text += " "
            text += ch["text"]
        out.append((line[0]["top"], text))
    return out


def _table(found: Any, chars: Sequence[Char], page: int) -> tuple[Table, set[int], list[float]]:
    """One table of pdfplumber's finder as a grid, the ids of the characters in it and
    the x positions of its column rules."""
    cells = [c for c in found.cells if c]
    xs = _grid(v for c in cells for v in (c[0], c[2]))
    ys = _grid(v for c in cells for v in (c[1], c[3]))
    x0, top, x1, bottom = found.bbox
    owner: dict[tuple[int, int], int] = {}
    boxes = []
    for n, (cx0, ctop, cx1, cbottom) in enumerate(cells):
        r0, r1 = _index(ys, ctop), max(_index(ys, cbottom), _index(ys, ctop) + 1)
        c0, c1 = _index(xs, cx0), max(_index(xs, cx1), _index(xs, cx0) + 1)
        boxes.append((r0, c0, r1 - r0, c1 - c0))
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), n)
    inside: dict[int, list[Char]] = {}
    used: set[int] = set()
    for ch in chars:
        mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= mx <= x1 and top <= my <= bottom):
            continue
        used.add(id(ch))
        r, c = bisect.bisect_right(ys, my) - 1, bisect.bisect_right(xs, mx) - 1
        n = owner.get((r, c))
        if n is not None:
            inside.setdefault(n, []).append(ch)
    spans = []
    for n, (r, c, height, width) in enumerate(boxes):
        lines = [t for _, t in text_lines(inside.get(n, []))]
        spans.append(Span(r, c, close_cjk_gaps(join_lines(lines)), height, width))
    return build_table(spans, Where(page=page)), used, xs


def page_blocks(page: Any, number: int, columns: dict[int, list[float]]) -> list[Block]:
    """The page's blocks top to bottom; ``columns`` gets each table's column rules."""
    chars = [c for c in page.chars if c.get("text", "").strip()]
    placed: list[tuple[float, Block]] = []
    taken: set[int] = set()
    edges = close_open_ends(rules(page))
    upright = sum(1 for e in edges if e["object_type"] == "rect" or abs(e["x1"] - e["x0"]) < 1)
    level = sum(1 for e in edges if e["object_type"] == "rect" or abs(e["bottom"] - e["top"]) < 1)
    if chars and upright >= 2 and level >= 2:
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": edges,
            "explicit_horizontal_lines": edges,
        }
        for found in page.find_tables(settings):
            table, used, xs = _table(found, chars, number)
            taken |= used
            texts = [cell.text for row in table.rows for cell in row if not cell.merged]
            if len(texts) == 1:  # a framed line of text, not a table
                if texts[0]:
                    placed.append((found.bbox[1], Paragraph(texts[0], Where(page=number))))
            elif any(texts):
                placed.append((found.bbox[1], table))
                columns[id(table)] = xs
    rest = [c for c in chars if id(c) not in taken]
    for line_number, (top, text) in enumerate(text_lines(rest), start=1):
        text = squeeze(text)  # a gap between printed columns stays a space
        if text and not _FOLIO_RE.match(text):
            placed.append((top, Paragraph(text, Where(page=number, line=line_number))))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _continues(before: Table, after: Table, columns: dict[int, list[float]]) -> bool:
    """A table at the top of a page that goes on from the one that ended the page before:
    as wide, with the same column rules."""
    xs, ys = columns.get(id(before), []), columns.get(id(after), [])
    return (
        before.width == after.width
        and len(xs) == len(ys)
        and all(abs(a - b) <= _SNAP for a, b in zip(xs, ys, strict=True))
    )


def join_pages(before: Table, after: Table) -> Table:
    """One table from a table and its continuation; header rows the continuation repeats
    are dropped. Rows count on; each cell keeps its own page."""
    texts = before.texts()
    skip = 0
    while skip < min(3, len(after.rows) - 1) and after.texts()[skip] == texts[skip]:
        skip += 1
    offset = len(before.rows) - skip
    moved = tuple(
        tuple(
            replace(cell, where=replace(cell.where, row=(cell.where.row or 0) + offset))
            for cell in row
        )
        for row in after.rows[skip:]
    )
    return Table(before.rows + moved, before.where)


def _open_error(path: Path | str, error: Exception) -> DocumentError:
    text = f"{type(error).__name__} {error}".lower()
    if "password" in text or "encrypt" in text:
        return DocumentError(
            path, "encrypted PDF (needs a password); expected a PDF that opens without one"
        )
    return DocumentError(path, f"cannot read PDF ({type(error).__name__}: {error}); expected a PDF")


def read_pdf(data: bytes, path: Path | str) -> BlockDocument:
    import pdfplumber

    blocks: list[Block] = []
    characters = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            columns: dict[int, list[float]] = {}
            for number, page in enumerate(pdf.pages, start=1):
                characters += len(page.chars)
                found = page_blocks(page, number, columns)
                page.close()
                if blocks and found and isinstance(blocks[-1], Table):
                    first = found[0]
                    if isinstance(first, Table) and _continues(blocks[-1], first, columns):
                        joined = join_pages(blocks[-1], first)
                        columns[id(joined)] = columns[id(first)]
                        blocks[-1] = joined
                        found = found[1:]
                blocks.extend(found)
    except DocumentError:
        raise
    except Exception as error:  # pdfminer raises dozens of kinds on a broken file
        raise _open_error(path, error) from None
    if pages == 0:
        raise DocumentError(path, "PDF has no pages; expected a document")
    if characters == 0:
        raise DocumentError(
            path,
            f"no text layer on any of its {pages} pages (a scan?);"
            " expected a PDF with text (run OCR first)",
        )
    return BlockDocument(str(path), "pdf", tuple(blocks), pages=pages)
