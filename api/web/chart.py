"""A small chart of targets over years, as inline SVG written here (no script, no library).

One chart per unit of measure (a 95 % and a 90 分 are not on one scale): years along the
bottom, the target's number up the side, one circle per target. Targets of one year sit
side by side so that equal numbers stay countable; each circle's ``<title>`` says whose
target it is, as printed. The text is escaped for XML, so the SVG is well-formed on its
own (and inside the HTML page); characters XML cannot carry are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 32
SPREAD = 7  # px between targets of one year
# characters XML 1.0 does not allow (control characters, surrogates, U+FFFE/U+FFFF)
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML_RE.sub("", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_NOT_XML_RE.sub("", text))


@dataclass(frozen=True, slots=True)
class Point:
    """One target: its year, number, and what its circle's tooltip says."""

    year: int
    number: Decimal
    title: str


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _scale(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        return low - pad, high + pad
    pad = (high - low) / 10
    return low - pad, high + pad


def trajectory_svg(points: list[Point], unit: str, caption: str) -> str:
    """The chart of ``points`` (all in ``unit``); ``caption`` is its accessible name."""
    years = sorted({p.year for p in points})
    low, high = _scale(min(p.number for p in points), max(p.number for p in points))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(year: int) -> float:
        if len(years) == 1:
            return LEFT + inner_w / 2
        return LEFT + inner_w * (year - years[0]) / (years[-1] - years[0])

    def y_of(number: Decimal) -> float:
        return TOP + inner_h * float((high - number) / (high - low))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trajectory" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f"aria-label={quoteattr(caption)} data-unit={quoteattr(unit)}>",
        f"<title>{escape(caption)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + inner_h}" stroke="#888"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}" '
        f'stroke="#888"/>',
    ]
    for number in (low + (high - low) / 10, (low + high) / 2, high - (high - low) / 10):
        y = y_of(number)
        shown = _fmt(number.quantize(Decimal("0.01")))
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{escape(shown)}{escape(unit)}</text>'
        )
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd"/>'
        )
    for year in years:
        out.append(
            f'<text class="year" x="{x_of(year):.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
            f'font-size="12">{year}</text>'
        )
    by_year: dict[int, list[Point]] = {}
    for p in sorted(points, key=lambda p: (p.year, p.number, p.title)):
        by_year.setdefault(p.year, []).append(p)
    for year, group in by_year.items():
        start = x_of(year) - SPREAD * (len(group) - 1) / 2
        for k, p in enumerate(group):
            out.append(
                f'<circle class="mark" cx="{start + SPREAD * k:.1f}" cy="{y_of(p.number):.1f}" '
                f'r="4" fill="#1f6fb2" fill-opacity="0.7" data-year="{p.year}" '
                f'data-number="{_fmt(p.number)}"><title>{escape(p.title)}</title></circle>'
            )
    out.append("</svg>")
    return "".join(out)


def charts(rows: list[dict], caption: str) -> list[tuple[str, str]]:
    """(unit of measure, SVG) for target rows (``fiscalYear``, ``number``, ``unitText``,
    ``unit``, ``projectName``, ``raw``); rows without a number or year are left out."""
    groups: dict[str, list[Point]] = {}
    for r in rows:
        if r.get("number") is None or not isinstance(r.get("fiscalYear"), int):
            continue
        title = f"{r['fiscalYear']} · {r.get('unit') or ''} · {r.get('projectName') or ''}: "
        title += str(r.get("raw") or "")
        point = Point(r["fiscalYear"], Decimal(str(r["number"])), title)
        groups.setdefault(r.get("unitText") or "", []).append(point)
    return [
        (unit, trajectory_svg(points, unit, f"{caption} ({unit or '—'})"))
        for unit, points in sorted(groups.items())
    ]
