"""Indicators of any text that is not an inline 绩效指标 cell: one entry point.

Tries, in order: separated and one-cell-per-line tables (:mod:`extract.text_grids`, the
grid reader), labelled running text (:mod:`extract.prose`), then headerless and glued
tables (:mod:`extract.table`). Nothing is found in text with no indicator table.
"""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.extract import lexicon
from jixiao.extract.glued import read_glued
from jixiao.extract.grid_reader import Reading
from jixiao.extract.prose import read_prose
from jixiao.extract.records import Indicator
from jixiao.extract.text_grids import read_headerless, read_text


def read_indicator_text(text: str) -> Reading:
    """The indicators of ``text`` with their issues and, per indicator, its project cells."""
    reading = read_text(text)
    if reading.indicators:
        return reading
    glued = read_glued(text)
    if glued.indicators:
        return glued
    headerless = read_headerless(text)
    if headerless.indicators:
        return headerless
    prose = read_prose(text)
    if prose.indicators:
        return prose
    from jixiao.extract.table import parse_table

    table = parse_table(text, flattened=False)
    if table is None or not _labelled(table.indicators):
        return Reading()
    return Reading(list(table.indicators), list(table.issues), [{} for _ in table.indicators])


def _labelled(indicators: Sequence[Indicator]) -> bool:
    """Indicators of a table read without its header hold framework labels (most of them):
    a headerless guess over some other table (乡镇名称 | 金额) is no indicator table."""
    found = sum(1 for i in indicators if lexicon.lookup(i.level1 or i.level2 or "") is not None)
    return bool(indicators) and found * 2 >= len(indicators)
