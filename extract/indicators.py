"""Parse a 绩效指标 cell into indicators.

The inline numbered format of the seeds is read here::

    1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值：每年≥20场；年度指标值：每年≥20场。2、…

Other layouts (one row per indicator, flattened HTML tables) are handed to
:func:`extract.table.parse_table`. Every problem becomes a coded :class:`Issue`;
nothing is raised.

The inline reader is a scanner: the cell is canonicalised, cut into numbered items,
and each item is read as a run of *tokens* (``1-产出指标``, ``实施周期指标值：``,
``年度指标值：``) with free text between them. Reading by tokens rather than by ``；``
keeps values that contain ``；`` whole and recovers an item whose ``6、3-满意度指标；``
prefix was lost (a level-2 token after a finished indicator starts a new one).

Speed: nine items in ten are *regular* (``L1；L2；name；实施周期指标值：v；年度指标值：v``
with nothing odd about them). Those are read by one C-level regex each — a whole cell
at once when every item is regular — and only the others go through the scanner,
which is the path that reports issues (see ``benchmarks/parse.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.extract.issues import issue
from jixiao.extract.lexicon import LEVEL1, all_spellings, category_of_code, lookup
from jixiao.extract.normalize import canonical, to_simplified
from jixiao.extract.records import Indicator, Issue, ParseResult, Target
from jixiao.extract.target import parse_target

_LABEL_ALT = "|".join(re.escape(w) for w in all_spellings())
# Scanned on the simplified, 目标→指标 spelling (same length as the canonical text,
# so offsets found there slice the canonical text as printed).
_TOKEN_RE = re.compile(
    rf"(?P<code>[0-9]{{1,2}})\s*[-－—]\s*(?P<label>{_LABEL_ALT})"
    r"|(?P<period>实施周期指标值|周期指标值|中长期指标值)\s*[：]?"
    r"|(?P<annual>年度指标值)\s*[：]?"
)
_INLINE_HINT_RE = re.compile(
    r"[0-9]\s*[-－—]\s*(?:产出|效益|满意度|成本)|年度指标值|实施周期指标值"
)
_NUMBERED_RE = re.compile(r"[0-9]\s*、")
# Numbers are ASCII digits (canonical() folds the full-width ones): a circled ① or a
# superscript ² is text, never a number (int() refused them and aborted the ingest).
_DIGITS = frozenset("0123456789")
_EDGE_PUNCT = "；。.，,\u3001 \t\n"


def _cleanup(text: str) -> tuple[str, bool]:
    """Strip separators and stray dots around a name or value; say whether a dot went."""
    core = text.strip(_EDGE_PUNCT.replace(".", ""))
    stripped = core.strip(_EDGE_PUNCT)
    return stripped, "." in core[:1] + core[-1:]


@dataclass(slots=True)
class _Draft:
    """An indicator being assembled from tokens."""

    level1: str | None = None
    level1_code: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    name: str | None = None
    period: str | None = None
    annual: str | None = None
    start: int = 0
    notes: list[Issue] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.name is not None or self.period is not None or self.annual is not None

    @property
    def has_target(self) -> bool:
        return self.period is not None or self.annual is not None


def _target(text: str | None) -> Target | None:
    return None if text is None else parse_target(text)


def _finish(draft: _Draft, position: int, raw: str, at: str) -> tuple[Indicator, list[Issue]]:
    notes = list(draft.notes)
    if not draft.name:
        notes.append(issue("X005", at))
    if not draft.has_target:
        notes.append(issue("X006", at))
    period, annual = _target(draft.period), _target(draft.annual)
    for t in (period, annual):
        if t is not None and t.classified:
            notes.append(issue("X010", at))
            break
    else:
        if any(t is not None and t.placeholder for t in (period, annual)) or (
            draft.name and "待" in draft.name and "补充" in draft.name
        ):
            notes.append(issue("X011", at))
    if draft.level1_code and draft.level2_code and draft.level2_code[0] != draft.level1_code[0]:
        notes.append(issue("X012", at))
    ind = Indicator(
        name=draft.name or "",
        level1=draft.level1,
        level1_code=draft.level1_code,
        level2=draft.level2,
        level2_code=draft.level2_code,
        period_target=period,
        annual_target=annual,
        position=position,
        raw=raw.strip(_EDGE_PUNCT),
    )
    return ind, notes


def _item_marks(canon: str) -> list[tuple[int, int, int]]:
    """(number, start of the number, end of '、') of each item opener, in sequence.

    A number followed by 、 opens an item only after a separator (or at the start)
    and only in sequence, or after a gap when an indicator follows; '2、3类' inside a
    name stays text. Found by looking for '、' and reading the digits before it,
    which is much faster than a regex tried at every digit.
    """
    marks: list[tuple[int, int, int]] = []
    expected = 1
    i = canon.find("、")
    while i != -1:
        j = i
        while j > 0 and canon[j - 1] in " \t":
            j -= 1
        k = j
        while k > 0 and j - k < 3 and canon[k - 1] in _DIGITS:
            k -= 1
        start = k
        while start > 0 and canon[start - 1] in " \t\n":
            start -= 1
        if k < j and (start == 0 or canon[start - 1] in "。；.\n"):
            num = int(canon[k:j])
            if num == expected or (num > expected and _INLINE_HINT_RE.match(canon, i + 1)):
                marks.append((num, start, i + 1))
                expected = num + 1
        i = canon.find("、", i + 1)
    return marks


def _items(canon: str) -> Iterator[tuple[int | None, int, int]]:
    """Yield (printed number, start, end) of each numbered item; a preamble has number None."""
    marks = _item_marks(canon)
    if not marks:
        yield None, 0, len(canon)
        return
    if canon[: marks[0][1]].strip(_EDGE_PUNCT):
        yield None, 0, marks[0][1]
    for i, (num, _start, body) in enumerate(marks):
        end = marks[i + 1][1] if i + 1 < len(marks) else len(canon)
        yield num, body, end


_LABEL_FIELDS: dict[tuple[str, int], bool] = {}
# The body of one regular item, matched on the scan spelling:
#   L1；L2；name；实施周期指标值：v；年度指标值：v
_BODY = (
    r"(?P<c1>[0-9])-(?P<l1>[^；。0-9]{2,24})；(?P<c2>[0-9][0-9])-(?P<l2>[^；。0-9]{2,24})；(?P<name>[^；]+?)；"
    r"实施周期指标值：(?P<period>[^；]+?)；年度指标值：(?P<annual>[^；]+?)"
)
_REGULAR_RE = re.compile(r"[ \t\n]*(?P<num>[0-9]{1,3})、" + _BODY + r"(?:。|$)")
_BODY_RE = re.compile(_BODY + r"[。\s]*")
_PARTS = ("l1", "l2", "name", "period", "annual")


def _is_label(text: str, level: int) -> bool:
    known = _LABEL_FIELDS.get((text, level))
    if known is None:
        known = _LABEL_FIELDS[(text, level)] = lookup(text, level) is not None
    return known


def _regular(canon: str, scan: str, m: re.Match[str], position: int) -> Indicator | None:
    """The indicator of a regular item matched by ``m``, or None if anything is off.

    Any irregularity (a stray dot, codes that disagree, a classified or placeholder
    value) returns None so that the token scanner reads the item and reports it:
    this path never has an issue to report.
    """
    c1, l1, c2, l2, name, period, annual = m.group("c1", "l1", "c2", "l2", *_PARTS[2:])
    if c1 != c2[0] or not (_is_label(l1, 1) and _is_label(l2, 2)):
        return None
    edges = name[:1] + name[-1:] + period[:1] + period[-1:] + annual[:1] + annual[-1:]
    if "." in edges or " " in edges or "指标值" in name:
        return None
    if scan is not canon:  # slice the printed spelling back out (same offsets)
        l1, l2, name, period, annual = (canon[m.start(g) : m.end(g)] for g in _PARTS)
    period_t, annual_t = parse_target(period), parse_target(annual)
    if period_t.classified or period_t.placeholder or annual_t.classified:
        return None
    if annual_t.placeholder:
        return None
    raw = canon[m.start("c1") : m.end("annual")]
    return Indicator(name, l1, c1, l2, c2, period_t, annual_t, position, raw=raw)


def _regular_cell(canon: str, scan: str) -> list[Indicator] | None:
    """All indicators of a cell whose every item is regular, or None.

    Most cells are: one C-level regex per item reads them several times faster than
    the token scanner. A cell with any irregular item (or numbering out of sequence)
    goes through the item loop of :func:`parse_inline` instead.
    """
    out: list[Indicator] = []
    pos, size = 0, len(scan.rstrip())
    while pos < size:
        m = _REGULAR_RE.match(scan, pos)
        if m is None or int(m.group("num")) != len(out) + 1:
            return None
        ind = _regular(canon, scan, m, len(out) + 1)
        if ind is None:
            return None
        out.append(ind)
        pos = m.end()
    return out or None


def _read_item(canon: str, scan: str, start: int, end: int, at: str) -> list[_Draft]:
    """Read one numbered item's tokens into one or more drafts (more when a prefix was lost)."""
    drafts: list[_Draft] = [_Draft(start=start)]
    cur = drafts[0]
    slot = "name"
    pos = start
    tokens = list(_TOKEN_RE.finditer(scan, start, end))

    def take_text(upto: int) -> None:
        nonlocal cur
        text, stray = _cleanup(canon[pos:upto])
        if not text:
            return
        if stray:
            cur.notes.append(issue("X009", at))
        if slot == "name":
            if cur.name is None:
                cur.name = text
            else:
                cur.notes.append(issue("X013", f"{at}: {text[:40]}"))
        elif slot == "period":
            cur.period = text
        elif slot == "annual":
            if cur.annual is None:
                cur.annual = text
            elif text == cur.annual or text.startswith(cur.annual):
                cur.notes.append(issue("X007", at))
            else:
                cur.notes.append(issue("X008", f"{at}: {text[:40]}"))

    for tok in tokens:
        take_text(tok.start())
        pos = tok.end()
        if tok.group("code"):
            code, label = tok.group("code"), canon[tok.start("label") : tok.end("label")]
            level = lookup(label, 1 if len(code) == 1 else 2)
            if len(code) == 1 or (level is not None and level.level == 1 and cur.level1 is None):
                if cur.started or cur.level2 is not None:
                    cur = _Draft(start=tok.start())
                    drafts.append(cur)
                cur.level1, cur.level1_code = label, code
            else:
                if cur.started:
                    cur = _Draft(start=tok.start())
                    drafts.append(cur)
                cur.level2, cur.level2_code = label, code
                if cur.level1 is None:
                    _infer_level1(cur, code, label, at)
            slot = "name"
        elif tok.group("period"):
            slot = "period"
        else:
            slot = "annual"
    take_text(end)
    return drafts


def _infer_level1(draft: _Draft, code: str, label: str, at: str) -> None:
    """A level-2 token with no level 1 before it: the 1/11 code pattern gives the category."""
    category = category_of_code(code)
    if category is None:
        found = lookup(label, 2)
        category = found.category if found else None
    if category is None:
        return
    draft.level1 = LEVEL1[category].canonical
    draft.level1_code = code[0] if code[:1] in _DIGITS and len(code) == 2 else None
    draft.notes.append(issue("X004", at))


def _scan_text(canon: str) -> str:
    """The spelling the tokens are matched on: simplified, 目标 read as 指标 (same length)."""
    return to_simplified(canon).replace("目标", "指标")


def parse_inline(text: str, *, canon: str | None = None, scan: str | None = None) -> ParseResult:
    """Parse the inline numbered format; see the module docstring."""
    canon = canonical(text).strip() if canon is None else canon
    scan = _scan_text(canon) if scan is None else scan
    regular = _regular_cell(canon, scan)
    if regular is not None:
        return ParseResult(tuple(regular), ())
    indicators: list[Indicator] = []
    issues: list[Issue] = []
    expected = 1
    for num, start, end in _items(canon):
        at = f"item {num}" if num is not None else "before item 1"
        if num is None:
            if scan[start:end].strip(_EDGE_PUNCT) and not _TOKEN_RE.search(scan, start, end):
                issues.append(issue("X002", canon[start:end].strip()[:40]))
                continue
        elif num != expected:
            issues.append(issue("X003", f"expected {expected}, found {num}"))
        expected = (num or 0) + 1
        m = _BODY_RE.fullmatch(scan, start, end) if num is not None else None
        fast = _regular(canon, scan, m, len(indicators) + 1) if m else None
        if fast is not None:
            indicators.append(fast)
            continue
        drafts = _read_item(canon, scan, start, end, at)
        for k, draft in enumerate(drafts):
            if not (draft.started or draft.level1 or draft.level2):
                continue
            # up to the next draft, not to the end of the item: an item that holds
            # thousands of indicators (numbering restarted) would copy it once each
            stop = drafts[k + 1].start if k + 1 < len(drafts) else end
            raw = canon[draft.start : stop]
            ind, notes = _finish(draft, len(indicators) + 1, raw, at)
            indicators.append(ind)
            issues.extend(notes)
    return ParseResult(tuple(indicators), tuple(issues))


def parse_indicators(text: str) -> ParseResult:
    """Parse one 绩效指标 cell or a flattened indicator table; never raises."""
    if not text or not text.strip():
        return ParseResult((), (issue("X001", "empty text"),))
    canon = canonical(text).strip()
    scan = _scan_text(canon)
    if _INLINE_HINT_RE.search(scan) and _NUMBERED_RE.search(canon):
        result = parse_inline(text, canon=canon, scan=scan)
        if result.indicators:
            return result
    from jixiao.extract.text_reader import read_indicator_text

    reading = read_indicator_text(text)
    if reading.indicators:
        return ParseResult(tuple(reading.indicators), tuple(reading.issues))
    return ParseResult((), (issue("X001", canon.strip()[:40]),))
