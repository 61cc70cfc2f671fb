"""The two-document scenario of tests/test_crossdoc.py on a SPARQL server as the store
(Oxigraph server, Virtuoso: :mod:`tests.servers`): the project facts are prepared from the
server's graphs (its own union and staging graphs left out) and written in the same swap as
the document, so the prepared answers are the scanning queries' over the union there too."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.iris import project_iri, unit_iri
from jixiao.graph.remote import open_remote
from jixiao.graph.store import remove_document
from tests import servers
from tests.crossdoc_docs import OTHER_UNIT, UNIT, document_text, project_name, union_differences

P = (UNIT, project_name(UNIT, 1))
JX = "https://w3id.org/jixiao/ontology#"


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_project_two_documents_print_on_a_server(tmp_path: Path, kind: str) -> None:
    why = servers.missing(kind)
    if why:
        if servers.required():
            pytest.fail(f"JIXIAO_REQUIRE_SERVERS is set but {kind} cannot run: needs {why}")
        pytest.skip(f"needs {why}")
    a, b = tmp_path / "budget_a.txt", tmp_path / "budget_b.txt"
    a.write_text(document_text({P: ["output", "effect"]}), encoding="utf-8")
    other = (OTHER_UNIT, project_name(OTHER_UNIT, 3))
    b.write_text(document_text({P: ["satisfaction"], other: ["cost"]}), encoding="utf-8")
    (tmp_path / kind).mkdir()
    with servers.server(kind, tmp_path / kind) as running:
        store = open_remote(running.url, env=running.env, write=True)
        servers.clear(store)
        results = ingest_paths([a, b], store, validate=False)
        assert [r.status for r in results] == ["stored", "stored"], [r.error for r in results]

        lacks = f"{unit_iri(UNIT)}/projects/2026/lacks/satisfaction"
        terms = [
            ox.NamedNode(project_iri(2026, *P)),
            ox.NamedNode(JX + "inSet"),
            ox.NamedNode(lacks),
        ]

        def member() -> bool:  # in any graph (the project graph of P's unit and year)
            return bool(list(store.quads_for_pattern(*terms, None)))

        assert not member()  # B gives P its satisfaction indicator
        if kind != "virtuoso":  # Virtuoso refuses the scanning queries (test_backends.py)
            assert union_differences(store) == []  # type: ignore[arg-type]
        remove_document(store, results[1].document)  # type: ignore[arg-type]
        assert member()  # only A is left: P lacks satisfaction
        if kind != "virtuoso":
            assert union_differences(store) == []  # type: ignore[arg-type]
