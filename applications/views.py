"""Pages of the plan: thin views over the services and selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import paginate, require, visible_or_404
from portal.documents.selectors import documents_for
from portal.programme import calendar
from portal.schools.models import School
from portal.schools.selectors import school_eligibility
from portal.spreadsheets import workbook_bytes, xlsx_response

from . import selectors, services
from .budget import EditConflict, RevisionMissing, budget_summary
from .enums import EDITABLE, PlanStatus, SectionKey
from .forms import (
    AttachmentForm,
    CommentForm,
    PlanFilter,
    ReturnForm,
    SubPlanForm,
    TeacherForm,
)
from .hooks import previous_results
from .items import EXCHANGE_GUIDANCE, ITEMS
from .models import DesignatedTeacher, Plan, PlanAttachment, PlanVersion, SubPlan
from .sections import SECTION_FORMS, TEXT_SECTIONS


def get_plan(request, pk, perm="applications.view_plan") -> Plan:
    """The plan, or 404 when the user may not see it (nobody learns it exists)."""
    try:
        plan = selectors.plan_detail(pk)
    except Plan.DoesNotExist:
        plan = None
    visible_or_404(request, "applications.view_plan", plan)
    if perm != "applications.view_plan":
        require(request, perm, plan)
    return plan


def can_edit(request, plan) -> bool:
    return plan.status in EDITABLE and request.user.has_perm("applications.edit_plan", plan)


def can_edit_budget(request, plan) -> bool:
    return services.plan_budget_editable(plan) and request.user.has_perm(
        "applications.edit_plan", plan
    )


def plan_context(request, plan, active, **extra):
    user = request.user
    return {
        "plan": plan,
        "active": active,
        "can_edit": can_edit(request, plan),
        "can_list_plans": user.has_perm("applications.list_all_plans") or bool(user.school_ids()),
        "can_see_versions": user.has_perm("applications.see_versions", plan),
        "text_sections": [
            (key, SectionKey(key).label)
            for key in TEXT_SECTIONS
            if key != SectionKey.PREVIOUS_RESULTS or plan.kind == "follow_up"
        ],
        **extra,
    }


# --- Lists and starting --------------------------------------------------------------------------


def plan_list(request):
    if not (request.user.has_perm("applications.list_all_plans") or request.user.school_ids()):
        require(request, "applications.list_all_plans")
    base = selectors.plans_for(request.user)
    filterset = PlanFilter(request.GET, queryset=base)
    plans = selectors.plan_list_prefetch(filterset.qs).order_by(
        "-phase__start_year", "school__district__order", "school__code"
    )
    starts = []
    if not request.user.has_perm("applications.list_all_plans"):
        for school in School.objects.filter(pk__in=request.user.school_ids(), is_active=True):
            refused = services.plan_start_refusal(school, request.user)
            if refused is None or refused.kind == "rule":
                starts.append((school, str(refused) if refused else ""))
    return render(
        request,
        "applications/plan_list.html",
        {
            "filter": filterset,
            "page": paginate(request, plans, per_page=50),
            "counts": selectors.status_counts(filterset.qs),
            "statuses": PlanStatus.choices,
            "is_ministry": request.user.has_perm("applications.list_all_plans"),
            "starts": starts,
            "open_phase": services.open_phase(),
        },
    )


def plan_start(request, code):
    school = get_object_or_404(School, code=code)
    visible_or_404(request, "schools.view_school", school)
    require(request, "applications.start_plan", school)
    eligibility = school_eligibility(school)
    phase = services.open_phase()
    existing = Plan.objects.filter(school=school, phase=phase).first() if phase else None
    if request.method == "POST":
        try:
            plan = services.plan_start(school=school, by=request.user)
        except services.PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The plan was started. Write it part by part; it saves as you go.")
            )
            return redirect(plan)
    return render(
        request,
        "applications/plan_start.html",
        {
            "school": school,
            "eligibility": eligibility,
            "phase": phase,
            "existing": existing,
            "refusal": services.plan_start_refusal(school, request.user),
        },
    )


# --- The plan's overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    style: str = "primary"
    comment: str = ""  # "", "optional" or "required"
    confirm: str = ""
    refusal: str = ""  # why it cannot be done now: shown instead of the button


#: The plan's actions, each with the service's own refusal (the one the POST runs into).
PLAN_ACTIONS = [
    (
        "send_to_principal",
        services.send_to_principal_refusal,
        gettext_lazy("Send to the principal for approval"),
        "primary",
        "",
        "",
    ),
    (
        "approve",
        services.approve_refusal,
        gettext_lazy("Approve and submit to the ministry"),
        "success",
        "optional",
        gettext_lazy("Submit the plan to the ministry? It cannot be changed afterwards."),
    ),
    (
        "send_back",
        services.send_back_refusal,
        gettext_lazy("Send back to the coordinator"),
        "outline-danger",
        "required",
        "",
    ),
    (
        "recall",
        services.recall_refusal,
        gettext_lazy("Recall to change it"),
        "outline-secondary",
        "",
        "",
    ),
    (
        "withdraw",
        services.withdraw_refusal,
        gettext_lazy("Withdraw the submission"),
        "outline-danger",
        "optional",
        gettext_lazy("Withdraw this submission?"),
    ),
    (
        "return",
        services.return_refusal,
        gettext_lazy("Return for revision"),
        "outline-danger",
        "required",
        "",
    ),
    (
        "reopen",
        services.reopen_refusal,
        gettext_lazy("Reopen as a draft"),
        "outline-primary",
        "",
        "",
    ),
    (
        "submit_budget_revision",
        services.budget_revision_refusal,
        gettext_lazy("Submit the revised budget"),
        "success",
        "optional",
        "",
    ),
    (
        "continue",
        services.continue_refusal,
        gettext_lazy("Start the continuation for the next year"),
        "primary",
        "",
        gettext_lazy("Start next year's continuation plan?"),
    ),
]


def plan_actions(request, plan, checklist=None) -> list[Action]:
    """The actions of this person at this stage of the plan: a button when the service would
    accept it, else the service's reason in a sentence (never a button that cannot work)."""
    actions = []
    for name, refusal, label, style, comment, confirm in PLAN_ACTIONS:
        if name in ("send_to_principal", "approve") and checklist:
            refused = refusal(plan, request.user, checklist=checklist)
        else:
            refused = refusal(plan, request.user)
        if refused is None:
            actions.append(Action(name, label, style, comment, confirm))
        elif refused.kind == "rule":
            actions.append(Action(name, label, style, refusal=str(refused)))
    return actions


def plan_detail(request, pk):
    plan = get_plan(request, pk)
    summary = budget_summary(plan)
    checklist = selectors.plan_checklist(plan, summary) if plan.status in EDITABLE else []
    return render(
        request,
        "applications/plan_detail.html",
        plan_context(
            request,
            plan,
            "overview",
            actions=plan_actions(request, plan, checklist),
            checklist=checklist,
            done=sum(1 for c in checklist if c.ok),
            events=plan.events.select_related("actor"),
            versions=plan.versions.defer("snapshot").select_related("submitted_by"),
            years=plan.years.select_related("set_by"),
            documents=documents_for(plan, kind="plan", user=request.user),
            budget_revision=selectors.latest_budget_revision(plan),
            can_request_pdf=True,
            summary=summary,
            return_form=ReturnForm(),
            comment_form=CommentForm(),
        ),
    )


@require_POST
def plan_action(request, pk, action):
    plan = get_plan(request, pk)
    if action == "return":
        # A ministry action: other roles are refused outright, like on the other ministry pages.
        require(request, "applications.return_plan", plan)
    form = (ReturnForm if action == "return" else CommentForm)(request.POST)
    if not form.is_valid() and "revision_due" in form.errors:
        # A due date that is not a date: say so rather than return the plan without it.
        for message in form.errors["revision_due"]:
            messages.error(request, message)
        return redirect(plan)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    by = request.user
    try:
        if action == "send_to_principal":
            services.plan_send_to_principal(plan=plan, by=by)
            messages.success(request, _("The plan was sent to the principal."))
        elif action == "recall":
            services.plan_recall(plan=plan, by=by)
            messages.success(request, _("The plan is back in draft."))
        elif action == "approve":
            version = services.plan_principal_approve(plan=plan, by=by, comment=comment)
            messages.success(
                request,
                _("The plan was submitted to the ministry as version %(n)s.")
                % {"n": version.number},
            )
        elif action == "send_back":
            services.plan_principal_send_back(plan=plan, by=by, comment=comment)
            messages.success(request, _("The plan was sent back to the coordinator."))
        elif action == "withdraw":
            services.plan_withdraw(plan=plan, by=by, comment=comment)
            messages.success(request, _("The submission was withdrawn."))
        elif action == "reopen":
            services.plan_reopen(plan=plan, by=by)
            messages.success(request, _("The plan is a draft again."))
        elif action == "return":
            services.plan_return(
                plan=plan,
                by=by,
                comment=comment,
                revision_due=form.cleaned_data.get("revision_due"),
            )
            messages.success(request, _("The plan was returned to the school for revision."))
        elif action == "submit_budget_revision":
            version = services.plan_budget_revision_submit(plan=plan, by=by, comment=comment)
            messages.success(
                request,
                _("The revised budget was submitted as version %(n)s.") % {"n": version.number},
            )
        elif action == "continue":
            services.plan_continue(plan=plan, by=by)
            messages.success(request, _("The continuation plan for the next year was started."))
        else:
            raise Http404
    except services.PlanError as exc:
        messages.error(request, str(exc))
        if exc.missing:
            return redirect("applications:checklist", plan.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(plan)


def plan_read(request, pk):
    """The whole plan on one page, as the principal, the ministry and reviewers read it."""
    plan = get_plan(request, pk)
    return render(
        request,
        "applications/plan_read.html",
        plan_context(request, plan, "read", **selectors.document_context(plan)),
    )


def checklist(request, pk):
    plan = get_plan(request, pk)
    checks = selectors.plan_checklist(plan)
    return render(
        request,
        "applications/checklist.html",
        plan_context(
            request, plan, "checklist", checks=checks, done=sum(1 for c in checks if c.ok)
        ),
    )


# --- Sections ------------------------------------------------------------------------------------


def section_edit(request, pk, key):
    plan = get_plan(request, pk)
    if key not in SECTION_FORMS:
        raise Http404
    section = plan.sections.select_related("updated_by").get(key=key)
    form_class = SECTION_FORMS[key]
    # The previous phase's results (APP-4) are shown on the page, not on each autosave.
    shows_previous = key == SectionKey.PREVIOUS_RESULTS and not request.htmx
    previous = previous_results(plan, request.user) if shows_previous else None
    editable = can_edit(request, plan)
    conflict = None
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        form = form_class(request.POST)
        revision = _int(request.POST.get("revision"))
        if form.is_valid():
            try:
                section = services.section_save(
                    plan=plan, key=key, data=form.cleaned(), revision=revision, by=request.user
                )
            except EditConflict as exc:
                conflict = exc.current
            except services.PlanError as exc:
                messages.error(request, str(exc))
                return redirect(plan)
            else:
                if request.htmx:
                    return render(
                        request,
                        "applications/_saved.html",
                        {"revision": section.revision, "section": section},
                    )
                messages.success(request, _("Saved."))
                if key == SectionKey.SIGNOFF:
                    return redirect(reverse("applications:budget", args=[plan.pk]) + "#signoff")
                return redirect("applications:section_edit", plan.pk, key)
        if request.htmx:
            return render(
                request,
                "applications/_conflict.html" if conflict else "applications/_invalid.html",
                {"conflict": conflict, "form": form, "labels": _labels(form)},
            )
    else:
        initial = section.data
        if previous and not section.revision and not any(section.data.values()):
            # APP-4: a results section never written starts from the previous phase's report.
            initial = previous.prefill
        form = form_class(initial=initial)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "applications/section_form.html",
        plan_context(
            request,
            plan,
            key,
            form=form,
            section=section,
            revision=conflict.revision if conflict else section.revision,
            conflict=conflict,
            conflict_rows=_conflict_rows(form, conflict.data) if conflict else [],
            key=key,
            title=SectionKey(key).label,
            previous=previous,
        ),
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _labels(form):
    return {name: str(field.label) for name, field in form.fields.items()}


def _conflict_rows(form, theirs: dict):
    """(label, what they saved, what you typed) for every field that differs."""
    rows = []
    mine = form.cleaned_data if form.is_valid() else form.data
    for name, field in form.fields.items():
        if name == "revision":
            continue
        their_value = theirs.get(name)
        my_value = mine.get(name)
        if str(their_value or "") != str(my_value or ""):
            rows.append((field.label, their_value, my_value))
    return rows


# --- Designated teachers (NOTE-2) ----------------------------------------------------------------


def teachers(request, pk):
    plan = get_plan(request, pk)
    form = TeacherForm(request.POST or None)
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        if form.is_valid():
            try:
                services.teacher_save(plan=plan, teacher=form.instance, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            except services.PlanError as exc:
                messages.error(request, str(exc))
                return redirect(plan)
            else:
                messages.success(request, _("The teacher was added."))
                return redirect("applications:teachers", plan.pk)
    return render(
        request,
        "applications/teachers.html",
        plan_context(
            request,
            plan,
            "teachers",
            teachers=plan.teachers.all(),
            form=form,
            max_reduction=services.PUBLIC_SCHOOL_MAX_REDUCTION,
        ),
    )


@require_POST
def teacher_delete(request, pk, teacher_pk):
    plan = get_plan(request, pk, "applications.edit_plan")
    teacher = get_object_or_404(DesignatedTeacher, pk=teacher_pk, plan=plan)
    try:
        services.teacher_delete(plan=plan, teacher=teacher, by=request.user)
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The teacher was removed."))
    return redirect("applications:teachers", plan.pk)


# --- Sub-plans (ITEM-1, APP-6) -------------------------------------------------------------------


def subplan_list(request, pk):
    plan = get_plan(request, pk)
    subplans = selectors.subplans_of(plan)
    mandatory = selectors.mandatory_items(plan)
    return render(
        request,
        "applications/subplan_list.html",
        plan_context(
            request,
            plan,
            "subplans",
            rows=[(s, selectors.subplan_missing(s, plan.plan_years)) for s in subplans],
            mandatory=[ITEMS[n] for n in mandatory],
            present={s.item for s in subplans},
            has_exchange=any(s.is_exchange for s in subplans),
        ),
    )


def subplan_edit(request, pk, subplan_pk=None):
    plan = get_plan(request, pk)
    subplan = get_object_or_404(SubPlan, pk=subplan_pk, plan=plan) if subplan_pk else None
    instance = subplan or SubPlan(plan=plan)
    initial = {}
    if subplan is None:
        item = _int(request.GET.get("item"))
        if item in ITEMS:
            initial["item"] = item
        if request.GET.get("exchange"):
            initial["is_exchange"] = True
            initial["title"] = _("Inter-school exchange and observation events")
    conflict = None
    form = SubPlanForm(
        request.POST or None,
        instance=instance,
        years=plan.plan_years,
        revision=instance.revision if subplan else None,
        initial=initial,
    )
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        if form.is_valid():
            try:
                saved = services.subplan_save(
                    plan=plan,
                    subplan=form.save(commit=False),
                    revision=_int(request.POST.get("revision")),
                    by=request.user,
                )
            except EditConflict as exc:
                conflict = exc.current
            except RevisionMissing as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            except services.PlanError as exc:
                messages.error(request, str(exc))
                return redirect(plan)
            else:
                if request.htmx and subplan is not None:
                    return render(
                        request,
                        "applications/_saved.html",
                        {"revision": saved.revision, "section": saved},
                    )
                messages.success(request, _("The sub-plan was saved."))
                return redirect("applications:subplan_edit", plan.pk, saved.pk)
        if request.htmx:
            return render(
                request,
                "applications/_conflict.html" if conflict else "applications/_invalid.html",
                {"conflict": conflict, "form": form},
            )
    if not can_edit(request, plan):
        for field in form.fields.values():
            field.disabled = True
    if conflict is not None:
        form.data = form.data.copy()
        form.data["revision"] = conflict.revision
    selected = _int(form["item"].value()) or 7
    return render(
        request,
        "applications/subplan_form.html",
        plan_context(
            request,
            plan,
            "subplans",
            form=form,
            subplan=subplan,
            conflict=conflict,
            conflict_rows=_subplan_conflict_rows(form, conflict) if conflict else [],
            items=ITEMS,
            selected_item=ITEMS.get(selected),
            exchange_guidance=EXCHANGE_GUIDANCE,
        ),
    )


def _subplan_conflict_rows(form, current):
    rows = []
    for name in (
        "item",
        "title",
        "goals",
        "strategies",
        "expected_quantitative",
        "expected_qualitative",
        "owner",
    ):
        theirs = getattr(current, name)
        mine = form.cleaned_data.get(name) if form.is_valid() else form.data.get(name)
        if str(theirs or "") != str(mine or ""):
            rows.append((form.fields[name].label, theirs, mine))
    for key, value in (current.schedule or {}).items():
        mine = form.data.get(f"schedule_{key}", "")
        if str(value or "") != str(mine or ""):
            rows.append((_("Schedule, academic year %(year)s") % {"year": key}, value, mine))
    return rows


@require_POST
def subplan_delete(request, pk, subplan_pk):
    plan = get_plan(request, pk, "applications.edit_plan")
    subplan = get_object_or_404(SubPlan, pk=subplan_pk, plan=plan)
    try:
        services.subplan_delete(plan=plan, subplan=subplan, by=request.user)
    except services.PlanError as exc:
        messages.error(request, str(exc))
        return redirect("applications:subplan_edit", plan.pk, subplan.pk)
    messages.success(request, _("The sub-plan was removed."))
    return redirect("applications:subplans", plan.pk)


# --- Attachments ---------------------------------------------------------------------------------


def attachments(request, pk):
    plan = get_plan(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request, "applications.edit_plan", plan)
        if form.is_valid():
            try:
                services.attachment_add(
                    plan=plan,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except services.PlanError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The file was attached."))
                return redirect("applications:attachments", plan.pk)
    return render(
        request,
        "applications/attachments.html",
        plan_context(
            request,
            plan,
            "attachments",
            attachments=plan.attachments.filter(removed_at__isnull=True).select_related(
                "uploaded_by"
            ),
            form=form,
        ),
    )


def attachment_download(request, pk, attachment_pk):
    plan = get_plan(request, pk)
    attachment = get_object_or_404(PlanAttachment, pk=attachment_pk, plan=plan)
    # A file the school removed (uploaded by mistake, say) stays on record for the ministry.
    if attachment.removed_at and not request.user.has_role("ministry"):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_remove(request, pk, attachment_pk):
    plan = get_plan(request, pk, "applications.edit_plan")
    attachment = get_object_or_404(
        PlanAttachment, pk=attachment_pk, plan=plan, removed_at__isnull=True
    )
    try:
        services.attachment_remove(plan=plan, attachment=attachment, by=request.user)
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file was removed from the plan."))
    return redirect("applications:attachments", plan.pk)


# --- Versions ------------------------------------------------------------------------------------


def versions(request, pk):
    plan = get_plan(request, pk, "applications.see_versions")
    version_list = list(plan.versions.defer("snapshot").select_related("submitted_by"))
    a = _int(request.GET.get("a"))
    b = _int(request.GET.get("b"))
    changes = None
    old = new = None
    if a and b:
        found = {v.number: v for v in plan.versions.filter(number__in=[a, b])}
        old, new = found.get(a), found.get(b)
        if old is None or new is None:
            raise Http404
        changes = selectors.version_diff(old.snapshot, new.snapshot)
    return render(
        request,
        "applications/versions.html",
        plan_context(
            request, plan, "versions", versions=version_list, changes=changes, old=old, new=new
        ),
    )


def version_detail(request, pk, number):
    plan = get_plan(request, pk, "applications.see_versions")
    version = get_object_or_404(
        PlanVersion.objects.select_related("submitted_by"), plan=plan, number=number
    )
    return render(
        request,
        "applications/version_detail.html",
        plan_context(
            request,
            plan,
            "versions",
            version=version,
            **selectors.document_context(plan, version.snapshot),
        ),
    )


# --- PDF ----------------------------------------------------------------------------------------


@require_POST
def plan_pdf(request, pk):
    from portal.documents.services import document_request

    plan = get_plan(request, pk)
    with transaction.atomic():
        document = document_request(kind="plan", target=plan, by=request.user)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)


def plans_export(request):
    """Every plan the filters select, as a workbook (ministry staff)."""

    from openpyxl import Workbook
    from openpyxl.styles import Font

    require(request, "applications.list_all_plans")
    filterset = PlanFilter(request.GET, queryset=selectors.plans_for(request.user))
    plans = selectors.plan_list_prefetch(filterset.qs).order_by(
        "-phase__start_year", "school__district__order", "school__code"
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "計畫申請"
    sheet.append(
        [
            "期程",
            "學年度",
            "學校代碼",
            "學校名稱",
            "公/私立",
            "縣市",
            "免試就學區",
            "重點輔助",
            "申請類別",
            "狀態",
            "子計畫數",
            "送出版本數",
            "最近送出時間",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)

    for plan in plans:
        sheet.append(
            [
                plan.phase.name,
                plan.application_year,
                plan.school.code,
                plan.school.name,
                plan.school.get_ownership_display(),
                plan.school.county.name,
                plan.school.district.name,
                "是" if plan.school.focus_support else "否",
                plan.get_kind_display(),
                plan.get_status_display(),
                plan.subplan_count,
                len(plan.version_list),
                calendar.roc_numeric_datetime(plan.submitted_at) if plan.submitted_at else "",
            ]
        )
    return xlsx_response(workbook_bytes(workbook), f"計畫申請一覽-{calendar.roc_stamp()}.xlsx")


def money_export(request):
    """The numbers of the ministry home's money charts, as a workbook (ministry staff)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from . import money

    require(request, "applications.list_all_plans")
    workbook = Workbook()
    workbook.remove(workbook.active)
    by_year, by_item = money.money_tables()
    for title, first, rows in (
        (_("Per academic year"), _("Academic year"), by_year),
        (_("Per item"), _("Item"), by_item),
    ):
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append(
            [
                str(first),
                _("Subsidy requested (NT$ thousand)"),
                _("Subsidy approved (NT$ thousand)"),
                _("Difference"),
            ]
        )
        for row in [*rows, money.totals(rows)]:
            sheet.append([row.label, row.requested, row.approved, row.difference])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in "BCD":
            for cell in sheet[column][1:]:
                cell.number_format = "#,##0.000"
        sheet.column_dimensions["A"].width = 24
        for column in "BCD":
            sheet.column_dimensions[column].width = 20
    return xlsx_response(
        workbook_bytes(workbook), f"補助經費申請與核定-{calendar.roc_stamp()}.xlsx"
    )
