"""The trained textcats' scores computed with numpy, without running spaCy per doc.

spaCy's ``textcat`` over :func:`features.indicator_bow` is a sparse linear layer: each
feature string is hashed (``hash_string``), each hash picks two columns of the weight
matrix (MurmurHash3 of the hash with seeds 0 and 1, modulo the layer's length: thinc's
``SparseLinear_v2``), and the class scores are the bias plus those columns summed over
the features (a feature present twice counts twice, as thinc's counts do), through a
softmax. :class:`Scorer` reads the trained weights out of the pipeline once and computes
the same sums for a whole batch of indicators with numpy, from the jieba words the
pipeline's own tokenizer cuts (cached): no ``Doc``, no ``Matcher``, no per-doc component
calls. ``classifier.scores_with_spacy`` is the reference it is tested against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np
from spacy.language import Language
from spacy.strings import hash_string

from jixiao.extract.semantics import direction, features
from jixiao.extract.semantics.pipeline import word_kind

_U32 = np.uint32


def murmur3_uint64(keys: np.ndarray, seed: int) -> np.ndarray:
    """MurmurHash3 (x86, 32 bit) of each uint64 key read as 8 bytes, as thinc's sparse
    linear layer hashes its keys."""
    c1, c2 = _U32(0xCC9E2D51), _U32(0x1B873593)
    h = np.full(keys.shape, seed, dtype=np.uint32)
    for half in (
        (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32),
        (keys >> np.uint64(32)).astype(np.uint32),
    ):
        k = half * c1
        k = (k << _U32(15)) | (k >> _U32(17))
        h ^= k * c2
        h = (h << _U32(13)) | (h >> _U32(19))
        h = h * _U32(5) + _U32(0xE6546B64)
    h ^= _U32(8)
    h ^= h >> _U32(16)
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    return h


@dataclass(frozen=True, slots=True)
class _Head:
    """One trained textcat: its labels, weights (classes × length) and bias."""

    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, keys: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
        """Softmax over the classes of each row's features (``rows``: the row of each key)."""
        length = self.weights.shape[1]
        first = murmur3_uint64(keys, 0) % _U32(length)
        second = murmur3_uint64(keys, 1) % _U32(length)
        columns = self.weights[:, first] + self.weights[:, second]
        scores = np.zeros((len(self.labels), n))
        for c in range(len(self.labels)):
            scores[c] = np.bincount(rows, weights=columns[c], minlength=n)
        scores = scores.T + self.bias
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)


def _head(nlp: Language, name: str) -> _Head:
    pipe = nlp.get_pipe(name)
    linear = pipe.model.get_ref("output_layer")
    if linear.attrs.get("v1_indexing"):
        raise ValueError(f"{name}: thinc's v1 indexing of sparse weights is not supported")
    n_out, length = linear.get_dim("nO"), linear.get_dim("length")
    weights = np.asarray(linear.get_param("W"), dtype=np.float64).reshape(n_out, length)
    bias = np.asarray(linear.get_param("b"), dtype=np.float64)
    return _Head(tuple(pipe.labels), weights, bias)


def inverse_of_words(words: Sequence[str], spaces: Sequence[bool]) -> bool:
    """``jx_direction``'s answer from the jieba words of ``name ｜ target``: the last bad
    word of the name after its last remedy word, else the plain string rule."""
    end = words.index(features.SEPARATOR) if features.SEPARATOR in words else len(words)
    bad = remedy = -1
    for i in range(end):
        kind = word_kind(words[i])
        if kind == "bad":
            bad = i
        elif kind == "remedy":
            remedy = i
    if bad >= 0:
        return bad > remedy
    text = "".join(w + (" " if s else "") for w, s in zip(words[:end], spaces[:end], strict=True))
    # a span's text drops its last token's trailing space, as spaCy's Span.text does
    return direction.is_inverse(text[:-1] if end and spaces[end - 1] else text)


class Scorer:
    """Both textcats of one trained pipeline, scored in batches with numpy. Indicator
    texts repeat across projects and years: each text's answer is kept (up to
    :data:`MEMO` texts)."""

    MEMO = 1 << 16

    def __init__(self, nlp: Language) -> None:
        self.cut = nlp.tokenizer._cut
        self.level1 = _head(nlp, "textcat_level1")
        self.level2 = _head(nlp, "textcat_level2")
        self._memo: dict[str, tuple[np.ndarray, np.ndarray, bool]] = {}

    def __call__(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[bool]]:
        """(level-1 probabilities, level-2 probabilities, lower-is-better) of each text
        (:func:`features.as_text`), rows in order."""
        memo = self._memo  # replaced, never cleared: another thread may be reading it
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        if new:
            level1, level2, inverse = self.score(new)
            if len(memo) + len(new) > self.MEMO:
                memo = {t: memo[t] for t in texts if t in memo}
            memo.update(zip(new, zip(level1, level2, inverse, strict=True), strict=True))
            self._memo = memo
        found = [memo[t] for t in texts]
        return (
            np.array([f[0] for f in found]).reshape(len(texts), len(self.level1.labels)),
            np.array([f[1] for f in found]).reshape(len(texts), len(self.level2.labels)),
            [f[2] for f in found],
        )

    def forget(self) -> None:
        """Drop the answers kept (benchmarks measure from nothing)."""
        self._memo = {}

    def score(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[bool]]:
        """What :meth:`__call__` answers, computed (nothing kept)."""
        keys: list[int] = []
        rows: list[int] = []
        inverse = []
        for row, text in enumerate(texts):
            words, spaces = self.cut(text)
            found = features.word_features(words)
            keys += map(hash_string, found)
            rows += [row] * len(found)
            inverse.append(inverse_of_words(words, spaces))
        key_array = np.fromiter(keys, dtype=np.uint64, count=len(keys))
        row_array = np.fromiter(rows, dtype=np.int64, count=len(rows))
        n = len(texts)
        return (
            self.level1.probabilities(key_array, row_array, n),
            self.level2.probabilities(key_array, row_array, n),
            inverse,
        )


_SCORERS: WeakKeyDictionary[Language, Scorer] = WeakKeyDictionary()


def scorer(nlp: Language) -> Scorer:
    """The scorer of a trained pipeline (built once per pipeline object)."""
    found = _SCORERS.get(nlp)
    if found is None:
        found = _SCORERS[nlp] = Scorer(nlp)
    return found
