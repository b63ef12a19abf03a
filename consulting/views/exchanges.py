"""Exchange activities (SUP-5 … SUP-8): the list, creating one with its co-hosts and
invitations, registering, recording attendance (the principals' too) and photos."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import paginate, require
from portal.programme import calendar
from portal.schools.models import School

from .. import selectors, services
from ..enums import ExchangeKind
from ..forms import ExchangeForm, ExchangeRecordForm, PhotoForm, ReasonForm, RegisterForm
from ..models import Exchange, ExchangePhoto
from ..supported import supported_schools
from .common import run


def _exchange(request, pk) -> Exchange:
    require(request, "consulting.view_exchanges")
    try:
        return selectors.exchange_detail(pk)
    except Exchange.DoesNotExist as exc:
        raise Http404 from exc


def exchange_list(request):
    require(request, "consulting.view_exchanges")
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    user = request.user
    can_create = user.has_role("ministry") or bool(
        set(user.school_ids("coordinator")) & set(supported_schools().values_list("pk", flat=True))
    )
    return render(
        request,
        "consulting/exchange_list.html",
        {
            "page": paginate(request, selectors.exchanges_list(user, academic_year=year), 50),
            "can_create": can_create,
            "is_ministry": user.has_role("ministry"),
            "my_school_ids": user.school_ids(),
        },
    )


def exchange_create(request):
    require(request, "consulting.view_exchanges")
    user = request.user
    year = calendar.AcademicYear.current().roc
    supported = supported_schools(year).order_by("district__order", "code")
    if (
        not user.has_role("ministry")
        and not supported.filter(pk__in=user.school_ids("coordinator")).exists()
    ):
        require(request, "consulting.manage")  # 403
    form = ExchangeForm(
        request.POST or None,
        hosts=supported,
        invited=School.objects.filter(is_active=True).order_by("district__order", "code"),
        initial={"kind": ExchangeKind.INTER_SCHOOL},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = run(
            request,
            lambda: services.exchange_create(
                kind=data["kind"],
                title=data["title"],
                date=data["date"],
                place=data["place"],
                district=data["district"],
                hosts=list(data["hosts"]),
                invited=list(data["invited"]),
                description=data["description"],
                registration_closes_on=data["registration_closes_on"],
                by=user,
            ),
            _("The exchange was created; the schools invited were told by e-mail."),
            lambda e: e.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(request, "consulting/exchange_form.html", {"form": form})


def exchange_detail(request, pk):
    exchange = _exchange(request, pk)
    user = request.user
    rows = list(exchange.schools.all())
    host_ids = {r.school_id for r in rows if r.is_host}
    mine = [r for r in rows if r.school_id in user.school_ids()]
    can_manage = services.may_manage(exchange, user, host_ids)
    return render(
        request,
        "consulting/exchange_detail.html",
        {
            "exchange": exchange,
            "rows": rows,
            "hosts": [r for r in rows if r.is_host],
            "mine": mine,
            "register_forms": [
                (
                    r,
                    RegisterForm(
                        initial={
                            "attendees": r.attendees,
                            "principal_registered": r.principal_registered,
                        }
                    ),
                )
                for r in mine
            ],
            "can_manage": can_manage,
            "photo_form": PhotoForm() if can_manage else None,
            "cancel_form": ReasonForm() if can_manage else None,
            "registration_open": calendar.taipei_today()
            <= (exchange.registration_closes_on or exchange.date),
            "photos": list(exchange.photos.all()),
        },
    )


@require_POST
def exchange_register(request, pk, school_pk):
    exchange = _exchange(request, pk)
    school = get_object_or_404(School, pk=school_pk)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, _("List who will attend."))
        return redirect(exchange)
    return run(
        request,
        lambda: services.exchange_register(
            exchange=exchange, school=school, by=request.user, **form.cleaned_data
        ),
        _("Your school is registered."),
        exchange.get_absolute_url(),
    )


def exchange_record(request, pk):
    exchange = _exchange(request, pk)
    if not services.may_manage(exchange, request.user):
        require(request, "consulting.manage")
    rows = list(exchange.schools.all())
    form = ExchangeRecordForm(request.POST or None, rows=rows, initial={"record": exchange.record})
    if request.method == "POST" and form.is_valid():
        response = run(
            request,
            lambda: services.exchange_record(
                exchange=exchange,
                record=form.cleaned_data["record"],
                attendance=form.attendance(),
                by=request.user,
            ),
            _("The exchange and its attendance were recorded."),
            exchange.get_absolute_url(),
            form,
        )
        if response:
            return response
    return render(request, "consulting/exchange_record.html", {"exchange": exchange, "form": form})


@require_POST
def photo_add(request, pk):
    exchange = _exchange(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        from django.contrib import messages

        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(exchange)
    return run(
        request,
        lambda: services.exchange_photo_add(
            exchange=exchange,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            is_public=form.cleaned_data["is_public"],
            by=request.user,
        ),
        _("The photo was added."),
        exchange.get_absolute_url(),
    )


@require_POST
def exchange_cancel(request, pk):
    exchange = _exchange(request, pk)
    return run(
        request,
        lambda: services.exchange_cancel(
            exchange=exchange, reason=request.POST.get("reason", ""), by=request.user
        ),
        _("The exchange was cancelled; the schools were told."),
        exchange.get_absolute_url(),
    )


def photo(request, pk):
    """A photo for signed-in users; public photos also have a public address."""
    require(request, "consulting.view_exchanges")
    item = get_object_or_404(ExchangePhoto, pk=pk)
    return _photo_response(item)


def _photo_response(item):
    """The photo as the image it is stored as (by content, see ``photo_extension``): never
    as a type a browser would run, whatever name it was uploaded under."""
    name = item.file.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(item.file.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
