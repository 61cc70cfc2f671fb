"""The spaCy pipeline for Chinese indicator text: registered parts and the loader.

- ``jixiao.JiebaTokenizer.v1``: words from a private jieba tokenizer (never the global
  one, which other readers use) that knows the framework's labels as words
  (:func:`extract.lexicon.framework_segmenter`, shared with the indicator library); no
  model is downloaded.
- ``jx_direction``: a rule component (spaCy ``Matcher`` over jieba tokens) marking
  inverse indicators — 不满意率, 投诉率, 差错率, 故障率: lower is better — as
  ``doc._.lower_is_better``; the target's comparator (``≤``) confirms it where present.
- the two ``textcat`` components use :func:`extract.semantics.features.indicator_bow`.

:func:`load` builds the trained pipeline shipped in ``model/`` once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.util import registry
from spacy.vocab import Vocab

from jixiao.extract.lexicon import framework_segmenter
from jixiao.extract.semantics import direction, features  # features registers the architecture

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "config.cfg"
MODEL = HERE / "model"

if not Doc.has_extension("lower_is_better"):
    Doc.set_extension("lower_is_better", default=False)


class JiebaTokenizer:
    """Text → Doc with jieba's words; spaces kept as whitespace, not tokens. Indicator
    names repeat across projects and years, so the cut of a text is cached."""

    def __init__(self, vocab: Vocab, segmenter: object) -> None:
        self.vocab = vocab
        self._jieba = segmenter  # a jieba.Tokenizer (untyped library)
        self._cut = lru_cache(maxsize=65536)(self._cut_uncached)

    def _cut_uncached(self, text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
        words: list[str] = []
        spaces: list[bool] = []
        for piece in self._jieba.cut(text, HMM=False):
            if piece.isspace():
                if spaces:
                    spaces[-1] = True
                continue
            words.append(piece)
            spaces.append(False)
        return tuple(words), tuple(spaces)

    def __call__(self, text: str) -> Doc:
        words, spaces = self._cut(text)
        return Doc(self.vocab, words=list(words), spaces=list(spaces))

    # Nothing to save: the dictionary is rebuilt from the lexicon when the pipeline loads.
    def to_disk(self, path: Path, *, exclude: object = ()) -> None:
        path.mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path, *, exclude: object = ()) -> JiebaTokenizer:
        return self

    def to_bytes(self, *, exclude: object = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: object = ()) -> JiebaTokenizer:
        return self


@registry.tokenizers("jixiao.JiebaTokenizer.v1")
def make_tokenizer():
    def create(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, framework_segmenter())

    return create


@Language.factory("jx_direction")
def make_direction(nlp: Language, name: str) -> DirectionMarker:
    return DirectionMarker(nlp.vocab)


@lru_cache(maxsize=65536)
def word_kind(text: str) -> str:
    """``bad``, ``remedy`` or ``""`` for one jieba token (cached: tokens repeat)."""
    if direction.REMEDY_RE.search(text):
        return "remedy"
    return "bad" if direction.BAD_RE.search(text) else ""


if not Token.has_extension("jx_word_kind"):
    Token.set_extension("jx_word_kind", getter=lambda token: word_kind(token.text))


class DirectionMarker:
    """Marks inverse (lower-is-better) indicators: a bad word among the name's jieba
    tokens with no remedy word after it (the word lists of :mod:`direction`), found by a
    spaCy ``Matcher`` over the tokens' ``jx_word_kind``."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        self.matcher.add("BAD", [[{"_": {"jx_word_kind": "bad"}}]])
        self.matcher.add("REMEDY", [[{"_": {"jx_word_kind": "remedy"}}]])
        self._bad = vocab.strings["BAD"]

    def __call__(self, doc: Doc) -> Doc:
        name_end = next((t.i for t in doc if t.text == features.SEPARATOR), len(doc))
        name = doc[:name_end]
        bad, remedy = -1, -1
        for match_id, start, _ in self.matcher(name):
            if match_id == self._bad:
                bad = max(bad, start)
            else:
                remedy = max(remedy, start)
        # jieba may glue a bad word to its neighbour: the string rule decides then
        inverse = bad > remedy if bad >= 0 else direction.is_inverse(name.text)
        doc._.lower_is_better = inverse
        return doc


@lru_cache(maxsize=1)
def load() -> Language:
    """The trained pipeline shipped in the package (built by ``python -m
    jixiao.extract.semantics.train``)."""
    if not (MODEL / "config.cfg").exists():
        raise FileNotFoundError(
            f"{MODEL}: no trained classifier; run python -m jixiao.extract.semantics.train"
        )
    return spacy.load(MODEL)


def blank() -> Language:
    """An untrained pipeline from ``config.cfg`` (for training)."""
    config = spacy.util.load_config(CONFIG)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
