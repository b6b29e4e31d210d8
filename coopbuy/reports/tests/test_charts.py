"""The SVG bar chart: named by its heading, every bar titled, text escaped, negatives below 0."""

from __future__ import annotations

import re
from decimal import Decimal as D
from xml.etree import ElementTree

from coopbuy.reports.charts import Bar, bar_chart

NS = "{http://www.w3.org/2000/svg}"


def test_a_chart_is_valid_svg_with_a_title_per_bar_and_escaped_labels() -> None:
    svg = bar_chart(
        heading_id="fill-title",
        description="Case fill per round",
        bars=[Bar("<b>Week 1</b>", D("0.5")), Bar("Week 2", D("1"))],
        show=lambda v: f"{v * 100:.0f} %",
        top=D(1),
    )
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "fill-title fill-title-desc"
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert titles == ["<b>Week 1</b>: 50 %", "Week 2: 100 %"]
    heights = [float(r.get("height", "0")) for r in root.iter(f"{NS}rect")]
    assert heights[1] == 2 * heights[0]  # zero-based: twice the value, twice the bar


def test_a_negative_value_hangs_below_the_zero_line() -> None:
    svg = bar_chart(
        heading_id="s", description="d", bars=[Bar("a", D("2")), Bar("b", D("-1"))], show=str
    )
    root = ElementTree.fromstring(svg)
    zero = next(e for e in root.iter(f"{NS}line") if e.get("class") == "chart-zero")
    rects = list(root.iter(f"{NS}rect"))
    assert rects[1].get("class") == "chart-bar negative"
    assert float(rects[1].get("y", "0")) == float(zero.get("y1", "0"))
    assert float(rects[0].get("y", "0")) + float(rects[0].get("height", "0")) == float(
        zero.get("y1", "0")
    )
    assert not re.search(r"style=|<script", svg)
