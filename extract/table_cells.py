"""Cells of separated indicator tables, shared by the table readers (extract/table.py,
extract/flattened.py): splitting a line on its separator, guessing the columns of a table
printed without header, and the checks every target gets (Excel date serials, rates
above 100 %).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from jixiao.extract import lexicon
from jixiao.extract.headers import is_label
from jixiao.extract.issues import issue as make_issue
from jixiao.extract.records import Issue, Target

__all__ = ["SEPARATORS", "check_target", "guess_layout", "split_cells"]

_MULTISPACE_RE = re.compile(r" {2,}")
_SPACE_RE = re.compile(r" +")
_CODE_ONLY_RE = re.compile(r"^\d{1,3}$")
SEPARATORS = ("\t", "|", "  ", " ")


def split_cells(line: str, sep: str) -> list[str]:
    """Cells of one canonical line for separator ``sep`` (tab, pipe, 2+ spaces, 1+ space)."""
    if sep == "\t":
        cells = line.split("\t")
    elif sep == "|":
        body = line.strip()
        body = body.removeprefix("|").removesuffix("|")
        cells = body.split("|")
    elif sep == "  ":
        cells = _MULTISPACE_RE.split(line.strip())
    else:
        cells = _join_codes(_SPACE_RE.split(line.strip()))
    return [c.strip() for c in cells]


def _join_codes(tokens: list[str]) -> list[str]:
    """Single-space cells: glue a printed code to its label again (``11`` ``数量指标``)."""
    out: list[str] = []
    for token in tokens:
        if out and _CODE_ONLY_RE.match(out[-1]) and lexicon.lookup(token) is not None:
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
    return out


_SERIAL_RE = re.compile(r"^[0-9]{5}$")


def check_target(target: Target | None, unit: str, timely: bool, at: str) -> list[Issue]:
    """Excel date serials in 时效 rows (T005) and rates above 100 % (T006)."""
    if target is None:
        return []
    found = []
    raw = target.raw.strip()
    if timely and not unit and _SERIAL_RE.match(raw) and 30000 <= int(raw) <= 60000:
        iso = (date(1899, 12, 30) + timedelta(days=int(raw))).isoformat()
        found.append(make_issue("T005", at, iso=iso))
    if target.unit == "%" and target.number is not None and target.number > 100:
        found.append(make_issue("T006", at))
    return found


def guess_layout(lines: list[str]) -> tuple[str, list[str | None]] | None:
    """Separator and column roles of a headerless separated table (canonical ``lines``).

    The level-1 / level-2 columns are where framework labels sit; the next column is the
    name; one further column is the annual target, two are period then annual targets
    (the Guangzhou order). None when no column holds a framework label.
    """
    best: tuple[int, str] | None = None
    for sep in SEPARATORS[:3]:
        hits = sum(1 for c in lines if len(split_cells(c, sep)) >= 3)
        if hits and (best is None or hits > best[0]):
            best = (hits, sep)
    if best is None:
        return None
    sep = best[1]
    table = [split_cells(c, sep) for c in lines]
    width = max(len(cells) for cells in table)
    roles: list[str | None] = [None] * width
    for level, role in ((1, "l1"), (2, "l2")):
        for j in range(width):
            if roles[j] is None and any(
                j < len(cells) and is_label(cells[j], level) for cells in table
            ):
                roles[j] = role
                break
    if "l1" not in roles and "l2" not in roles:
        return None
    last = max(j for j, r in enumerate(roles) if r)
    rest = list(range(last + 1, width))
    if not rest:
        return None
    roles[rest[0]] = "name"
    values = rest[1:]
    if len(values) == 1:
        roles[values[0]] = "annual"
    elif len(values) >= 2:
        roles[values[0]], roles[values[1]] = "period", "annual"
    return sep, roles
