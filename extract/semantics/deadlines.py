"""Dates and deadlines in goal texts: ``2024年12月底前``, ``年底前``, ``6月30日前``,
``2023.07-2024.01``, ``第三季度``, ``全年``, ``当年`` → a normalised :class:`Deadline`.

The spaCy component ``jx_deadlines`` (a ``Matcher`` over jieba tokens: jieba cuts
``2024年12月底前`` into ``2024 年 12 月底 前``) finds the spans and puts them in
``doc.spans["deadlines"]``; :func:`normalise` reads one span's text. A deadline without a
printed year takes the reference year (the project's fiscal year) when one is given,
else it keeps only what was printed (``--06-30``, an ``xsd:gMonthDay``).

Normalised forms (ISO 8601): a day ``2024-12-31``, a month ``2024-07``, a year ``2026``,
a month-day without year ``--06-30``, a period ``2023-07/2024-01`` (a quarter is the
period of its months: ``2026-07/2026-09``). ``before`` is true where the text says the
work ends by then (``前``, ``底``, ``末``, ``以前``, ``之前``).
"""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

SPANS_KEY = "deadlines"


class Deadline(NamedTuple):
    """A date or period as printed (``text``, offsets in the text) and normalised."""

    text: str
    start: int
    end: int
    value: str  # ISO 8601: 2024-12-31, 2024-07, 2026, --06-30, 2023-07/2024-01
    before: bool = False


_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}
_NIAN = {"TEXT": "年"}
_MONTH = {"TEXT": {"REGEX": r"^(0?[1-9]|1[0-2])$"}}
_YUE = {"TEXT": {"IN": ["月", "月份"]}}
_YUEDI = {"TEXT": {"IN": ["月底", "月末"]}}
_DAY = {"TEXT": {"REGEX": r"^(0?[1-9]|[12]\d|3[01])$"}}
_RI = {"TEXT": {"IN": ["日", "号", "日前"]}}
_BY = {"TEXT": {"IN": ["前", "之前", "以前", "底前"]}, "OP": "?"}
_DOT = {"TEXT": {"IN": [".", "/"]}}
_TO = {"TEXT": {"IN": ["-", "~", "—", "－", "至", "到", "～", "–"]}}
_YEAR_END = {"TEXT": {"IN": ["年底", "年末", "年内", "年度"]}}
_QUARTER = {"TEXT": {"REGEX": r"^第[一二三四1-4]季度$"}}
# jieba cuts 第4季度 as 第 4 季度
_QUARTER_CUT = [{"TEXT": "第"}, {"TEXT": {"REGEX": r"^[1-4一二三四]$"}}, {"TEXT": "季度"}]
_HALF = {"TEXT": {"IN": ["上半年", "下半年"]}}
_WHOLE = {"TEXT": {"IN": ["全年", "当年", "本年", "本年度", "年内", "年底", "年末", "当年度"]}}

_PATTERNS: list[list[dict]] = [
    [_YEAR, _NIAN, _MONTH, _YUE, _DAY, _RI, _BY],
    [_YEAR, _NIAN, _MONTH, _YUEDI, _BY],
    [_YEAR, _NIAN, _MONTH, _YUE, _BY],
    [_YEAR, _YEAR_END, _BY],
    [_YEAR, _NIAN, _BY],
    [_YEAR, _NIAN, {"TEXT": {"IN": ["底", "末"]}}, _BY],
    [_YEAR, _NIAN, _QUARTER],
    [_YEAR, _NIAN, *_QUARTER_CUT],
    [_YEAR, _NIAN, _HALF],
    [_YEAR, _QUARTER],
    [_YEAR, _HALF],
    [_MONTH, _YUE, _DAY, _RI, _BY],
    [_MONTH, _YUEDI, _BY],
    [_MONTH, _YUE, _BY],
    [_QUARTER],
    _QUARTER_CUT,
    [_HALF],
    [_WHOLE, _BY],
    [_YEAR, _DOT, _MONTH, _DOT, _DAY],
    [_YEAR, _DOT, _MONTH, _TO, _YEAR, _DOT, _MONTH],
    [_YEAR, _DOT, _MONTH],
    [_YEAR, _NIAN, _MONTH, _YUE, _TO, _YEAR, _NIAN, _MONTH, _YUE],
    [_YEAR, _NIAN, _MONTH, _YUE, _TO, _MONTH, _YUE],
    [_YEAR, _TO, _YEAR, _NIAN],
    [_YEAR, _NIAN, _TO, _YEAR, _NIAN],
]

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_BY_RE = re.compile(r"(前|之前|以前|底|末)$")
_NUM = r"(\d{1,4})"
_TO_RE = r"[-~—－至到～–]"


def _day(year: int | None, month: int, day: int | None) -> str:
    if day is None:
        day = calendar.monthrange(year or 2001, month)[1]  # 2001: no leap day without a year
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _month(year: int | None, month: int) -> str:
    return f"{year:04d}-{month:02d}" if year else f"--{month:02d}"


def _months(year: int | None, first: int, last: int) -> str:
    return f"{_month(year, first)}/{_month(year, last)}"


def _explicit(text: str, year: int | None) -> str | None:
    """The value of a text that prints its own year or month (None when it prints neither)."""
    m = re.fullmatch(_NUM + r"[./]" + _NUM + _TO_RE + _NUM + r"[./]" + _NUM, text)
    if m:  # 2023.07-2024.01
        y1, m1, y2, m2 = (int(g) for g in m.groups())
        return f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}"
    m = re.fullmatch(_NUM + r"[./]" + _NUM + r"(?:[./]" + _NUM + ")?", text)
    if m:  # 2024.12 / 2024.12.31
        y, mo = int(m.group(1)), int(m.group(2))
        return _day(y, mo, int(m.group(3))) if m.group(3) else _month(y, mo)
    m = re.fullmatch(
        _NUM + r"年" + _NUM + "月" + _TO_RE + "(?:" + _NUM + r"年)?" + _NUM + "月", text
    )
    if m:  # 2024年3月-2024年6月, 2024年3月至6月
        y1, m1, m2 = int(m.group(1)), int(m.group(2)), int(m.group(4))
        y2 = int(m.group(3)) if m.group(3) else y1
        return f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}"
    m = re.fullmatch(_NUM + "年?" + _TO_RE + _NUM + "年", text)
    if m:  # 2024~2026年
        return f"{int(m.group(1)):04d}/{int(m.group(2)):04d}"
    m = re.match(r"(?:" + _NUM + r"年)?" + _NUM + r"月(?:" + _NUM + r"[日号])?", text)
    if m:  # 2024年12月底, 6月30日, 2024年6月
        y = int(m.group(1)) if m.group(1) else year
        mo, day = int(m.group(2)), m.group(3)
        if day:
            return _day(y, mo, int(day))
        return _day(y, mo, None) if re.search(r"月(底|末)", text) else _month(y, mo)
    return None


def normalise(text: str, year: int | None = None) -> str | None:
    """The ISO 8601 value of a date or period as printed; ``year`` is the reference year
    for a text that prints none. None when the text is not a date this module reads."""
    text = text.replace(" ", "")
    m = re.match(_NUM + "年", text)
    printed = int(m.group(1)) if m else None
    y = printed or year
    value = _explicit(text, y)
    if value is not None:
        return value
    q = re.search(r"第([一二三四1-4])季度", text)
    if q:
        last = _QUARTERS[q.group(1)] * 3
        return _months(y, last - 2, last)
    if "上半年" in text:
        return _months(y, 1, 6)
    if "下半年" in text:
        return _months(y, 7, 12)
    if re.search(r"年(底|末)", text):
        return _day(y, 12, 31)
    if re.fullmatch(_NUM + r"(年|年度|年内)?(前|之前|以前)?", text) and printed:
        return f"{printed:04d}"
    if re.fullmatch(r"(全年|当年|本年|本年度|当年度|年内)(前|之前|以前)?", text):
        return f"{y:04d}" if y else None
    return None


def is_before(text: str) -> bool:
    """The text sets an end: 前, 之前, 以前, …底, …末 (a day or month by which)."""
    return bool(_BY_RE.search(text.replace(" ", "")))


if not Span.has_extension("deadline"):
    Span.set_extension(
        "deadline", getter=lambda span: normalise(span.text, span.doc.user_data.get("jx_year"))
    )


class DeadlineFinder:
    """Puts the date and deadline spans of a text in ``doc.spans["deadlines"]`` (longest
    match wins; a match that does not normalise is dropped)."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        self.matcher.add("DEADLINE", _PATTERNS, greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        spans = [doc[start:end] for _, start, end in self.matcher(doc)]
        kept = [
            Span(doc, s.start, s.end, label="DEADLINE")
            for s in filter_spans(spans)
            if normalise(s.text, 2000) is not None
        ]
        doc.spans[SPANS_KEY] = kept
        return doc


@Language.factory("jx_deadlines")
def make_deadlines(nlp: Language, name: str) -> DeadlineFinder:
    return DeadlineFinder(nlp.vocab)


def deadlines(doc: Doc, year: int | None = None) -> list[Deadline]:
    """The deadlines the component found in ``doc``, normalised against ``year``."""
    out = []
    for span in doc.spans.get(SPANS_KEY, []):
        value = normalise(span.text, year)
        if value is not None:
            out.append(
                Deadline(span.text, span.start_char, span.end_char, value, is_before(span.text))
            )
    return out
