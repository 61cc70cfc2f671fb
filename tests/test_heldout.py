"""The reader on real pages it was never tuned on (tests/corpus/heldout.py): level 1,
level 2 and name of the labelled library's indicators, rendered in each text layout.
Floors at what the reader reaches; a regression fails here."""

from __future__ import annotations

import pytest

from tests.corpus.heldout import score

FLOORS = {"tab": 0.98, "pipe": 0.98, "line": 0.94, "space": 0.97, "glued": 0.84}


@pytest.mark.parametrize("layout", sorted(FLOORS))
def test_heldout_library_reads_back(layout: str) -> None:
    hit, total = score(layout)
    assert total > 150
    assert hit / total >= FLOORS[layout], f"{layout}: {hit}/{total}"
