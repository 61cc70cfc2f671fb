"""Stable issue codes of the indicator parsers and their fixed messages (spaCy-style).

``X0xx``: inline cells (:mod:`extract.indicators`); ``T0xx``: tables (:mod:`extract.table`).
"""

from __future__ import annotations

from jixiao.extract.records import Issue

MESSAGES: dict[str, str] = {
    "X001": "no indicator found: the text is not a recognised indicator layout",
    "X002": "text before the first numbered item was ignored",
    "X003": "item numbers are out of sequence",
    "X004": "the level-1 prefix of this indicator was lost; its category was inferred "
    "from the level-2 code",
    "X005": "indicator has no name",
    "X006": "indicator has no target value",
    "X007": "a target value is repeated inside the item; the repeat was dropped",
    "X008": "a second, different target value of the same kind; the first was kept",
    "X009": "stray punctuation around a name or value was removed",
    "X010": "target value is classified (涉密)",
    "X011": "target value or name is a placeholder (待单位补充, XX, *)",
    "X012": "level-2 code does not belong to the level-1 code",
    "X013": "unexpected text inside an item was ignored",
    # tables (extract.table, extract.flattened)
    "T001": "no header row recognised; columns were guessed from the cells' content",
    "T002": "row has fewer cells than the header; no target value could be read",
    "T003": "level-1 label missing and not inferable from a merged-cell block",
    "T004": "uncertain split of flattened table text into indicator name and value",
    "T005": "value looks like an Excel date serial ({iso}); kept as printed",
    "T006": "rate above 100%; possibly OCR damage (≥ read as 2); kept as printed",
    "T007": "row has more cells than the header; the extra cells were ignored",
    "T008": "row has target values but no indicator name; row skipped",
    "T009": "weight is not a number; ignored",
    "T099": "internal error while reading the table; nothing was parsed",
}


def issue(code: str, at: str = "", **values: str) -> Issue:
    """The :class:`Issue` with ``code``'s fixed message (template ``values`` filled), at ``at``."""
    message = MESSAGES[code].format(**values) if values else MESSAGES[code]
    return Issue(code, message, at)
