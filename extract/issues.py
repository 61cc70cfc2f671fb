"""Stable issue codes of the indicator parser and their fixed messages (spaCy-style)."""

from __future__ import annotations

from extract.records import Issue

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
}


def issue(code: str, at: str = "") -> Issue:
    """The :class:`Issue` with ``code``'s fixed message, located ``at``."""
    return Issue(code, MESSAGES[code], at)
