"""Words for people: no internal rule ID (ELIG-1, BUD-5 …) on the pages, messages and PDFs
of the application; where a citation helps, the programme document's own section."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from applications import selectors
from applications.enums import PlanStatus, SectionKey
from applications.reports import plan_pdf_context
from portal.programme.citations import cite
from portal.schools.reports import profile_context

from .builders import add_subplan, plan_in, started_plan

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(
    r"\b(ELIG|BUD|APP|SCHED|SEL|ITEM|SUP|NOTE|RES|PERF|IND|EVAL|OVS|REG|SCH|REV)-\d+\b"
)


def assert_no_rule_id(html, where):
    found = sorted({m.group(0) for m in RULE_ID.finditer(html)})
    assert found == [], f"{where} shows {found}"


def test_citations_name_the_programme_document_sections():
    assert cite("ELIG-1") == "參、辦理對象"
    assert cite("APP-3") == "柒-二-(一)-3"
    assert cite("ITEM-2") == "柒-一"
    assert cite("BUD-5") == ""  # practice beyond the document: no citation


def test_school_pages_of_a_draft_plan_show_no_rule_id(client_for, school, coordinator):
    plan = started_plan(school, coordinator)
    add_subplan(plan, coordinator, 7)
    client = client_for(coordinator)
    names = [
        ("applications:plan_detail", [plan.pk]),
        ("applications:checklist", [plan.pk]),
        ("applications:budget", [plan.pk]),
        ("applications:subplans", [plan.pk]),
        ("applications:subplan_create", [plan.pk]),
        ("applications:teachers", [plan.pk]),
        ("applications:attachments", [plan.pk]),
        ("applications:versions", [plan.pk]),
        ("applications:section_edit", [plan.pk, SectionKey.SELF_MANAGEMENT]),
        ("applications:section_edit", [plan.pk, SectionKey.PREVIOUS_RESULTS]),
        ("applications:plan_list", []),
        ("applications:briefing_list", []),
        ("schools:detail", [school.code]),
        ("home", []),
    ]
    for name, args in names:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_no_rule_id(response.content.decode(), name)


def test_checklist_cites_the_document_not_the_rule(client_for, school, coordinator):
    plan = started_plan(school, coordinator)
    html = client_for(coordinator).get(reverse("applications:checklist", args=[plan.pk]))
    text = html.content.decode()
    assert "參、辦理對象" in text or "柒-一" in text
    assert "柒-三-(四)-4" in text  # the inter-school exchange sub-plan
    assert_no_rule_id(text, "checklist")


def test_ministry_pages_show_no_rule_id(client_for, school, coordinator, principal, ministry):
    plan = plan_in(
        PlanStatus.SUBMITTED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    client = client_for(ministry)
    for name, args in [
        ("home", []),
        ("applications:plan_detail", [plan.pk]),
        ("applications:plan_list", []),
        ("programme:calendar", []),
        ("schools:cycle_list", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_no_rule_id(response.content.decode(), name)


def test_pdfs_show_no_rule_id(school, coordinator, principal, ministry):
    plan = plan_in(
        PlanStatus.SUBMITTED,
        school=school,
        coordinator=coordinator,
        principal=principal,
        ministry=ministry,
    )
    assert_no_rule_id(render_to_string("pdf/plan.html", plan_pdf_context(plan)), "plan PDF")
    assert_no_rule_id(
        render_to_string("pdf/school_profile.html", profile_context(school)), "profile PDF"
    )


def test_checklist_codes_stay_in_code(school, coordinator):
    plan = started_plan(school, coordinator)
    codes = {check.code for check in selectors.plan_checklist(plan)}
    assert {"APP-2", "APP-6", "BUD-1", "BUD-5"} <= codes
