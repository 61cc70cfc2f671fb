"""Audit answers prepared at ingest (graph/prepared.py, issue #16): written with the document,
replaced with it, checked for staleness, and giving the scanning queries' answers."""

from __future__ import annotations

import gc
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synth import make_document
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.prepared import (
    CATEGORIES,
    document_digest,
    facts_graph,
    graph_digest,
    outdated_layout,
    prepared_facts,
    refresh_facts,
    stale_facts,
)
from jixiao.graph.prepared_projects import is_projects_graph
from jixiao.graph.store import open_store, query
from jixiao.queries import load_query
from tests.conftest import SAMPLES

JX = "https://w3id.org/jixiao/ontology#"
GYEAR = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
JIXIAO = [sys.executable, "-m", "jixiao"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    opened = open_store(tmp_path_factory.mktemp("prepared"))
    results = ingest_paths(sorted(SAMPLES.glob("0*.txt")), opened)
    assert [r.status for r in results] == ["stored"] * 5
    yield opened


def rows(store: ox.Store, name: str, **params: ox.NamedNode | ox.Literal) -> list[dict]:
    subst = {ox.Variable(k): v for k, v in params.items()} or None
    result = store.query(load_query(name), substitutions=subst)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: None if s[n] is None else s[n].value for n in names} for s in result]  # type: ignore[union-attr]


def documents(store: ox.Store) -> list[str]:
    text = f"SELECT ?d WHERE {{ GRAPH ?d {{ ?d a <{JX}SourceDocument> }} }} ORDER BY ?d"
    return [r["d"].value for r in store.query(text)]  # type: ignore[union-attr,index]


def test_every_document_has_current_facts(store: ox.Store) -> None:
    docs = documents(store)
    assert len(docs) == 5
    for document in docs:
        assert store.contains_named_graph(ox.NamedNode(facts_graph(document)))
    assert stale_facts(store) == []


@pytest.mark.parametrize("local", ["satisfaction", "effect", "cost"])
def test_lacks_list_is_the_scanning_querys(store: ox.Store, local: str) -> None:
    scanned = rows(store, f"projects_without_{local}")
    prepared = rows(store, "projects_lacking", category=ox.NamedNode(CATEGORIES[local]))
    assert scanned, "the samples lack every category somewhere"
    assert [(r["project"], r["fiscalYear"], r["unit"], r["name"]) for r in prepared] == [
        (r["project"], r["fiscalYear"], r["unit"], r["name"]) for r in scanned
    ]
    assert {r["total"] for r in prepared} == {str(len(scanned))}


def test_page_and_total_follow_keyset_paging(store: ox.Store) -> None:
    category = ox.NamedNode(CATEGORIES["satisfaction"])
    year = ox.Literal("2026", datatype=GYEAR)
    whole = rows(store, "projects_without_satisfaction")
    totals = rows(store, "projects_lacking_total", category=category, year=year)
    assert sum(int(r["total"]) for r in totals) == len(whole)
    page = rows(store, "projects_lacking_page", category=category, year=year)
    assert [r["project"] for r in page] == [r["project"] for r in whole][:100]
    middle = page[9]["sortKey"]
    rest = rows(
        store, "projects_lacking_page", category=category, year=year, after=ox.Literal(middle)
    )
    assert [r["project"] for r in rest] == [r["project"] for r in whole][10:]
    assert (
        rows(
            store,
            "projects_lacking_page",
            category=category,
            year=ox.Literal("2020", datatype=GYEAR),
        )
        == []
    )
    one_unit = ox.NamedNode(page[0]["unitIri"])
    by_unit = rows(store, "projects_lacking_page", category=category, unitIri=one_unit)
    assert by_unit and {r["unit"] for r in by_unit} == {page[0]["unit"]}


def test_indicator_counts_are_the_scanning_querys(store: ox.Store) -> None:
    scanned = rows(store, "indicator_counts_by_unit_and_category_scan")
    assert rows(store, "prepared_indicator_counts") == scanned


def test_totals_count_each_project_once(store: ox.Store) -> None:
    count = f"""SELECT ?y (COUNT(DISTINCT ?p) AS ?n) WHERE {{
      ?p a <{JX}Project> ; <{JX}fiscalYear> ?y ; <{JX}unit> ?u }} GROUP BY ?y"""
    projects = {r["y"].value: int(r["n"].value) for r in query(store, count)}  # type: ignore[union-attr,index]
    totals = rows(store, "prepared_totals")
    by_year: dict[str, int] = {}
    for row in totals:
        by_year[row["fiscalYear"]] = by_year.get(row["fiscalYear"], 0) + int(row["projects"])
    assert by_year == projects  # 000 and 002 both list the same 70 projects of 2026: 70
    lacking = sum(int(r["lacksSatisfaction"]) for r in totals)
    assert lacking == len(rows(store, "projects_without_satisfaction"))
    assert sum(int(r["indicators"] or 0) for r in totals) == 404


def report_findings(store: ox.Store) -> dict[str, str]:
    """Findings per severity counted in the stored report graphs."""
    counted = """SELECT ?s (COUNT(?r) AS ?n) WHERE { GRAPH ?g {
      ?r <http://www.w3.org/ns/shacl#resultSeverity> ?sev }
      FILTER(STRENDS(STR(?g), "/report")) BIND(STRAFTER(STR(?sev), "#") AS ?s) } GROUP BY ?s"""
    return {r["s"].value: r["n"].value for r in store.query(counted)}  # type: ignore[union-attr,index]


def test_findings_are_the_reports(store: ox.Store) -> None:
    expected = report_findings(store)
    assert expected, "the samples have findings"
    got = {r["severity"]: r["findings"] for r in rows(store, "prepared_findings")}
    assert got == expected


def _doc_path(tmp: Path, seed: int, indicators: int) -> Path:
    path = tmp / f"synth_{seed}.txt"
    path.write_text(make_document(seed, indicators, random.Random(seed)), encoding="utf-8")
    return path


def test_tampered_document_is_reported_and_refreshed(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "store")
    paths = [_doc_path(tmp_path, seed, 30) for seed in (1, 2)]
    ingest_paths(paths, opened, validate=False)
    assert stale_facts(opened) == []
    first, second = documents(opened)
    # a triple slipped into one document graph behind ingest's back
    opened.add(
        ox.Quad(
            ox.NamedNode(first),
            ox.NamedNode(JX + "documentKind"),
            ox.Literal("x"),
            ox.NamedNode(first),
        )
    )
    opened.remove_graph(ox.NamedNode(facts_graph(second)))
    found = {(s.document, s.reason) for s in stale_facts(opened)}
    # the project graphs of the second document's units and years follow its facts: gone
    projects = {s for s in found if is_projects_graph(s[0])}
    assert found - projects == {(first, "changed"), (second, "missing")}
    assert projects and {reason for _, reason in projects} == {"orphan"}
    del opened  # the command opens the store itself
    gc.collect()
    cli = subprocess.run(
        [*JIXIAO, "check", "--store", str(tmp_path / "store")], capture_output=True, text=True
    )
    assert cli.returncode == 1 and f"{first}: prepared facts changed" in cli.stdout, cli.stderr
    fixed = subprocess.run(
        [*JIXIAO, "check", "--fix", "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
    )
    assert fixed.returncode == 0, fixed.stderr
    again = subprocess.run(
        [*JIXIAO, "check", "--store", str(tmp_path / "store")], capture_output=True, text=True
    )
    assert again.returncode == 0 and again.stdout.startswith("0 document"), again.stdout


def test_reingest_replaces_the_facts_whole(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "store")
    path = _doc_path(tmp_path, 3, 40)
    ingest_paths([path], opened, validate=False)
    (document,) = documents(opened)
    graph = ox.NamedNode(facts_graph(document))
    before = {
        (q.subject, q.predicate, q.object)
        for q in opened.quads_for_pattern(None, None, None, graph)
    }
    path.write_text(make_document(3, 12, random.Random(3)), encoding="utf-8")  # fewer projects
    (result,) = ingest_paths([path], opened, validate=False)
    assert (result.status, result.document) == ("stored", document)
    after = list(opened.quads_for_pattern(None, None, None, graph))
    gone = before - {(q.subject, q.predicate, q.object) for q in after}
    assert after and gone
    for s, p, o in gone:  # nothing of the old facts is left, in its graph or in the union
        assert not list(opened.quads_for_pattern(s, p, o, ox.DefaultGraph()))
    assert stale_facts(opened) == []
    members = query(opened, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p <{JX}inSet> ?s }}")
    in_graph = sum(1 for q in after if q.predicate.value == JX + "inSet")
    in_graph += sum(  # the lacks sets: in the project graphs of its units and years
        1
        for g in opened.named_graphs()
        if is_projects_graph(g.value)  # type: ignore[union-attr]
        for _ in opened.quads_for_pattern(None, ox.NamedNode(JX + "inSet"), None, g)
    )
    assert int(next(iter(members))["n"].value) == in_graph  # type: ignore[index,call-overload]


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), indicators=st.integers(1, 60))
def test_prepared_sets_match_coverage_on_any_document(
    tmp_path: Path, seed: int, indicators: int
) -> None:
    """For synthetic documents of any size, each lacks set holds exactly the projects with
    indicators and no jx:coversCategory of its category, and counts stay exact."""
    opened = ox.Store()
    from jixiao.graph.build import build_document
    from jixiao.graph.ingest import read_one
    from jixiao.graph.prepared_projects import with_project_facts

    item = read_one(_doc_path(tmp_path, seed, indicators))
    text = build_document(item.doc, item.sha256).text()
    document = "https://example.org/doc"
    graphs = {document: text, facts_graph(document): prepared_facts(document, text)}
    for graph in with_project_facts(opened, graphs).values():  # with the project graphs
        opened.load(graph, ox.RdfFormat.N_TRIPLES)
    for local, concept in CATEGORIES.items():
        scan = f"""SELECT DISTINCT ?p WHERE {{ ?p <{JX}hasIndicator> ?i ; <{JX}fiscalYear> ?y
          MINUS {{ ?p <{JX}coversCategory> <{concept}> }} }}"""
        sets = f"""SELECT ?p WHERE {{ ?s <{JX}lacksCategory> <{concept}> . ?p <{JX}inSet> ?s }}"""
        assert {r["p"] for r in opened.query(scan)} == {r["p"] for r in opened.query(sets)}, local  # type: ignore[union-attr,index]


def test_the_stores_digest_is_the_triples_digest(store: ox.Store) -> None:
    """document_digest reads the store's own N-Triples writer; it must give the digest
    of the triples as the definition spells them (graph_digest), or every fact written
    before would look stale."""
    for document in documents(store):
        triples = store.quads_for_pattern(None, None, None, ox.NamedNode(document))
        assert document_digest(store, document) == graph_digest(triples)


def test_bad_ntriples_are_an_error() -> None:
    with pytest.raises(SyntaxError):
        prepared_facts("https://example.org/doc", "<a> <b> .\n")


def test_refresh_removes_orphan_facts(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "store")
    ingest_paths([_doc_path(tmp_path, 5, 10)], opened, validate=False)
    (document,) = documents(opened)
    opened.remove_graph(ox.NamedNode(document))
    stale = [(s.document, s.reason) for s in stale_facts(opened)]
    assert [s for s in stale if not is_projects_graph(s[0])] == [(document, "orphan")]
    refresh_facts(opened, [document])
    assert stale_facts(opened) == []
    assert not opened.contains_named_graph(ox.NamedNode(facts_graph(document)))


def test_facts_from_the_validation_store_are_the_facts_from_the_text(tmp_path: Path) -> None:
    """Ingest reads the facts off the store validation ran on (no second load): the
    same facts as from the document's text alone."""
    from jixiao.graph.build import build_document
    from jixiao.graph.ingest import read_one
    from jixiao.graph.iris import document_iri
    from jixiao.graph.validation import validate

    for path in [*sorted(SAMPLES.glob("0*.txt"))[:2], _doc_path(tmp_path, 7, 40)]:
        item = read_one(Path(path))
        document = document_iri(item.doc)
        text = build_document(item.doc, item.sha256).text()
        validation = validate(text, document, keep=True)
        assert validation.staged is not None
        expected = prepared_facts(document, text, validation.report_nt)
        assert prepared_facts(document, text, validation.report_nt, validation.staged) == expected
        assert "sourceDigest" in expected and "inSet" in expected  # projects were read


@pytest.mark.parametrize("year", [None, "2025", "2026"])
def test_unit_coverage_is_the_scanning_querys(store: ox.Store, year: str | None) -> None:
    """The overview's table, read from the prepared sets, is unit_coverage.rq's."""
    from jixiao.queries.prepared import prepared

    values = {} if year is None else {"year": ox.Literal(year, datatype=GYEAR)}

    def run(name: str) -> list[dict]:
        text, _ = prepared(name).bind(values)
        found = store.query(text)
        names = [v.value for v in found.variables]  # type: ignore[union-attr]
        return [{n: None if s[n] is None else s[n].value for n in names} for s in found]  # type: ignore[union-attr]

    scanned = run("unit_coverage")
    assert scanned or year == "2025"
    assert run("prepared_unit_coverage") == scanned
    assert any(int(r["all4"]) for r in scanned) or year is not None


NAMES = st.text(alphabet="广州市数据中心2026年项目运维AB01", max_size=14)


@given(unit=st.text(alphabet="广州市数据中心", min_size=1, max_size=8),
       a=NAMES, b=NAMES, digest_a=st.integers(0, 2**64 - 1), digest_b=st.integers(0, 2**64 - 1))  # fmt: skip
def test_ranks_keep_the_order_of_names(
    unit: str, a: str, b: str, digest_a: int, digest_b: int
) -> None:
    """Two projects of a unit and year: when their names differ within the code points a rank
    holds after the reference, the ranks compare as the names do; equal names compare as
    their IRIs (the digest's first bits)."""
    from decimal import Decimal

    from jixiao.graph.prepared import rank_key, rank_reference

    reference = rank_reference(unit, "2026")
    iri_a, iri_b = (
        f"https://w3id.org/jixiao/id/project/2026/{d:016x}" for d in (digest_a, digest_b)
    )
    for prefix in ("", reference):  # names often begin with the reference
        x, y = prefix + a, prefix + b
        rx, ry = Decimal(rank_key(reference, x, iri_a)), Decimal(rank_key(reference, y, iri_b))

        def shared(s: str) -> int:
            return next((i for i, (p, q) in enumerate(zip(s, reference, strict=False)) if p != q),
                        min(len(s), len(reference)))  # fmt: skip

        cut = max(shared(x), shared(y)) + 6  # the name's code points a rank holds
        if x[:cut] != y[:cut]:
            assert (rx < ry) == (x < y), (x, y)
        elif x == y and (digest_a >> 41) != (digest_b >> 41):
            assert (rx < ry) == (iri_a < iri_b)


def test_facts_without_the_unit_total_mark_are_outdated(tmp_path: Path) -> None:
    """Facts written before the counts, order keys and commitment findings carry no
    ``jx:checksUnitTotals`` mark: such a store is named as outdated, and ``check --fix``
    makes it current again."""
    opened = open_store(tmp_path / "store")
    ingest_paths([_doc_path(tmp_path, 3, 30)], opened, validate=False)
    assert not outdated_layout(opened)
    (first,) = documents(opened)
    mark = ox.NamedNode(JX + "checksUnitTotals")
    for quad in list(opened.quads_for_pattern(None, mark, None, ox.NamedNode(facts_graph(first)))):
        opened.remove(quad)
    assert outdated_layout(opened)
    assert any(s.document == first for s in stale_facts(opened))
    refresh_facts(opened, [s.document for s in stale_facts(opened)])
    assert not outdated_layout(opened)
    assert stale_facts(opened) == []


def test_facts_of_the_older_layout_are_named_at_start(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "store")
    ingest_paths([_doc_path(tmp_path, 3, 30)], opened, validate=False)
    assert not outdated_layout(opened)
    (first,) = documents(opened)
    project = next(iter(opened.query(f"SELECT ?p WHERE {{ ?p <{JX}rankKey> ?k }} LIMIT 1")))["p"]  # type: ignore[index,call-overload]
    # a rank inside a document's own facts: how jixiao wrote them before the project graphs
    rank = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    opened.add(
        ox.Quad(project, ox.NamedNode(JX + "rankKey"), rank, ox.NamedNode(facts_graph(first)))
    )
    assert outdated_layout(opened)
    del opened
    gc.collect()
    store = str(tmp_path / "store")
    said = subprocess.run(
        [*JIXIAO, "ingest", "-q", "--store", store, str(_doc_path(tmp_path, 4, 20))],
        capture_output=True,
        text=True,
    )
    assert said.returncode == 0, said.stderr
    assert "jixiao check --fix" in said.stderr
    fixed = subprocess.run(
        [*JIXIAO, "check", "--fix", "--store", store], capture_output=True, text=True
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    again = subprocess.run([*JIXIAO, "check", "--store", store], capture_output=True, text=True)
    assert again.returncode == 0 and "check --fix" not in again.stderr, again.stdout + again.stderr
