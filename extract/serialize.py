"""Records → plain JSON-able dicts (the ``parse-indicators`` contract of architecture.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.extract.records import Indicator, Issue, ParseResult, Target


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when integral (``20``), else a float (``29.91``)."""
    if value is None:
        return None
    if not value.is_finite():
        return None
    if value == value.to_integral_value() and abs(value) < 10**18:
        return int(value)
    return float(value)


def target_dict(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "raw": target.raw,
        "comparator": target.comparator,
        "number": json_number(target.number),
        "unit": target.unit,
        "qualitative": target.qualitative,
        "upper": json_number(target.upper),
        "scale": target.scale,
        "base_unit": target.base_unit,
        "value": json_number(target.value),
        "qualifier": target.qualifier,
        "classified": target.classified,
        "placeholder": target.placeholder,
    }


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {
        "level1": ind.level1,
        "level1_code": ind.level1_code,
        "level2": ind.level2,
        "level2_code": ind.level2_code,
        "name": ind.name,
        "period_target": target_dict(ind.period_target),
        "annual_target": target_dict(ind.annual_target),
        "position": ind.position,
    }
    if ind.weight is not None:
        out["weight"] = json_number(ind.weight)
    if ind.actual is not None:
        out["actual"] = ind.actual
    if ind.score is not None:
        out["score"] = ind.score
    return out


def issue_dict(item: Issue) -> dict[str, str]:
    return {"code": item.code, "message": item.message, "at": item.at}


def result_dict(result: ParseResult) -> dict[str, Any]:
    """The JSON object ``jixiao parse-indicators`` prints."""
    return {
        "indicators": [indicator_dict(i) for i in result.indicators],
        "issues": [issue_dict(i) for i in result.issues],
    }
