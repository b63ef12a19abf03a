import django_filters
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import paginate, require
from portal.schools.models import School

from . import services
from .enums import Role
from .forms import GrantForm, LoginForm, PortalPasswordResetForm, UserForm
from .models import RoleGrant, User
from .throttle import reset_allowed


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        """Throttled per e-mail address and client address; over the limit nothing is sent
        and the answer is the same — as it is whether or not an account has the address."""
        if not reset_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        """A new password set through the e-mailed link unlocks the account: the person who
        reads its mail is the right one, wherever the failed log-ins came from."""
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Name, user name or e-mail"))
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="by_role", label=gettext_lazy("Role")
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.order_by("code"), method="by_school", label=gettext_lazy("School")
    )
    is_active = django_filters.BooleanFilter(
        label=gettext_lazy("Account active"),
        widget=forms.Select(
            choices=[
                ("", gettext_lazy("All")),
                ("true", gettext_lazy("Yes")),
                ("false", gettext_lazy("No")),
            ]
        ),
    )

    class Meta:
        model = User
        fields = ["q", "role", "school", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(name__icontains=value) | Q(email__icontains=value)
        )

    def by_role(self, queryset, name, value):
        return queryset.filter(grants__role=value, grants__revoked_at__isnull=True).distinct()

    def by_school(self, queryset, name, value):
        return queryset.filter(grants__school=value, grants__revoked_at__isnull=True).distinct()


def _users_with_grants():
    return User.objects.prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.filter(revoked_at__isnull=True).select_related(
                "school", "county"
            ),
            to_attr="grant_list",
        )
    ).order_by("username")


def user_list(request):
    require(request, "accounts.manage_users")
    filterset = UserFilter(request.GET, queryset=_users_with_grants())
    return render(
        request,
        "accounts/user_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs, per_page=50)},
    )


def user_create(request):
    require(request, "accounts.manage_users")
    form = UserForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        user = services.user_save(user=form.instance, by=request.user, is_new=True)
        messages.success(
            request,
            _(
                "The account %(username)s was created. Add its roles, then send it a link "
                "to set a password."
            )
            % {"username": user.username},
        )
        return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form})


def user_detail(request, pk):
    require(request, "accounts.manage_users")
    person = get_object_or_404(User, pk=pk)
    grants = person.grants.select_related(
        "school", "county", "affiliated_school", "granted_by", "revoked_by"
    ).order_by("revoked_at", "role")
    form = GrantForm(request.POST or None, instance=RoleGrant(user=person))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_add(grant=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role was granted."))
            return redirect(person)
    return render(
        request,
        "accounts/user_detail.html",
        {"person": person, "grants": grants, "form": form},
    )


def user_edit(request, pk):
    require(request, "accounts.manage_users")
    person = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.user_save(user=form.instance, by=request.user, is_new=False)
        messages.success(request, _("The account was saved."))
        return redirect(person)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


@require_POST
def grant_revoke(request, pk, grant_pk):
    require(request, "accounts.manage_users")
    grant = get_object_or_404(RoleGrant, pk=grant_pk, user_id=pk)
    services.grant_revoke(grant=grant, by=request.user)
    messages.success(request, _("The role was revoked."))
    return redirect(grant.user)


@require_POST
def user_send_reset(request, pk):
    require(request, "accounts.manage_users")
    person = get_object_or_404(User, pk=pk)
    if services.user_send_password_reset(user=person, by=request.user, request=request):
        messages.success(
            request,
            _("A link to set a password was sent to %(email)s.") % {"email": person.email},
        )
    else:
        messages.error(request, _("This account has no e-mail address or is inactive."))
    return redirect(person)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes: too many failed log-ins for this user name from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
