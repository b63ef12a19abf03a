import django_filters
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.access import paginate, require
from portal.accounts.models import User
from portal.forms import RocDateField
from portal.schools.models import School

from .labels import action_choices
from .models import AuditEntry


class RocDateFilter(django_filters.DateFilter):
    field_class = RocDateField


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=action_choices, label=_("Action"))
    actor = django_filters.ModelChoiceFilter(
        queryset=User.objects.order_by("username"), label=_("Who")
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.order_by("code"), label=_("School")
    )
    target_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.order_by("app_label", "model"), label=_("Object type")
    )
    target_id = django_filters.CharFilter(label=_("Object id"))
    since = RocDateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = RocDateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "school", "target_type", "target_id", "since", "until"]


def audit_list(request):
    require(request, "audit.view_auditentry")
    queryset = AuditEntry.objects.select_related("actor", "school", "target_type")
    filterset = AuditFilter(request.GET, queryset=queryset)
    return render(
        request,
        "audit/audit_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs, per_page=50)},
    )
