"""The project page and the REST project detail over a real server: goal-text
commitments beside the indicators that measure them (issue #15), and a self-evaluation
table's actual value and score beside each target (issue #14)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from lxml import html

from tests.corpus.render import load, render
from tests.test_sparql_protocol import ROOT, Server, run_server

SAMPLE = next((ROOT / "examples/guangzhou").glob("002_*.txt"))
SELF_EVAL = ROOT / "tests/corpus/docs/s-hubei-ezhou-2021-self-eval.json"
GOLDEN = json.loads((ROOT / "tests/golden/seed002_commitments.json").read_text(encoding="utf-8"))
PID = "https://w3id.org/jixiao/id/project/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("extras")
    self_eval = tmp / "s-hubei-ezhou-2021-self-eval.txt"
    self_eval.write_text(render(load(SELF_EVAL)), encoding="utf-8")
    script = (
        "import sys, pyoxigraph as ox; from jixiao.graph.ingest import ingest_paths; "
        "s = ox.Store(sys.argv[1]); "
        "print(' '.join(r.status for r in ingest_paths(sys.argv[2:], s))); s.flush()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp / "store"), str(SAMPLE), str(self_eval)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["stored", "stored"], done.stdout + done.stderr
    with run_server(tmp / "store", timeout=30) as srv:
        yield srv


def _get(server: Server, path: str, **params: object) -> httpx.Response:
    response = httpx.get(server.base + path, params=params, timeout=60)
    assert response.status_code == 200, (path, response.text[:300])
    return response


def _project(server: Server, name: str, year: int) -> dict:
    items = _get(server, "/api/projects", year=year, limit=1000).json()["items"]
    (item,) = [i for i in items if i["name"] == name]
    return _get(server, "/api/projects/" + item["id"].removeprefix(PID)).json()


def _golden(name: str) -> list[dict]:
    (p,) = [p for p in GOLDEN["projects"] if p["name"] == name]
    return p["commitments"]


@pytest.mark.parametrize(
    "name",
    [
        "广州市数字政府运营中心2026年市政务大数据中心升级改造改造项目",  # 5个系统: unmeasured
        "电子政务工作项目",  # 10 个场景 against ≥5: disagreeing
        "广州市数字政府运营中心2026年广州市商用密码资源池建设项目",  # both kinds
        "政务信息化项目管理经费",  # measured
        "广州12345政务服务便民热线平台运营项目",  # none
    ],
)
def test_rest_detail_lists_the_commitments(server: Server, name: str) -> None:
    detail = _project(server, name, 2026)
    got = [
        (c["text"], c["status"], sorted(m["name"] for m in c["measured_by"]),
         sorted(m["name"] for m in c["disagrees_with"]))
        for c in detail["commitments"]
    ]  # fmt: skip
    want = [
        (c["text"], c["status"], sorted(c["measured_by"]),
         sorted(d["indicator"] for d in c["disagreeing"]))
        for c in _golden(name)
    ]  # fmt: skip
    assert got == want
    ids = {i["id"] for i in detail["indicators"]}
    for c in detail["commitments"]:
        assert {m["id"] for m in c["measured_by"] + c["disagrees_with"]} <= ids
    # a target table reports no actual value or score
    assert all("actual" not in i and "score" not in i for i in detail["indicators"])


def _page(server: Server, detail: dict, **params: object) -> html.HtmlElement:
    return html.fromstring(
        _get(server, "/projects/" + detail["id"].removeprefix(PID), **params).text
    )


def test_page_shows_each_commitment_beside_its_indicators(server: Server) -> None:
    detail = _project(server, "广州市数字政府运营中心2026年广州市商用密码资源池建设项目", 2026)
    doc = _page(server, detail)
    rows = doc.xpath("//tr[contains(@class, 'commitment')]")
    assert [r.get("data-status") for r in rows] == ["disagreeing", "measured"]
    first, second = (r.xpath("./td")[-1].text_content() for r in rows)
    assert "提供密码服务目录个数" in first and "数值不一致" in first
    assert "提供密码服务目录个数" in second and "提供统一的密码资源服务个数" in second
    assert "数值不一致" not in second
    unmeasured = _project(
        server, "广州市数字政府运营中心2026年市政务大数据中心升级改造改造项目", 2026
    )
    (row,) = _page(server, unmeasured).xpath("//tr[contains(@class, 'commitment')]")
    assert "5个系统重构升级改造" in row.text_content() and "未有指标衡量" in row.text_content()
    (row,) = _page(server, unmeasured, lang="en").xpath("//tr[contains(@class, 'commitment')]")
    assert "unmeasured" in row.xpath("./td")[-1].text_content()
    none = _page(server, _project(server, "广州12345政务服务便民热线平台运营项目", 2026))
    assert none.xpath("//section[@id='commitments']//tr[contains(@class, 'commitment')]") == []
    assert "没有读出数量承诺" in none.get_element_by_id("commitments").text_content()


def test_self_evaluation_actual_and_score_beside_the_targets(server: Server) -> None:
    detail = _project(server, "市民中心运行维护费", 2021)
    expected = {e["name"]: (e["actual"], e["score"]) for e in load(SELF_EVAL)["expected"]}
    got = {i["name"]: (i.get("actual"), i.get("score")) for i in detail["indicators"]}
    assert got == expected and len(got) == 6
    doc = _page(server, detail)
    heads = [h.text_content() for h in doc.xpath("//table[@class='indicators']//th")]
    assert "实际完成值" in heads and "得分" in heads
    for row in doc.xpath("//tr[@class='indicator']"):
        name = row.xpath("./td")[2].text.strip()  # without a finding mark (!)
        actual = row.xpath("./td[@class='actual']")[0].text_content().strip()
        score = row.xpath("./td[contains(@class, 'score')]")[0].text_content().strip()
        assert (actual, score) == expected[name]
    # a target table's page has no such columns
    plain = _page(server, _project(server, "电子政务工作项目", 2026))
    heads = [h.text_content() for h in plain.xpath("//table[@class='indicators']//th")]
    assert "实际完成值" not in heads and plain.xpath("//td[@class='actual']") == []
