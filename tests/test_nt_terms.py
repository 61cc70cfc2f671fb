"""The N-Triples literals graph.build writes as text read back as the strings they hold."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from jixiao.graph.nt_terms import string, zh

# any text a document may print, with the characters N-Triples must escape made likely
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from('\\"\n\r\t'), st.characters(blacklist_categories=("Cs",))),
    max_size=40,
)


def _read_back(literal: str) -> ox.Literal:
    line = f"<http://e/s> <http://e/p> {literal} .\n"
    (triple,) = ox.parse(line, ox.RdfFormat.N_TRIPLES)
    return triple.object  # type: ignore[return-value]


@given(TEXT)
def test_a_string_reads_back_as_written(value: str) -> None:
    read = _read_back(string(value))
    assert read.value == value
    assert read.language is None


@given(TEXT)
def test_a_chinese_string_reads_back_with_its_language(value: str) -> None:
    read = _read_back(zh(value))
    assert (read.value, read.language) == (value, "zh")


def test_the_characters_n_triples_escapes_are_escaped() -> None:
    assert string('a"b\\c\nd\re') == '"a\\"b\\\\c\\nd\\re"'
    assert string("培训人次") == '"培训人次"'
