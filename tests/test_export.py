"""Exports for Gephi: every view is valid GEXF 1.3 (the RELAX NG schema in tests/specs/), and
networkx and graphology-gexf (the parser of Gephi Lite) read the same graph from it.

Two stores: a small one written here in Turtle (exact counts and weights are known), and the
five sample documents ingested with ``jixiao ingest`` (the acceptance test).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree

from jixiao.api import cmd_export
from jixiao.graph.export import (
    VIEWS,
    Snapshot,
    build_view,
    export_filename,
    iter_export,
    iter_gexf,
    read_snapshot,
    view_shared_indicators,
)
from jixiao.graph.gexf import (
    EDGE_ATTRIBUTES,
    GEXF_NS,
    NODE_ATTRIBUTES,
    Edge,
    Node,
    View,
    gexf_bytes,
    iter_gexf_view,
)
from jixiao.graph.store import ensure_union
from tests.conftest import SAMPLES

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "specs" / "gexf-1.3" / "gexf.rng"
JS = HERE / "js"
ID = "https://w3id.org/jixiao/id/"
G = f"{{{GEXF_NS}}}"

SMALL_TTL = """
@prefix jx: <https://w3id.org/jixiao/ontology#> .
@prefix id: <https://w3id.org/jixiao/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gz: <https://w3id.org/jixiao/id/frame/gz-2026/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .

id:doc26 a jx:SourceDocument ; jx:fiscalYear "2026"^^xsd:gYear .
id:dept a jx:Department ; skos:prefLabel "广州市政务服务和数据管理局"@zh .
id:u1 a jx:Unit ; skos:prefLabel "广州市数字政府运营中心"@zh ; org:subOrganizationOf id:dept .
id:u2 a jx:Unit ; skos:prefLabel "局本级"@zh ; org:subOrganizationOf id:dept .
id:p1 a jx:Project ; rdfs:label "政务云　服务  <A&B>"@zh ; jx:name "政务云服务" ;
  jx:fiscalYear "2026"^^xsd:gYear ; jx:unit id:u1 ; jx:amountTotal 1234.56 ;
  jx:hasIndicator id:p1i1, id:p1i2, id:p1i3 .
id:p1i1 a jx:Indicator ; jx:name "会议活动保障次数" ; jx:level1 gz:1 ; jx:level2 gz:11 .
id:p1i2 a jx:Indicator ; jx:name "服务对象满意度" ; jx:level1 gz:4 .
id:p1i3 a jx:Indicator ; jx:name "系统可用率" ; jx:level2 gz:12 .
id:p2 a jx:Project ; rdfs:label "数据中心运维"@zh ; jx:fiscalYear "2026"^^xsd:gYear ;
  jx:unit id:u2 ; jx:amountTotal 20.5 ; jx:hasIndicator id:p2i1, id:p2i2, id:p2i3 .
id:p2i1 a jx:Indicator ; jx:name "会议活动保障次数" ; jx:level2 gz:11 .
id:p2i2 a jx:Indicator ; jx:name "服务对象满意度" ; jx:level2 gz:41 .
id:p2i3 a jx:Indicator ; jx:name "设备巡检次数" ; jx:level2 gz:11 .
id:p3 a jx:Project ; rdfs:label "热线运营"@zh ; jx:fiscalYear "2026"^^xsd:gYear ;
  jx:unit id:u2 ; jx:hasIndicator id:p3i1 .
id:p3i1 a jx:Indicator ; jx:name "服务对象满意度" ; jx:level2 gz:41 .
id:p2 jx:previousYear id:p0 .
[] a sh:ValidationResult ; sh:focusNode id:p1i1 ; sh:resultSeverity sh:Warning .
[] a sh:ValidationResult ; sh:focusNode id:p1 ; sh:resultSeverity sh:Violation .
"""
SMALL_2025 = """
@prefix jx: <https://w3id.org/jixiao/ontology#> .
@prefix id: <https://w3id.org/jixiao/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
id:doc25 a jx:SourceDocument ; jx:fiscalYear "2025"^^xsd:gYear .
id:u3 a jx:Unit ; skos:prefLabel "广州市电子政务服务中心"@zh .
id:p0 a jx:Project ; rdfs:label "数据中心运维"@zh ; jx:fiscalYear "2025"^^xsd:gYear ;
  jx:unit id:u2 ; jx:amountTotal 18 .
"""


@pytest.fixture(scope="module")
def small() -> ox.Store:
    store = ox.Store()
    for doc, text in (("doc26", SMALL_TTL), ("doc25", SMALL_2025)):
        store.load(text.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ID + doc))
    ensure_union(store)  # the default graph holds the union, as graph.store keeps it
    return store


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store")
    paths = [str(p) for p in sorted(SAMPLES.glob("0*.txt"))]
    assert len(paths) == 5
    ingest = [
        sys.executable,
        "-m",
        "jixiao.api.cli",
        "ingest",
        *paths,
        "--store",
        str(directory),
        "-q",
    ]
    done = subprocess.run(ingest, capture_output=True, text=True, cwd=HERE.parent)
    assert done.returncode == 0, done.stderr
    return directory


def assert_valid(data: bytes, schema: etree.RelaxNG) -> etree._Element:
    root = etree.fromstring(data)
    assert schema.validate(root), str(schema.error_log)
    return root


def nx_read(data: bytes) -> Any:
    return nx.read_gexf(io.BytesIO(data))


def digests(graph: Any) -> tuple[str, str]:
    """What read_gexf.mjs computes, from a networkx graph."""
    nodes = sorted(f"{n}\t{d['label']}\t{d['type']}" for n, d in graph.nodes(data=True))
    ends = (sorted(e) if not graph.is_directed() else list(e) for e in graph.edges())
    edges = sorted("\t".join(e) for e in ends)
    return tuple(hashlib.sha256("\n".join(x).encode()).hexdigest() for x in (nodes, edges))  # type: ignore[return-value]


def graphology_read(path: Path) -> dict[str, Any]:
    """Read ``path`` with graphology-gexf in Node (installed from npm on first use)."""
    if shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI to check the GEXF files with graphology-gexf")
        pytest.skip("node is not installed")
    if not (JS / "node_modules" / "graphology-gexf").is_dir():
        npm = ["npm", "install", "--prefix", str(JS), "--no-audit", "--no-fund"]
        subprocess.run(npm, check=True, capture_output=True)
    done = subprocess.run(
        ["node", str(JS / "read_gexf.mjs"), str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ----------------------------------------------------------------------- small store


@pytest.mark.parametrize("year", [None, 2026])
@pytest.mark.parametrize("view", VIEWS)
def test_every_view_is_valid_and_reads_back(
    small: ox.Store, schema: etree.RelaxNG, view: str, year: int | None
) -> None:
    built = build_view(small, view, year)
    data = gexf_bytes(built)
    assert_valid(data, schema)
    graph = nx_read(data)
    assert set(graph.nodes) == set(built.nodes)
    assert graph.number_of_edges() == len(built.edges) > 0
    assert {n: d["label"] for n, d in graph.nodes(data=True)} == {
        n.id: n.label for n in built.nodes.values()
    }
    assert graph.is_directed() == built.directed


def test_full_view(small: ox.Store) -> None:
    view = build_view(small, "full")
    assert view.type_counts() == {
        "category": 4,  # gz:11, gz:12, gz:4 (level 1 only), gz:41
        "department": 1,
        "indicator": 7,
        "project": 4,
        "unit": 3,
    }
    relations = Counter(e.relation for e in view.edges)
    assert relations == {
        "subOrganizationOf": 2,
        "unit": 4,
        "hasIndicator": 7,
        "category": 7,
        "previousYear": 1,
    }
    p1 = view.nodes[ID + "p1"]
    assert p1.label == "政务云 服务 <A&B>"  # whitespace (also full-width) collapsed
    assert p1.attrs["amount"] == 1234.56 and p1.attrs["fiscal_year"] == 2026
    assert p1.attrs["unit"] == "广州市数字政府运营中心"
    assert (p1.attrs["findings_violation"], p1.attrs["findings_warning"]) == (1, 1)
    assert p1.attrs["indicator_count"] == 3
    dept = view.nodes[ID + "dept"].attrs
    assert dept["amount"] == round(1234.56 + 20.5 + 18, 6) and dept["project_count"] == 4
    # the findings on projects and their indicators add up to the unit and the department
    projects = [n for n in view.nodes.values() if n.type == "project"]
    for key in ("findings_violation", "findings_warning", "findings_info"):
        assert dept[key] == sum(int(n.attrs[key]) for n in projects)
    assert dept["findings_violation"] >= 1
    (unit,) = [n for n in view.nodes.values() if n.type == "unit" and n.label == p1.attrs["unit"]]
    mine = [n for n in projects if n.attrs.get("unit") == unit.label]
    assert unit.attrs["findings_warning"] == sum(int(n.attrs["findings_warning"]) for n in mine)
    assert unit.attrs["findings_warning"] >= p1.attrs["findings_warning"] == 1
    quantity = view.nodes[ID + "frame/gz-2026/11"]
    assert quantity.label == "数量指标" and quantity.attrs["category"] == "产出"
    assert quantity.attrs["indicator_count"] == 3 and quantity.attrs["project_count"] == 2
    assert view.nodes[ID + "p1i1"].attrs["category"] == "产出"


def test_year_filter(small: ox.Store) -> None:
    full = build_view(small, "full", 2025)
    assert {n.label for n in full.nodes.values() if n.type == "project"} == {"数据中心运维"}
    # u3 is printed in the 2025 document only, u2 holds the 2025 project, dept is u2's parent
    assert {k.removeprefix(ID) for k, n in full.nodes.items() if n.type != "project"} == {
        "u2",
        "u3",
        "dept",
    }
    units = build_view(small, "units", 2026)
    assert [n.label for n in units.nodes.values() if n.type == "year"] == ["2026年"]
    assert ID + "u3" not in units.nodes


def test_categories_are_weighted_by_count(small: ox.Store) -> None:
    view = build_view(small, "categories")
    weights = {(e.source.removeprefix(ID), e.target.split("/")[-1]): e.weight for e in view.edges}
    assert weights == {
        ("p1", "11"): 1.0,
        ("p1", "12"): 1.0,
        ("p1", "4"): 1.0,
        ("p2", "11"): 2.0,
        ("p2", "41"): 1.0,
        ("p3", "41"): 1.0,
    }
    assert not view.directed


def test_shared_indicators_ignore_common_names(small: ox.Store) -> None:
    snap: Snapshot = read_snapshot(small)
    view = view_shared_indicators(snap, None, max_share=3)
    pairs = {(e.source.removeprefix(ID), e.target.removeprefix(ID)): e for e in view.edges}
    assert set(pairs) == {("p1", "p2"), ("p1", "p3"), ("p2", "p3")}
    assert pairs[("p1", "p2")].weight == 2.0
    assert pairs[("p1", "p2")].shared_names == "会议活动保障次数；服务对象满意度"
    # 服务对象满意度 is used by 3 projects: with max_share=2 it links nothing
    view = view_shared_indicators(snap, None, max_share=2)
    assert [(e.source, e.target, e.weight) for e in view.edges] == [(ID + "p1", ID + "p2", 1.0)]
    assert "1 indicator names used by more than 2 projects" in view.description
    assert len(view.nodes) == 4  # every project, linked or not


def test_attributes_are_declared_once_with_one_type(small: ox.Store) -> None:
    root = etree.fromstring(gexf_bytes(build_view(small, "full")))
    declared: dict[str, dict[str, str]] = {}
    for block in root.iter(G + "attributes"):
        rows = [(a.get("id"), a.get("title"), a.get("type")) for a in block]
        ids = [r[0] for r in rows]
        titles = [r[1] for r in rows]
        assert len(set(ids)) == len(ids) and len(set(titles)) == len(titles)
        assert ids == titles  # graphology keys by a non-numeric id, networkx by the title
        declared[block.get("class") or ""] = {r[0] or "": r[2] or "" for r in rows}
    assert declared == {"node": dict(NODE_ATTRIBUTES), "edge": dict(EDGE_ATTRIBUTES)}
    parse = {"integer": int, "double": float, "string": str}
    for kind, tag in (("node", "node"), ("edge", "edge")):
        for element in root.iter(G + tag):
            seen = [v.get("for") for v in element.iter(G + "attvalue")]
            assert len(seen) == len(set(seen))
            for value in element.iter(G + "attvalue"):
                parse[declared[kind][value.get("for") or ""]](value.get("value"))
    assert root.find(G + "graph").get("name") is None


def test_viz_color_by_type_and_size_by_amount(small: ox.Store) -> None:
    graph = nx_read(gexf_bytes(build_view(small, "full")))
    colors: dict[str, set[tuple[int, int, int]]] = {}
    for _, d in graph.nodes(data=True):
        c = d["viz"]["color"]
        colors.setdefault(d["type"], set()).add((c["r"], c["g"], c["b"]))
    assert all(len(v) == 1 for v in colors.values())
    assert len(set().union(*colors.values())) == len(colors)  # one colour per type
    size = {n.removeprefix(ID): d["viz"]["size"] for n, d in graph.nodes(data=True)}
    assert size["p1"] > size["p2"] > size["p3"] == 4.0  # 1234.56 > 20.5 > no amount


def test_schema_has_teeth(small: ox.Store, schema: etree.RelaxNG) -> None:
    """The mistakes the issue names are caught: a ``name`` on ``<graph>``, the 1.2draft
    namespace, and ``xsi:schemaLocation``, which the 1.3 RELAX NG schema does not allow."""
    data = gexf_bytes(build_view(small, "units"))
    assert_valid(data, schema)
    for bad in (
        data.replace(b"<graph defaultedgetype", b'<graph name="x" defaultedgetype'),
        data.replace(b'"http://gexf.net/1.3"', b'"http://www.gexf.net/1.2draft"'),
        gexf_bytes(build_view(small, "units"), schema_location=True),
        data.replace(b'for="fiscal_year"', b'for="undeclared"', 1).replace(b"<viz:size", b"<size"),
    ):
        assert bad != data
        assert not schema.validate(etree.fromstring(bad))


def test_text_is_escaped_and_xml_safe(schema: etree.RelaxNG) -> None:
    nasty = 'a\x01b <c> & "d"\n\te\ud800'
    node = Node(ID + "x?a=1&b=2", nasty, "project", {"type": "project", "unit": nasty})
    view = View("full", True, {node.id: node}, [Edge(node.id, node.id, 'r"<&>', 2.5)], nasty)
    root = assert_valid(gexf_bytes(view), etree.RelaxNG(etree.parse(str(SCHEMA))))
    element = root.find(f"{G}graph/{G}nodes/{G}node")
    assert element.get("id") == ID + "x?a=1&b=2"
    assert element.get("label") == 'ab <c> & "d" e'
    assert element.find(f"{G}attvalues/{G}attvalue[@for='unit']").get("value") == (
        'ab <c> & "d"\n\te'
    )


def test_streaming_and_errors(small: ox.Store) -> None:
    view = build_view(small, "full")
    chunks = list(iter_gexf_view(view, chunk=512))
    assert len(chunks) > 3
    assert b"".join(chunks) == gexf_bytes(view)
    with pytest.raises(ValueError, match="unknown view"):
        iter_gexf(small, "everything", None)  # fails before the first chunk is asked for
    with pytest.raises(ValueError, match="unknown format"):
        iter_export(small, "dot")
    assert export_filename("gexf", "units", 2026) == "jixiao-units-2026.gexf"


def test_graphml_reads_back(small: ox.Store) -> None:
    data = b"".join(iter_export(small, "graphml", "full"))
    graph = nx.read_graphml(io.BytesIO(data))
    view = build_view(small, "full")
    assert set(graph.nodes) == set(view.nodes)
    assert graph.number_of_edges() == len(view.edges)
    assert graph.nodes[ID + "p1"]["label"] == "政务云 服务 <A&B>"
    assert graph.nodes[ID + "p1"]["amount"] == 1234.56


# ----------------------------------------------------------------------- samples


def run_export(store: Path, *extra: str) -> int:
    parser = argparse.ArgumentParser()
    cmd_export.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", "--store", str(store), *extra])
    return int(args.func(args))


def test_acceptance_samples_full(
    samples_store: Path, schema: etree.RelaxNG, tmp_path: Path
) -> None:
    out = tmp_path / "full.gexf"
    assert run_export(samples_store, "--format", "gexf", "-o", str(out)) == 0
    data = out.read_bytes()
    assert_valid(data, schema)
    graph = nx_read(data)
    types = Counter(d["type"] for _, d in graph.nodes(data=True))
    assert types["project"] >= 114
    assert len(types) >= 3
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert "广州市政务服务和数据管理局" in labels
    assert "广州市数字政府运营中心" in labels
    js = graphology_read(out)
    assert (js["nodes"], js["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert js["types"] == dict(types)
    assert (js["node_digest"], js["edge_digest"]) == digests(graph)
    assert js["sample"]["label"] == graph.nodes[js["sample"]["id"]]["label"]


@pytest.mark.parametrize("view", VIEWS)
def test_samples_every_view(
    samples_store: Path, schema: etree.RelaxNG, tmp_path: Path, view: str
) -> None:
    out = tmp_path / f"{view}.gexf"
    assert run_export(samples_store, "--view", view, "--year", "2026", "-o", str(out)) == 0
    data = out.read_bytes()
    assert_valid(data, schema)
    graph = nx_read(data)
    assert graph.number_of_edges() > 0
    js = graphology_read(out)
    assert (js["nodes"], js["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert (js["node_digest"], js["edge_digest"]) == digests(graph)
    assert js["graph_type"] == ("directed" if graph.is_directed() else "undirected")
    assert not js["multi"]


def test_cli_reports_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jixiao.api.cli import main

    assert main(["export", "--store", str(tmp_path / "none")]) == 3  # runtime
    assert "jixiao export: no store" in capsys.readouterr().err


def test_layout_writes_valid_positions(
    samples_store: Path, schema: etree.RelaxNG, tmp_path: Path
) -> None:
    out = tmp_path / "full.gexf"
    args = ("--view", "full", "-o", str(out))
    assert run_export(samples_store, *args) == 0
    assert b"viz:position" not in out.read_bytes()  # default: no layout
    assert run_export(samples_store, *args, "--layout", "spring") == 0
    data = out.read_bytes()
    assert_valid(data, schema)
    graph = nx_read(data)
    spots = {
        n: (d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for n, d in graph.nodes(data=True)
    }
    assert len(spots) == graph.number_of_nodes() > 500  # networkx's sparse (scipy) path
    assert len(set(spots.values())) == len(spots)  # no two nodes on one spot
    assert all(abs(x) <= 1000.001 and abs(y) <= 1000.001 for x, y in spots.values())
    assert run_export(samples_store, *args, "--layout", "spring") == 0
    assert out.read_bytes() == data  # the same seed, the same picture
    # units carry the findings of their projects and indicators (the samples have some)
    units = [d for _, d in graph.nodes(data=True) if d["type"] == "unit"]
    projects = [d for _, d in graph.nodes(data=True) if d["type"] == "project"]
    for key in ("findings_violation", "findings_warning", "findings_info"):
        assert sum(d[key] for d in units) == sum(d[key] for d in projects if d.get("unit"))
    assert sum(d["findings_warning"] + d["findings_violation"] for d in units) > 0
    with pytest.raises(cmd_export.RuntimeFailure, match="GEXF"):
        run_export(samples_store, "--format", "graphml", "--layout", "spring", "-o", str(out))
