from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalModelForm, form_helper

from .enums import Role
from .models import RoleGrant, User


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PortalPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches accounts that have never set a password.

    New accounts get their first password this way, through the link the
    ministry staff send them.
    """

    _only_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()

    def get_users(self, email):
        if self._only_user is not None:
            return [self._only_user]
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queued (Celery), not sent inside the request: the answer takes as long whether
        or not an account has the address, and a slow mail server holds up no web worker."""
        from portal.tasks import send_email

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.delay(to_email, subject, body)

    def save(self, *, only_user=None, **kwargs):
        self._only_user = only_user
        kwargs.setdefault("subject_template_name", "registration/password_reset_subject.txt")
        kwargs.setdefault("email_template_name", "registration/password_reset_email.txt")
        return super().save(**kwargs)


class UserForm(PortalModelForm):
    class Meta:
        model = User
        fields = ["username", "name", "email", "title", "phone", "is_active"]
        labels = {"username": _("user name"), "is_active": _("account active")}
        help_texts = {
            "username": _("Letters, digits and @/./+/-/_ only; used to log in."),
            "is_active": _("An inactive account cannot log in; its history is kept."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["name"].required = True


class GrantForm(PortalModelForm):
    class Meta:
        model = RoleGrant
        fields = [
            "role",
            "school",
            "county",
            "committee_category",
            "affiliation",
            "affiliated_school",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "grant-form"
        self.fields["school"].queryset = self.fields["school"].queryset.order_by("code")
        self.fields["affiliated_school"].queryset = self.fields[
            "affiliated_school"
        ].queryset.order_by("code")
        self.fields["school"].help_text = _("For a school coordinator or a principal.")
        self.fields["county"].help_text = _("For an inspector.")
        self.fields["committee_category"].help_text = _("For a committee member (柒-二-(三)-2).")
        self.fields["affiliation"].help_text = _(
            "Where the person works, for committee members and advisors."
        )
        for name in ("school", "county", "committee_category", "affiliation", "affiliated_school"):
            self.fields[name].widget.attrs["data-grant-field"] = name

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in (Role.COORDINATOR, Role.PRINCIPAL) and not data.get("school"):
            self.add_error("school", _("Choose the school for this role."))
        if role == Role.INSPECTOR and not data.get("county"):
            self.add_error("county", _("Choose the county or city for an inspector."))
        if role == Role.COMMITTEE and not data.get("committee_category"):
            self.add_error("committee_category", _("Choose the committee member's category."))
        return data
