"""Forms of the review: they check the input's shape; the services check the rules."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.forms import DateInput, PortalForm, PortalModelForm
from portal.programme.models import Phase

from .aggregation import plain
from .enums import ROUND_KINDS, Recommendation, RoundKind, RoundNumber
from .models import Committee, Criterion, Round, Visit


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CommitteeForm(PortalModelForm):
    class Meta:
        model = Committee
        fields = ["phase", "academic_year", "name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("E.g. 116學年度高職優質化輔助方案審查委員會."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.order_by("-start_year")
        self.fields["phase"].label_from_instance = lambda p: (
            f"{p.name}（{p.start_year}–{p.end_year}）"
        )

    def clean(self):
        data = super().clean()
        phase, year = data.get("phase"), data.get("academic_year")
        if phase and year and not phase.contains_year(year):
            self.add_error(
                "academic_year",
                _("%(year)s is not a year of %(phase)s.") % {"year": year, "phase": phase.name},
            )
        return data

    def validate_unique(self):
        # The service refuses a second committee with a clear message.
        pass


class CommitteeEditForm(PortalModelForm):
    class Meta:
        model = Committee
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class MemberAddForm(PortalForm):
    user = forms.ModelChoiceField(
        label=_("Committee member"),
        queryset=User.objects.none(),
        help_text=_(
            "People with a committee-member role (柒-二-(三)-2). Grant the role on the Users "
            "page to add someone new."
        ),
    )
    is_convener = forms.BooleanField(label=_("Convener (召集人)"), required=False)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        members = committee.members.filter(removed_at__isnull=True).values("user_id")
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True, grants__role=Role.COMMITTEE, grants__revoked_at__isnull=True
            )
            .exclude(pk__in=members)
            .prefetch_related("grants")
            .distinct()
            .order_by("name", "username")
        )
        self.fields["user"].label_from_instance = _member_label

    @property
    def has_candidates(self):
        return self.fields["user"].queryset.exists()


def _member_label(user):
    grant = next(
        (g for g in user.grants.all() if g.role == Role.COMMITTEE and g.revoked_at is None), None
    )
    if grant is None:
        return user.display_name
    parts = [str(grant.get_committee_category_display()), grant.affiliation]
    return f"{user.display_name}（{'・'.join(p for p in parts if p)}）"


class RoundForm(PortalModelForm):
    class Meta:
        model = Round
        fields = [
            "kind",
            "opens_at",
            "closes_at",
            "reviewers_per_application",
            "others_visibility",
            "show_reviewer_names",
            "aggregation",
            "normalise",
            "pass_rule",
            "pass_threshold",
            "pass_top_n",
            "focus_bonus",
            "focus_reserved",
        ]
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ROUND_KINDS[RoundNumber(self.instance.number)]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        # The service validates the whole round (and its constraints) with its own messages.
        pass


class CriterionForm(PortalModelForm):
    class Meta:
        model = Criterion
        fields = ["group", "name", "description", "max_points", "weight", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Leave empty to put it last.")

    def clean_order(self):
        return self.cleaned_data.get("order") or self.instance.order or 0

    def _post_clean(self):
        # Fill the instance; the service validates it (with its round) and saves it.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class AutoAssignForm(PortalForm):
    per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=15
    )


class AssignForm(PortalForm):
    member = forms.IntegerField(widget=forms.HiddenInput)
    plan = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(forms.Form):
    """A score and a comment per criterion, a recommendation and overall comments."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", "—"), *Recommendation.choices],
    )
    comment = forms.CharField(
        label=_("Overall comments"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Strengths, weaknesses and what to improve. The ministry consolidates the "
            "committee's comments for the school, without names."
        ),
    )
    confidential_comment = forms.CharField(
        label=_("Note to the ministry (not shared with the school)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criteria, review=None, disabled=False, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if review is not None:
            initial.update(
                {
                    "recommendation": review.recommendation,
                    "comment": review.comment,
                    "confidential_comment": review.confidential_comment,
                }
            )
            for score in review.scores.all():
                initial[f"points_{score.criterion_id}"] = score.points
                initial[f"comment_{score.criterion_id}"] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                required=False,
                min_value=Decimal(0),
                max_value=criterion.max_points,
                # "2.50" and "2.500" are the same score: the service refuses a third
                # significant decimal, not trailing zeros.
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.5",
                        "min": "0",
                        "max": plain(criterion.max_points),
                        "class": "form-control score-input",
                        "data-max": str(criterion.max_points),
                        "data-weight": str(criterion.weight),
                        "inputmode": "decimal",
                    }
                ),
                error_messages={
                    "max_value": _("At most %(max)s points.")
                    % {"max": plain(criterion.max_points)},
                    "min_value": _("At least 0 points."),
                    "invalid": _("Enter a number."),
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
        for name, field in self.fields.items():
            if name in ("recommendation",):
                field.widget.attrs.setdefault("class", "form-select")
            elif name in ("comment", "confidential_comment"):
                field.widget.attrs.setdefault("class", "form-control")
            if disabled:
                field.disabled = True

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"points_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "points": {c.pk: data.get(f"points_{c.pk}") for c in self.criteria},
            "comments": {c.pk: data.get(f"comment_{c.pk}", "") for c in self.criteria},
            "recommendation": data.get("recommendation", ""),
            "comment": data.get("comment", ""),
            "confidential_comment": data.get("confidential_comment", ""),
        }


@dataclass
class PassListRow:
    """What the pass list shows and keeps for one application: whether it passes, the
    reason for departing from the rule, the consolidated comments, and their errors."""

    pk: int
    passes: bool
    reason: str
    comment: str
    reason_errors: list[str] = dataclass_field(default_factory=list)
    comment_errors: list[str] = dataclass_field(default_factory=list)

    @property
    def key(self) -> str:
        """The plan id as the inputs' names use it (a string: not localised as a number)."""
        return str(self.pk)


#: Posted values that leave a checkbox unticked (as Django's CheckboxInput reads them).
UNTICKED = {"", "false", "False", "0", "off"}
REASON_MAX, COMMENT_MAX = 2000, 20000


class ConfirmForm(forms.Form):
    """The pass list, one page of the ranking at a time: preset by the rule (or by the
    choices kept from an earlier save of the page), with a reason for every departure from
    it and each school's consolidated comments.

    Each application's values are posted as ``pass_<plan id>``, ``reason_<plan id>`` and
    ``comment_<plan id>`` and read here by plan id, not held as three form fields per row:
    the form costs the same whatever the round's size, and the page renders the inputs.
    """

    note = forms.CharField(
        label=_("Note on the results (e.g. the committee meeting that decided them)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, rows, comments=None, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.initial_comments = comments or {}
        # Choices kept from earlier pages' saves: {plan id: (passes, reason)}.
        self.kept = kept or {}
        self.row_errors: dict[str, list[str]] = {}

    def _value(self, name: str) -> str:
        return (self.data.get(name) or "").strip() if self.is_bound else ""

    def _passes(self, row) -> bool:
        if not self.is_bound:
            kept = self.kept.get(row.plan.pk)
            return row.suggested if kept is None else kept[0]
        return self.data.get(f"pass_{row.plan.pk}", "") not in UNTICKED

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.plan.pk
            if len(self._value(f"reason_{pk}")) > REASON_MAX:
                self.add_row_error(
                    f"reason_{pk}",
                    _("Keep the reason to %(n)s characters.") % {"n": REASON_MAX},
                )
            if len(self._value(f"comment_{pk}")) > COMMENT_MAX:
                self.add_row_error(
                    f"comment_{pk}",
                    _("Keep the consolidated comments to %(n)s characters.") % {"n": COMMENT_MAX},
                )
        if self.row_errors:
            raise forms.ValidationError(_("Correct the applications marked below."))
        return cleaned

    def add_row_error(self, name: str, message) -> bool:
        """Keep an error of one application's input (``reason_<id>``, ``comment_<id>``);
        false when ``name`` is not one of this form's rows (an application on another page
        of the ranking: the caller puts its error, which names the school, above the list)."""
        prefix, _sep, pk = (name or "").partition("_")
        if prefix not in ("pass", "reason", "comment") or pk not in {
            str(r.plan.pk) for r in self.rows
        }:
            return False
        self.row_errors.setdefault(name, []).append(str(message))
        return True

    def inputs(self) -> list[PassListRow]:
        """Each row's values: as posted, or (unbound) the rule's choice and the prefill."""
        result = []
        for row in self.rows:
            pk = row.plan.pk
            result.append(
                PassListRow(
                    pk=pk,
                    passes=self._passes(row),
                    reason=(
                        self._value(f"reason_{pk}")
                        if self.is_bound
                        else self.kept.get(pk, (None, ""))[1]
                    ),
                    comment=(
                        self._value(f"comment_{pk}")
                        if self.is_bound
                        else self.initial_comments.get(pk, "")
                    ),
                    reason_errors=self.row_errors.get(f"reason_{pk}", [])
                    + self.row_errors.get(f"pass_{pk}", []),
                    comment_errors=self.row_errors.get(f"comment_{pk}", []),
                )
            )
        return result

    def comments(self) -> dict[int, str]:
        return {r.plan.pk: self._value(f"comment_{r.plan.pk}") for r in self.rows}

    def reasons(self) -> dict[int, str]:
        return {r.plan.pk: self._value(f"reason_{r.plan.pk}") for r in self.rows}

    def passes(self) -> dict[int, bool]:
        """Whether each application on the form passes, as posted."""
        return {r.plan.pk: self._passes(r) for r in self.rows}

    def changed_comments(self) -> dict[int, str]:
        """The consolidated comments posted that differ from what the page offered."""
        return {
            pk: text
            for pk, text in self.comments().items()
            if text and text != (self.initial_comments.get(pk) or "").strip()
        }


class CommentForm(PortalForm):
    text = forms.CharField(
        label=_("Consolidated comments (綜合意見)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the school reads once the round's results are confirmed: no names and no "
            "individual scores."
        ),
    )


class VisitForm(PortalModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Members attending"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Members with a conflict of interest are not listed. Those not yet assigned the "
            "application in round 2 are assigned to score it."
        ),
    )

    class Meta:
        model = Visit
        fields = ["mode", "date", "starts_at", "ends_at", "place", "online_url", "note_to_school"]
        widgets = {
            "date": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "note_to_school": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda m: (
            f"{m.user.display_name}（{m.get_category_display()}）"
        )
        self.fields["mode"].choices = [
            (RoundKind.SITE_VISIT.value, RoundKind.SITE_VISIT.label),
            (RoundKind.INTERVIEW.value, RoundKind.INTERVIEW.label),
        ]

    def _post_clean(self):
        pass


class VisitNotesForm(PortalForm):
    notes = forms.CharField(
        label=_("Visit notes (訪視紀錄)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


DECISION_COMMENTS_HELP = _(
    "Filled in from the committee's consolidated comments or the reviewers' comments, without "
    "names: edit before recording. The school reads them with the decision and in its notice."
)


class ApproveForm(PortalForm):
    comments = forms.CharField(
        label=_("Consolidated comments (綜合意見)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=DECISION_COMMENTS_HELP,
    )
    conditions = forms.CharField(
        label=_("Conditions (if any)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. what the school must revise before carrying out the plan."),
    )

    def __init__(self, *args, requested: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(requested)
        for year, amount in requested.items():
            self.fields[f"amount_{year}"] = forms.DecimalField(
                label=_("Approved subsidy for academic year %(year)s (NT$ thousand)")
                % {"year": year},
                required=False,
                min_value=Decimal(0),
                initial=amount,
                help_text=_("Requested: %(amount)s") % {"amount": amount},
                error_messages={
                    "invalid": _("Enter an amount in NT$ thousand."),
                },
            )

    def amounts(self) -> dict[int, Decimal | None]:
        return {y: self.cleaned_data.get(f"amount_{y}") for y in self.years}


class RejectForm(PortalForm):
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comments = forms.CharField(
        label=_("Consolidated comments (綜合意見)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=DECISION_COMMENTS_HELP,
    )


class BulkDecisionForm(forms.Form):
    """Several applications decided at once from the committee's result list: one checkbox
    per application that can be decided, its approved amounts per year (prefilled with the
    request) and its consolidated comments; the outcome, conditions and reasons shared."""

    outcome = forms.ChoiceField(
        label=_("Decision for the applications chosen"),
        choices=[("approve", _("Approve (核定)")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    conditions = forms.CharField(
        label=_("Conditions (if any)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    reasons = forms.CharField(
        label=_("Reasons for not approving"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, rows, requested, comments, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.requested = requested
        for row in rows:
            plan = row["plan"]
            pk = plan.pk
            self.fields[f"select_{pk}"] = forms.BooleanField(
                label=_("Decide %(school)s") % {"school": plan.school.name},
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            for year, amount in requested.get(pk, {}).items():
                self.fields[f"amount_{pk}_{year}"] = forms.DecimalField(
                    label=_(
                        "%(school)s: approved subsidy for academic year %(year)s (NT$ thousand)"
                    )
                    % {"school": plan.school.name, "year": year},
                    required=False,
                    initial=amount,
                    widget=forms.TextInput(
                        attrs={"class": "form-control form-control-sm num", "inputmode": "decimal"}
                    ),
                    error_messages={"invalid": _("Enter an amount in NT$ thousand.")},
                )
            self.fields[f"comments_{pk}"] = forms.CharField(
                label=_("Consolidated comments (綜合意見) for %(school)s")
                % {"school": plan.school.name},
                required=False,
                max_length=20000,
                initial=comments.get(pk, ""),
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )

    def row_fields(self, row):
        pk = row["plan"].pk
        return {
            "select": self[f"select_{pk}"],
            "amounts": [(year, self[f"amount_{pk}_{year}"]) for year in self.requested.get(pk, {})],
            "comments": self[f"comments_{pk}"],
        }

    def clean(self):
        data = super().clean()
        if not any(data.get(f"select_{row['plan'].pk}") for row in self.rows):
            raise forms.ValidationError(_("Choose at least one application."))
        return data

    def chosen(self):
        """(plan, amounts, comments) of each application chosen."""
        data = self.cleaned_data
        for row in self.rows:
            pk = row["plan"].pk
            if data.get(f"select_{pk}"):
                amounts = {
                    year: data.get(f"amount_{pk}_{year}") for year in self.requested.get(pk, {})
                }
                yield row["plan"], amounts, data.get(f"comments_{pk}", "")
