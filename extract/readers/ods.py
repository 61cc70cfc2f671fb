"""ODS (OpenDocument spreadsheet) from its ``content.xml``, with lxml.

ODS stores each cell's printed text (``text:p``) beside its value, so values come out as
the sheet shows them without a format engine. Rows and cells repeat
(``number-rows-repeated``, ``number-columns-repeated``; a run of empty repeats is
skipped, not expanded); ``number-rows-spanned``/``number-columns-spanned`` are merged
ranges whose covered positions are ``table:covered-table-cell``. A sheet whose table
style says ``table:display="false"`` is hidden and skipped.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import lxml.etree

from jixiao.extract.blocks import Block, BlockDocument
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.limits import ZIP_ERRORS, Limits, check_zip
from jixiao.extract.readers.sheets import Merge, sheet_blocks
from jixiao.extract.readers.spans import join_lines

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}
_T = "{" + _NS["table"] + "}"
_X = "{" + _NS["text"] + "}"
_S = "{" + _NS["style"] + "}"
_MAX_REPEAT = 10_000  # a repeated row or cell with text: more is a hostile file


def _inline(node: lxml.etree._Element) -> str:
    out = [node.text or ""]
    for child in node:
        if child.tag == _X + "s":
            out.append(" " * min(_int_attr(child, _X + "c"), 100))
        elif child.tag in (_X + "tab", _X + "line-break"):
            out.append(" ")
        elif child.tag not in ("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation",):
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _int_attr(element: lxml.etree._Element, name: str) -> int:
    try:
        return max(int(element.get(name, "1")), 1)
    except ValueError:
        return 1


def _text(cell: lxml.etree._Element) -> str:
    return join_lines(_inline(p) for p in cell.iterchildren(_X + "p", _X + "h"))


def _hidden_styles(root: lxml.etree._Element) -> set[str]:
    hidden = set()
    for style in root.iter(_S + "style"):
        props = style.find(_S + "table-properties")
        if props is not None and props.get(_T + "display") == "false":
            hidden.add(style.get(_S + "name"))
    return hidden


def _int(element: lxml.etree._Element, name: str) -> int:
    return _int_attr(element, _T + name)


def _sheet(
    table: lxml.etree._Element, path: Path | str
) -> tuple[dict[tuple[int, int], str], list[Merge]]:
    texts: dict[tuple[int, int], str] = {}
    merges: list[Merge] = []
    row = 0
    for tr in table.iter(_T + "table-row"):
        repeat = _int(tr, "number-rows-repeated")
        cells: list[tuple[int, str, int, int]] = []
        column = 0
        for cell in tr:
            if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                continue
            times = _int(cell, "number-columns-repeated")
            text = _text(cell) if cell.tag == _T + "table-cell" else ""
            if text and times > _MAX_REPEAT:
                raise DocumentError(path, f"a cell repeated {times} times; expected a spreadsheet")
            if text:
                rows, cols = _int(cell, "number-rows-spanned"), _int(cell, "number-columns-spanned")
                for k in range(times):
                    cells.append((column + k + 1, text, rows, cols))
            column += times
        if cells and repeat > _MAX_REPEAT:
            raise DocumentError(path, f"a row repeated {repeat} times; expected a spreadsheet")
        for k in range(repeat if cells else 1):
            for c, text, rows, cols in cells:
                r = row + k + 1
                texts[(r, c)] = text
                if rows > 1 or cols > 1:
                    merges.append((r, c, r + rows - 1, c + cols - 1))
        row += repeat
    return texts, merges


def read_ods(data: bytes, path: Path | str, limits: Limits) -> BlockDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, path, limits)
            content = archive.read("content.xml")
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = lxml.etree.fromstring(content, parser)
    except DocumentError:
        raise
    except (*ZIP_ERRORS, lxml.etree.XMLSyntaxError) as error:
        raise DocumentError(
            path, f"cannot read ODS ({error}); expected an OpenDocument spreadsheet"
        ) from None
    hidden = _hidden_styles(root)
    blocks: list[Block] = []
    for table in root.iter(_T + "table"):
        if table.get(_T + "style-name") in hidden:
            continue
        texts, merges = _sheet(table, path)
        blocks.extend(sheet_blocks(table.get(_T + "name", ""), texts, merges))
    return BlockDocument(str(path), "ods", tuple(blocks))
