import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.access import paginate, require
from portal.accounts.models import RoleGrant, User
from portal.forms import RocDateField
from portal.schools.models import School
from portal.widgets import QuickSelect

from .labels import action_choices
from .models import AuditEntry

#: Framework tables never named in the filters (login attempts, sessions, permissions …).
FRAMEWORK_APPS = ("admin", "auth", "axes", "contenttypes", "sessions", "django_celery_beat")


def _active_grants():
    return RoleGrant.objects.filter(revoked_at__isnull=True).select_related("school", "county")


def person_label(user) -> str:
    """A person as the audit page names them: 陳組長（學校承辦人 · 國立臺中高工）."""
    grants = getattr(user, "audit_grants", None)
    if grants is None:
        grants = list(user.active_grants)
    roles = "；".join(str(g) for g in grants)
    return f"{user.display_name}（{roles}）" if roles else user.display_name


class ThingChoiceFilter(django_filters.ModelChoiceFilter):
    class field_class(forms.ModelChoiceField):
        def label_from_instance(self, obj):
            model = obj.model_class()
            return str(model._meta.verbose_name) if model else obj.model


def things_in_the_trail(request):
    """Every kind of the portal's records (not worked out from the trail: that would read the
    whole trail on every page view)."""
    return ContentType.objects.exclude(app_label__in=FRAMEWORK_APPS).order_by("app_label", "model")


def sorted_action_choices():
    return sorted(action_choices(), key=lambda choice: str(choice[1]))


class RocDateFilter(django_filters.DateFilter):
    field_class = RocDateField


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        choices=sorted_action_choices, label=_("Action"), widget=QuickSelect
    )
    # People and schools are searched by words, not picked from a list: the programme has
    # thousands of each, and a list of them all would cost every page view of the trail.
    who = django_filters.CharFilter(
        method="filter_who",
        label=_("Who"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or account"), "type": "search"}),
    )
    school_name = django_filters.CharFilter(
        method="filter_school_name",
        label=_("School"),
        widget=forms.TextInput(attrs={"placeholder": _("School code or name"), "type": "search"}),
    )
    # A link to one person's or one school's entries sets these; they are not typed.
    actor = django_filters.ModelChoiceFilter(queryset=User.objects.all(), widget=forms.HiddenInput)
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.all(), widget=forms.HiddenInput
    )
    target_type = ThingChoiceFilter(
        queryset=things_in_the_trail, label=_("Kind of record"), widget=QuickSelect
    )
    # A link to one record's history sets it; it is not something people pick.
    target_id = django_filters.CharFilter(widget=forms.HiddenInput)
    since = RocDateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = RocDateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "who",
            "school_name",
            "target_type",
            "since",
            "until",
            "actor",
            "school",
            "target_id",
        ]

    def filter_who(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(actor__name__icontains=words)
            | Q(actor__username__icontains=words)
            | Q(actor__email__icontains=words)
        )

    def filter_school_name(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(Q(school__code__startswith=words) | Q(school__name__icontains=words))


def readable_changes(entry, model) -> list[tuple[str, object, object]]:
    """The entry's changes with the fields' names and choices in words, not column names."""
    rows = []
    for key, old, new in entry.changes:
        label, words = key, None
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:  # a key that is not a field: a section, a total
                field = None
            if field is not None and hasattr(field, "verbose_name"):
                label = str(field.verbose_name)
                words = dict(field.flatchoices) if getattr(field, "choices", None) else None
        if words:
            old, new = words.get(old, old), words.get(new, new)
        rows.append((label, old, new))
    return rows


def audit_list(request):
    require(request, "audit.view_auditentry")
    queryset = AuditEntry.objects.select_related("actor", "school", "target_type").prefetch_related(
        Prefetch("actor__grants", queryset=_active_grants(), to_attr="audit_grants")
    )
    filterset = AuditFilter(request.GET, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, per_page=50)
    for entry in page:
        entry.actor_label = person_label(entry.actor) if entry.actor else ""
        model = entry.target_type.model_class() if entry.target_type else None
        entry.target_kind = str(model._meta.verbose_name) if model else ""
        entry.readable_changes = readable_changes(entry, model)
    return render(request, "audit/audit_list.html", {"filter": filterset, "page": page})
