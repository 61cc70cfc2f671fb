"""What the project page and the REST project detail add to a project: its goal-text
commitments with the indicators that measure them, and the actual value and score of its
indicators where a self-evaluation table (自评表) reports them. Both read named queries
(``queries/project_commitments.rq``, ``queries/indicator_self_evaluation.rq``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from jixiao.api.select import select
from jixiao.api.workers import Term

MEASURED, UNMEASURED, DISAGREEING = "measured", "unmeasured", "disagreeing"


def commitments(request: Request, project: Term) -> list[dict[str, Any]]:
    """The project's commitments in goal-text order, each with ``measured_by`` and
    ``disagrees_with`` (indicator id, name, position) and its ``status``."""
    rows = select(request, "project_commitments", {"project": project})
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = out.get(r["commitment"])
        if item is None:
            item = out[r["commitment"]] = {
                "id": r["commitment"],
                "text": r["text"],
                "start": r["start"],
                "end": r["end"],
                "object": r["object"],
                "quantity": r["quantity"],
                "unit": r["unitText"],
                "deadline": r["deadline"],
                "measured_by": [],
                "disagrees_with": [],
            }
        if r["indicator"] is not None:
            key = "measured_by" if r["relation"] == "measured" else "disagrees_with"
            entry = {
                "id": r["indicator"],
                "name": r["indicatorName"],
                "position": r["indicatorPosition"],
            }
            if entry not in item[key]:
                item[key].append(entry)
    for item in out.values():
        item["status"] = (
            MEASURED
            if item["measured_by"]
            else DISAGREEING
            if item["disagrees_with"]
            else UNMEASURED
        )
    return sorted(out.values(), key=lambda c: (c["start"], c["id"]))


def self_evaluation(request: Request, project: Term) -> dict[str, dict[str, str]]:
    """Indicator id → its printed ``actual`` value and ``score`` (only those present)."""
    rows = select(request, "indicator_self_evaluation", {"project": project})
    return {
        r["indicator"]: {k: r[k] for k in ("actual", "score") if r[k] is not None} for r in rows
    }
