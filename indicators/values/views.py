"""The school's pages of yearly values: thin views over the services and selectors.

Who may see a school's values is ``access.may_view_values`` (404 otherwise: others do not learn
the school reports); who may act is checked again by each service.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import require
from portal.imports.models import ImportJob
from portal.imports.services import ImportRefused, import_start
from portal.imports.views import job_page
from portal.programme import calendar
from portal.schools.models import School
from portal.spreadsheets import xlsx_response

from ..attainment import judge
from ..enums import REPORT_EDITABLE, ReportStatus
from ..models import PlanIndicator, ReportingWindow, ValueEvidence, YearReport
from . import access, charts, excel, selectors, services
from .downloads import table_response
from .forms import CommentForm, EvidenceForm, UploadForm, ValueForm


def get_school(request, code) -> School:
    school = School.objects.filter(code=code).select_related("district", "county").first()
    access.visible_or_404(request, school)
    return school


@dataclass
class ReportPage:
    school: School
    plan: object
    year: int
    report: object
    window: object

    @property
    def window_state(self):
        return services.window_state(self.window)


def get_report(request, code, year) -> ReportPage:
    school = get_school(request, code)
    plan = selectors.plan_for_year(school, year)
    if plan is None:
        raise Http404
    return ReportPage(
        school=school,
        plan=plan,
        year=year,
        report=selectors.report_of(plan, year),
        window=selectors.window_of(year),
    )


def _can_edit(request, page: ReportPage) -> bool:
    user = request.user
    if not user.has_perm("indicators.edit_values", page.school):
        return False
    if page.report is None:
        return page.window_state == "open"
    return page.report.status in REPORT_EDITABLE and services.may_still_submit(page.report)


def values_home(request):
    """Where the menu's "績效指標" leads: the ministry's board, or one's school."""
    user = request.user
    if user.has_perm("indicators.view_national"):
        return redirect("indicators:values_board")
    schools = list(School.objects.filter(pk__in=user.school_ids()).order_by("code"))
    if len(schools) == 1:
        return redirect("indicators:values_school", schools[0].code)
    visible = [s for s in access.candidates(user, _supported_schools()) if access.can_view(user, s)]
    if not schools and not visible:
        raise PermissionDenied
    return render(
        request,
        "indicators/values/home.html",
        {"schools": schools or visible},
    )


def _supported_schools():
    from applications.models import PlanYear

    ids = PlanYear.objects.values("plan__school")
    return School.objects.filter(pk__in=ids).select_related("district").order_by("code")


def values_school(request, code):
    school = get_school(request, code)
    years = selectors.supported_plan_years(school)
    reports = {(r.plan_id, r.academic_year): r for r in school.indicator_reports.all()}
    windows = {w.academic_year: w for w in ReportingWindow.objects.all()}
    rows = [
        {
            "year": y,
            "report": reports.get((y.plan_id, y.academic_year)),
            "window": windows.get(y.academic_year),
            "window_state": services.window_state(windows.get(y.academic_year)),
        }
        for y in years
    ]
    return render(
        request,
        "indicators/values/school.html",
        {"school": school, "rows": rows},
    )


# --- The report of a year ------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    style: str = "primary"
    comment: str = ""  # "", "optional" or "required"
    confirm: str = ""


def report_actions(request, page: ReportPage) -> list[Action]:
    user, report, school = request.user, page.report, page.school
    status = report.status if report else ReportStatus.DRAFT
    actions = []
    if (
        status in REPORT_EDITABLE
        and user.has_perm("indicators.edit_values", school)
        and report is not None
        and services.may_still_submit(report)
    ):
        actions.append(
            Action("send_to_principal", gettext_lazy("Send to the principal for sign-off"))
        )
    if status == ReportStatus.AWAITING_PRINCIPAL:
        if user.has_perm("indicators.sign_off_values", school):
            actions.append(
                Action(
                    "approve",
                    gettext_lazy("Sign off and submit to the ministry"),
                    "success",
                    "optional",
                    gettext_lazy(
                        "Submit these values to the ministry? They cannot be changed afterwards."
                    ),
                )
            )
            actions.append(
                Action(
                    "send_back",
                    gettext_lazy("Send back to the coordinator"),
                    "outline-danger",
                    "required",
                )
            )
        if user.has_perm("indicators.edit_values", school):
            actions.append(
                Action("recall", gettext_lazy("Recall to change them"), "outline-secondary")
            )
    if status == ReportStatus.SUBMITTED and user.has_perm("indicators.decide_values", school):
        actions.append(Action("accept", gettext_lazy("Accept the values"), "success", "optional"))
        actions.append(
            Action("return", gettext_lazy("Return for correction"), "outline-danger", "required")
        )
    if status == ReportStatus.ACCEPTED and user.has_perm("indicators.decide_values", school):
        actions.append(
            Action(
                "reopen",
                gettext_lazy("Reopen for a correction"),
                "outline-danger",
                "required",
                gettext_lazy(
                    "Reopen the accepted values? The school will correct and sign them off again."
                ),
            )
        )
    return actions


def _row_forms(rows, data=None):
    forms = {}
    for row in rows:
        forms[row.plan_indicator.pk] = ValueForm(
            data,
            prefix=f"v{row.plan_indicator.pk}",
            initial={
                "numerator": _plain(row.numerator),
                "denominator": _plain(row.denominator),
                "value": _plain(row.value),
                "note": row.note,
                "revision": row.revision,
            },
        )
    return forms


def _plain(number):
    """A stored number as people write it: 12.5, not 12.5000."""
    if number is None:
        return ""
    text = format(number.normalize(), "f")
    return text


def report_page(request, code, year):
    page = get_report(request, code, year)
    rows = selectors.report_rows(page.plan, year, page.report)
    editable = _can_edit(request, page)
    forms = _row_forms(rows)
    return render(
        request,
        "indicators/values/report.html",
        {
            "page": page,
            "school": page.school,
            "year": year,
            "report": page.report,
            "rows": [(row, forms[row.plan_indicator.pk]) for row in rows],
            "editable": editable,
            "actions": report_actions(request, page),
            "events": selectors.report_events(page.report),
            "comment_form": CommentForm(),
            "met": sum(1 for r in rows if r.attainment == "met"),
            "judged": sum(1 for r in rows if r.attainment in ("met", "not_met")),
            "reported": sum(1 for r in rows if r.value is not None),
        },
    )


@require_POST
def value_save(request, code, year, pk):
    page = get_report(request, code, year)
    require(request, "indicators.edit_values", page.school)
    plan_indicator = get_object_or_404(
        PlanIndicator.objects.select_related("indicator"),
        pk=pk,
        plan=page.plan,
        not_applicable=False,
    )
    form = ValueForm(request.POST, prefix=f"v{pk}")
    form.is_valid()
    data = form.cleaned_data
    conflict = None
    error = None
    try:
        report = page.report or services.report_start(
            plan=page.plan, academic_year=year, by=request.user
        )
        services.value_save(
            report=report,
            plan_indicator=plan_indicator,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            value=data.get("value"),
            note=data.get("note", ""),
            revision=data.get("revision"),
            by=request.user,
        )
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    except services.EditConflict as exc:
        conflict = exc.current
    except services.ValuesError as exc:
        error = str(exc)
    else:
        if not request.htmx:
            messages.success(
                request, _("Saved: %(name)s.") % {"name": plan_indicator.indicator.name}
            )
            return redirect(reverse("indicators:values_report", args=[code, year]) + f"#row-{pk}")
        page = get_report(request, code, year)
        row = _one_row(page, pk)
        return render(
            request,
            "indicators/values/_row.html",
            {
                "row": row,
                "form": _row_forms([row])[pk],
                "editable": True,
                "page": page,
                "saved": True,
            },
        )
    if not request.htmx:
        messages.error(
            request,
            error
            or _("The value was not saved: %(name)s.") % {"name": plan_indicator.indicator.name},
        )
        if error:
            return redirect("indicators:values_report", code, year)
        # Show the page with what was typed kept and the refusal beside it.
        rows = selectors.report_rows(page.plan, year, page.report)
        forms = _row_forms(rows)
        forms[pk] = form
        response = render(
            request,
            "indicators/values/report.html",
            {
                "page": page,
                "school": page.school,
                "year": year,
                "report": page.report,
                "rows": [(r, forms[r.plan_indicator.pk]) for r in rows],
                "editable": True,
                "actions": report_actions(request, page),
                "events": selectors.report_events(page.report),
                "comment_form": CommentForm(),
            },
            status=422,
        )
        return response
    row = _one_row(get_report(request, code, year), pk)
    if conflict is not None:
        data = form.data.copy()
        data[f"v{pk}-revision"] = conflict.revision
        form = ValueForm(data, prefix=f"v{pk}")
        form.is_valid()
    return render(
        request,
        "indicators/values/_row.html",
        {
            "row": row,
            "form": form,
            "editable": True,
            "page": page,
            "conflict": conflict,
            "error": error,
        },
        status=409 if conflict is not None else 422,
    )


def _one_row(page: ReportPage, pk: int):
    for row in selectors.report_rows(page.plan, page.year, page.report):
        if row.plan_indicator.pk == pk:
            return row
    raise Http404


@require_POST
def report_action(request, code, year, action):
    page = get_report(request, code, year)
    if action in ("accept", "return", "reopen"):
        require(request, "indicators.decide_values", page.school)
    report = page.report
    if report is None:
        messages.error(request, _("Nothing has been reported for this year yet."))
        return redirect("indicators:values_report", code, year)
    form = CommentForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    by = request.user
    done = {
        "send_to_principal": (
            lambda: services.report_send_to_principal(report=report, by=by),
            _("The values were sent to the principal."),
        ),
        "recall": (
            lambda: services.report_recall(report=report, by=by),
            _("The values are back in draft."),
        ),
        "approve": (
            lambda: services.report_principal_approve(report=report, by=by, comment=comment),
            _("The values were signed off and submitted to the ministry."),
        ),
        "send_back": (
            lambda: services.report_principal_send_back(report=report, by=by, comment=comment),
            _("The values were sent back to the coordinator."),
        ),
        "accept": (
            lambda: services.report_accept(report=report, by=by, comment=comment),
            _("The values were accepted."),
        ),
        "return": (
            lambda: services.report_return(report=report, by=by, comment=comment),
            _("The values were returned to the school for correction."),
        ),
        "reopen": (
            lambda: services.report_reopen(report=report, by=by, comment=comment),
            _("The values were reopened for a correction."),
        ),
    }
    if action not in done:
        raise Http404
    act, success = done[action]
    try:
        act()
    except services.ValuesError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("indicators:values_report", code, year)


# --- One value: its history and evidence ---------------------------------------------------


def value_detail(request, code, year, pk):
    page = get_report(request, code, year)
    row = _one_row(page, pk)
    editable = _can_edit(request, page) and row.year_value is not None
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request, "indicators.edit_values", page.school)
        if row.year_value is None:
            messages.error(request, _("Save the value first, then attach its evidence."))
            return redirect("indicators:values_value", code, year, pk)
        if form.is_valid():
            try:
                services.evidence_add(
                    year_value=row.year_value,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            except services.ValuesError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The file was attached."))
                return redirect("indicators:values_value", code, year, pk)
    return render(
        request,
        "indicators/values/value.html",
        {
            "page": page,
            "school": page.school,
            "year": year,
            "row": row,
            "history": selectors.value_history(row.year_value) if row.year_value else [],
            "form": form,
            "editable": editable,
        },
    )


def _evidence(request, pk) -> ValueEvidence:
    evidence = (
        ValueEvidence.objects.select_related("year_value__report__school").filter(pk=pk).first()
    )
    access.visible_or_404(request, evidence.year_value.report.school if evidence else None)
    return evidence


def evidence_download(request, pk):
    """Evidence is private: served only here, to those who may see the school's values."""
    evidence = _evidence(request, pk)
    if evidence.removed_at and not request.user.has_perm(
        "indicators.decide_values", evidence.year_value.report.school
    ):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_remove(request, pk):
    evidence = _evidence(request, pk)
    report = evidence.year_value.report
    require(request, "indicators.edit_values", report.school)
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except services.ValuesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file was removed from the value."))
    return redirect(
        "indicators:values_value",
        report.school.code,
        report.academic_year,
        evidence.year_value.plan_indicator_id,
    )


# --- Excel ---------------------------------------------------------------------------------


def template_download(request, code, year):
    page = get_report(request, code, year)
    rows = selectors.report_rows(page.plan, year, page.report)
    data = excel.template_bytes(
        school=page.school,
        year=year,
        rows=rows,
        fingerprint=str(page.report.revision if page.report else 0),
    )
    return xlsx_response(data, f"{page.school.code}-{year}學年度-績效指標填報.xlsx")


def upload(request, code, year):
    """The upload only keeps the file and queues its reading (a Celery job); the preview page
    follows it, then lists what would change."""
    page = get_report(request, code, year)
    require(request, "indicators.edit_values", page.school)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = page.report or services.report_start(
                plan=page.plan, academic_year=year, by=request.user
            )
            if not _can_edit(request, get_report(request, code, year)):
                raise services.ValuesError(_("The values of this year cannot be changed now."))
            job = import_start(
                kind=excel.KIND, upload=form.cleaned_data["file"], by=request.user, target=report
            )
        except (ImportRefused, services.ValuesError) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("indicators:values_upload_preview", code, year, job.pk)
    return render(
        request,
        "indicators/values/upload.html",
        {"page": page, "school": page.school, "year": year, "form": form, "columns": excel.COLUMNS},
    )


def upload_preview(request, code, year, pk):
    page = get_report(request, code, year)
    require(request, "indicators.edit_values", page.school)
    if page.report is None:
        raise Http404
    job = get_object_or_404(
        ImportJob,
        pk=pk,
        kind=excel.KIND,
        target_type=ContentType.objects.get_for_model(YearReport),
        target_id=page.report.pk,
    )
    return job_page(
        request,
        job,
        template="indicators/values/upload_preview.html",
        context={
            "page": page,
            "school": page.school,
            "year": year,
            "preview_template": "indicators/values/_upload_changes.html",
        },
        can_apply=True,
        done_url=reverse("indicators:values_report", args=[code, year]),
    )


def school_export(request, code):
    """The school's values of every year, with targets and attainment, in one workbook."""
    school = get_school(request, code)
    years, rows_by_year = [], {}
    for plan_year in sorted(selectors.supported_plan_years(school), key=lambda y: y.academic_year):
        report = selectors.report_of(plan_year.plan, plan_year.academic_year)
        rows = selectors.report_rows(plan_year.plan, plan_year.academic_year, report)
        label = report.get_status_display() if report else _("Not started")
        for row in rows:
            row.status_label = str(label)
        years.append(plan_year.academic_year)
        rows_by_year[plan_year.academic_year] = rows
    data = excel.school_values_bytes(school=school, years=years, rows_by_year=rows_by_year)
    return xlsx_response(data, f"{school.code}-績效指標歷年實際值.xlsx")


# --- The school's charts -------------------------------------------------------------------


def school_charts(request, code):
    """Per indicator its baseline, targets and actual values over the years of the phase;
    per item the share of its indicators met, each with a table and a download."""
    school = get_school(request, code)
    plan_years = selectors.supported_plan_years(school)
    plans = []
    for plan_year in plan_years:
        if plan_year.plan not in plans:
            plans.append(plan_year.plan)
    plan_id = request.GET.get("plan")
    plan = next((p for p in plans if str(p.pk) == plan_id), plans[0] if plans else None)
    if plan is None:
        return render(request, "indicators/values/charts.html", {"school": school, "plan": None})
    years = plan.phase.years
    trends = selectors.plan_trends(plan)
    attainment = selectors.item_attainment(plan, years, trends)
    download = request.GET.get("download")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    baseline_year = plan.phase.start_year - 1
    if download == "items":
        headers = [
            _("Item"),
            *[f"{y}學年度 {_('met')}/{_('judged')}" for y in years],
            *[f"{y}學年度 %" for y in years],
        ]
        body = []
        for number in sorted({n for a in attainment.values() for n in a.items}):
            shares = [attainment[y].items.get(number) for y in years]
            body.append(
                [selectors.item_name(number)]
                + [f"{s.met}/{s.judged}" if s else "" for s in shares]
                + [s.share if s and s.share is not None else "" for s in shares]
            )
        return table_response(
            headers=headers, rows=body, filename=f"{school.code}-各項目達成率", fmt=fmt
        )
    if download == "trends":
        headers = [_("Indicator"), _("Programme items"), _("Unit"), _("Direction"), _("Baseline")]
        for y in years:
            headers += [f"{y} {_('Target')}", f"{y} {_('Actual')}"]
        body = []
        for t in trends:
            line = [
                t.row.indicator.name,
                "、".join(map(str, t.items)),
                t.row.indicator.unit,
                t.row.indicator.get_direction_display(),
                t.row.baseline,
            ]
            for y in years:
                line += [t.targets.get(y), t.actuals.get(y)]
            body.append(line)
        return table_response(
            headers=headers, rows=body, filename=f"{school.code}-指標趨勢", fmt=fmt
        )
    items = sorted({n for a in attainment.values() for n in a.items})
    item_rows = []
    for number in items:
        item_rows.append(
            {
                "number": number,
                "name": selectors.item_name(number),
                "shares": [attainment[y].items.get(number) for y in years],
            }
        )
    item_chart = charts.item_attainment(
        [row["name"] for row in item_rows],
        [
            (
                calendar.format_academic_year(year),
                [
                    (row["shares"][i].met, row["shares"][i].judged) if row["shares"][i] else (0, 0)
                    for row in item_rows
                ],
            )
            for i, year in enumerate(years)
        ],
    )
    trend_charts = [
        {
            "trend": t,
            "chart": charts.indicator_trend(
                baseline=t.row.baseline,
                baseline_year=baseline_year,
                years=years,
                targets=t.targets,
                actuals=t.actuals,
                unit=t.row.indicator.unit,
            ),
            "id": f"trend-{t.row.pk}",
            "attainment": {
                y: judge(t.actuals.get(y), t.targets.get(y), t.row.indicator.direction)
                for y in years
            },
        }
        for t in trends
    ]
    return render(
        request,
        "indicators/values/charts.html",
        {
            "school": school,
            "plan": plan,
            "plans": plans,
            "years": years,
            "baseline_year": baseline_year,
            "item_rows": item_rows,
            "item_chart": item_chart,
            "trend_charts": trend_charts,
            "overall": {y: attainment[y].overall for y in years},
        },
    )
