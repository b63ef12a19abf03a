"""The plan PDF: the whole plan with its budget tables, a table of contents and ROC dates."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.registry import DocumentKind, register
from portal.programme import calendar

from . import selectors


def plan_pdf_context(plan):
    plan = selectors.plan_detail(plan.pk)
    return {
        "plan": plan,
        "generated_at": timezone.now(),
        **selectors.document_context(plan),
    }


PLAN_PDF = register(
    DocumentKind(
        key="plan",
        label=_("Plan PDF"),
        model="applications.Plan",
        template="pdf/plan.html",
        view_permission="applications.view_plan",
        request_permission="applications.view_plan",
        context=plan_pdf_context,
        file_name=lambda plan: (
            f"{plan.school.code}-{plan.phase.name}-計畫書-{calendar.roc_stamp()}.pdf"
        ),
    )
)
