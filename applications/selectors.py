"""Reads about plans: the checklist, the snapshot of a submission, differences, lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.schools.selectors import school_eligibility

from .budget import budget_lines, budget_problems, budget_summary
from .enums import PlanKind, PlanStatus, SectionKey
from .hooks import contributed_checks
from .items import ITEMS
from .models import DesignatedTeacher, Plan, PlanAttachment, PlanSection, PlanVersion, SubPlan
from .sections import SECTION_FORMS


@dataclass(frozen=True)
class Check:
    """One line of the submission checklist: a rule, whether it holds, where to fix it."""

    code: str  # the rule ID
    label: str
    ok: bool
    url: str
    detail: str = ""

    def __str__(self):
        return f"{self.label}{'：' + self.detail if self.detail else ''}"


def plan_detail(pk: int) -> Plan:
    return Plan.objects.select_related("school", "school__county", "school__district", "phase").get(
        pk=pk
    )


def sections_of(plan: Plan) -> dict[str, PlanSection]:
    return {s.key: s for s in plan.sections.select_related("updated_by")}


def subplans_of(plan: Plan) -> list[SubPlan]:
    return list(plan.subplans.select_related("updated_by").order_by("item", "order", "pk"))


def subplan_missing(subplan: SubPlan, years: list[int]) -> list[str]:
    """What a sub-plan still lacks (ITEM-1): every part, and a schedule for every year."""
    missing = []
    for name in (
        "title",
        "goals",
        "strategies",
        "expected_quantitative",
        "expected_qualitative",
        "owner",
    ):
        if not str(getattr(subplan, name) or "").strip():
            missing.append(str(SubPlan._meta.get_field(name).verbose_name))
    for year in years:
        if not str((subplan.schedule or {}).get(str(year), "")).strip():
            missing.append(_("schedule for academic year %(year)s") % {"year": year})
    return missing


def mandatory_items(plan: Plan) -> list[int]:
    """ITEM-2 and ITEM-3, from the school's latest evaluation."""
    return school_eligibility(plan.school).mandatory_items


def plan_checklist(plan: Plan, summary=None) -> list[Check]:
    """Everything that must hold before the plan is submitted. The page shows it and the
    server enforces it at submission (ITEM-2, ITEM-3, APP-2, APP-4, APP-5, APP-6, ITEM-1,
    NOTE-2, BUD-1 … BUD-5, ELIG-1)."""
    checks: list[Check] = []
    sections = sections_of(plan)

    def section_url(key):
        return reverse("applications:section_edit", args=[plan.pk, key])

    required_sections = [
        (SectionKey.GOALS, "APP-2"),
        (SectionKey.BASIC_DATA, "APP-2"),
        (SectionKey.SITUATION, "APP-2"),
        (SectionKey.SELF_MANAGEMENT, "APP-5"),
    ]
    if plan.kind == PlanKind.FOLLOW_UP:
        required_sections.append((SectionKey.PREVIOUS_RESULTS, "APP-4"))
    for key, code in required_sections:
        section = sections.get(key)
        missing = SECTION_FORMS[key].missing(section.data if section else {})
        checks.append(
            Check(
                code,
                str(SectionKey(key).label),
                not missing,
                section_url(key),
                "、".join(missing) if missing else "",
            )
        )

    subplans = subplans_of(plan)
    items_present = {s.item for s in subplans}
    for number in mandatory_items(plan):
        code = "ITEM-2" if number == 7 else "ITEM-3"
        checks.append(
            Check(
                code,
                _("A sub-plan for item %(n)s (%(name)s)")
                % {"n": number, "name": ITEMS[number].name},
                number in items_present,
                reverse("applications:subplan_create", args=[plan.pk]) + f"?item={number}",
            )
        )
    checks.append(
        Check(
            "APP-6",
            _("A sub-plan for inter-school exchange and observation events"),
            any(s.is_exchange for s in subplans),
            reverse("applications:subplan_create", args=[plan.pk]) + "?exchange=1",
        )
    )
    for subplan in subplans:
        missing = subplan_missing(subplan, plan.plan_years)
        checks.append(
            Check(
                "ITEM-1",
                _("Sub-plan %(title)s") % {"title": f"{subplan.item}-{subplan.title}"},
                not missing,
                subplan.get_absolute_url(),
                "、".join(missing),
            )
        )

    if plan.school.ownership == "public":
        from .services import PUBLIC_SCHOOL_MAX_REDUCTION

        too_many = [
            t.name
            for t in DesignatedTeacher.objects.filter(plan=plan)
            if t.weekly_reduction > PUBLIC_SCHOOL_MAX_REDUCTION
        ]
        checks.append(
            Check(
                "NOTE-2",
                _("Designated teachers' load reductions of at most 4 periods a week"),
                not too_many,
                reverse("applications:teachers", args=[plan.pk]),
                "、".join(too_many),
            )
        )

    summary = summary or budget_summary(plan, subplans=subplans)
    problems = budget_problems(plan, summary)
    checks.append(
        Check(
            "BUD-1",
            _("A consistent budget for every year of the plan"),
            not problems,
            reverse("applications:budget", args=[plan.pk]),
            "；".join(problems),
        )
    )
    signoff = sections.get(SectionKey.SIGNOFF)
    missing = SECTION_FORMS[SectionKey.SIGNOFF].missing(signoff.data if signoff else {})
    checks.append(
        Check(
            "BUD-5",
            str(SectionKey.SIGNOFF.label),
            not missing,
            reverse("applications:budget", args=[plan.pk]) + "#signoff",
            "、".join(missing),
        )
    )
    if plan.kind in (PlanKind.NEW, PlanKind.FOLLOW_UP):
        eligibility = school_eligibility(plan.school)
        checks.append(
            Check(
                "ELIG-1",
                _("The school is eligible to apply"),
                eligibility.eligible,
                reverse("schools:detail", args=[plan.school.code]),
                "、".join(f"{line.number}. {line.name}" for line in eligibility.short_items),
            )
        )
    return checks + contributed_checks(plan)


def plan_snapshot(plan: Plan) -> dict:
    """Everything the school submits, as plain data, for the version that freezes it."""
    sections = sections_of(plan)
    subplans = subplans_of(plan)
    lines = budget_lines(plan)
    summary = budget_summary(plan, lines=lines, subplans=subplans)
    return {
        "school": {"code": plan.school.code, "name": plan.school.name},
        "phase": {
            "name": plan.phase.name,
            "start": plan.phase.start_year,
            "end": plan.phase.end_year,
        },
        "kind": plan.kind,
        "academic_year": plan.application_year,
        "sections": {key: section.data for key, section in sections.items()},
        "teachers": [
            {
                "name": t.name,
                "title": t.title,
                "duties": t.duties,
                "weekly_reduction": t.weekly_reduction,
            }
            for t in plan.teachers.all()
        ],
        "subplans": [
            {
                "id": s.pk,
                "item": s.item,
                "is_exchange": s.is_exchange,
                "title": s.title,
                "goals": s.goals,
                "strategies": s.strategies,
                "schedule": s.schedule,
                "expected_quantitative": s.expected_quantitative,
                "expected_qualitative": s.expected_qualitative,
                "owner": s.owner,
            }
            for s in subplans
        ],
        "budget": [
            {
                "id": line.pk,
                "sub_plan": line.sub_plan_id,
                "academic_year": line.academic_year,
                "expense_type": line.expense_type,
                "name": line.name,
                "unit": line.unit,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "total": str(line.total),
                "subsidy": str(line.subsidy),
                "own_funds": str(line.own_funds),
                "fiscal_half": line.fiscal_half,
                "purpose": line.purpose,
            }
            for line in lines
        ],
        "totals": summary.as_dict(),
        "attachments": [
            {"id": a.pk, "name": a.original_name, "size": a.size}
            for a in PlanAttachment.objects.filter(plan=plan, removed_at__isnull=True)
        ],
    }


# --- Differences between versions ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    part: str
    field: str
    before: object
    after: object


def _label_of_section_field(key: str, name: str) -> str:
    form = SECTION_FORMS.get(key)
    if form is None:
        return name
    field = form().fields.get(name)
    return str(field.label) if field else name


def version_diff(old: dict, new: dict) -> list[Change]:
    """What changed between two snapshots: sections field by field, sub-plans and budget lines
    added, removed or changed, and the totals."""
    changes: list[Change] = []
    for key in SECTION_FORMS:
        before = old.get("sections", {}).get(key, {}) or {}
        after = new.get("sections", {}).get(key, {}) or {}
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                changes.append(
                    Change(
                        str(SectionKey(key).label),
                        _label_of_section_field(key, name),
                        before.get(name),
                        after.get(name),
                    )
                )

    def keyed(items):
        return {item["id"]: item for item in items}

    old_subs, new_subs = keyed(old.get("subplans", [])), keyed(new.get("subplans", []))
    for pk in sorted(set(old_subs) | set(new_subs)):
        a, b = old_subs.get(pk), new_subs.get(pk)
        label = _("Sub-plan %(title)s") % {"title": (b or a)["title"]}
        if a is None or b is None:
            changes.append(
                Change(
                    label,
                    _("added") if a is None else _("removed"),
                    a and a["title"],
                    b and b["title"],
                )
            )
            continue
        for name in a:
            if name != "id" and a[name] != b.get(name):
                field = str(SubPlan._meta.get_field(name).verbose_name)
                changes.append(Change(label, field, a[name], b.get(name)))

    old_lines, new_lines = keyed(old.get("budget", [])), keyed(new.get("budget", []))
    for pk in sorted(set(old_lines) | set(new_lines)):
        a, b = old_lines.get(pk), new_lines.get(pk)
        line = b or a
        label = _("Budget %(year)s: %(name)s") % {
            "year": line["academic_year"],
            "name": line["name"],
        }
        if a is None or b is None:
            changes.append(
                Change(
                    label,
                    _("added") if a is None else _("removed"),
                    a and a["total"],
                    b and b["total"],
                )
            )
            continue
        for name in (
            "name",
            "unit",
            "quantity",
            "unit_price",
            "total",
            "subsidy",
            "own_funds",
            "purpose",
            "expense_type",
            "fiscal_half",
            "sub_plan",
            "academic_year",
        ):
            if a.get(name) != b.get(name):
                changes.append(Change(label, name, a.get(name), b.get(name)))

    old_totals = old.get("totals", {}).get("years", {})
    new_totals = new.get("totals", {}).get("years", {})
    for year in sorted(set(old_totals) | set(new_totals)):
        a, b = old_totals.get(year, {}), new_totals.get(year, {})
        if a != b:
            changes.append(
                Change(
                    _("Budget totals"),
                    _("Academic year %(year)s") % {"year": year},
                    a.get("total"),
                    b.get("total"),
                )
            )
    return changes


# --- Lists -------------------------------------------------------------------------------------


def plans_for(user):
    """The plans a person may list: all for ministry staff, their school's for school staff."""
    qs = Plan.objects.select_related("school", "school__district", "school__county", "phase")
    if user.has_perm("applications.list_all_plans"):
        return qs
    return qs.filter(school_id__in=user.school_ids())


def status_counts(queryset) -> dict[str, int]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in PlanStatus.values}


def subplan_count() -> Coalesce:
    """The number of a plan's sub-plans, as a correlated subquery: the list's rows are not
    multiplied by a join, and its COUNT needs no join at all."""
    per_plan = (
        SubPlan.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_plan, output_field=IntegerField()), 0)


def plan_list_prefetch(queryset):
    """The plan list's rows (and the export's): versions prefetched, sub-plans counted."""
    return queryset.prefetch_related(
        Prefetch(
            "versions", queryset=PlanVersion.objects.defer("snapshot"), to_attr="version_list"
        ),
    ).annotate(subplan_count=subplan_count())


# --- The whole plan as a document (the read page, a version, the PDF) ------------------------


@dataclass
class SnapshotSubPlan:
    pk: int
    item: int
    is_exchange: bool
    title: str
    goals: str
    strategies: str
    schedule: dict
    expected_quantitative: str
    expected_qualitative: str
    owner: str

    @property
    def programme_item(self):
        return ITEMS[self.item]


@dataclass
class SnapshotLine:
    pk: int
    sub_plan: SnapshotSubPlan
    academic_year: int
    expense_type: str
    name: str
    unit: str
    quantity: object
    unit_price: object
    total: object
    subsidy: object
    own_funds: object
    fiscal_half: str
    purpose: str

    @property
    def sub_plan_id(self):
        return self.sub_plan.pk

    @property
    def fiscal_year(self):
        return self.academic_year if self.fiscal_half == "first" else self.academic_year + 1

    def get_expense_type_display(self):
        from .enums import ExpenseType

        return ExpenseType(self.expense_type).label


def _section_rows(sections: dict) -> list[tuple[str, list[tuple[str, object]]]]:
    rows = []
    for key, form_class in SECTION_FORMS.items():
        if key == SectionKey.SIGNOFF:
            continue  # shown with the budget tables
        data = sections.get(key) or {}
        form = form_class()
        fields = [
            (str(field.label), data.get(name))
            for name, field in form.fields.items()
            if data.get(name) not in (None, "", False) or name in form_class.required_fields
        ]
        if key == SectionKey.COOPERATION:
            fields = [
                (str(form.fields[name].label), data.get(f"{name}_note") or _("Yes"))
                for name in form.fields
                if not name.endswith("_note") and data.get(name)
            ]
        if fields:
            rows.append((str(SectionKey(key).label), key, fields))
    return rows


def document_context(plan: Plan, snapshot: dict | None = None) -> dict:
    """What the read page, a version's page and the PDF show, from the live plan or a version."""
    from decimal import Decimal

    if snapshot is None:
        snapshot = plan_snapshot(plan)
    subplans = [
        SnapshotSubPlan(pk=s["id"], **{k: v for k, v in s.items() if k != "id"})
        for s in snapshot["subplans"]
    ]
    by_id = {s.pk: s for s in subplans}
    lines = [
        SnapshotLine(
            pk=line["id"],
            sub_plan=by_id[line["sub_plan"]],
            academic_year=line["academic_year"],
            expense_type=line["expense_type"],
            name=line["name"],
            unit=line["unit"],
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line["unit_price"]),
            total=Decimal(line["total"]),
            subsidy=Decimal(line["subsidy"]),
            own_funds=Decimal(line["own_funds"]),
            fiscal_half=line["fiscal_half"],
            purpose=line["purpose"],
        )
        for line in snapshot["budget"]
        if line["sub_plan"] in by_id
    ]
    return {
        "document_sections": _section_rows(snapshot["sections"]),
        "signoff": snapshot["sections"].get(SectionKey.SIGNOFF, {}),
        "subplans": subplans,
        "teachers": snapshot["teachers"],
        "summary": budget_summary(plan, lines=lines, subplans=subplans),
        "attachment_names": [a["name"] for a in snapshot.get("attachments", [])],
        "snapshot_year": snapshot["academic_year"],
    }


@dataclass(frozen=True)
class BudgetRevision:
    """A budget revised to the approved amounts and submitted (BUD-5): when, and its version."""

    at: object
    version: PlanVersion | None


def latest_budget_revision(plan: Plan) -> BudgetRevision | None:
    """The last budget revision submitted for an approved plan, once none is due any more."""
    if plan.budget_revision_due or plan.status != PlanStatus.APPROVED:
        return None
    event = (
        plan.events.filter(from_status=PlanStatus.APPROVED, to_status=PlanStatus.APPROVED)
        .order_by("-at")
        .first()
    )
    if event is None:
        return None
    version = (
        plan.versions.defer("snapshot")
        .filter(submitted_at__lte=event.at)
        .order_by("-number")
        .first()
    )
    return BudgetRevision(at=event.at, version=version)
