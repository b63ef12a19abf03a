from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from portal.accounts.enums import SCHOOL_ROLES
from portal.rules import school_of

from .models import GeneratedDocument


def documents_for(target, *, kind: str, user=None, limit: int = 5) -> list[GeneratedDocument]:
    """The latest documents of a kind generated for an object, newest first.

    With ``user``, only those the person should see in the list: all for ministry staff;
    otherwise their own and those of the staff of the object's school — never, say, a
    reviewer's copy of a plan, which would tell the school who reviews it.
    """
    queryset = GeneratedDocument.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        kind=kind,
    )
    if user is not None and not user.has_role("ministry"):
        visible = Q(requested_by=user)
        school = school_of(target)
        if school is not None and school.pk in user.school_ids():
            visible |= Q(
                requested_by__grants__school=school,
                requested_by__grants__role__in=[r.value for r in SCHOOL_ROLES],
                requested_by__grants__revoked_at__isnull=True,
            )
        queryset = queryset.filter(visible).distinct()
    return list(queryset.select_related("requested_by")[:limit])
