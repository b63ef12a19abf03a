"""Exchange activities (SUP-5 … SUP-8): inter-school (co-hosted by supported schools),
regional (semester 2, by a region's supported schools, inviting the region's schools) and
national (by the ministry); registration, attendance with the principals', the record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import Role
from portal.audit.services import audit_record, snapshot
from portal.notifications import notify
from portal.programme import calendar
from portal.schools.models import School

from ..enums import ExchangeKind, PrincipalAttendance
from ..models import Exchange, ExchangePhoto, ExchangeSchool
from ..supported import supported_schools
from .common import ConsultingError, others

#: A photo is a JPEG or PNG by its content (the plan attachments' signatures), whatever name
#: or type the browser claims; it is stored under the extension its content shows.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
EXCHANGE_FIELDS = ["kind", "title", "date", "place", "district", "academic_year", "semester"]


def exchange_create(
    *,
    kind: str,
    title: str,
    date: dt.date,
    place: str,
    by,
    hosts=(),
    invited=(),
    district=None,
    description: str = "",
    registration_closes_on: dt.date | None = None,
) -> Exchange:
    """Create an exchange with its co-hosts and invitations (SUP-5, SUP-6, SUP-7)."""
    semester = calendar.Semester.of(date)
    year = semester.academic_year
    supported = set(supported_schools(year).values_list("pk", flat=True))
    hosts = list({s.pk: s for s in hosts}.values())
    is_ministry = by.has_role(Role.MINISTRY)
    if not title.strip() or not place.strip():
        raise ConsultingError(_("Give the exchange a title and a place."))
    if registration_closes_on and registration_closes_on > date:
        raise ConsultingError(_("Registration must close by the day of the exchange."))
    if kind == ExchangeKind.NATIONAL:
        # SUP-7: the ministry holds the national exchange; every supported school is invited.
        if not is_ministry:
            raise ConsultingError(_("Only ministry staff hold a national exchange."))
        hosts = []
        invited = list(School.objects.filter(pk__in=supported))
        district = None
    else:
        if any(h.pk not in supported for h in hosts):
            raise ConsultingError(
                _("Co-hosts must be schools supported in academic year %(year)s.") % {"year": year}
            )
        if not is_ministry and not any(h.pk in by.school_ids(Role.COORDINATOR) for h in hosts):
            raise ConsultingError(_("Your school must be one of the co-hosts."))
        if kind == ExchangeKind.INTER_SCHOOL:
            # SUP-5: co-hosted with other supported schools.
            if len(hosts) < 2:
                raise ConsultingError(
                    _("An inter-school exchange is co-hosted by at least two supported schools.")
                )
            district = None
        elif kind == ExchangeKind.REGIONAL:
            # SUP-6: in semester 2, by the region's supported schools, inviting its schools.
            if semester.number != 2:
                raise ConsultingError(
                    _("A regional exchange is held in semester 2 (February to July).")
                )
            if district is None:
                raise ConsultingError(_("Choose the region."))
            if not hosts or any(h.district_id != district.pk for h in hosts):
                raise ConsultingError(_("The co-hosts must be supported schools of the region."))
            invited = list(School.objects.filter(district=district, is_active=True))
        else:
            raise ConsultingError(_("Choose the kind of exchange."))
    with transaction.atomic():
        exchange = Exchange.objects.create(
            kind=kind,
            title=title.strip(),
            academic_year=year,
            semester=semester.number,
            date=date,
            place=place.strip(),
            district=district,
            description=description.strip(),
            registration_closes_on=registration_closes_on or date,
            created_by=by,
        )
        now = timezone.now()
        rows = {h.pk: ExchangeSchool(exchange=exchange, school=h, is_host=True) for h in hosts}
        for school in invited:
            if school.pk in rows:
                continue
            rows[school.pk] = ExchangeSchool(exchange=exchange, school=school, invited_at=now)
        ExchangeSchool.objects.bulk_create(rows.values())
        audit_record(
            actor=by,
            action="consulting.exchange.create",
            target=exchange,
            after={
                **snapshot(exchange, EXCHANGE_FIELDS),
                "hosts": sorted(h.pk for h in hosts),
                "invited": len(rows) - len(hosts),
            },
        )
        recipients = _staff_of([pk for pk, row in rows.items() if not row.is_host])
        notify(
            users=others(recipients, by),
            subject=_("You are invited: %(title)s") % {"title": exchange.title},
            template="consulting/email/exchange.txt",
            context={"exchange": exchange, "url": exchange.get_absolute_url()},
        )
    return exchange


def _staff_of(school_ids) -> list:
    from portal.accounts.selectors import users_with_role

    if not school_ids:
        return []
    return users_with_role(Role.COORDINATOR, Role.PRINCIPAL, schools=school_ids)


def may_manage(exchange: Exchange, user, host_ids=None) -> bool:
    """Ministry staff, or the coordinator or principal of a co-host."""
    if user.has_role(Role.MINISTRY):
        return True
    if exchange.kind == ExchangeKind.NATIONAL:
        return False
    if host_ids is None:
        host_ids = set(exchange.schools.filter(is_host=True).values_list("school_id", flat=True))
    return bool(set(host_ids) & user.school_ids())


def exchange_register(
    *, exchange: Exchange, school, attendees: str, principal_registered: bool, by
) -> ExchangeSchool:
    """A school registers who will attend, and whether the principal will (SUP-8)."""
    if school.pk not in by.school_ids():
        raise ConsultingError(_("Only the staff of this school can register it."))
    if exchange.cancelled_at:
        raise ConsultingError(_("This exchange was cancelled."))
    closes = exchange.registration_closes_on or exchange.date
    if calendar.taipei_today() > closes:
        raise ConsultingError(
            _("Registration closed on %(date)s.") % {"date": calendar.format_date(closes)}
        )
    if not attendees.strip():
        raise ConsultingError(_("List who will attend."))
    with transaction.atomic():
        row = (
            ExchangeSchool.objects.select_for_update(of=("self",))
            .filter(exchange=exchange, school=school)
            .first()
        )
        if row is None:
            raise ConsultingError(_("Your school is not invited to this exchange."))
        before = snapshot(row, ["registered_at", "attendees", "principal_registered"])
        row.registered_at = timezone.now()
        row.registered_by = by
        row.attendees = attendees.strip()
        row.principal_registered = principal_registered
        row.save(
            update_fields=["registered_at", "registered_by", "attendees", "principal_registered"]
        )
        audit_record(
            actor=by,
            action="consulting.exchange.register",
            target=exchange,
            school=school,
            before=before,
            after=snapshot(row, ["registered_at", "attendees", "principal_registered"]),
        )
    return row


def exchange_record(*, exchange: Exchange, record: str, attendance: dict, by) -> Exchange:
    """Record what happened and who attended, the principals' attendance included (SUP-8).

    ``attendance`` maps a school id to (attended, principal attendance).
    """
    if not may_manage(exchange, by):
        raise ConsultingError(_("Only the co-hosts or ministry staff can record the exchange."))
    if exchange.cancelled_at:
        raise ConsultingError(_("This exchange was cancelled."))
    if exchange.date > calendar.taipei_today():
        raise ConsultingError(_("An exchange is recorded once it has taken place."))
    if not record.strip():
        raise ConsultingError(_("Write what happened at the exchange."))
    with transaction.atomic():
        rows = {
            r.school_id: r
            for r in ExchangeSchool.objects.select_for_update(of=("self",)).filter(
                exchange=exchange
            )
        }
        unknown = set(attendance) - set(rows)
        if unknown:
            raise ConsultingError(_("Record attendance only for the schools invited."))
        for school_id, (attended, principal) in attendance.items():
            if attended and principal not in PrincipalAttendance.values:
                raise ConsultingError(
                    _("Record the principal's attendance for every school that attended.")
                )
            row = rows[school_id]
            row.attended = bool(attended)
            row.principal_attendance = principal if attended else PrincipalAttendance.ABSENT
            row.save(update_fields=["attended", "principal_attendance"])
        before = snapshot(exchange, ["record", "recorded_at"])
        exchange.record = record.strip()
        exchange.recorded_at = timezone.now()
        exchange.save(update_fields=["record", "recorded_at"])
        audit_record(
            actor=by,
            action="consulting.exchange.record",
            target=exchange,
            before=before,
            after={
                **snapshot(exchange, ["record", "recorded_at"]),
                "attended": sorted(pk for pk, (a, _p) in attendance.items() if a),
            },
        )
    return exchange


def exchange_photo_add(*, exchange: Exchange, upload, caption: str, is_public: bool, by):
    if not may_manage(exchange, by):
        raise ConsultingError(_("Only the co-hosts or ministry staff can add photos."))
    extension = photo_extension(upload)
    with transaction.atomic():
        photo = ExchangePhoto(exchange=exchange, caption=caption.strip(), is_public=is_public)
        photo.uploaded_by = by
        photo.file.save(f"photo{extension}", upload, save=False)
        photo.save()
        audit_record(
            actor=by,
            action="consulting.exchange.photo",
            target=exchange,
            after={"photo": photo.pk, "caption": photo.caption, "public": is_public},
        )
    return photo


def photo_extension(upload) -> str:
    """The extension, .jpg or .png, that the file's content decodes as (``portal.uploads``,
    the check of every upload), whatever its name; ``ConsultingError`` when it is neither."""
    from portal.uploads import image_kind

    if upload.size > PHOTO_MAX_BYTES:
        raise ConsultingError(_("A photo can be at most 5 MB."))
    extension = image_kind(upload)
    if extension is None:
        raise ConsultingError(_("A photo is a JPEG or PNG image."))
    return extension


def exchange_cancel(*, exchange: Exchange, reason: str, by) -> Exchange:
    if not may_manage(exchange, by):
        raise ConsultingError(_("Only the co-hosts or ministry staff can cancel the exchange."))
    if exchange.recorded_at:
        raise ConsultingError(_("An exchange that took place cannot be cancelled."))
    if not reason.strip():
        raise ConsultingError(_("Say why the exchange is cancelled."))
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if exchange.cancelled_at:
            raise ConsultingError(_("This exchange was cancelled."))
        exchange.cancelled_at = timezone.now()
        exchange.save(update_fields=["cancelled_at"])
        audit_record(
            actor=by,
            action="consulting.exchange.cancel",
            target=exchange,
            after={"cancelled_at": exchange.cancelled_at},
            note=reason.strip(),
        )
        ids = list(exchange.schools.values_list("school_id", flat=True))
        notify(
            users=others(_staff_of(ids), by),
            subject=_("Cancelled: %(title)s") % {"title": exchange.title},
            template="consulting/email/exchange.txt",
            context={"exchange": exchange, "url": exchange.get_absolute_url()},
        )
    return exchange
