"""The plan's indicators: baselines and yearly targets per covered item (IND-3, PERF-3,
PERF-4, PERF-5), the school's own indicators, and the copies frozen with each version."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors as plan_selectors
from applications.items import ITEMS
from applications.models import Plan
from applications.views import plan_context
from portal.access import require, visible_or_404

from ..attainment import to_places
from ..forms import OwnIndicatorForm, QualitativeForm, TargetForm
from ..models import Indicator, PlanIndicator, PlanQualitativeResult, PlanTargetsVersion
from ..selectors.targets import (
    baseline_year,
    covered_items,
    for_display,
    frozen_targets,
    plan_years,
    targets_missing,
    targets_snapshot,
)
from ..services import IndicatorError
from ..services.targets import (
    EditConflict,
    own_indicator_remove,
    own_indicator_save,
    qualitative_save,
    targets_save,
)
from .common import run


def _plan(request, pk, perm="indicators.view_targets") -> Plan:
    """The plan, or 404 when the user may not read its targets."""
    try:
        plan = plan_selectors.plan_detail(pk)
    except Plan.DoesNotExist:
        plan = None
    visible_or_404(request, perm, plan)
    return plan


def _editable_plan(request, pk) -> Plan:
    plan = _plan(request, pk)
    require(request, "indicators.edit_targets", plan)
    return plan


def _page_url(plan, anchor=""):
    url = reverse("indicators:plan_targets", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _context(request, plan, **extra):
    """The plan's layout for those who read the plan; a page of its own for the others
    (advisors and panel members read the targets, not the plan)."""
    if request.user.has_perm("applications.view_plan", plan):
        return {
            "base_template": "applications/_layout.html",
            **plan_context(request, plan, "indicators"),
            **extra,
        }
    return {"base_template": "indicators/targets/_standalone.html", "plan": plan, **extra}


def plan_targets(request, pk):
    """The school and the ministry see the targets as they are now; reviewers, inspectors,
    advisors and panel members see them as last submitted (the frozen copy)."""
    plan = _plan(request, pk)
    live = request.user.has_perm("indicators.view_live_targets", plan)
    can_edit = plan.is_editable and request.user.has_perm("indicators.edit_targets", plan)
    frozen = frozen_targets(plan)
    if live:
        data = targets_snapshot(plan)
        shown_version = None
    else:
        shown_version = frozen[0] if frozen else None
        data = shown_version.snapshot if shown_version else None
    missing = targets_missing(data) if data and can_edit else []
    return render(
        request,
        "indicators/targets/page.html",
        _context(
            request,
            plan,
            data=for_display(data),
            live=live,
            can_edit_targets=can_edit,
            frozen=frozen
            if live or request.user.has_perm("indicators.view_frozen_targets", plan)
            else [],
            shown_version=shown_version,
            missing=missing,
        ),
    )


def frozen_version(request, pk, number):
    """The targets as submitted with one version of the plan (read-only)."""
    plan = _plan(request, pk)
    frozen = (
        PlanTargetsVersion.objects.filter(plan_version__plan=plan, plan_version__number=number)
        .select_related("plan_version", "plan_version__submitted_by")
        .first()
    )
    if frozen is None:
        raise Http404
    return render(
        request,
        "indicators/targets/frozen.html",
        _context(request, plan, frozen=frozen, data=for_display(frozen.snapshot)),
    )


def target_edit(request, pk, indicator_pk):
    plan = _editable_plan(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk)
    if indicator.plan_id not in (None, plan.pk):
        raise Http404
    if not plan.is_editable:
        messages.error(request, _("The plan cannot be changed now."))
        return redirect(_page_url(plan))
    row = (
        PlanIndicator.objects.filter(plan=plan, indicator=indicator)
        .prefetch_related("targets")
        .first()
    )
    years = plan_years(plan)
    kwargs = {
        "indicator": indicator,
        "years": years,
        "baseline_year": baseline_year(plan),
        "revision": row.revision if row else None,
    }
    conflict = None
    if request.method == "POST":
        form = TargetForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ok = run(
                    form,
                    lambda: targets_save(
                        plan=plan,
                        indicator=indicator,
                        baseline=data["baseline"],
                        targets=form.targets(),
                        not_applicable=data.get("not_applicable", False),
                        reason=data.get("reason", ""),
                        revision=data.get("revision"),
                        by=request.user,
                    ),
                )
            except EditConflict as exc:
                ok = False
                conflict = exc.current
                form.add_error(
                    None,
                    _(
                        "Someone else saved this indicator after you opened it. What they saved "
                        "is shown below; what you typed is kept in the form. Save again to "
                        "replace theirs."
                    ),
                )
                if conflict is not None:
                    form.data = form.data.copy()
                    form.data["revision"] = conflict.revision
            if ok:
                messages.success(
                    request, _("The targets of %(name)s were saved.") % {"name": indicator.name}
                )
                return redirect(_page_url(plan, f"indicator-{indicator.pk}"))
    else:
        initial = {}
        if row:
            places = indicator.decimal_places
            initial = {
                "baseline": to_places(row.baseline, places),
                "not_applicable": row.not_applicable,
                "reason": row.not_applicable_reason,
                **{
                    f"target_{t.academic_year}": to_places(t.value, places)
                    for t in row.targets.all()
                },
            }
        form = TargetForm(initial=initial, **kwargs)
    items = sorted(indicator.item_links.values_list("item", flat=True))
    return render(
        request,
        "indicators/targets/target_form.html",
        _context(
            request,
            plan,
            form=form,
            indicator=indicator,
            items=[ITEMS[n] for n in items],
            covered=set(covered_items(plan)),
            conflict=conflict,
            conflict_targets=(
                {t.academic_year: t.value for t in conflict.targets.all()} if conflict else {}
            ),
            years=years,
        ),
    )


def own_edit(request, pk, indicator_pk=None):
    plan = _editable_plan(request, pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(Indicator, pk=indicator_pk, plan=plan)
    if not plan.is_editable:
        messages.error(request, _("The plan cannot be changed now."))
        return redirect(_page_url(plan))
    items = covered_items(plan)
    if request.method == "POST":
        form = OwnIndicatorForm(request.POST, items=items)
        if form.is_valid():
            data = dict(form.cleaned_data)
            item = data.pop("item")
            saved = {}

            def save():
                saved["indicator"] = own_indicator_save(
                    plan=plan, item=item, values=data, indicator=indicator, by=request.user
                )

            if run(form, save):
                messages.success(request, _("The school's own indicator was saved."))
                return redirect(
                    "indicators:target_edit", pk=plan.pk, indicator_pk=saved["indicator"].pk
                )
    else:
        initial = {"item": request.GET.get("item")}
        if indicator:
            initial = {
                "item": indicator.item_links.values_list("item", flat=True).first(),
                **{
                    f: getattr(indicator, f)
                    for f in (
                        "name",
                        "kind",
                        "unit",
                        "decimal_places",
                        "numerator_label",
                        "denominator_label",
                        "direction",
                        "definition",
                    )
                },
            }
        form = OwnIndicatorForm(initial=initial, items=items)
    return render(
        request,
        "indicators/targets/own_form.html",
        _context(request, plan, form=form, indicator=indicator),
    )


@require_POST
def own_remove(request, pk, indicator_pk):
    plan = _editable_plan(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, plan=plan)
    try:
        own_indicator_remove(plan=plan, indicator=indicator, by=request.user)
    except IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The school's own indicator was removed."))
    return redirect(_page_url(plan))


def qualitative_edit(request, pk, item):
    plan = _editable_plan(request, pk)
    if item not in covered_items(plan):
        raise Http404
    if not plan.is_editable:
        messages.error(request, _("The plan cannot be changed now."))
        return redirect(_page_url(plan))
    row = PlanQualitativeResult.objects.filter(plan=plan, item=item).first()
    if request.method == "POST":
        form = QualitativeForm(request.POST)
        if form.is_valid():
            try:
                ok = run(
                    form,
                    lambda: qualitative_save(
                        plan=plan,
                        item=item,
                        text=form.cleaned_data["text"],
                        revision=form.cleaned_data["revision"],
                        by=request.user,
                    ),
                )
            except EditConflict as exc:
                ok = False
                form.add_error(
                    None,
                    _(
                        "Someone else saved this after you opened it; they wrote: %(text)s — "
                        "what you typed is kept. Save again to replace it."
                    )
                    % {"text": exc.current.expected_result if exc.current else ""},
                )
                if exc.current is not None:
                    form.data = form.data.copy()
                    form.data["revision"] = exc.current.revision
            if ok:
                messages.success(request, _("The expected qualitative result was saved."))
                return redirect(_page_url(plan, f"item-{item}"))
    else:
        form = QualitativeForm(
            initial={
                "text": row.expected_result if row else "",
                "revision": row.revision if row else None,
            }
        )
    return render(
        request,
        "indicators/targets/qualitative_form.html",
        _context(request, plan, form=form, item=ITEMS[item]),
    )
