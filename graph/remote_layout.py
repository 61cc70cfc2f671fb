"""The graphs jixiao keeps on a SPARQL server besides the documents' own (see
:mod:`graph.remote`), named here so that :mod:`graph.remote` (reads) and
:mod:`graph.remote_write` (writes) share them without importing each other."""

from __future__ import annotations

UNION_GRAPH = "urn:jixiao:union"  # the union, where the server's default graph cannot hold it
INTERNAL = "urn:jixiao:"  # staged graphs, the swap journal, the union: never data
DATA_GRAPHS = "https://w3id.org/jixiao/id/"  # every document, report and ontology graph
