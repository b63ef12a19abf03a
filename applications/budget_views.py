"""The budget page: lines added, changed and removed in place (htmx), totals, Excel."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import require
from portal.forms import PortalForm
from portal.imports.models import ImportJob
from portal.imports.services import ImportRefused, import_start
from portal.imports.views import job_page
from portal.programme import calendar
from portal.spreadsheets import workbook_bytes, xlsx_response

from . import budget, services
from .budget import (
    EditConflict,
    RevisionMissing,
    budget_lines,
    budget_problems,
    budget_summary,
)
from .budget_import import KIND as IMPORT_KIND
from .budget_import import MAX_ROWS as IMPORT_MAX_ROWS
from .budget_import import TYPE_NAMES
from .enums import EXPENSE_ORDER, ExpenseType, FiscalHalf, SectionKey
from .models import BudgetLine
from .sections import SignoffForm
from .views import can_edit, can_edit_budget, get_plan, plan_context


class BudgetLineForm(forms.Form):
    """One line's fields; the rules are checked by ``budget.clean_line_values``."""

    sub_plan = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Sub-plan"))
    academic_year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Academic year"))
    expense_type = forms.ChoiceField(
        choices=[(t.value, t.label) for t in EXPENSE_ORDER], label=gettext_lazy("Expense type")
    )
    name = forms.CharField(max_length=100, label=gettext_lazy("Item"))
    unit = forms.CharField(max_length=20, label=gettext_lazy("Unit"))
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, label=gettext_lazy("Quantity"))
    unit_price = forms.DecimalField(
        max_digits=14, decimal_places=3, label=gettext_lazy("Unit price (NT$ thousand)")
    )
    subsidy = forms.DecimalField(
        max_digits=14, decimal_places=3, label=gettext_lazy("Subsidy (NT$ thousand)")
    )
    fiscal_half = forms.ChoiceField(choices=FiscalHalf.choices, label=gettext_lazy("Spent in"))
    purpose = forms.CharField(max_length=300, required=False, label=gettext_lazy("Purpose"))
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["sub_plan"].queryset = plan.subplans.order_by("item", "order", "pk")
        self.fields["sub_plan"].label_from_instance = lambda s: f"{s.item}-{s.title}"
        self.fields["academic_year"].choices = [(y, str(y)) for y in plan.phase.years]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.cleaned_line = budget.clean_line_values(self.plan, data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return data


def _page_context(request, plan, **extra):
    lines = budget_lines(plan)
    subplans = list(plan.subplans.order_by("item", "order", "pk"))
    summary = budget_summary(plan, lines=lines, subplans=subplans)
    signoff = plan.sections.get(key=SectionKey.SIGNOFF)
    editable = can_edit(request, plan)
    signoff_form = SignoffForm(initial=signoff.data)
    if not editable:
        for field in signoff_form.fields.values():
            field.disabled = True
    context = plan_context(
        request,
        plan,
        "budget",
        summary=summary,
        lines_by_year={y.year: y.lines for y in summary.years},
        problems=budget_problems(plan, summary),
        subplans=subplans,
        new_forms={
            year: BudgetLineForm(plan=plan, initial={"academic_year": year}, prefix=f"new{year}")
            for year in plan.phase.years
        },
        signoff=signoff,
        signoff_form=signoff_form,
        approved={y.academic_year: y.approved_amount for y in plan.years.all()},
        cap_percent=budget.overhead_percent(),
        **extra,
    )
    # The lines may also change after an approval below the request (BUD-5).
    context["can_edit_lines"] = can_edit_budget(request, plan)
    context["wide"] = True
    return context


def budget_page(request, pk):
    plan = get_plan(request, pk)
    return render(request, "applications/budget.html", _page_context(request, plan))


def _totals_response(request, plan, template, context, status=200):
    """A fragment, plus the year's totals and the warnings swapped in out of band."""
    page = _page_context(request, plan)
    return render(
        request,
        template,
        {**page, **context, "oob": True},
        status=status,
    )


@require_POST
def line_create(request, pk):
    plan = get_plan(request, pk, "applications.edit_plan")
    year = _year(request, plan)
    form = BudgetLineForm(request.POST, plan=plan, prefix=f"new{year}")
    if form.is_valid():
        try:
            line = budget.budget_line_save(
                plan=plan, line=None, values=form.cleaned_line, revision=None, by=request.user
            )
        except services.PlanError as exc:
            return _refuse(request, plan, str(exc))
        if not request.htmx:
            messages.success(request, _("The line was added."))
            return redirect("applications:budget", plan.pk)
        fresh = BudgetLineForm(plan=plan, initial=_defaults_after(line), prefix=f"new{year}")
        return _totals_response(
            request,
            plan,
            "applications/budget/_created.html",
            {"line": line, "year": year, "form": fresh},
        )
    if not request.htmx:
        messages.error(request, _("The line was not added: check the fields marked in red."))
        return render(request, "applications/budget.html", _page_context(request, plan), status=422)
    return render(
        request,
        "applications/budget/_new_form.html",
        {"plan": plan, "form": form, "year": year, "can_edit_lines": True},
        status=422,
    )


def _year(request, plan):
    for key in request.POST:
        if key.startswith("new") and key.endswith("-academic_year"):
            try:
                year = int(request.POST[key])
            except ValueError:
                break
            if year in plan.phase.years:
                return year
    raise Http404


def _defaults_after(line):
    """The next line starts with the last one's sub-plan, type and timing: rows go in fast."""
    return {
        "academic_year": line.academic_year,
        "sub_plan": line.sub_plan_id,
        "expense_type": line.expense_type,
        "fiscal_half": line.fiscal_half,
    }


def line_detail(request, pk, line_pk):
    plan = get_plan(request, pk)
    line = BudgetLine.objects.select_related("sub_plan").filter(pk=line_pk, plan=plan).first()
    if line is None and request.method == "POST" and request.htmx:
        # Removed by someone else while this row was being edited: say so, keep what was typed.
        require(request, "applications.edit_plan", plan)
        form = BudgetLineForm(request.POST, plan=plan, prefix=f"line{line_pk}")
        return _conflict(request, plan, BudgetLine(pk=line_pk), form, None)
    if line is None:
        raise Http404
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        form = BudgetLineForm(request.POST, plan=plan, prefix=f"line{line.pk}")
        if form.is_valid():
            try:
                line = budget.budget_line_save(
                    plan=plan,
                    line=line,
                    values=form.cleaned_line,
                    revision=form.cleaned_data.get("revision"),
                    by=request.user,
                )
            except EditConflict as exc:
                return _conflict(request, plan, line, form, exc.current)
            except RevisionMissing as exc:
                # Shown like a conflict: the stored line next to what was typed, so that
                # saving again is a choice made knowing what is there.
                return _conflict(request, plan, line, form, line, refusal=str(exc))
            except services.PlanError as exc:
                return _refuse(request, plan, str(exc))
            return _totals_response(request, plan, "applications/budget/_row.html", {"line": line})
        return render(
            request,
            "applications/budget/_edit_row.html",
            {"plan": plan, "line": line, "form": form},
            status=422,
        )
    if request.GET.get("edit") and can_edit_budget(request, plan):
        form = BudgetLineForm(
            plan=plan,
            prefix=f"line{line.pk}",
            initial={
                "sub_plan": line.sub_plan_id,
                "academic_year": line.academic_year,
                "expense_type": line.expense_type,
                "name": line.name,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "subsidy": line.subsidy,
                "fiscal_half": line.fiscal_half,
                "purpose": line.purpose,
                "revision": line.revision,
            },
        )
        return render(
            request,
            "applications/budget/_edit_row.html",
            {"plan": plan, "line": line, "form": form},
        )
    return render(
        request,
        "applications/budget/_row.html",
        {"plan": plan, "line": line, "can_edit_lines": can_edit_budget(request, plan)},
    )


def _conflict(request, plan, line, form, current, refusal=None):
    """Someone else changed or removed the line (or the save did not say which version it
    changed): show the stored version, keep what was typed."""
    if current is None:
        return render(
            request,
            "applications/budget/_gone_row.html",
            {"plan": plan, "line": line, "form": form},
            status=409,
        )
    data = form.data.copy()
    data[f"line{line.pk}-revision"] = current.revision
    form = BudgetLineForm(data, plan=plan, prefix=f"line{line.pk}")
    form.is_valid()
    return render(
        request,
        "applications/budget/_edit_row.html",
        {"plan": plan, "line": current, "form": form, "conflict": current, "refusal": refusal},
        status=409,
    )


def _refuse(request, plan, message):
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = plan.get_absolute_url()
        messages.error(request, message)
        return response
    messages.error(request, message)
    return redirect(plan)


@require_POST
def line_delete(request, pk, line_pk):
    plan = get_plan(request, pk, "applications.edit_plan")
    line = BudgetLine.objects.filter(pk=line_pk, plan=plan).first()
    if line is not None:
        try:
            budget.budget_line_delete(
                plan=plan, line=line, revision=_int(request.POST.get("revision")), by=request.user
            )
        except EditConflict as exc:
            if exc.current is None:
                return _totals_response(request, plan, "applications/budget/_deleted.html", {})
            return render(
                request,
                "applications/budget/_row.html",
                {
                    "plan": plan,
                    "line": exc.current,
                    "can_edit_lines": True,
                    "notice": _(
                        "Someone changed this line since you loaded it: check it before "
                        "removing it."
                    ),
                },
                status=409,
            )
        except (RevisionMissing, services.PlanError) as exc:
            return _refuse(request, plan, str(exc))
    if not request.htmx:
        messages.success(request, _("The line was removed."))
        return redirect("applications:budget", plan.pk)
    return _totals_response(request, plan, "applications/budget/_deleted.html", {})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Excel ---------------------------------------------------------------------------------

COLUMNS = [
    "學年度",
    "子計畫",
    "經費類別",
    "項目名稱",
    "單位",
    "數量",
    "單價(仟元)",
    "總價(仟元)",
    "補助款(仟元)",
    "自籌款(仟元)",
    "會計年度",
    "說明",
]


def budget_export(request, pk):
    """The estimate as a workbook: the lines, then the totals the page shows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    plan = get_plan(request, pk)
    lines = budget_lines(plan)
    summary = budget_summary(plan, lines=lines)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "經費概算表"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # In the page's order: per year, 經常門 (業務費, then 雜支) before 資本門 (BUD-1).
    for line in (line for year in summary.years for line in year.lines):
        sheet.append(
            [
                line.academic_year,
                f"{line.sub_plan.item}-{line.sub_plan.title}",
                TYPE_NAMES[ExpenseType(line.expense_type)],
                line.name,
                line.unit,
                line.quantity,
                line.unit_price,
                line.total,
                line.subsidy,
                line.own_funds,
                line.fiscal_year,
                line.purpose,
            ]
        )
    totals = workbook.create_sheet("合計")
    totals.append(["學年度", "總價(仟元)", "補助款(仟元)", "自籌款(仟元)"])
    for year in summary.years:
        totals.append([year.year, year.money.total, year.money.subsidy, year.money.own_funds])
    totals.append(["合計", summary.grand.total, summary.grand.subsidy, summary.grand.own_funds])
    totals.append([])
    totals.append(["會計年度", "總價(仟元)", "補助款(仟元)", "自籌款(仟元)"])
    for fiscal, money in summary.by_fiscal_year:
        totals.append([fiscal, money.total, money.subsidy, money.own_funds])
    for row in (*sheet.iter_rows(min_row=2), *totals.iter_rows(min_row=2)):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.000"
    # The workbook remembers which budget it was exported from: importing it back is
    # refused if someone changed the budget in between.
    marker = workbook.create_sheet("portal")
    marker.append(["budget-fingerprint", budget.budget_fingerprint(plan)])
    marker.append(["plan", plan.pk])
    marker.sheet_state = "hidden"
    name = (
        f"{plan.school.code}-經費概算表-{plan.phase.start_year}-{plan.phase.end_year}"
        f"-{calendar.roc_stamp()}.xlsx"
    )
    return xlsx_response(workbook_bytes(workbook), name)


class BudgetImportForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) with the columns of the export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("I understand that the import replaces every line of the budget."),
    )


def _import_jobs(plan):
    return ImportJob.objects.filter(
        kind=IMPORT_KIND,
        target_type=ContentType.objects.get_for_model(plan),
        target_id=plan.pk,
    ).select_related("uploaded_by")


def budget_import(request, pk):
    """The upload only keeps the file and queues its reading (a Celery job): the page of the
    job shows the progress, then the lines read and the rows in error."""
    plan = get_plan(request, pk)
    form = BudgetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        if form.is_valid():
            try:
                job = import_start(
                    kind=IMPORT_KIND,
                    upload=form.cleaned_data["file"],
                    by=request.user,
                    target=plan,
                )
            except ImportRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("applications:budget_import_job", plan.pk, job.pk)
    return render(
        request,
        "applications/budget_import.html",
        plan_context(
            request,
            plan,
            "budget",
            form=form,
            columns=COLUMNS,
            max_rows=IMPORT_MAX_ROWS,
            import_max_bytes=settings.IMPORT_MAX_BYTES,
            recent=_import_jobs(plan)[:5],
        ),
    )


def budget_import_job(request, pk, job_pk):
    plan = get_plan(request, pk)
    job = get_object_or_404(_import_jobs(plan), pk=job_pk)
    return job_page(
        request,
        job,
        template="applications/budget_import_job.html",
        context=plan_context(
            request, plan, "budget", preview_template="applications/budget/_import_preview.html"
        ),
        can_apply=request.user.has_perm("applications.edit_plan", plan),
        done_url=reverse("applications:budget", args=[plan.pk]),
    )
