"""Every chart has its numbers as a table and a text summary (WCAG 1.1.1, 1.3.1), including
the charts of templates added later: the check reads every template that draws one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

CANVAS = re.compile(r"<canvas[^>]*data-chart=[^>]*>")


def chart_templates():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            if "data-chart" in path.read_text(encoding="utf-8"):
                found.append(path)
    return found


def test_charts_are_found():
    assert len(chart_templates()) >= 5


@pytest.mark.parametrize("path", chart_templates(), ids=lambda p: p.name)
def test_every_chart_has_a_summary_and_a_table(path):
    text = path.read_text(encoding="utf-8")
    canvases = CANVAS.findall(text)
    for canvas in canvases:
        assert 'role="img"' in canvas and "aria-label=" in canvas, canvas
        assert re.search(r'aria-describedby="[^"]*-summary"', canvas), canvas
    assert text.count('"partials/chart_summary.html"') == len(canvases)
    assert "<table" in text or "_table.html" in text


CHART = {
    "labels": ["113學年度", "114學年度", "115學年度"],
    "datasets": [
        {"label": "Requested", "data": [1200.0, 3400.5, None]},
        {"label": "Approved", "data": [None, None, None]},
        {"label": "Schools", "data": [2, 2]},
    ],
}


def test_chart_summary_names_the_highest_and_lowest_of_each_series():
    with translation.override("en"):
        text = Template("{% load portal %}{{ chart|chart_summary }}").render(
            Context({"chart": CHART})
        )
    assert text == (
        "Requested: highest 114學年度 (3,400.5), lowest 113學年度 (1,200). "
        "Approved: no values yet. Schools: 2 in each of 2."
    )


def test_chart_summary_in_chinese():
    with translation.override("zh-hant"):
        text = Template("{% load portal %}{{ chart|chart_summary }}").render(
            Context({"chart": {"labels": ["甲"], "datasets": [{"label": "補助", "data": [5]}]}})
        )
    assert text == "補助：甲 5。"
