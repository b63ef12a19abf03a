"""Chart specifications for static/js/charts.js, built from the same rows as the tables.

Each function returns ``{"type", "labels", "datasets", "options"}``; the page renders it with
``json_script`` beside a table of the same numbers. Missing numbers are ``None`` (a gap).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from portal.programme import calendar


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def indicator_trend(*, baseline, baseline_year, years, targets: dict, actuals: dict, unit=""):
    """One indicator of one school: the baseline, then the target and the actual value of
    every year of the phase (IND-3)."""
    labels = [_("Baseline (%(year)s)") % {"year": calendar.format_academic_year(baseline_year)}]
    labels += [calendar.format_academic_year(y) for y in years]
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {
                "label": _("Target"),
                "data": [_number(baseline)] + [_number(targets.get(y)) for y in years],
                "borderDash": [6, 4],
                "spanGaps": True,
            },
            {
                "label": _("Actual"),
                "data": [_number(baseline)] + [_number(actuals.get(y)) for y in years],
                "spanGaps": False,
            },
        ],
        "options": {"scales": {"y": {"title": {"display": bool(unit), "text": unit}}}},
    }


def item_attainment(labels, series):
    """Per item, the share of its indicators met, one bar per year: ``series`` is a list of
    (year label, [(met, judged) per item]); a year where nothing was judged is left out."""
    datasets = []
    for year_label, shares in series:
        if not any(judged for _met, judged in shares):
            continue
        datasets.append(
            {
                "label": year_label,
                "data": [
                    round(met * 100 / judged, 1) if judged else None for met, judged in shares
                ],
            }
        )
    return {
        "type": "bar",
        "labels": list(labels),
        "datasets": datasets,
        "options": {
            "indexAxis": "y",
            "scales": {
                "x": {
                    "min": 0,
                    "max": 100,
                    "title": {"display": True, "text": _("Indicators met (%)")},
                }
            },
        },
    }


def spread(rows, *, unit=""):
    """One indicator across schools in one year: ``rows`` of (school name, value), sorted."""
    return {
        "type": "bar",
        "labels": [name for name, _value in rows],
        "datasets": [{"label": _("Actual"), "data": [_number(v) for _name, v in rows]}],
        "options": {
            "plugins": {"legend": {"display": False}},
            "scales": {
                "x": {"ticks": {"display": len(rows) <= 30}},
                "y": {"title": {"display": bool(unit), "text": unit}},
            },
        },
    }
