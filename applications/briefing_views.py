"""Briefing sessions (計畫提報說明會, APP-1): thin views over the services and selectors.

Who sees what: ministry staff announce, change and cancel sessions and see every
registration; a school's coordinator and principal register their school and cancel its
registration. Everyone else signed in (committee members, advisors, inspectors, panel
members) may read the list and the sessions, without the online link and without any
school's registration: the sessions are an announcement, the registrations are not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import paginate, require, visible_or_404
from portal.programme import calendar
from portal.schools.models import School
from portal.spreadsheets import workbook_bytes, xlsx_response

from . import briefing_selectors as selectors
from . import services
from .briefing_forms import BriefingForm, RegistrationForm
from .models import BriefingRegistration, BriefingSession


def get_session(pk) -> BriefingSession:
    try:
        return selectors.session_detail(pk)
    except BriefingSession.DoesNotExist:
        raise Http404 from None


def briefing_list(request):
    require(request, "applications.view_briefings")
    now = timezone.now()
    page = paginate(request, selectors.session_list(request.user, now), per_page=25)
    for session in page:
        session.state = selectors.session_state(session, now)
    return render(
        request,
        "applications/briefings/list.html",
        {
            "page": page,
            "can_manage": request.user.has_perm("applications.manage_briefings"),
            "is_school_staff": bool(request.user.school_ids()),
        },
    )


def briefing_detail(request, pk):
    require(request, "applications.view_briefings")
    session = get_session(pk)
    now = timezone.now()
    can_manage = request.user.has_perm("applications.manage_briefings")
    schools = list(School.objects.filter(pk__in=request.user.school_ids()).order_by("code"))
    own = {
        r.school_id: r
        for r in session.registrations.filter(
            school__in=schools, cancelled_at__isnull=True
        ).select_related("registered_by")
    }
    waiting = [
        r.pk
        for r in session.registrations.filter(cancelled_at__isnull=True, waitlisted=True)
        .order_by("registered_at", "pk")
        .only("pk")
    ]
    for registration in own.values():
        if registration.waitlisted:
            registration.waiting_position = waiting.index(registration.pk) + 1
    return render(
        request,
        "applications/briefings/detail.html",
        {
            "session": session,
            "state": selectors.session_state(session, now),
            "can_manage": can_manage,
            "school_rows": [(school, own.get(school.pk)) for school in schools],
            "show_link": can_manage or bool(own),
            "can_unregister": not session.cancelled_at and now < session.starts_at,
        },
    )


def _save(request, form, save) -> bool:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.PlanError as exc:
            form.add_error(None, str(exc))
        else:
            return True
    return False


def briefing_edit(request, pk=None):
    require(request, "applications.manage_briefings")
    session = get_session(pk) if pk else None
    if session and session.cancelled_at:
        messages.error(request, _("The session was cancelled; it can no longer be changed."))
        return redirect(session)
    initial = {} if session else {"phase": services.open_phase()}
    form = BriefingForm(request.POST or None, instance=session, initial=initial)
    if _save(
        request,
        form,
        lambda f: services.briefing_save(
            session=f.instance,
            by=request.user,
            notify_schools=f.cleaned_data.get("notify_schools", False),
        ),
    ):
        messages.success(
            request,
            _("The session was saved.") if session else _("The session was announced."),
        )
        return redirect(form.instance)
    return render(request, "applications/briefings/form.html", {"form": form, "session": session})


@require_POST
def briefing_cancel(request, pk):
    require(request, "applications.manage_briefings")
    session = get_session(pk)
    try:
        services.briefing_cancel(session=session, by=request.user)
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The session was cancelled and the registered schools were e-mailed.")
        )
    return redirect(session)


def briefing_register(request, pk, code):
    session = get_session(pk)
    school = get_object_or_404(School, code=code)
    require(request, "applications.register_briefing", school)
    existing = session.registrations.filter(school=school, cancelled_at__isnull=True).first()
    if existing:
        messages.info(request, _("This school is already registered for this session."))
        return redirect(session)
    user = request.user
    form = RegistrationForm(
        request.POST or None,
        initial={"attendees": f"{user.display_name} {user.title}".strip(), "attendee_count": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.briefing_register(
                session=session,
                school=school,
                attendees=form.cleaned_data["attendees"],
                attendee_count=form.cleaned_data["attendee_count"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.PlanError as exc:
            messages.error(request, str(exc))
            return redirect(session)
        else:
            messages.success(
                request,
                (
                    _(
                        "The session is full: %(school)s is on its waiting list. "
                        "A confirmation was e-mailed."
                    )
                    if registration.waitlisted
                    else _(
                        "%(school)s is registered for this session. A confirmation was e-mailed."
                    )
                )
                % {"school": school.name},
            )
            return redirect(session)
    return render(
        request,
        "applications/briefings/register.html",
        {
            "session": session,
            "school": school,
            "form": form,
            "state": selectors.session_state(session),
        },
    )


def briefing_registration_change(request, pk, registration_pk):
    """The school changes who attends, keeping its place (APP-1)."""
    registration = (
        BriefingRegistration.objects.select_related("school", "session")
        .filter(pk=registration_pk, session_id=pk, cancelled_at__isnull=True)
        .first()
    )
    # Another school's registration: nobody learns it exists.
    visible_or_404(request, "applications.register_briefing", registration)
    session = get_session(pk)
    form = RegistrationForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.briefing_registration_change(
                registration=registration,
                attendees=form.cleaned_data["attendees"],
                attendee_count=form.cleaned_data["attendee_count"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.PlanError as exc:
            messages.error(request, str(exc))
            return redirect(session)
        else:
            messages.success(request, _("The registration was changed."))
            return redirect(session)
    return render(
        request,
        "applications/briefings/register.html",
        {
            "session": session,
            "school": registration.school,
            "form": form,
            "registration": registration,
            "state": selectors.session_state(session),
        },
    )


@require_POST
def briefing_unregister(request, pk, registration_pk):
    registration = (
        BriefingRegistration.objects.select_related("school", "session")
        .filter(pk=registration_pk, session_id=pk)
        .first()
    )
    # Another school's registration: nobody learns it exists.
    visible_or_404(request, "applications.register_briefing", registration)
    try:
        services.briefing_unregister(registration=registration, by=request.user)
    except services.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The registration of %(school)s was cancelled.")
            % {"school": registration.school.name},
        )
    return redirect(registration.session)


def briefing_registrations(request, pk):
    require(request, "applications.manage_briefings")
    session = get_session(pk)
    rows = list(selectors.registrations(session))
    active = [r for r in rows if r.cancelled_at is None and not r.waitlisted]
    return render(
        request,
        "applications/briefings/registrations.html",
        {
            "session": session,
            "state": selectors.session_state(session),
            "active": active,
            "waiting": [r for r in rows if r.cancelled_at is None and r.waitlisted],
            "withdrawn": [r for r in rows if r.cancelled_at is not None],
            "attendee_total": sum(r.attendee_count for r in active),
        },
    )


def briefing_export(request, pk):
    """The registered schools as a sign-in sheet (簽到表), one row per school; times in
    Taiwan time with ROC years."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    require(request, "applications.manage_briefings")
    session = get_session(pk)
    active = [
        r for r in selectors.registrations(session) if r.cancelled_at is None and not r.waitlisted
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sign-in sheet")[:31]
    where = "／".join(part for part in (session.place, session.online_url) if part)
    sheet.append([session.title])
    sheet.append(
        [
            _("Time: %(start)s – %(end)s")
            % {
                "start": calendar.format_datetime(session.starts_at),
                "end": calendar.format_datetime(session.ends_at),
            }
        ]
    )
    sheet.append([_("Place: %(place)s") % {"place": where}])
    sheet.append([])
    headers = [
        _("No."),
        _("School code"),
        _("School"),
        _("County or city"),
        _("Admission district"),
        _("Attendees"),
        _("Number of attendees"),
        _("Registered by"),
        _("Registered at"),
        _("Signature"),
    ]
    sheet.append(headers)
    header_row = sheet.max_row
    sheet["A1"].font = Font(bold=True, size=14)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for number, registration in enumerate(active, 1):
        school = registration.school
        sheet.append(
            [
                number,
                school.code,
                school.name,
                school.county.name,
                school.district.name,
                registration.attendees,
                registration.attendee_count,
                registration.registered_by.display_name,
                calendar.format_datetime(registration.registered_at),
                "",
            ]
        )
    sheet.append(
        [
            "",
            "",
            _("Total attendees"),
            "",
            "",
            "",
            sum(r.attendee_count for r in active),
            "",
            "",
            "",
        ]
    )
    for row in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row):
        for cell in row:
            cell.border = box
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=sheet.max_row - 1):
        sheet.row_dimensions[row[0].row].height = 36
    for column, width in zip("ABCDEFGHIJ", (6, 10, 28, 10, 10, 36, 8, 12, 17, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    filename = _("briefing-%(pk)s-sign-in-%(date)s.xlsx") % {
        "pk": session.pk,
        "date": calendar.roc_stamp(session.starts_at),
    }
    return xlsx_response(workbook_bytes(workbook), filename)
