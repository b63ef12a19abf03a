"""The ministry's catalogue of indicators: read by item with search, revised by version for a
later phase, and compared between versions (IND-1, IND-4, PERF-3, PERF-5)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import require

from ..forms import CatalogueSearchForm, IndicatorForm, VersionCreateForm, VersionForm
from ..models import CatalogueVersion, Indicator
from ..selectors import catalogue as selectors
from ..services import IndicatorError
from ..services.catalogue import (
    indicator_retire,
    indicator_save,
    version_create,
    version_publish,
    version_update,
)
from .common import run


def catalogue(request):
    """The catalogue by item, with search; shared indicators show all their items."""
    require(request, "indicators.view_catalogue")
    visible = CatalogueVersion.objects.order_by("-start_year")
    if not request.user.has_perm("indicators.manage_catalogue"):
        visible = visible.filter(published_at__isnull=False)
    form = CatalogueSearchForm(request.GET or None, versions=visible)
    version = selectors.default_version()
    query, item = "", None
    if form.is_valid():
        version = form.cleaned_data["version"] or version
        query = form.cleaned_data["q"]
        item = form.cleaned_data["item"]
    if version is not None and not form.is_bound:
        form = CatalogueSearchForm(initial={"version": version.pk}, versions=visible)
    groups = selectors.catalogue_by_item(version, query, item) if version else []
    return render(
        request,
        "indicators/catalogue/index.html",
        {
            "form": form,
            "version": version,
            "groups": groups,
            "query": query,
            "found": len({i.pk for g in groups for i in g.indicators}),
            "can_manage": request.user.has_perm("indicators.manage_catalogue"),
        },
    )


def versions(request):
    require(request, "indicators.manage_catalogue")
    form = VersionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def create():
            created["version"] = version_create(
                source=data["source"],
                start_year=data["start_year"],
                label=data["label"],
                note=data["note"],
                by=request.user,
            )

        if run(form, create):
            messages.success(
                request, _("The new version was created as a copy. Revise it, then publish it.")
            )
            return redirect("indicators:version_edit", pk=created["version"].pk)
    return render(
        request,
        "indicators/catalogue/versions.html",
        {"versions": selectors.versions(), "form": form},
    )


def version_edit(request, pk):
    require(request, "indicators.manage_catalogue")
    version = get_object_or_404(CatalogueVersion, pk=pk)
    form = VersionForm(request.POST or None, instance=version)
    posted = request.method == "POST" and not version.is_published and form.is_valid()
    if posted and run(
        form, lambda: version_update(version=version, values=form.cleaned_data, by=request.user)
    ):
        messages.success(request, _("The version was saved."))
        return redirect("indicators:version_edit", pk=version.pk)
    version.refresh_from_db()
    return render(
        request,
        "indicators/catalogue/version_edit.html",
        {
            "version": version,
            "form": form,
            "indicators": selectors.version_indicators(version),
        },
    )


def indicator_edit(request, pk, indicator_pk=None):
    require(request, "indicators.manage_catalogue")
    version = get_object_or_404(CatalogueVersion, pk=pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(Indicator, pk=indicator_pk, version=version)
    if version.is_published:
        messages.error(
            request,
            _("This catalogue version is published and cannot change: copy it into a new version."),
        )
        return redirect("indicators:version_edit", pk=version.pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items")
        if run(
            form,
            lambda: indicator_save(
                version=version, values=data, items=items, indicator=indicator, by=request.user
            ),
        ):
            messages.success(request, _("The indicator was saved."))
            return redirect("indicators:version_edit", pk=version.pk)
    return render(
        request,
        "indicators/catalogue/indicator_form.html",
        {"version": version, "indicator": indicator, "form": form},
    )


@require_POST
def indicator_retire_view(request, pk, indicator_pk):
    require(request, "indicators.manage_catalogue")
    indicator = get_object_or_404(Indicator, pk=indicator_pk, version_id=pk)
    retired = request.POST.get("retired") == "1"
    try:
        indicator_retire(indicator=indicator, retired=retired, by=request.user)
    except IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s was retired.") % {"name": indicator.name}
            if retired
            else _("%(name)s is offered again.") % {"name": indicator.name},
        )
    return redirect("indicators:version_edit", pk=pk)


@require_POST
def version_publish_view(request, pk):
    require(request, "indicators.manage_catalogue")
    version = get_object_or_404(CatalogueVersion, pk=pk)
    try:
        version_publish(version=version, by=request.user)
    except IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The version was published."))
    return redirect("indicators:version_edit", pk=pk)


def compare(request):
    """What changed between two versions, indicator by indicator."""
    require(request, "indicators.view_catalogue")
    visible = CatalogueVersion.objects.order_by("start_year")
    if not request.user.has_perm("indicators.manage_catalogue"):
        visible = visible.filter(published_at__isnull=False)
    all_versions = list(visible)
    by_pk = {str(v.pk): v for v in all_versions}
    new = by_pk.get(request.GET.get("to", "")) or (all_versions[-1] if all_versions else None)
    old = by_pk.get(request.GET.get("from", ""))
    if old is None and new is not None:
        old = new.based_on if new.based_on_id and str(new.based_on_id) in by_pk else None
    changes = selectors.version_changes(old, new) if old and new and old != new else []
    return render(
        request,
        "indicators/catalogue/compare.html",
        {"versions": all_versions, "old": old, "new": new, "changes": changes},
    )
