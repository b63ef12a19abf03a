"""Template filters and tags: ROC years and dates, scores, languages, links."""

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from portal.programme import calendar
from portal.programme.citations import cite as cite_section

register = template.Library()


@register.filter
def roc_year(value):
    """103 → 103學年度 (academic year, SCHED-2); in English, AY 103 (2014–15)."""
    return "" if value in (None, "") else calendar.format_academic_year(int(value))


@register.filter
def fiscal_year(value):
    """104 → 104會計年度 (fiscal year, BUD-3); in English, FY 104 (2015)."""
    return "" if value in (None, "") else calendar.format_fiscal_year(int(value))


@register.filter
def roc_date(value):
    """A date with the ROC year: 103年4月1日; in English, 1 Apr 2014."""
    return calendar.format_date(value) if value else ""


@register.filter
def roc_datetime(value):
    return calendar.format_datetime(value) if value else ""


@register.filter
def cite(code):
    """A rule ID → the programme document's section (柒-二-(一)-3), or '' (never the ID)."""
    return cite_section(str(code or ""))


@register.filter
def score(value):
    """A score or an average with 2 decimals, never rounded up past a threshold.

    Averages are exact (EVAL-1); 89.99875 shows as 89.99 so that the page never
    shows 90.00 for a school below 90.
    """
    if value in (None, ""):
        return "—"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return value
    return f"{number.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}"


@register.filter
def is_exact_2dp(value):
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return True
    return number == number.quantize(Decimal("0.01"))


@register.simple_tag(takes_context=True)
def html_lang(context):
    """The BCP 47 tag for <html lang>: zh-Hant or en."""
    code = translation.get_language() or "zh-hant"
    return "zh-Hant" if code.lower().startswith("zh") else code


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@register.filter
def zh(value):
    """Chinese data (a school's name, a programme term) marked as Chinese on a page that is not.

    Screen readers read text in the page's language; a school's name on an English page is
    read in Chinese only when it says so (WCAG 3.1.2). On Chinese pages, and for text with no
    Chinese characters (a name in Latin letters), nothing is added.
    """
    if value in (None, ""):
        return ""
    chinese_page = (translation.get_language() or "zh-hant").lower().startswith("zh")
    if chinese_page or not _HAN.search(str(value)):
        return conditional_escape(value)
    return format_html('<span lang="zh-Hant">{}</span>', value)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_page(context, number, param="page"):
    """The current query string with page ``number`` in ``param`` (a page with two
    paginated lists names its second one's pages otherwise)."""
    return query_with(context, **{param or "page": number})


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    if not hasattr(mapping, "get"):
        return None
    value = mapping.get(key)
    return mapping.get(str(key)) if value is None else value


def _chart_number(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def chart_summary(chart):
    """A chart's numbers in one or two sentences, for the people who cannot see it (WCAG
    1.1.1): per series, its highest and lowest values and where they are."""
    labels = [str(label) for label in (chart or {}).get("labels", [])]
    sentences = []
    for dataset in (chart or {}).get("datasets", []):
        points = [
            (labels[i] if i < len(labels) else str(i + 1), value)
            for i, value in enumerate(dataset.get("data", []))
            if isinstance(value, int | float)
        ]
        name = str(dataset.get("label", ""))
        if not points:
            sentences.append(_("%(series)s: no values yet.") % {"series": name})
            continue
        high = max(points, key=lambda point: point[1])
        low = min(points, key=lambda point: point[1])
        if len(points) == 1 or high[1] == low[1]:
            sentences.append(
                _("%(series)s: %(value)s in each of %(count)s.")
                % {"series": name, "value": _chart_number(high[1]), "count": len(points)}
                if len(points) > 1
                else _("%(series)s: %(label)s %(value)s.")
                % {"series": name, "label": high[0], "value": _chart_number(high[1])}
            )
            continue
        sentences.append(
            _("%(series)s: highest %(high_label)s (%(high)s), lowest %(low_label)s (%(low)s).")
            % {
                "series": name,
                "high_label": high[0],
                "high": _chart_number(high[1]),
                "low_label": low[0],
                "low": _chart_number(low[1]),
            }
        )
    return " ".join(sentences)
