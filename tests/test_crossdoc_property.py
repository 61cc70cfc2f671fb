"""Property: whatever small documents give a shared pool of projects indicators, in whatever
order they are ingested, re-ingested and removed, every answer read from the prepared facts
(lacks lists and their counts, totals, the overview's coverage, the indicator tallies) is
the scanning queries' answer over the union, and the staleness check finds nothing."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store, remove_document
from tests.crossdoc_docs import (
    INDICATOR,
    OTHER_UNIT,
    UNIT,
    document_text,
    project_name,
    union_differences,
)

POOL = [(UNIT, 1), (UNIT, 2), (UNIT, 3), (OTHER_UNIT, 4), (OTHER_UNIT, 5)]
SLOTS = 3  # documents, by file name


def spelling(unit: str, k: int, variant: int) -> tuple[str, str]:
    """Project ``k`` of ``unit`` printed one of two ways, its unit one of two ways: the same
    project IRI and unit IRI (spaces and a trailing 项目 are normalised away)."""
    name = project_name(unit, k)
    return (unit if variant < 2 else unit[:3] + " " + unit[3:],
            name if variant % 2 == 0 else name.removesuffix("项目"))  # fmt: skip


PROJECT = st.tuples(st.lists(st.sampled_from(sorted(INDICATOR)), max_size=3, unique=True),
                    st.integers(0, 3))  # fmt: skip
DOCUMENT = st.dictionaries(st.integers(0, len(POOL) - 1), PROJECT, min_size=1, max_size=4)
STEP = st.one_of(
    st.tuples(st.just("ingest"), st.integers(0, SLOTS - 1), DOCUMENT),
    st.tuples(st.just("remove"), st.integers(0, SLOTS - 1), st.just({})),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_prepared_answers_are_the_unions_after_every_step(steps: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        stored: dict[int, str] = {}  # slot → document IRI
        for op, slot, projects in steps:
            if op == "remove":
                if slot not in stored:
                    continue
                remove_document(store, stored.pop(slot))
            else:
                path = Path(tmp) / f"budget_{slot}.txt"
                text = {spelling(*POOL[k], variant): kinds
                        for k, (kinds, variant) in projects.items()}  # fmt: skip
                path.write_text(document_text(text), encoding="utf-8")
                (result,) = ingest_paths([path], store, validate=False)
                # unchanged: the same text again (nothing written)
                assert result.status in ("stored", "unchanged"), result.error
                stored[slot] = result.document
            assert union_differences(store) == [], (op, slot, projects)
        del store
        gc.collect()
