"""What the indicator-library pages and REST answers show, read through the named queries
(``concepts``, ``target_trajectory``, ``concept_summary``, ``indicator_concepts``) on the same
worker pool and limits as the other pages. A concept's page and its REST answer are built by
:func:`concept`, so they cannot disagree.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from jixiao.api.select import JXID, iri_term, select

CONCEPT = JXID + "concept/"
_ID_RE = re.compile(r"[0-9a-f]{16}")


def concept_id(iri: str) -> str | None:
    """``1e6124e25e282bfe`` for ``…/id/concept/1e6124e25e282bfe``."""
    local = iri[len(CONCEPT) :] if iri.startswith(CONCEPT) else ""
    return local if _ID_RE.fullmatch(local) else None


def concept_list(request: Request) -> list[dict[str, Any]]:
    rows = select(request, "concepts")
    for row in rows:
        row["id"] = concept_id(row["concept"])
        row["lowerIsBetter"] = bool(row["lowerIsBetter"])
    return rows


def concept(request: Request, local: str) -> dict[str, Any] | None:
    """Everything about concept ``local`` (its 16 hex digits); None when there is none."""
    if not _ID_RE.fullmatch(local):
        return None
    term = iri_term(CONCEPT + local)
    summary = select(request, "concept_summary", {"concept": term})
    key = next((r["value"] for r in summary if r["kind"] == "key"), None)
    if key is None:
        return None
    spellings = [{"spelling": r["value"], "indicators": r["count"]}
                 for r in summary if r["kind"] == "spelling"]  # fmt: skip
    broader = [{"id": r["value"], "label": r["label"], "indicators": r["count"]}
               for r in summary if r["kind"] == "broader"]  # fmt: skip
    targets = select(request, "target_trajectory", {"concept": term})
    top = min(spellings, key=lambda s: (-s["indicators"], s["spelling"]), default=None)
    label = top["spelling"] if top else key
    return {
        "id": CONCEPT + local,
        "key": key,
        "label": label,
        "lowerIsBetter": any(t["lowerIsBetter"] for t in targets),
        "spellings": spellings,
        "broader": broader,
        "targets": [
            {k: v for k, v in t.items() if k not in ("concept", "key", "label")} for t in targets
        ],
    }


def indicator_concepts(request: Request, project: str) -> dict[str, str]:
    """Indicator IRI → the local id of its concept, for one project's page."""
    rows = select(request, "indicator_concepts", {"project": iri_term(project)})
    return {r["indicator"]: local for r in rows if (local := concept_id(r["concept"]))}
