"""Issue 10 §5: words for people. Every review page, in Chinese, is free of internal rule IDs
(SEL-4, BUD-5 …; the programme document's sections are cited instead), says 您 and not 你,
and has no doubled punctuation."""

import re

import pytest
from django.urls import reverse

from review import services
from tests.review import builders

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b(?:SEL|BUD|ELIG|APP|ITEM|IND|SCHED|REG|RES)-\d")
DOUBLED = re.compile(r"([，。、：；！？（）])\1")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def check(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = visible_text(response.content.decode())
    assert not RULE_ID.search(text), (url, RULE_ID.search(text).group())
    assert "你" not in text, url
    assert not DOUBLED.search(text), (url, DOUBLED.search(text).group())
    return text


def test_review_pages_speak_to_people(
    client_for, committee, ministry, expert, industry, plan, coordinator
):
    r1 = builders.through_round_one(committee, ministry, plan, [expert, industry])
    r2 = builders.open_round(builders.second_round(committee), ministry)
    services.visit_save(
        rnd=r2, plan=plan, values=builders.visit_values(), attendees=[expert, industry], by=ministry
    )
    a = r2.assignments.filter(member=expert).first()
    client = client_for(ministry)
    for name, args in (
        ("index", []),
        ("committee_detail", [committee.pk]),
        ("committee_edit", [committee.pk]),
        ("decisions", [committee.pk]),
        ("round_detail", [r1.pk]),
        ("round_settings", [r1.pk]),
        ("rubric", [r1.pk]),
        ("assignments", [r1.pk]),
        ("progress", [r1.pk]),
        ("ranking", [r1.pk]),
        ("round_detail", [r2.pk]),
        ("rubric", [r2.pk]),
        ("assignments", [r2.pk]),
        ("visits", [r2.pk]),
        ("visit_edit", [r2.pk, plan.pk]),
        ("progress", [r2.pk]),
        ("ranking", [r2.pk]),
        ("plan_review", [plan.pk]),
        ("committee_create", []),
    ):
        check(client, reverse(f"review:{name}", args=args))
    reviewer = client_for(expert.user)
    for name, args in (("my", []), ("assignment", [a.pk]), ("assignment_plan", [a.pk])):
        check(reviewer, reverse(f"review:{name}", args=args))
    text = check(client_for(coordinator), reverse("applications:plan_detail", args=[plan.pk]))
    assert builders.ROUND1_COMMENT in text
