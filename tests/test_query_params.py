"""The ``#+ params:`` line has one reader (jixiao.queries.declared_parameters): the checked
query objects, ``jixiao query --param`` and ``GET /api/queries`` see the same parameters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.queries import PARAM_KINDS, declared_parameters, list_queries, load_query, parameters
from jixiao.queries.prepared import QueryDefinitionError, catalog, parse

NAMES = st.from_regex(r"[a-z][A-Za-z0-9]{0,8}", fullmatch=True)
# a note may hold commas, colons, semicolons and words followed by parentheses-free text
NOTES = st.from_regex(r"[a-z ,:;=?.\-/一-龥]{0,30}", fullmatch=True)


@st.composite
def declarations(draw: st.DrawFn) -> list[tuple[str, str, bool, str]]:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    out = []
    for name in names:
        kind = draw(st.sampled_from(sorted(PARAM_KINDS)))
        out.append((name, kind, draw(st.booleans()), draw(NOTES)))
    return out


def spell(decl: list[tuple[str, str, bool, str]], sep: str) -> str:
    parts = []
    for name, kind, many, note in decl:
        prefix = "" if kind == "iri" else "xsd:"
        inner = prefix + kind + (", many" if many else "") + (f", {note}" if note.strip() else "")
        parts.append(f"{name} ({inner})")
    return sep.join(parts)


@given(decl=declarations(), sep=st.sampled_from([", ", "; ", ",", " ; "]))
def test_any_declaration_reads_back(decl: list[tuple[str, str, bool, str]], sep: str) -> None:
    text = f"#+ summary: 测试 / Test\n#+ params: {spell(decl, sep)}\nSELECT * {{}}\n"
    got = declared_parameters(text)
    assert [(d.name, d.kind, d.many) for d in got] == [(n, k, m) for n, k, m, _ in decl]
    assert parameters(text) == {n: k for n, k, _, _ in decl}


def test_none_declares_nothing() -> None:
    text = "#+ params: none (the threshold 90 is written in the FILTER)\nASK {}\n"
    assert declared_parameters(text) == [] and parameters(text) == {}


@pytest.mark.parametrize("name", list_queries())
def test_checked_objects_and_the_cli_read_the_same_parameters(name: str) -> None:
    query = catalog()[name]
    assert {p.name: p.kind for p in query.params.values()} == parameters(load_query(name))


def test_an_unknown_type_is_refused_with_the_file_and_line() -> None:
    text = "#+ summary: 测试 / Test\n#+ params: when (xsd:date)\nSELECT ?when {}\n"
    with pytest.raises(QueryDefinitionError, match=r"queries/x\.rq, line 1: .*'date'"):
        parse("x", text)
