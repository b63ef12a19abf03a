"""The assessment's documents: the results report PDF and the outcome notice (rendered by the
documents pipeline's Celery task), and the workbooks of the board and the nominations."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ExpenseType
from applications.items import ITEMS
from indicators.enums import Attainment
from portal.documents.registry import DocumentKind, register
from portal.programme import calendar
from portal.spreadsheets import table_workbook

from . import charts, selectors
from .models import Outcome, ResultsReport


def _today():
    return calendar.roc_stamp()


# --- The results report ------------------------------------------------------------------


def report_context(report: ResultsReport) -> dict:
    report = ResultsReport.objects.select_related("school", "plan__phase", "submitted_by").get(
        pk=report.pk
    )
    view = selectors.report_view(report)
    by_type = [
        (ExpenseType(t).label, totals.approved, totals.spent, totals.rate)
        for t, totals in view.by_type.items()
    ]
    rate_chart = charts.horizontal_bars(
        [(label, rate) for label, _a, _s, rate in by_type] + [(_("Total"), view.totals.rate)],
        title=_("Execution rate by expense type"),
    )
    item_rows = [
        (
            f"{number}. {ITEMS[number].name}"[:14],
            share.met,
            share.not_met,
            share.not_reported + share.no_target,
        )
        for number, share in view.item_shares.items()
    ]
    met_chart = charts.stacked_met(
        item_rows,
        title=_("Indicators met per item"),
        legend=(Attainment.MET.label, Attainment.NOT_MET.label, _("Not judged")),
    )
    return {
        "report": report,
        "school": report.school,
        "plan": report.plan,
        "view": view,
        "by_type": by_type,
        "rate_chart": rate_chart,
        "met_chart": met_chart,
        "items": ITEMS,
        "generated_at": timezone.now(),
    }


REPORT_PDF = register(
    DocumentKind(
        key="assessment_report",
        label=gettext_lazy("Results report"),
        model="assessment.ResultsReport",
        template="pdf/assessment_report.html",
        view_permission="assessment.view_report",
        request_permission="assessment.view_report",
        context=report_context,
        file_name=lambda report: (
            f"{report.school.code}-{report.academic_year}成果報告書-{_today()}.pdf"
        ),
    )
)


# --- The outcome notice -------------------------------------------------------------------


def notice_context(outcome: Outcome) -> dict:
    """What the school is told: the decision, conditions, the consolidated opinion and the
    recommendations — never a panel member's name or rating."""
    outcome = Outcome.objects.select_related("school", "plan__phase").get(pk=outcome.pk)
    shown = selectors.consolidated_for_school(outcome.school, outcome.academic_year)
    return {
        "outcome": outcome,
        "school": outcome.school,
        "plan": outcome.plan,
        "conditions": list(outcome.conditions.all()),
        "recommendations": shown["recommendations"],
        "visit": shown["visit"],
        "items": ITEMS,
        "generated_at": timezone.now(),
    }


NOTICE = register(
    DocumentKind(
        key="assessment_outcome_notice",
        label=gettext_lazy("Outcome notice"),
        model="assessment.Outcome",
        template="pdf/assessment_outcome_notice.html",
        view_permission="assessment.view_outcome",
        request_permission="assessment.view_outcome",
        context=notice_context,
        file_name=lambda outcome: (
            f"{outcome.school.code}-{outcome.academic_year}績效考核結果通知書-{_today()}.pdf"
        ),
    )
)


# --- Workbooks ---------------------------------------------------------------------------------


def board_workbook(rows, academic_year: int) -> bytes:
    return table_workbook(
        f"{academic_year}績效考核",
        [
            _("School code"),
            _("School"),
            _("Report"),
            _("Indicator values"),
            _("Visit"),
            _("Ratings"),
            _("Outcome"),
            _("Open conditions"),
            _("Share of indicators met (%)"),
            _("Approved (NT$ thousand)"),
            _("Spent (NT$ thousand)"),
            _("Execution rate (%)"),
            _("Overdue"),
        ],
        (
            [
                row.school.code,
                row.school.name,
                row.report.get_status_display() if row.report else _("Not started"),
                row.values_status or "",
                calendar.format_datetime(row.visit.starts_at) if row.visit else "",
                "、".join(row.ratings),
                row.outcome.get_decision_display() if row.outcome else "",
                row.open_conditions,
                row.met_share,
                row.approved,
                row.spent,
                row.rate,
                _("Yes") if row.overdue else "",
            ]
            for row in rows
        ),
    )


def nominations_workbook(nominations) -> bytes:
    return table_workbook(
        "敘獎及推薦",
        [
            _("Academic year"),
            _("School code"),
            _("School"),
            _("Kind"),
            _("Name"),
            _("Role"),
            _("Job title"),
            _("Reason"),
            _("Evidence"),
            _("Status"),
            _("Ministry's note"),
            _("Recorded at"),
        ],
        (
            [
                n.academic_year,
                n.school.code,
                n.school.name,
                n.get_kind_display(),
                n.nominee,
                n.get_nominee_role_display(),
                n.nominee_title,
                n.reason,
                n.evidence_name,
                n.get_status_display(),
                n.ministry_note,
                calendar.format_datetime(n.created_at),
            ]
            for n in nominations
        ),
    )
