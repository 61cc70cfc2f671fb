"""The concept page's chart (api.web.chart): well-formed SVG, one mark per target."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from jixiao.api.web.chart import Point, charts, trajectory_svg

SVG = "{http://www.w3.org/2000/svg}"

points = st.lists(
    st.builds(
        Point,
        st.integers(min_value=2015, max_value=2030),
        st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False),
        st.text(max_size=30),
    ),
    min_size=1,
    max_size=40,
)


@given(points, st.text(max_size=10), st.text(max_size=30))
def test_any_targets_make_a_well_formed_chart_with_one_mark_each(
    pts: list[Point], unit: str, caption: str
) -> None:
    svg = etree.fromstring(trajectory_svg(pts, unit, caption).encode("utf-8"))
    marks = list(svg.iter(SVG + "circle"))
    assert len(marks) == len(pts)
    assert sorted(Decimal(m.get("data-number")) for m in marks) == sorted(p.number for p in pts)
    height = float(svg.get("height"))
    assert all(0 <= float(m.get("cy")) <= height for m in marks)


def test_titles_are_escaped_and_years_ordered_left_to_right() -> None:
    pts = [Point(2026, Decimal(90), "<b>&"), Point(2024, Decimal(95), 'a"b')]
    svg = etree.fromstring(trajectory_svg(pts, "%", "满意度 <x>").encode("utf-8"))
    marks = {m.get("data-year"): m for m in svg.iter(SVG + "circle")}
    assert marks["2026"].find(SVG + "title").text == "<b>&"
    assert float(marks["2024"].get("cx")) < float(marks["2026"].get("cx"))
    assert float(marks["2024"].get("cy")) < float(marks["2026"].get("cy"))  # 95 above 90


def test_one_chart_per_unit_of_measure_and_no_mark_without_a_number() -> None:
    rows = [
        {"fiscalYear": 2026, "number": 95.0, "unitText": "%", "raw": "≥95%"},
        {"fiscalYear": 2026, "number": 90.0, "unitText": "分", "raw": "≥90分"},
        {"fiscalYear": 2024, "number": None, "unitText": None, "raw": None},
        {"fiscalYear": 2026, "number": 98.0, "unitText": "%", "raw": "≥98%"},
    ]
    got = charts(rows, "c")
    assert [unit for unit, _ in got] == ["%", "分"]
    assert [svg.count("<circle") for _, svg in got] == [2, 1]
