"""The cue lexicon (``cues.tsv`` beside this file): words in an indicator's name or target
that point at a level-2 category (满意度 → 服务对象满意度指标, 及时率 → 时效指标).

Every cue is a feature of the textcats (``cue:时效指标``), so the model learns how far to
trust it; a cue marked ``decide`` also restricts the answer to its labels, unless the
name counts something bad (不满意率 is no satisfaction indicator: :mod:`direction`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jixiao.extract.normalize import to_simplified
from jixiao.extract.semantics.direction import is_inverse

LEXICON = Path(__file__).resolve().parent / "cues.tsv"


@dataclass(frozen=True, slots=True)
class Cue:
    where: str  # "name" or "target"
    pattern: re.Pattern[str]
    level2: tuple[str, ...]
    decide: bool
    line: int


def parse(text: str, source: str = "cues.tsv") -> tuple[Cue, ...]:
    """Cues of a lexicon text; a malformed line is an error naming its line."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 4 or cells[0] not in ("name", "target") or cells[3] not in ("yes", "no"):
            raise ValueError(
                f"{source}:{number}: expected where (name|target), pattern, level-2 labels"
                f" and decide (yes|no), tab-separated; got {line!r}"
            )
        try:
            pattern = re.compile(cells[1])
        except re.error as err:
            raise ValueError(f"{source}:{number}: bad pattern {cells[1]!r}: {err}") from err
        labels = tuple(label.strip() for label in cells[2].split(",") if label.strip())
        if not labels:
            raise ValueError(f"{source}:{number}: expected at least one level-2 label")
        out.append(Cue(cells[0], pattern, labels, cells[3] == "yes", number))
    return tuple(out)


@lru_cache(maxsize=1)
def lexicon() -> tuple[Cue, ...]:
    return parse(LEXICON.read_text(encoding="utf-8"), LEXICON.name)


def fired(name: str, target: str, cues: tuple[Cue, ...] | None = None) -> list[Cue]:
    """The cues that fire on an indicator (a satisfaction cue never on an inverse name)."""
    if cues is None:
        return list(_fired_cached(name, target))
    return _fired(name, target, cues)


@lru_cache(maxsize=65536)
def _fired_cached(name: str, target: str) -> tuple[Cue, ...]:
    # indicator names repeat across projects and years (the tokenizer caches them too)
    return tuple(_fired(name, target, lexicon()))


def _fired(name: str, target: str, cues: tuple[Cue, ...]) -> list[Cue]:
    name, target = to_simplified(name), to_simplified(target)
    out = []
    for cue in cues:
        text = name if cue.where == "name" else target
        if not cue.pattern.search(text):
            continue
        if "服务对象满意度指标" in cue.level2 and is_inverse(name):
            continue
        out.append(cue)
    return out
