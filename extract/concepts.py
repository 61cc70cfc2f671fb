"""The indicator library: printed indicator names grouped into canonical concepts.

The same indicator is printed many ways across projects, units and years (满意度 / 满意率 /
群众满意度 / 服务对象满意度 / 受益群众满意度). :func:`concept_key` maps a printed name to
the key of its concept; it looks at the name alone, never at the other records, so a
document's concepts do not change when other documents are ingested, and the graph can
mint one IRI per key (:mod:`graph.library`) that every document shares.

How a name becomes its key (repeated until nothing changes, so the key is idempotent):

1. width, traditional characters and spaces folded (:mod:`extract.normalize`);
2. a leading number (``1.``, ``（2）``, ``指标3：``, ``①``), a trailing definition
   (``=实际费用/概算*100%``) and a trailing note in brackets (``（必填）``, ``（%）``) dropped;
   trailing punctuation dropped;
3. a satisfaction name (满意, and not inverse) cut at 满意: the jieba tokens before it
   (segmented with the project's own dictionary) lose the words that only say *who* is
   asked (群众, 服务对象, 受益, 社会公众, 对 … 的); 满意率 / 满意程度 are spelled 满意度.
   So 服务对象满意度 and 受益群众满意率 both become 满意度, while 培训满意度 stays its own.

An inverse indicator (不满意率, 投诉率: lower is better, :mod:`extract.semantics.direction`)
is never folded into a satisfaction concept, and no step removes a bad or remedy word, so
a key is inverse exactly when the names it groups are: a concept never mixes an indicator
with its opposite. Keys are plain text; :func:`group` collects records into concepts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from jixiao.extract.lexicon import framework_segmenter
from jixiao.extract.normalize import canonical, to_simplified
from jixiao.extract.records import Indicator
from jixiao.extract.semantics.direction import (
    BAD_RE,
    REMEDY_RE,
    is_inverse,
    is_satisfaction_name,
)

_SPACE_RE = re.compile(r"\s+")
_LEADING_NUMBER_RE = re.compile(
    r"^(?:[.．。、,，;；:：]+|指标\d{1,3}[:：.、．]|[（(]\d{1,3}[)）][.、．]?|\d{1,3}(?:[、)）]|[.．:：](?!\d))|[①-⑳])"
)
_TRAILING_NOTE_RE = re.compile(r"[（(\[【]([^（）()\[\]【】]{0,12})[)）\]】]$")
_DEFINITION_RE = re.compile(r"(?<=.)[=＝].*$")  # 项目预算控制率=实际费用/概算*100%
_TRAILING_PUNCT_RE = re.compile(r"[。；;，,:：、.．!！?？]+$")
# Words of a satisfaction name that only say who is asked (or about what, in general).
_RESPONDENTS = """群众 人民群众 办事群众 受益 受益群众 受益人 受益人群 受益对象 服务 服务对象 对象
社会 公众 社会公众 用户 使用者 使用 人员 市民 居民 企业 群体 办事 单位 相关 相关单位 各方 主体
市场主体 对 的 和 及 与 、 以及 总体 整体 综合 工作 调查 测评 评价"""
RESPONDENT_WORDS = frozenset(_RESPONDENTS.split())
_SATISFACTION_TAIL_RE = re.compile(r"^(?:度|率|程度|度指数|指数)?$")
SATISFACTION_KEY = "满意度"


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The jieba words of ``text`` (no HMM: the same words on every machine)."""
    return tuple(t for t in framework_segmenter().cut(text, HMM=False) if t.strip())


def _fold(name: str) -> str:
    return _SPACE_RE.sub("", to_simplified(canonical(name)))


def _strip_note(text: str) -> str:
    """Drop a trailing bracketed note, unless it says something about direction."""
    match = _TRAILING_NOTE_RE.search(text)
    if match is None or BAD_RE.search(match.group(1)) or REMEDY_RE.search(match.group(1)):
        return text
    return text[: match.start()]


def _satisfaction(text: str) -> str:
    """满意度 for a name that only says who is satisfied; ``<object>满意度`` otherwise."""
    at = text.find("满意")
    tail = text[at + 2 :]
    if not _SATISFACTION_TAIL_RE.match(tail):
        return text
    kept = "".join(t for t in tokens(text[:at]) if t not in RESPONDENT_WORDS)
    return kept + SATISFACTION_KEY


def _once(text: str) -> str:
    text = _fold(text)
    text = _DEFINITION_RE.sub("", _LEADING_NUMBER_RE.sub("", text))
    text = _TRAILING_PUNCT_RE.sub("", _strip_note(text))
    if is_satisfaction_name(text):
        text = _satisfaction(text)
    return text


@lru_cache(maxsize=65536)
def concept_key(name: str) -> str:
    """The key of the concept that the printed indicator name ``name`` belongs to."""
    text = _fold(name)
    for _ in range(32):
        nxt = _once(text)
        # nothing but a number or a note left, or a step that would turn the direction
        # (a bad word glued together from what was cut): the text so far is the key
        if not nxt or nxt == text or is_inverse(nxt) != is_inverse(text):
            return text
        text = nxt
    return text


@dataclass(slots=True)
class Concept:
    """One concept of the library: its key and the spellings printed for it (counted)."""

    key: str
    spellings: Counter[str] = field(default_factory=Counter)

    @property
    def lower_is_better(self) -> bool:
        return is_inverse(self.key)

    @property
    def pref_label(self) -> str:
        """The most frequent spelling (ties: the first in code-point order, as the
        ``concepts`` query breaks them)."""
        return min(self.spellings, key=lambda s: (-self.spellings[s], s))


def concept_keys(records: Iterable[Indicator]) -> list[str]:
    """The concept key of each record, in order."""
    return [concept_key(r.name) for r in records]


def group(records: Iterable[Indicator]) -> dict[str, Concept]:
    """The concepts of ``records`` by key, each with its printed spellings counted.
    Records whose name is empty after folding belong to no concept."""
    out: dict[str, Concept] = {}
    for record in records:
        spelling = record.name.strip()
        if not _fold(spelling):
            continue
        key = concept_key(spelling)
        out.setdefault(key, Concept(key)).spellings[spelling] += 1
    return out
