"""``jixiao parse-indicators --infer``: fill the categories a text did not print.

Input is either what ``parse-indicators`` reads anyway (a cell, a table, flattened text),
or one indicator per line as ``name<TAB>target`` — then the output has one indicator per
input line, in order (a header line such as ``三级指标<TAB>指标值`` is skipped). Each
filled level is marked: ``"inferred": true`` and ``"confidence"`` (per level filled).
"""

from __future__ import annotations

from typing import Any

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.records import Indicator, ParseResult
from jixiao.extract.serialize import indicator_dict, issue_dict
from jixiao.extract.target import parse_target

_HEADER_NAMES = {"三级指标", "指标名称", "指标", "三级指标名称", "绩效指标"}


def parse_pairs(text: str) -> list[Indicator] | None:
    """Indicators of ``name<TAB>target`` lines, or ``None`` when the text is not that."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    rows = [line.split("\t") for line in lines]
    if not rows or any(len(row) != 2 or not row[0].strip() for row in rows):
        return None
    if rows[0][0].strip() in _HEADER_NAMES:
        rows = rows[1:]
    out = []
    for position, (name, target) in enumerate(rows, start=1):
        parsed = parse_target(target.strip()) if target.strip() else None
        out.append(Indicator(name.strip(), annual_target=parsed, position=position))
    return out


def inferred_result(text: str, parsed: ParseResult | None = None) -> dict[str, Any]:
    """The ``parse-indicators`` JSON with missing categories filled by the classifier;
    ``parsed`` is ``parse_indicators(text)``, computed here only when the text is not
    ``name<TAB>target`` lines (which are read line by line)."""
    from jixiao.extract.semantics.classifier import fill_missing

    pairs = parse_pairs(text)
    if pairs is None and parsed is None:
        parsed = parse_indicators(text)
    indicators = pairs if pairs is not None else list(parsed.indicators)
    out = []
    for ind, filled in fill_missing(indicators):
        item = indicator_dict(ind)
        if filled:
            item["inferred"] = True
            item["confidence"] = filled
        out.append(item)
    issues = [] if pairs is not None else [issue_dict(i) for i in parsed.issues]
    return {"indicators": out, "issues": issues}
