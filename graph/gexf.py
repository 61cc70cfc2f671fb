"""The property graph of an export view (:class:`View`), and its writers: GEXF 1.3, streamed
as UTF-8 chunks by :func:`iter_gexf_view`, and a networkx graph for GraphML
(:func:`to_networkx`). The views themselves are read from the store by :mod:`graph.export`.

What Gephi and the schema (``tests/specs/gexf-1.3/gexf.rng``) need, and networkx's own writer
gets wrong: the namespaces ``http://gexf.net/1.3`` and ``http://gexf.net/1.3/viz`` (prefix
``viz``: graphology-gexf looks viz elements up by that prefix), no ``name`` attribute on
``<graph>``, attributes declared once with one type each and an id equal to their title
(graphology-gexf keys values by a non-numeric id, networkx by the title), colour and size as
``viz:`` elements rather than attribute columns, labels as ``xsd:token`` (whitespace
collapsed) and only characters that XML 1.0 allows.

``xsi:schemaLocation`` (``http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd``) is written only
on request: the RELAX NG schema of GEXF 1.3 allows no attribute on ``<gexf>`` but ``version``
and ``variant``, so a file that carries it is invalid by that schema.

The markup is formatted as text, not built as lxml elements: at 10⁵ nodes lxml's incremental
writer took 7–13 s for the nodes alone (and repeats namespace declarations on every element
written with ``xmlfile.write``), text formatting about 1 s. Every value goes through
:func:`attr`, which removes what XML forbids and escapes the rest; the tests parse each view
with lxml and validate it against the schema.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

Scalar = int | float | str

# (id = title, GEXF type) of every node attribute; ids are not numeric, so graphology-gexf
# and networkx both key values by this name.
NODE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("type", "string"),
    ("fiscal_year", "integer"),
    ("amount", "double"),
    ("indicator_count", "integer"),
    ("project_count", "integer"),
    ("findings_violation", "integer"),
    ("findings_warning", "integer"),
    ("findings_info", "integer"),
    ("unit", "string"),
    ("category", "string"),
)
EDGE_ATTRIBUTES: tuple[tuple[str, str], ...] = (("relation", "string"), ("shared_names", "string"))

# Colour (r, g, b) by node type.
COLORS: dict[str, tuple[int, int, int]] = {
    "department": (225, 87, 89),
    "unit": (242, 142, 43),
    "project": (78, 121, 167),
    "indicator": (89, 161, 79),
    "category": (176, 122, 161),
    "year": (156, 117, 95),
}


@dataclass(slots=True)
class Node:
    id: str
    label: str
    type: str
    attrs: dict[str, Scalar] = field(default_factory=dict)

    def size(self) -> float:
        """``viz:size``: grows with the logarithm of the amount (万元); 4 without one."""
        amount = self.attrs.get("amount")
        if isinstance(amount, float) and amount > 0:
            return round(4.0 + 4.0 * math.log10(1.0 + amount), 3)
        return 4.0


class Edge(NamedTuple):  # a tuple: views make 10⁵ of them, a frozen dataclass is 4× slower
    source: str
    target: str
    relation: str
    weight: float = 1.0
    shared_names: str | None = None


@dataclass(slots=True)
class View:
    name: str
    directed: bool
    nodes: dict[str, Node]
    edges: list[Edge]
    description: str = ""

    def type_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(n.type for n in self.nodes.values()).items()))


_SPACE = re.compile(r"\s+")


def clean_label(text: str) -> str:
    """Whitespace collapsed (GEXF labels are ``xsd:token``)."""
    return _SPACE.sub(" ", text).strip()


def to_networkx(view: View) -> Any:
    """A networkx (Di)Graph of the view: attributes, label, and r, g, b, size for Gephi."""
    import networkx as nx

    graph = nx.DiGraph() if view.directed else nx.Graph()
    for node in view.nodes.values():
        r, g, b = COLORS[node.type]
        graph.add_node(node.id, label=node.label, **node.attrs, r=r, g=g, b=b, size=node.size())
    for e in view.edges:
        extra = {"shared_names": e.shared_names} if e.shared_names else {}
        graph.add_edge(e.source, e.target, relation=e.relation, weight=e.weight, **extra)
    return graph


GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{GEXF_NS} {GEXF_NS}/gexf.xsd"
CHUNK = 1 << 16

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\t", "&#9;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
)
_NEEDS_WORK = re.compile('[&<>"\t\n\r]|[^\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
_NODE_TYPES = dict(NODE_ATTRIBUTES)


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (controls, lone surrogates)."""
    return _NOT_XML.sub("", value)


def token(value: str) -> str:
    """``value`` as an ``xsd:token``: XML-safe, whitespace collapsed and trimmed."""
    return _SPACE.sub(" ", xml_text(value)).strip()


def attr(value: str) -> str:
    """``value`` ready to sit between double quotes in an attribute."""
    if _NEEDS_WORK.search(value) is None:  # the common case: nothing to do
        return value
    value = xml_text(value)
    for char, entity in _ESCAPES:
        if char in value:
            value = value.replace(char, entity)
    return value


def _double(value: Scalar) -> str:
    number = float(value)
    return repr(number) if math.isfinite(number) else "0.0"


_FORMATS = {"integer": lambda v: str(int(v)), "double": _double, "string": lambda v: attr(str(v))}
_FORMAT_OF = {name: _FORMATS[kind] for name, kind in NODE_ATTRIBUTES}


def format_value(value: Scalar, kind: str) -> str:
    """A value in the lexical form of its GEXF attribute type."""
    return _FORMATS[kind](value)


def _attributes(cls: str, declared: tuple[tuple[str, str], ...]) -> str:
    rows = "".join(
        f'\n      <attribute id="{name}" title="{name}" type="{kind}"/>' for name, kind in declared
    )
    return f'\n    <attributes class="{cls}">{rows}\n    </attributes>'


LAYOUTS = ("spring", "circular")
LAYOUT_SCALE = 1000.0  # Gephi's canvas: positions from -1000 to 1000


def layout_positions(view: View, layout: str, seed: int = 18) -> dict[str, tuple[float, float]]:
    """Node positions by a networkx layout (``spring``: Fruchterman-Reingold, same ``seed``
    same picture; ``circular``), scaled to :data:`LAYOUT_SCALE`."""
    import networkx as nx

    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    graph = nx.Graph()
    graph.add_nodes_from(view.nodes)
    graph.add_edges_from((e.source, e.target) for e in view.edges if e.source in view.nodes
                         and e.target in view.nodes)  # fmt: skip
    if layout == "spring":
        found = nx.spring_layout(graph, seed=seed, scale=LAYOUT_SCALE)
    else:
        found = nx.circular_layout(graph, scale=LAYOUT_SCALE)
    return {n: (round(float(x), 3), round(float(y), 3)) for n, (x, y) in found.items()}


def _node(node: Node, node_id: str, position: tuple[float, float] | None = None) -> str:
    values = "".join(
        [
            f'<attvalue for="{name}" value="{_FORMAT_OF[name](value)}"/>'
            for name, value in node.attrs.items()
        ]
    )
    r, g, b = COLORS[node.type]
    label = attr(token(node.label)) or node_id
    at = f'<viz:position x="{position[0]!r}" y="{position[1]!r}"/>' if position else ""
    return (
        f'\n      <node id="{node_id}" label="{label}"><attvalues>{values}</attvalues>'
        f'<viz:color r="{r}" g="{g}" b="{b}"/>{at}<viz:size value="{node.size()!r}"/></node>'
    )


def _edge(number: int, edge: Edge, source: str, target: str, relation: str) -> str:
    shared = (
        f'<attvalue for="shared_names" value="{attr(edge.shared_names)}"/>'
        if edge.shared_names
        else ""
    )
    return (
        f'\n      <edge id="e{number}" source="{source}" target="{target}"'
        f' weight="{float(edge.weight)!r}"><attvalues><attvalue for="relation"'
        f' value="{relation}"/>{shared}</attvalues></edge>'
    )


def _head(view: View, today: date, schema_location: bool) -> str:
    location = (
        f' xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{SCHEMA_LOCATION}"' if schema_location else ""
    )
    edge_type = "directed" if view.directed else "undirected"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}"{location} version="1.3">\n'
        f'  <meta lastmodifieddate="{today.isoformat()}">\n'
        "    <creator>jixiao</creator>\n"
        f"    <description>{attr(view.description)}</description>\n"
        "  </meta>\n"
        f'  <graph defaultedgetype="{edge_type}" idtype="string">'
        + _attributes("node", NODE_ATTRIBUTES)
        + _attributes("edge", EDGE_ATTRIBUTES)
        + f'\n    <nodes count="{len(view.nodes)}">'
    )


def iter_gexf_view(
    view: View,
    *,
    chunk: int = CHUNK,
    today: date | None = None,
    schema_location: bool = False,
    layout: str | None = None,
) -> Iterator[bytes]:
    """The GEXF 1.3 document of ``view`` as UTF-8 chunks of about ``chunk`` bytes (more
    when one node is longer). Edges whose ends are not nodes of the view are dropped.
    ``layout`` (one of :data:`LAYOUTS`) adds ``viz:position`` to every node; it is computed
    before the first chunk, so a bad name fails before anything is written."""
    positions = layout_positions(view, layout) if layout else {}
    return _chunks(view, chunk, today or date.today(), schema_location, positions)


def _chunks(
    view: View,
    chunk: int,
    today: date,
    schema_location: bool,
    positions: dict[str, tuple[float, float]],
) -> Iterator[bytes]:
    parts = [_head(view, today, schema_location)]
    size = 0
    ids: dict[str, str] = {}  # IRI → escaped, for the edges
    for node in view.nodes.values():
        ids[node.id] = node_id = attr(node.id)
        text = _node(node, node_id, positions.get(node.id))
        parts.append(text)
        size += len(text)
        if size >= chunk // 3:  # a CJK character is 3 bytes in UTF-8
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    edges = [e for e in view.edges if e.source in ids and e.target in ids]
    relations = {e.relation: attr(e.relation) for e in edges}
    parts.append(f'\n    </nodes>\n    <edges count="{len(edges)}">')
    for number, edge in enumerate(edges):
        text = _edge(number, edge, ids[edge.source], ids[edge.target], relations[edge.relation])
        parts.append(text)
        size += len(text)
        if size >= chunk // 3:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("\n    </edges>\n  </graph>\n</gexf>\n")
    yield "".join(parts).encode("utf-8")


def gexf_bytes(
    view: View,
    *,
    today: date | None = None,
    schema_location: bool = False,
    layout: str | None = None,
) -> bytes:
    """The whole GEXF 1.3 document of ``view``."""
    chunks = iter_gexf_view(view, today=today, schema_location=schema_location, layout=layout)
    return b"".join(chunks)


def iter_graphml_view(view: View) -> Iterator[bytes]:
    """The GraphML file of a view (networkx's writer), in chunks."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(view), buffer, encoding="utf-8")
    data = buffer.getvalue()
    return (data[k : k + CHUNK] for k in range(0, len(data), CHUNK))
