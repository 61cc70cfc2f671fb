"""DOCX (python-docx): paragraphs and tables in body order, merged cells expanded once.

python-docx's ``row.cells`` repeats a merged cell at every position it covers, so the
grid is read from the table's own elements instead: a ``w:tc`` covers ``gridSpan``
columns (after ``w:gridBefore`` skipped ones), and a ``w:tc`` with ``vMerge="continue"``
is the cell above it extended down — its text is the origin's, marked ``merged``. A
cell's paragraphs join as one string (no gap between Chinese text); a nested table's
text joins its cell's. DOCX has no lines: a paragraph's ``Where.line`` is its number
among the body's paragraphs (empty ones counted, as Word counts them).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

from jixiao.extract.blocks import Block, BlockDocument, Paragraph, Table, Where
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.limits import Limits, check_zip
from jixiao.extract.readers.spans import Span, build_table, join_lines, squeeze

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR = qn("w:t"), qn("w:tab"), qn("w:br")
_VAL = qn("w:val")


def _paragraph_text(p: object) -> str:
    out: list[str] = []
    for node in p.iter(_T, _TAB, _BR):  # type: ignore[attr-defined]
        out.append(node.text or "" if node.tag == _T else " ")
    return "".join(out)


def _cell_text(tc: object) -> str:
    parts = [_paragraph_text(p) for p in tc.iter(_P)]  # type: ignore[attr-defined]
    return join_lines(parts)


def _int(element: object | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(int(element.get(_VAL)), 1)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return default


def read_docx_table(tbl: object) -> Table:
    """One ``w:tbl`` element as a grid."""
    spans: list[Span] = []
    started: dict[int, int] = {}  # grid column → index in spans of the cell that began there
    for r, tr in enumerate(tbl.iterchildren(_TR)):  # type: ignore[attr-defined]
        props = tr.find(qn("w:trPr"))
        column = _int(props.find(qn("w:gridBefore")) if props is not None else None, 0)
        for tc in tr.iterchildren(_TC):
            tc_pr = tc.find(qn("w:tcPr"))
            width = _int(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, 1)
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            above = started.get(column)
            if vmerge is not None and vmerge.get(_VAL) in (None, "continue") and above is not None:
                old = spans[above]
                spans[above] = Span(old.row, old.column, old.text, r - old.row + 1, old.columns)
            else:
                started[column] = len(spans)
                spans.append(Span(r, column, _cell_text(tc), 1, width))
            column += width
    return build_table(spans, Where())


def read_docx(data: bytes, path: Path | str, limits: Limits) -> BlockDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, path, limits)
        document = docx.Document(io.BytesIO(data))
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many kinds on a broken file
        raise DocumentError(path, f"cannot read DOCX ({error}); expected a Word document") from None
    blocks: list[Block] = []
    number = 0  # paragraphs of the body, counted as Word counts them (empty ones too)
    for child in document.element.body.iterchildren():
        if child.tag == _P:
            number += 1
            text = squeeze(_paragraph_text(child))
            if text:
                blocks.append(Paragraph(text, Where(line=number)))
        elif child.tag == _TBL:
            table = read_docx_table(child)
            if table.rows:
                blocks.append(table)
    return BlockDocument(str(path), "docx", tuple(blocks))
