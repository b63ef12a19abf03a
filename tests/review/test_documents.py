"""The review's PDFs, rendered by the document pipeline (a Celery task, in-process here):
the score sheet, the round summary (審查總表) and the decision notice, which the school
downloads and which never names a reviewer (issue 4 §8, SEL-6, BUD-5)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portal.documents.models import GeneratedDocument
from tests.review import builders

pytestmark = pytest.mark.django_db


def _text(client, document) -> str:
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() for page in pdf.pages).replace(" ", "")


def test_score_sheet_pdf_for_its_reviewer_only(
    client_for, round1, ministry, expert, industry, plan, django_capture_on_commit_callbacks
):
    a = builders.assign(round1, expert, plan, ministry)
    builders.submit(a, "0.8", comment="整體規劃完善。")
    builders.assign(round1, industry, plan, ministry)
    client = client_for(expert.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:sheet_pdf", args=[a.pk]))
    document = GeneratedDocument.objects.get(kind="review_score_sheet")
    assert response.url == document.get_absolute_url()
    document.refresh_from_db()
    assert document.status == "done", document.error
    text = _text(client, document)
    for expected in (plan.school.name, "評分表", "學制和規模", "政策性", "80.00", "整體規劃完善。"):
        assert expected in text, expected
    assert expert.user.display_name in text
    other = client_for(industry.user)
    assert other.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_round_summary_pdf_has_the_ranking(
    client_for,
    round1,
    ministry,
    expert,
    industry,
    plan,
    other_plan,
    django_capture_on_commit_callbacks,
):
    for member in (expert, industry):
        builders.submit(builders.assign(round1, member, plan, ministry), "0.9")
        builders.submit(builders.assign(round1, member, other_plan, ministry), "0.6")
    client = client_for(ministry)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review:summary_pdf", args=[round1.pk]))
    document = GeneratedDocument.objects.get(kind="review_round_summary")
    document.refresh_from_db()
    assert document.status == "done", document.error
    pdf = PdfReader(document.file.open("rb"))
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert width > height  # A4 landscape for the wide ranking table
    text = _text(client, document)
    assert "審查總表" in text
    flat = "".join(text.split())  # a long school name wraps within its column
    assert flat.index(plan.school.name) < flat.index(other_plan.school.name)
    assert "90.00" in text and "60.00" in text
    assert expert.user.display_name in text  # the summary is for the ministry
    assert (
        client_for(expert.user).get(reverse("documents:download", args=[document.pk])).status_code
        == 404
    )


def test_decision_notice_pdf_for_the_school_never_names_a_reviewer(
    client_for,
    committee,
    ministry,
    expert,
    industry,
    plan,
    coordinator,
    django_capture_on_commit_callbacks,
):
    """SEL-6, BUD-5: the notice states the approval, the amounts per year (one below the
    request, so the budget must be revised) and the consolidated comments — no names."""
    with django_capture_on_commit_callbacks(execute=True):
        builders.through_decision(committee, ministry, plan, [expert, industry])
    document = GeneratedDocument.objects.get(kind="review_decision_notice")
    document.refresh_from_db()
    assert document.status == "done", document.error
    page = client_for(coordinator).get(reverse("applications:plan_detail", args=[plan.pk]))
    assert reverse("documents:download", args=[document.pk]) in page.content.decode()
    text = _text(client_for(coordinator), document)
    for expected in (
        "審查結果通知書",
        plan.school.name,
        "核定",
        "13.000",
        "15.000",
        builders.ROUND1_COMMENT.replace(" ", ""),
        builders.ROUND2_COMMENT.replace(" ", ""),
        "綜合意見：計畫具體可行，請依核定金額執行。",
        "核定金額低於申請金額",
    ):
        assert expected in text, expected
    for absent in (
        expert.user.display_name,
        industry.user.display_name,
        "個別委員意見",
        "80.00",
        "BUD-",
        "SEL-",
    ):
        assert absent not in text, absent


def test_review_document_file_names_carry_the_roc_date(committee):
    """File names of downloads use ROC dates (issue 10, point 6): 1151116 on 16 November
    2026 in Taipei, the suite's fixed instant."""
    from portal.documents.registry import get_kind
    from review.selectors import rounds_of

    rnd = next(iter(rounds_of(committee).values()))
    name = get_kind("review_round_summary").file_name(rnd)
    assert name.endswith("-1151116.pdf"), name
