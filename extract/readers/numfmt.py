"""Spreadsheet cell values as a person sees them: Excel number formats, rendered.

Handles what budget sheets use: ``General``/``@``; fixed decimals (``0.00``); thousands
separators (``#,##0``); percentages (``0.0%``); literal text around the number
(``0.00"万元"``, ``\\元``); sections for positive;negative;zero; and date/time formats
(``yyyy-mm-dd``, ``yyyy"年"m"月"d"日"``, ``hh:mm``). Colours, conditions and locale tags
(``[Red]``, ``[$-804]``) are dropped. Anything else falls back to General: an integral
number prints without ``.0`` and others with at most 15 significant digits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_BRACKETS_RE = re.compile(r"\[[^\]]*\]")
_DATE_TOKENS_RE = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p", re.I)
_NUMBER_PART_RE = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


def general(value: float | int) -> str:
    """Excel's General: ``12`` for 12.0, ``0.3`` for 0.30000000000000004."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if integral and abs(value) < 1e15:
        return str(int(value))
    text = format(value, ".15g")
    return text if "e" in text else text.rstrip("0").rstrip(".") if "." in text else text


def _literals(fmt: str) -> list[tuple[bool, str]]:
    """The format as (is_literal, text) pieces: quoted text and ``\\x`` are literal;
    ``_x`` (padding) and ``*x`` (fill) vanish."""
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            out.append((True, fmt[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(fmt):
            out.append((True, fmt[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(fmt):
            i += 2
        else:
            out.append((False, ch))
            i += 1
    return out


def _section(fmt: str, value: float) -> tuple[str, bool]:
    """The section of ``fmt`` that applies and whether it prints the sign itself."""
    sections = fmt.split(";")
    if value < 0 and len(sections) > 1:
        return sections[1], True
    if value == 0 and len(sections) > 2:
        return sections[2], False
    return sections[0], False


def is_date_format(fmt: str) -> bool:
    plain = "".join(t for lit, t in _literals(_BRACKETS_RE.sub("", fmt)) if not lit).lower()
    return any(ch in plain for ch in "ymdhs") and "general" not in plain


def render_date(value: dt.datetime | dt.date | dt.time, fmt: str) -> str:
    """A date or time through its format; ISO forms when the format says little."""
    pieces = _literals(_BRACKETS_RE.sub("", fmt.split(";")[0]))
    if not is_date_format(fmt):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    stamp = value if isinstance(value, dt.datetime) else None
    day = value if isinstance(value, dt.date) else None
    clock = value if isinstance(value, dt.time) else (stamp.time() if stamp else None)
    out: list[str] = []
    last = ""
    for literal, text in _merge_codes(pieces):
        if literal:
            out.append(text)
            continue
        pos = 0
        for match in _DATE_TOKENS_RE.finditer(text):
            out.append(text[pos : match.start()])
            token = match.group().lower()
            rest = text[match.end() :].lower()
            minute = token in ("m", "mm") and (
                last in ("h", "hh") or rest.lstrip(":").startswith("s")
            )
            out.append(_date_token(token, day, clock, minute))
            last = token
            pos = match.end()
        out.append(text[pos:])
    return "".join(out)


def _merge_codes(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    merged: list[tuple[bool, str]] = []
    for literal, text in pieces:
        if merged and merged[-1][0] == literal:
            merged[-1] = (literal, merged[-1][1] + text)
        else:
            merged.append((literal, text))
    return merged


def _date_token(token: str, day: dt.date | None, clock: dt.time | None, minute: bool) -> str:
    if minute and clock is not None:
        return f"{clock.minute:02d}" if token == "mm" else str(clock.minute)
    if token in ("yyyy", "yy", "mmmm", "mmm", "mm", "m", "dddd", "ddd", "dd", "d") and day:
        return {
            "yyyy": f"{day.year:04d}", "yy": f"{day.year % 100:02d}", "mm": f"{day.month:02d}",
            "m": str(day.month), "dd": f"{day.day:02d}", "d": str(day.day),
            "mmmm": day.strftime("%B"), "mmm": day.strftime("%b"), "dddd": day.strftime("%A"),
            "ddd": day.strftime("%a"),
        }[token]  # fmt: skip
    if clock is not None and token in ("hh", "h", "ss", "s"):
        number = clock.hour if token.startswith("h") else clock.second
        return f"{number:02d}" if len(token) == 2 else str(number)
    return ""


def render_number(value: float | int, fmt: str) -> str:
    """A number through its (non-date) format."""
    if isinstance(value, bool) or not fmt or fmt.lower() in ("general", "@"):
        return general(value)
    section, signed = _section(_BRACKETS_RE.sub("", fmt), value)
    if "e+" in section.lower() or "/" in section or section.lower() == "general":
        return general(value)
    pieces = _merge_codes(_literals(section))
    codes = "".join(t for lit, t in pieces if not lit)
    match = _NUMBER_PART_RE.search(codes)
    if match is None:
        return "".join(t for _, t in pieces) or general(value)
    number = abs(value) if signed else value
    number = number * 100 ** codes.count("%")
    spec = match.group()
    places = len(spec.split(".", 1)[1]) if "." in spec else 0
    scaled = Decimal(repr(float(number))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{scaled:,.{places}f}" if "," in spec.rstrip(",") else f"{scaled:.{places}f}"
    out: list[str] = []
    used = False
    for literal, piece in pieces:
        if literal:
            out.append(piece)
            continue
        found = _NUMBER_PART_RE.search(piece)
        if found and not used:
            out.append(piece[: found.start()] + text + piece[found.end() :])
            used = True
        else:
            out.append(_NUMBER_PART_RE.sub("", piece))
    return "".join(out).replace("#", "").replace("?", "")
