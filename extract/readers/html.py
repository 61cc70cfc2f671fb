"""HTML pages (lxml): tables as grids with ``rowspan``/``colspan`` expanded, the text
outside tables as paragraphs (one per block element or ``<br>`` line), scripts, styles
and ``<head>`` dropped.

Charset: a BOM; else the ``<meta charset>`` / ``http-equiv`` declaration in the first
4 KB (GB2312 and GBK are read as their superset GB18030); else, or when the declared
charset does not decode the page, the text rule of :mod:`.text` (UTF-8, then GB18030).
Inside a cell, ``<br>`` and block children join without a gap between Chinese text and
with one space between Latin words. A table that holds other tables is page layout: its
cells are read as flowing content and only the innermost tables become grids.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html

from jixiao.extract.blocks import Block, BlockDocument, Paragraph, Table, Where
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.spans import Occupancy, Span, build_table, close_cjk_gaps, join_lines
from jixiao.extract.readers.text import decode_bytes

_META_RE = re.compile(rb"<meta[^>]{0,400}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936", "ms936"}
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "button"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
    "center", "form", "address", "caption", "hr", "figure", "figcaption", "body", "tr", "td",
    "th", "tbody", "thead", "tfoot",
}  # fmt: skip
_MAX_COLSPAN = 1000


def page_charset(data: bytes) -> str | None:
    """The charset the page declares (GB2312/GBK as GB18030), or None."""
    match = _META_RE.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(data: bytes, path: Path | str, encoding: str | None) -> tuple[str, str]:
    if encoding or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data, path, encoding)
    declared = page_charset(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # pages lie about their charset: fall back to the rule
    return decode_bytes(data, path)


def _tag(element: lxml.etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _number(value: str | None, default: int = 1) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match else default


def _cell_text(cell: lxml.etree._Element) -> str:
    parts: list[str] = []
    current: list[str] = []

    def walk(element: lxml.etree._Element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not tag:
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("".join(current))
            current.clear()
        if tag != "br":
            current.append(element.text or "")
            for child in element:
                walk(child)
                current.append(child.tail or "")
        if tag in _BLOCK:
            parts.append("".join(current))
            current.clear()

    walk(cell)
    parts.append("".join(current))
    return close_cjk_gaps(join_lines(parts))


def _rows(table: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if _tag(row) == "tr")


def read_table(table: lxml.etree._Element) -> Table:
    rows = list(_rows(table))
    spans: list[Span] = []
    taken = Occupancy()
    for r, row in enumerate(rows):
        column = 0
        for cell in row:
            if _tag(cell) not in ("td", "th"):
                continue
            column = taken.next_free(r, column)
            rowspan = _number(cell.get("rowspan"))
            rowspan = len(rows) - r if rowspan == 0 else min(rowspan, len(rows) - r)
            colspan = min(max(_number(cell.get("colspan")), 1), _MAX_COLSPAN)
            span = Span(r, column, _cell_text(cell), max(rowspan, 1), colspan, cell.sourceline)
            taken.claim(span)
            spans.append(span)
            column += colspan
    return build_table(spans, Where(line=table.sourceline))


class _Flow:
    """Text outside tables as paragraphs, tables as grids, in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.line: int | None = None

    def text(self, text: str | None, line: int | None) -> None:
        if text and text.strip():
            if not self.buffer:
                self.line = line
            self.buffer.append(text)
        elif text:
            self.buffer.append(text)

    def flush(self) -> None:
        text = close_cjk_gaps(join_lines(["".join(self.buffer)]))
        if text:
            self.blocks.append(Paragraph(text, Where(line=self.line)))
        self.buffer.clear()

    def walk(self, element: lxml.etree._Element) -> None:
        tag = _tag(element)
        if tag in _SKIP or not tag:
            return
        line = element.sourceline
        if tag == "table" and not any(True for _ in element.iter("table") if _ is not element):
            self.flush()
            for child in element:
                if _tag(child) == "caption":
                    self.walk(child)
            table = read_table(element)
            if table.rows:
                self.blocks.append(table)
            return
        if tag == "br" or tag in _BLOCK or tag == "table":
            self.flush()
        self.text(element.text, line)
        for child in element:
            self.walk(child)
            self.text(child.tail, child.sourceline or line)
        if tag in _BLOCK or tag == "table":
            self.flush()


def read_html(data: bytes, path: Path | str, encoding: str | None = None) -> BlockDocument:
    text, used = decode_page(data, path, encoding)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str with a declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise DocumentError(path, f"cannot parse HTML ({error}); expected an HTML page") from None
    flow = _Flow()
    body = root.find("body")
    flow.walk(body if body is not None else root)
    flow.flush()
    return BlockDocument(str(path), "html", tuple(flow.blocks), encoding=used)
