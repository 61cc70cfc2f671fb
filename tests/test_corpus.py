"""The real development corpus (tests/corpus/docs): what jixiao reads out of it.

Issue #14 asks for 95 % of the corpus field-exact; the floors below are what the reader
reaches today (``python -m tests.corpus.score`` prints the figures, ``--layouts`` the
figures of every document in every layout) and only go up.
"""

from __future__ import annotations

import pytest

from tests.corpus.render import documents, render, render_grid
from tests.corpus.score import cross_layouts, read_ingest, read_parse, score

DOCS = documents()
NO_TABLE = [d for _, d in DOCS if not d["expected"]]
WITH_TABLE = [d for _, d in DOCS if d["expected"]]


@pytest.fixture(scope="module")
def report():
    return score()


def test_corpus_is_there() -> None:
    assert len(DOCS) >= 40
    assert len({d["government"] for _, d in DOCS}) >= 15


def test_field_exact_floor(report) -> None:
    assert report.overall["grid"].rate >= 0.95
    assert report.overall["parse"].rate >= 0.99
    assert report.overall["ingest"].rate >= 0.99
    for layout, floor in {"space": 0.99, "pipe": 0.99, "line": 0.97, "prose": 0.99,
                          "glued-row": 0.99, "glued-table": 0.99}.items():  # fmt: skip
        assert report.per_layout[layout].rate >= floor, layout
    fields = report.overall["parse"].fields
    assert min(fields.values()) >= 0.99 * report.overall["parse"].expected


def test_every_document_in_every_layout_floor() -> None:
    """The reader on layouts it was not tuned on: every table document rendered as tab,
    space, pipe, one cell per line, glued rows and glued tables."""
    got = cross_layouts()
    floors = {"tab": 0.96, "space": 0.96, "pipe": 0.98, "line": 0.89, "glued-row": 0.78,
              "glued-table": 0.66}  # fmt: skip
    for layout, floor in floors.items():
        assert got[layout].rate >= floor, (layout, got[layout].rate)


@pytest.mark.parametrize("doc", NO_TABLE, ids=[d["id"] for d in NO_TABLE])
def test_a_document_without_an_indicator_table_gives_none(doc) -> None:
    assert read_parse(render(doc)) == []
    assert read_parse(render_grid(doc)) == []
    got, error = read_ingest(render(doc), doc["id"])
    assert got is None and "expected a budget document" in error


@pytest.mark.parametrize("doc", WITH_TABLE, ids=[d["id"] for d in WITH_TABLE])
def test_ingest_accepts_every_document_with_an_indicator_table(doc) -> None:
    got, error = read_ingest(render(doc), doc["id"])
    assert got is not None, error
    assert got, "accepted, but no indicator was read"
