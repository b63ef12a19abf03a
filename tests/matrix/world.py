"""The world the authorisation matrix requests pages in: two schools' staff and every other
role, and a real object of "school A" for every kind of URL parameter.

School A is the school the objects belong to; its coordinator and principal hold their role
at school A and at school A's draft school (a second school, so that a draft plan and a plan
under review exist side by side in the open phase). School B is another school in another
county, with its own coordinator and principal and plans of its own, so that "another
school's staff" are real staff of a school taking part.

Everything is built through the apps' own builders (``tests/*/builders.py``) and services
where they exist; rows that belong to another app's tests are written directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tests.factories import UserFactory, _county, evaluated_school, grant

#: The roles every page is requested as (``anonymous`` is the logged-out visitor).
ROLES = (
    "coordinator_a",
    "principal_a",
    "coordinator_b",
    "principal_b",
    "reviewer",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "panel",
    "advisor",
    "inspector",
    "ministry",
    "anonymous",
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def _png() -> bytes:
    """A real one-pixel PNG (uploads are checked by content)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as missing:
            raise AttributeError(name) from missing


def _user(world, role_key, role, **scope):
    user = grant(UserFactory(username=f"matrix-{role_key}"), role, **scope)
    world.users[role_key] = user
    return user


def build_world() -> World:
    """Build every object once; each request then runs in a transaction rolled back after it."""
    world = World()
    o = world.objects
    _people_and_schools(world)
    _applications(world)
    _review(world)
    _indicators(world)
    _assessment(world)
    _consulting(world)
    _core(world)
    for user in world.users.values():
        user.__dict__.pop("active_grants", None)
    o["ready"] = True
    return world


# --- people and schools ---------------------------------------------------------------


def _people_and_schools(world):
    o = world.objects
    o["school_a"] = evaluated_school(scores=["85"] * 8, name="矩陣甲校")
    o["school_a_draft"] = evaluated_school(scores=["85"] * 8, name="矩陣甲校分部")
    o["school_b"] = evaluated_school(
        scores=["86"] * 8, name="矩陣乙校", county=_county("kaohsiung")
    )
    o["school_b"].district = o["school_b"].county.default_district
    o["school_b"].save(update_fields=["district"])
    ministry = _user(world, "ministry", "ministry")
    o["ministry"] = ministry
    for key, school in (("a", o["school_a"]), ("b", o["school_b"])):
        _user(world, f"coordinator_{key}", "coordinator", school=school)
        _user(world, f"principal_{key}", "principal", school=school)
    grant(world.users["coordinator_a"], "coordinator", school=o["school_a_draft"])
    grant(world.users["principal_a"], "principal", school=o["school_a_draft"])
    for key in ("reviewer", "reviewer_unassigned", "reviewer_conflicted"):
        _user(world, key, "committee", committee_category="expert", affiliation="國立大學")
    _user(world, "panel", "panel")
    _user(world, "advisor", "advisor", affiliation="國立彰化師範大學")
    _user(world, "inspector", "inspector", county=o["school_a"].county)


# --- applications ---------------------------------------------------------------------


def _applications(world):
    from applications import services
    from applications.models import DesignatedTeacher, PlanAttachment
    from tests.applications import builders

    o = world.objects
    coordinator, principal = world.users["coordinator_a"], world.users["principal_a"]
    ministry = world.users["ministry"]

    # A draft of the open phase, editable by school A's staff.
    draft = builders.started_plan(o["school_a_draft"], coordinator)
    builders.complete_plan(draft, coordinator)
    o["plan_draft"] = draft
    o["subplan_draft"] = draft.subplans.order_by("pk").first()
    o["line_draft"] = draft.budget_lines.order_by("pk").first()
    o["teacher_draft"] = DesignatedTeacher.objects.create(
        plan=draft, name="陳老師", title="實習組長", duties="計畫執行", weekly_reduction=4
    )
    attachment = PlanAttachment(
        plan=draft,
        original_name="佐證.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=coordinator,
    )
    attachment.file.save("matrix.pdf", ContentFile(PDF), save=False)
    attachment.save()
    o["attachment_draft"] = attachment
    from applications.budget_import import KIND as BUDGET_IMPORT
    from portal.imports.models import ImportJob

    job = ImportJob(
        kind=BUDGET_IMPORT,
        status="ready",
        file_name="budget.xlsx",
        target=draft,
        uploaded_by=coordinator,
    )
    o["budget_import_job"] = _save_file(job, "file", "budget.xlsx", b"PK\x03\x04matrix")
    from indicators.services.targets import own_indicator_save

    o["own_indicator"] = own_indicator_save(
        plan=draft,
        item=7,
        values={
            "name": "校訂指標",
            "kind": "count",
            "unit": "人",
            "decimal_places": 0,
            "numerator_label": "",
            "denominator_label": "",
            "definition": "學年度內參與人數。",
            "direction": "higher",
        },
        by=coordinator,
    )

    # School A's plan of the open phase, submitted and under review.
    plan = builders.submitted_plan(o["school_a"], coordinator, principal)
    plan = services.plan_review_start(plan=plan, by=ministry)
    o["plan"] = plan
    o["version_number"] = plan.versions.order_by("number").first().number
    # School B's submitted plan, so that B's staff have a plan of their own.
    o["plan_b"] = builders.submitted_plan(
        o["school_b"], world.users["coordinator_b"], world.users["principal_b"]
    )

    # A briefing session with school A registered.
    from applications.models import BriefingRegistration, BriefingSession

    now = timezone.now()
    session = BriefingSession.objects.create(
        title="計畫提報說明會",
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=3),
        registration_closes_at=now + dt.timedelta(days=7),
        place="教育部",
        created_by=ministry,
    )
    o["briefing"] = session
    o["registration"] = BriefingRegistration.objects.create(
        session=session,
        school=o["school_a"],
        attendees="陳組長",
        attendee_count=1,
        registered_by=coordinator,
    )


# --- review ---------------------------------------------------------------------------


def _review(world):
    from review import services
    from tests.review import builders

    o = world.objects
    ministry = world.users["ministry"]
    committee = builders.make_committee(ministry, reviewers_per_application=2)
    o["committee"] = committee
    members = {
        key: services.committee_member_add(committee=committee, user=world.users[key], by=ministry)
        for key in ("reviewer", "reviewer_unassigned", "reviewer_conflicted")
    }
    o["member"] = members["reviewer_unassigned"]
    r1 = builders.open_round(builders.first_round(committee), ministry)
    services.round_update(rnd=r1, values={"reviewers_per_application": 1}, by=ministry)
    o["round1"] = r1
    plan = o["plan"]
    first = builders.assign(r1, members["reviewer"], plan, ministry)
    conflicted = builders.assign(r1, members["reviewer_conflicted"], plan, ministry)
    with transaction.atomic():
        services.assignment_declare_conflict(
            assignment=conflicted, reason="曾任該校顧問", by=world.users["reviewer_conflicted"]
        )
    o["review"] = builders.submit(first, "0.8")
    # The unassigned reviewer scores school B's plan only.
    builders.submit(
        builders.assign(r1, members["reviewer_unassigned"], o["plan_b"], ministry), "0.5"
    )
    o["conflicted_assignment"] = conflicted
    services.consolidated_comment_save(rnd=r1, plan=plan, text=builders.ROUND1_COMMENT, by=ministry)
    builders.confirm(rnd=r1, passed={plan.pk}, by=ministry)
    # Round 2 is open: school A's plan has a visit and the reviewer's assignment to score.
    r2 = builders.open_round(builders.second_round(committee), ministry)
    services.round_update(rnd=r2, values={"reviewers_per_application": 1}, by=ministry)
    o["round"] = r2
    o["criterion"] = r2.criteria.order_by("pk").first()
    o["review_visit"] = services.visit_save(
        rnd=r2,
        plan=plan,
        values=builders.visit_values(),
        attendees=[members["reviewer"]],
        by=ministry,
    )
    from review.models import Assignment

    o["assignment"] = Assignment.objects.get(round=r2, plan=plan, member=members["reviewer"])


# --- indicators -----------------------------------------------------------------------


def _indicators(world):
    from indicators.models import ValueEvidence, ValuesExport, YearValue
    from indicators.values import services as value_services
    from tests.indicators import values_builders

    o = world.objects
    coordinator = world.users["coordinator_a"]
    ministry = world.users["ministry"]
    # School A's approved plan of the phase in force (113–115), reporting 114's values.
    supported = values_builders.supported_plan(o["school_a"], ministry)
    o["supported_plan"] = supported
    o["supported_plan_b"] = values_builders.supported_plan(o["school_b"], ministry)
    values_builders.open_window(values_builders.YEAR)
    o["values_year"] = values_builders.YEAR
    report = value_services.report_start(
        plan=supported, academic_year=values_builders.YEAR, by=coordinator
    )
    values_builders.report_all(report, supported, coordinator)
    o["year_report"] = report
    value = YearValue.objects.filter(report=report).order_by("pk").first()
    o["year_value"] = value
    evidence = ValueEvidence(
        year_value=value,
        original_name="佐證.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=coordinator,
    )
    o["evidence"] = _save_file(evidence, "file", "evidence.pdf", PDF)
    report.refresh_from_db()
    o["value_upload"] = _import_job("indicators.values.excel", report, coordinator, "values.xlsx")
    export = ValuesExport(
        requested_by=ministry,
        status=ValuesExport.Status.DONE,
        file_name="values.xlsx",
        finished_at=timezone.now(),
    )
    o["values_export"] = _save_file(export, "file", "values.xlsx", b"PK\x03\x04matrix")
    o["plan_indicator"] = supported.indicator_targets.order_by("pk").first()
    o["catalogue_version"] = o["plan_indicator"].indicator.version


# --- assessment -----------------------------------------------------------------------


def _assessment(world):
    from applications.enums import ExpenseType
    from applications.models import BudgetLine
    from assessment import services
    from assessment.enums import Decision
    from assessment.models import Condition, Outcome, ReportAttachment, ReportVersion
    from tests.assessment import builders

    o = world.objects
    coordinator = world.users["coordinator_a"]
    ministry = world.users["ministry"]
    plan = o["supported_plan"]
    # The year's approved budget, whose execution the report accounts for.
    subplan = plan.subplans.order_by("item").first()
    BudgetLine.objects.create(
        plan=plan,
        sub_plan=subplan,
        academic_year=builders.YEAR,
        expense_type=ExpenseType.BUSINESS,
        name="講座鐘點費",
        unit="式",
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        total=Decimal("100"),
        subsidy=Decimal("100"),
        own_funds=Decimal("0"),
    )
    report = builders.started_report(plan, coordinator, builders.YEAR)
    o["results_report"] = report
    o["execution"] = report.executions.order_by("pk").first()
    attachment = ReportAttachment(
        report=report,
        original_name="成果.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=coordinator,
    )
    o["report_attachment"] = _save_file(attachment, "file", "result.pdf", PDF)
    from assessment.selectors import report_snapshot

    ReportVersion.objects.create(
        report=report, number=1, snapshot=report_snapshot(report), submitted_by=coordinator
    )

    panel = services.panel_create(
        academic_year=builders.YEAR, name="考評小組", levels=["優", "甲", "乙"], by=ministry
    )
    o["panel"] = panel
    member = services.member_add(panel=panel, user=world.users["panel"], by=ministry)
    o["panel_member"] = member
    o["panel_assignment"] = services.assignment_add(
        panel=panel, member=member, plan=plan, by=ministry
    )
    o["panel_visit"] = services.visit_schedule(
        panel=panel,
        plan=plan,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        place="會議室",
        by=ministry,
    )
    o["recommendation"] = services.recommendation_add(
        assignment=o["panel_assignment"], item=7, text="加強推動。", by=world.users["panel"]
    )
    # The year before's outcome, decided with a condition (the assessment's own tests cover
    # how an outcome is decided; the matrix only needs one to exist).
    outcome = Outcome.objects.create(
        plan=plan,
        school=plan.school,
        academic_year=builders.YEAR - 1,
        decision=Decision.CONDITIONS,
        decided_by=ministry,
    )
    Condition.objects.create(outcome=outcome, text="補正經費執行說明", due_on=builders.due())
    o["outcome"] = outcome
    o["condition"] = outcome.conditions.order_by("pk").first()
    o["nomination"] = services.nomination_add(
        school=o["school_a"],
        academic_year=builders.YEAR,
        kind="commendation",
        nominee="陳老師",
        nominee_role="teacher",
        nominee_title="教師",
        reason="推動有功",
        by=coordinator,
    )
    o["nomination"].evidence_name = "佐證.pdf"
    _save_file(o["nomination"], "evidence", "nomination.pdf", PDF)


# --- consulting -----------------------------------------------------------------------


def _consulting(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consulting import services
    from consulting.enums import ExchangeKind
    from consulting.models import AdvisorProfile
    from portal.programme import calendar
    from tests.consulting import builders

    o = world.objects
    ministry = world.users["ministry"]
    advisor = world.users["advisor"]
    coordinator = world.users["coordinator_a"]
    school = o["school_a"]
    with transaction.atomic():
        services.advisor_profile_save(
            user=advisor,
            values={
                "affiliation": "國立彰化師範大學",
                "expertise": [7, 8],
                "is_available": True,
                "availability_note": "",
                "max_schools": 4,
            },
            districts=[school.district],
            by=ministry,
        )
    o["advisor_profile"] = AdvisorProfile.objects.get(user=advisor)
    o["advisory_assignment"] = builders.assign(advisor, school, ministry)
    o["school_request"] = services.request_create(
        school=school, topic="課程規劃", items=[7], details="請協助。", by=coordinator
    )
    consultation = builders.held(advisor, school, advice=1)
    o["consultation"] = consultation
    o["advice"] = consultation.advice.order_by("pk").first()
    o["published_result"] = services.result_publish(
        school=school, academic_year=115, title="成果", body="內容", link="", by=coordinator
    )
    inspection = services.inspection_record(
        school=school,
        visited_on=calendar.taipei_today(),
        checked="經費",
        assessment="良好",
        problems=["採購程序瑕疵"],
        by=world.users["inspector"],
    )
    o["inspection"] = inspection
    o["problem"] = inspection.problems.order_by("pk").first()
    # A co-host with no staff among the roles, so that school B stays a stranger to it.
    cohost = evaluated_school(scores=["85"] * 8, name="矩陣丙校")
    builders.support(cohost, ministry)
    exchange = services.exchange_create(
        kind=ExchangeKind.INTER_SCHOOL,
        title="校際交流",
        date=calendar.taipei_today() + dt.timedelta(days=14),
        place="甲校禮堂",
        hosts=[school, cohost],
        by=coordinator,
    )
    o["exchange"] = exchange
    o["photo"] = services.exchange_photo_add(
        exchange=exchange,
        upload=SimpleUploadedFile("photo.png", PNG, "image/png"),
        caption="交流照片",
        is_public=False,
        by=coordinator,
    )
    o["public_photo"] = services.exchange_photo_add(
        exchange=exchange,
        upload=SimpleUploadedFile("public.png", PNG, "image/png"),
        caption="公開照片",
        is_public=True,
        by=coordinator,
    )


# --- portal's core --------------------------------------------------------------------


def _core(world):
    from django.contrib.contenttypes.models import ContentType

    from portal.documents.models import GeneratedDocument
    from portal.programme.models import ApplicationWindow, Phase
    from portal.schools.models import EvaluationCycle

    o = world.objects
    ministry = world.users["ministry"]
    o["cycle"] = EvaluationCycle.objects.order_by("pk").first()
    o["import_batch"] = _import_job("portal.schools.services", None, ministry, "schools.xlsx")
    o["phase"] = Phase.objects.order_by("-start_year").first()
    o["window"] = ApplicationWindow.objects.order_by("-academic_year").first()
    # A finished PDF of school A's plan under review.
    document = GeneratedDocument(
        kind="plan",
        target_type=ContentType.objects.get_for_model(o["plan"]),
        target_id=o["plan"].pk,
        status="done",
        file_name="plan.pdf",
        finished_at=timezone.now(),
        requested_by=world.users["coordinator_a"],
    )
    document.save()  # the file's path carries the row's id
    o["document"] = _save_file(document, "file", "plan.pdf", PDF)
    o["grant"] = world.users["coordinator_b"].grants.order_by("pk").first()


def _import_job(module, target, by, file_name):
    """An upload read and awaiting confirmation, of the kind ``module`` imports."""
    from importlib import import_module

    from portal.imports.models import ImportJob

    owner = import_module(module)
    kind = getattr(owner, "KIND", None) or owner.SCHOOLS_KIND
    job = ImportJob(kind=kind, status="ready", file_name=file_name, target=target, uploaded_by=by)
    return _save_file(job, "file", file_name, b"PK\x03\x04matrix")


def _make(model, **values):
    """A row of ``model`` with ``values`` and whatever else is required left to defaults."""
    row = model(**values)
    row.save()
    return row


def _save_file(row, field_name, name, content):
    getattr(row, field_name).save(name, ContentFile(content), save=False)
    row.save()
    return row


__all__ = ["PNG", "ROLES", "Decimal", "World", "build_world"]
