"""Indicator-set keys prepared at ingest, so that copied indicator sets are a join on keys.

``queries/copied_indicator_sets.rq`` asks for pairs of different projects that share at least
3 indicator names and at least 75 % of the larger project's names. Asked of the names, that is
a join of every project with every other project that has one of its names: quadratic in the
projects that share a common name (minutes at 15,000 indicators). :func:`set_facts` writes,
per project of a document, keys such that **every qualifying pair shares a key** (prefix
filtering): the query joins projects on keys, then checks the few candidate pairs against
their names exactly as before.

The distinct names of a project (``jx:name`` of its indicators in this document), ``s`` of
them, are put in one global order (SHA-1 of the name, then the name). A pair of sizes ``s``
and ``t`` qualifies only if it shares ``α = a(max(s, t))`` names, ``a(n) = max(3, ⌈0.75·n⌉)``,
so ``t`` lies in ``[⌈0.75·s⌉, ⌊s/0.75⌋]``. At most ``s − α ≤ s − a(s)`` names of a set lie
outside the other, so the first ``k`` shared names (in the global order) are among its first
``s − a(s) + k``; both sets of the pair therefore hold the key made of those ``k`` names.
Keys (``jx:setKey``, ``"k:" + SHA-1 of the k names``):

- sets of at most 20 names: for each ``k = min(4, α)`` over the partner sizes ``t``, every
  ``k``-subset of the first ``s − a(s) + k`` names (1 to 15 keys for 3–10 names, 126 for 20).
  Keys of 4 names are rare to share by chance, so the candidates are few;
- sets of at least 15 names: each of the first ``s − a(s) + 1`` names (``k = 1``). A pair
  whose larger set has more than 20 names has at least 16 in the smaller, so both hold 1-keys;
- ``jx:setSignature``: SHA-1 of the sorted names. A project stated in two documents with
  different indicator sets has two signatures; its names are the union of both documents',
  which neither document's keys describe, so the query compares such a project by its names.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from typing import Protocol

import pyoxigraph as ox

from jixiao.graph.namespaces import JX

SHARED = 3  # the query's least number of shared names
SHARE = 3, 4  # … and least share of the larger set (75 %)
KEY_NAMES = 4  # names in a key of a small set
SMALL, LARGE = 20, 15  # k-keys up to SMALL names, 1-keys from LARGE (≤ ¾ of SMALL + 1)
_HAS = ox.NamedNode(str(JX.hasIndicator))
_NAME = ox.NamedNode(str(JX.name))


class Graph(Protocol):
    """What is read of a document's graph: an ``ox.Store`` or ``graph.prepared``'s view."""

    def quads_for_pattern(
        self, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.Term | None
    ) -> Iterator[ox.Quad]: ...


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def least_shared(size: int) -> int:
    """``a(n)``: the fewest names a set of ``size`` names shares with any set it pairs with."""
    num, den = SHARE
    return max(SHARED, (num * size + den - 1) // den)


def partner_sizes(size: int) -> range:
    """The sizes of the sets a set of ``size`` names can pair with."""
    num, den = SHARE
    return range(max(SHARED, (num * size + den - 1) // den), den * size // num + 1)


def set_keys(names: set[str]) -> list[str]:
    """The keys of one project's set of indicator names (module notes), sorted."""
    ordered = sorted(names, key=lambda n: (_sha1(n), n))
    size = len(ordered)
    if size < SHARED:
        return []
    spare = size - least_shared(size)
    keys: set[str] = set()
    if size <= SMALL:
        for k in {min(KEY_NAMES, least_shared(max(size, t))) for t in partner_sizes(size)}:
            for group in combinations(ordered[: spare + k], k):
                keys.add(f"{k}:" + _sha1("\x01".join(group)))
    if size >= LARGE:
        keys.update("1:" + _sha1(name) for name in ordered[: spare + 1])
    return sorted(keys)


def signature(names: set[str]) -> str:
    """SHA-1 of the names, sorted, joined by U+0001."""
    return _sha1("\x01".join(sorted(names)))


def project_names(graph: Graph) -> dict[str, set[str]]:
    """Project IRI → the distinct ``jx:name`` of its indicators in ``graph``."""
    names: dict[str, set[str]] = defaultdict(set)
    for quad in graph.quads_for_pattern(None, _HAS, None):
        for named in graph.quads_for_pattern(quad.object, _NAME, None):  # type: ignore[arg-type]
            names[quad.subject.value].add(named.object.value)
    return names


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_facts(graph: Graph) -> list[str]:
    """N-Triples lines (without the final newline) of the set keys and signatures of every
    project with indicators in ``graph``, one document's graph."""
    key, sig = f"<{JX.setKey}>", f"<{JX.setSignature}>"
    lines = []
    for project, names in sorted(project_names(graph).items()):
        lines.append(f"<{project}> {sig} {_lit(signature(names))} .")
        lines += [f"<{project}> {key} {_lit(k)} ." for k in set_keys(names)]
    return lines
