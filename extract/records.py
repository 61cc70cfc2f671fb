"""Typed, immutable records produced by ``extract``: no RDF here, only plain data.

Numbers are kept as :class:`decimal.Decimal` so that ``29.91`` stays ``29.91``
(binary floats would not) and the normalised value ``0.6 万台 → 6000 台`` is exact.

:class:`Target` and :class:`Indicator` are ``NamedTuple``s: a national year has ~10⁷
of them, and building a frozen dataclass (one ``object.__setattr__`` per field) cost
6.7 µs against ~1 µs for a named tuple on our machines. Use ``_replace`` to derive one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

COMPARATORS = ("≥", "≤", "=", ">", "<")


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while parsing: a stable ``code``, a fixed ``message`` and where (``at``)."""

    code: str
    message: str
    at: str = ""


class Target(NamedTuple):
    """One target value (指标值) as printed and as understood.

    ``number`` is the number as printed (``10`` for ``≥10亿条``); ``scale`` is the
    magnitude carried by the unit (``10**8`` for 亿条) and ``value`` the number in
    ``base_unit`` (``10**9`` 条) where a base unit is known. ``upper`` is the upper
    bound of a range (``90%-95%``: number 90, upper 95).
    """

    raw: str
    comparator: str | None = None
    number: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    scale: int = 1
    base_unit: str | None = None
    value: Decimal | None = None
    qualifier: str | None = None
    qualitative: bool = False
    classified: bool = False
    placeholder: bool = False


class Indicator(NamedTuple):
    """One 三级指标 with its categories and targets.

    Labels, codes and names are as printed (codes ``None`` when not printed).
    ``position`` is the 1-based order of the indicator inside its cell or table.
    """

    name: str
    level1: str | None = None
    level1_code: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    period_target: Target | None = None
    annual_target: Target | None = None
    position: int = 0
    weight: Decimal | None = None
    actual: str | None = None
    score: str | None = None
    raw: str = ""


@dataclass(frozen=True, slots=True)
class ParseResult:
    indicators: tuple[Indicator, ...] = ()
    issues: tuple[Issue, ...] = field(default_factory=tuple)
