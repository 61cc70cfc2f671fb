"""One question, one answer (issue #16): for every ``lacks`` category, mode and year, GET
/api/projects (one page, and page after page by its ``Link: rel=next`` cursors), the audit
page and its CSV download, and ``jixiao query`` give the same rows in the same order. Strict
lists are read from the prepared facts (queries/projects_lacking_list.rq) and hold exactly the
projects of the scanning queries (projects_without_<category>.rq, mode=strict). On the samples
and on a synthetic store where two documents give the same projects."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html

from benchmarks.synth import make_document
from jixiao.graph.categories import categories
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store
from tests.test_prepared_drift import twin_documents
from tests.test_sparql_protocol import ROOT, Server, run_server
from tests.web_fixtures import pristine_store

LACKS = [c.key for c in categories()]
YEARS = [None, 2026]
CASES = [(lacks, mode, year) for lacks in LACKS for mode in ("strict", "lenient") for year in YEARS]

# every `jixiao query` of the cases, in one child process (the command's own code path)
_CLI = """
import io, json, sys
from jixiao.api.cli import main
out = []
for argv in json.loads(sys.stdin.read()):
    real, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    try:
        code = main(argv)
        sys.stdout.flush()
        text = sys.stdout.buffer.getvalue().decode("utf-8")
    finally:
        sys.stdout = real
    out.append([code, text])
print(json.dumps(out))
"""


def cli_args(store: Path, lacks: str, mode: str, year: int | None, scanning: bool) -> list[str]:
    params = [] if year is None else ["--param", f"year={year}"]
    if mode == "strict" and not scanning:
        category = next(c.iri for c in categories() if c.key == lacks)
        name, params = "projects_lacking_list", [*params, "--param", f"category={category}"]
    else:
        name, params = f"projects_without_{lacks}", [*params, "--param", f"mode={mode}"]
    return ["query", name, "--store", str(store), "--format", "json", *params]


def cli_rows(store: Path) -> dict[tuple[str, str, int | None, bool], list[str]]:
    """Project IRIs in order, per case, from ``jixiao query`` (``True``: the scanning query)."""
    keys = [(*case, scanning) for case in CASES for scanning in (False, True)]
    argvs = [cli_args(store, *key) for key in keys]
    done = subprocess.run([sys.executable, "-c", _CLI], input=json.dumps(argvs), cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=True)  # fmt: skip
    out = {}
    for key, (code, text) in zip(keys, json.loads(done.stdout), strict=True):
        assert code == 0, (key, text)
        bindings = json.loads(text)["results"]["bindings"]
        out[key] = [b["project"]["value"] for b in bindings]
    return out


def twin_store(tmp: Path) -> Path:
    """Two documents printing the same projects, and a third of its own."""
    store_dir = tmp / "store"
    store = open_store(store_dir)
    third = tmp / "other.txt"
    third.write_text(make_document(21, 60, random.Random(21)), encoding="utf-8")
    results = ingest_paths([*twin_documents(tmp), third], store, validate=False)
    assert [r.status for r in results] == ["stored"] * 3
    del store  # the lock goes with the Store
    gc.collect()
    return store_dir


@pytest.fixture(scope="module", params=["samples", "twins"])
def surfaces(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, dict]]:
    tmp = tmp_path_factory.mktemp(f"lacks-{request.param}")
    if request.param == "samples":
        import shutil

        store = tmp / "store"
        shutil.copytree(pristine_store(tmp_path_factory), store)
    else:
        store = twin_store(tmp)
    answers = cli_rows(store)
    answers["store"] = request.param
    with run_server(store, timeout=60) as server:
        yield server, answers


def params(lacks: str, mode: str, year: int | None, **more: object) -> dict[str, object]:
    out: dict[str, object] = {"lacks": lacks, "mode": mode, **more}
    if year is not None:
        out["year"] = year
    return out


def rest_pages(server: Server, query: dict[str, object], limit: int) -> tuple[list[str], int]:
    """Every project of the list, following ``Link: rel=next``; and the first page's total."""
    response = httpx.get(server.base + "/api/projects", params={**query, "limit": limit},
                         timeout=120)  # fmt: skip
    total, ids = None, []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        total = body["total"] if total is None else total
        assert body["total"] == total  # the total does not change along the pages
        ids += [item["id"] for item in body["items"]]
        link = response.headers.get("link")
        if not link:
            return ids, total
        url = re.fullmatch(r"<([^>]+)>; rel=\"next\"", link).group(1)  # type: ignore[union-attr]
        response = httpx.get(url, timeout=120)


@pytest.mark.parametrize(("lacks", "mode", "year"), CASES)
def test_rest_web_and_cli_give_the_same_rows(
    surfaces: tuple[Server, dict], lacks: str, mode: str, year: int | None
) -> None:
    server, answers = surfaces
    expected = answers[lacks, mode, year, False]
    scanning = answers[lacks, mode, year, True]
    # the prepared strict list holds exactly the scanning query's projects
    assert sorted(expected) == sorted(scanning) and len(set(expected)) == len(expected)
    if answers["store"] == "samples":  # their names differ within the rank's code points
        assert expected == scanning
    one = httpx.get(server.base + "/api/projects", params={**params(lacks, mode, year),
                    "limit": 1000}, timeout=120).json()  # fmt: skip
    assert [i["id"] for i in one["items"]] == expected and one["total"] == len(expected)
    paged, total = rest_pages(server, params(lacks, mode, year), limit=7)
    assert paged == expected and total == len(expected)
    download = httpx.get(server.base + "/audit.csv", params=params(lacks, mode, year),
                         timeout=120)  # fmt: skip
    assert download.status_code == 200
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[-1] for row in table[1:]] == expected
    page = httpx.get(server.base + "/audit", params=params(lacks, mode, year), timeout=120)
    assert page.status_code == 200
    shown = html.fromstring(page.text).xpath("//tr[@data-project]/@data-project")
    assert shown == expected[: len(shown)] and len(shown) == min(len(expected), 500)


def test_the_lists_are_not_empty(surfaces: tuple[Server, dict]) -> None:
    """The comparisons above compare something: every category lacks somewhere."""
    _, answers = surfaces
    for lacks in LACKS:
        assert answers[lacks, "strict", None, False] or lacks == "output", lacks


def test_a_cursor_of_the_other_list_is_refused(surfaces: tuple[Server, dict]) -> None:
    server, _ = surfaces
    first = httpx.get(server.base + "/api/projects",
                      params={"lacks": "satisfaction", "limit": 1}, timeout=60)  # fmt: skip
    cursor = re.search(r"after=([^&>]+)", first.headers["link"]).group(1)  # type: ignore[union-attr]
    for other in ({"lacks": "satisfaction", "mode": "lenient"}, {}):
        refused = httpx.get(server.base + "/api/projects", params={**other, "after": cursor},
                            timeout=60)  # fmt: skip
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_cursor"


@given(
    year=st.from_regex(r"[0-9]{4}", fullmatch=True),
    unit=st.text(max_size=30),
    rank=st.decimals(min_value=0, max_value=10**20, places=18, allow_nan=False),
)
def test_a_cursor_reads_back_its_keyset_values(year: str, unit: str, rank: Decimal) -> None:
    from jixiao.api.listing import project_after, project_after_cursor, project_cursor

    row = {"fiscalYear": year, "unit": unit, "rank": f"{rank:f}"}  # as STR() gives it
    made = project_cursor("satisfaction", "strict", row)
    assert project_after_cursor("satisfaction", "strict", made) == project_after(
        "satisfaction", "strict", row
    )


@given(st.text(max_size=80))
def test_anything_else_is_a_400_not_a_crash(value: str) -> None:
    from jixiao.api.listing import project_after_cursor
    from jixiao.api.workers import QueryError

    try:
        found = project_after_cursor("cost", "strict", value)
    except QueryError as error:
        assert error.status == 400
    else:
        assert found is not None and set(found) == {"afterYear", "afterUnit", "afterRank"}
