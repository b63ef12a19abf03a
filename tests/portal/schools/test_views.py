"""School pages: the profile with its eligibility, the list, imports through the browser's
upload, and the evaluation cycle pages."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.imports.models import ImportJob
from portal.schools.constants import EVALUATION_ITEMS
from portal.schools.models import County, EvaluationCycle, School, SchoolEvaluation
from tests.factories import CycleFactory, SchoolFactory, evaluated_school
from tests.portal.schools.test_services import (
    PENGHU_ROW,
    SCORES_HEADER,
    TAICHUNG_ROW,
    csv_upload,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def _lines(eligibility):
    return [(line.number, line.name, line.score, line.passes) for line in eligibility.short_items]


# --- The school profile ---------------------------------------------------------------


def test_school_detail_ineligible_school_shows_short_items(client_for, ministry):
    """ELIG-1: the profile names the items under 80, with their scores."""
    school = evaluated_school(scores=["85", "79.99", "85", "70", "85", "85", "85", "85"])
    response = client_for(ministry).get(reverse("schools:detail", args=[school.code]))
    assert response.status_code == 200
    eligibility = response.context["eligibility"]
    assert eligibility.eligible is False
    assert _lines(eligibility) == [
        (2, "行政管理", Decimal("79.99"), False),
        (4, "實習輔導", Decimal("70.00"), False),
    ]
    html = response.content.decode()
    assert 'data-eligible="no"' in html
    assert "2. 行政管理：79.99" in html
    assert "4. 實習輔導：70.00" in html


def test_school_detail_eligible_school_has_no_short_items(client_for, coordinator, school):
    """ELIG-1: every item at 80 or more: eligible, nothing short."""
    response = client_for(coordinator).get(reverse("schools:detail", args=[school.code]))
    eligibility = response.context["eligibility"]
    assert (eligibility.eligible, eligibility.short_items) == (True, [])
    assert 'data-eligible="yes"' in response.content.decode()


def test_school_detail_items_8_9_notice_at_total_average_90(client_for, ministry):
    """ITEM-3: a total average of 90.00 makes items 8 and 9 mandatory, and the page says so."""
    school = evaluated_school(scores=["90"] * 8)
    response = client_for(ministry).get(reverse("schools:detail", args=[school.code]))
    eligibility = response.context["eligibility"]
    assert eligibility.items_8_9_mandatory is True
    assert eligibility.mandatory_items == [7, 8, 9]
    assert eligibility.total_average == Decimal("90")
    assert 'class="alert alert-info" role="status"' in response.content.decode()


def test_school_detail_no_items_8_9_notice_just_under_90(client_for, ministry):
    """ITEM-2, ITEM-3: 89.99875 is under 90 (shown as 89.99, never rounded up): item 7 only."""
    school = evaluated_school(scores=["90"] * 7 + ["89.99"])
    response = client_for(ministry).get(reverse("schools:detail", args=[school.code]))
    eligibility = response.context["eligibility"]
    assert eligibility.items_8_9_mandatory is False
    assert eligibility.mandatory_items == [7]
    html = response.content.decode()
    assert 'class="alert alert-info" role="status"' not in html
    # The total average cell: 89.99, with the exact value in its title.
    assert 'title="89.99875">89.99</td>' in html


def test_school_detail_without_evaluation(client_for, ministry):
    """ELIG-1, ELIG-2: no evaluation on record: not eligible, no history."""
    school = SchoolFactory()
    response = client_for(ministry).get(reverse("schools:detail", args=[school.code]))
    assert response.context["eligibility"].has_evaluation is False
    assert response.context["evaluations"] == []


def test_school_detail_what_each_role_may_do(client, ministry, coordinator, inspector, school):
    """The ministry edits and requests the PDF; the coordinator requests it; the inspector
    only reads."""
    url = reverse("schools:detail", args=[school.code])
    seen = {}
    for user in (ministry, coordinator, inspector):
        client.force_login(user)
        context = client.get(url).context
        seen[user.username] = (context["can_edit"], context["can_request_pdf"])
    assert seen == {
        "ministry-user": (True, True),
        "coordinator-user": (False, True),
        "inspector-user": (False, False),
    }


def test_school_detail_unknown_code_404(client_for, ministry):
    assert client_for(ministry).get(reverse("schools:detail", args=["ZZZZZZ"])).status_code == 404


# --- The school list ---------------------------------------------------------------------


def test_school_list_ministry_sees_every_school(client_for, ministry, school, far_school):
    """ELIG-1, REG-1: every school, by district, with its eligibility counted."""
    response = client_for(ministry).get(reverse("schools:list"))
    assert [s.code for s, _e in response.context["page"]] == sorted(
        [school.code, far_school.code],
        key=lambda code: (School.objects.get(code=code).district.order, code),
    )
    assert (response.context["total"], response.context["eligible_count"]) == (2, 2)


def test_school_list_inspector_sees_their_county_only(client_for, inspector, school, far_school):
    """SUP-1: an inspector lists the schools of their county."""
    response = client_for(inspector).get(reverse("schools:list"))
    assert [s.code for s, _e in response.context["page"]] == [school.code]


def test_school_list_filters_by_eligibility(client_for, ministry, school):
    """ELIG-1, ITEM-3: the eligibility filter works on each school's latest evaluation."""
    short = evaluated_school(scores=["79.99"] + ["90"] * 7)
    top = evaluated_school(scores=["95"] * 8)
    client = client_for(ministry)
    url = reverse("schools:list")

    def codes(eligibility):
        return [s.code for s, _e in client.get(url, {"eligibility": eligibility}).context["page"]]

    assert codes("ineligible") == [short.code]
    assert codes("eligible") == [school.code, top.code]
    assert codes("mandatory_8_9") == [top.code]


def test_school_list_eligibility_as_the_school_page_gives_it(client_for, ministry, school):
    """ELIG-1, ELIG-2, ITEM-3: each row's badge and average and the counts agree with the
    school's own eligibility, for a school without an evaluation too."""
    from portal.schools.selectors import school_eligibility

    evaluated_school(scores=["79.99"] + ["90"] * 7)
    evaluated_school(scores=["95"] * 8)
    SchoolFactory()
    response = client_for(ministry).get(reverse("schools:list"))
    rows = list(response.context["page"])
    assert len(rows) == response.context["total"] == 4
    for listed, summary in rows:
        full = school_eligibility(School.objects.get(pk=listed.pk))
        assert (
            summary.eligible,
            summary.has_evaluation,
            summary.items_8_9_mandatory,
            summary.total_average,
        ) == (full.eligible, full.has_evaluation, full.items_8_9_mandatory, full.total_average)
    assert response.context["eligible_count"] == 2
    ineligible = client_for(ministry).get(reverse("schools:list"), {"eligibility": "ineligible"})
    assert ineligible.context["total"] == 2


@pytest.mark.parametrize("size", [1, 8])
def test_school_list_query_count_does_not_grow(
    client_for, ministry, django_assert_num_queries, size
):
    """ELIG-1: eligibility for the whole list is worked out in SQL, counted in one query."""
    for n in range(size):
        evaluated_school(scores=[str(80 + n)] * 8, focus_support=n % 2 == 0)
    client = client_for(ministry)
    with django_assert_num_queries(10):
        response = client.get(reverse("schools:list"))
    assert response.context["total"] == size


# --- Adding and editing schools ------------------------------------------------------------


def _school_form(**overrides):
    data = {
        "code": "a12345",
        "name": "私立測試高級商工職業學校",
        "ownership": "private",
        "county": County.objects.get(code="hualien").pk,
        "district": "",
        "address": "花蓮縣花蓮市",
        "phone": "",
        "website": "",
        "programme_page_url": "",
        "is_active": "on",
    }
    return {**data, **overrides}


def test_school_create_uses_the_countys_district(client_for, ministry):
    """SCH-1, REG-1: the code is kept as upper-case text; the district follows the county."""
    response = client_for(ministry).post(reverse("schools:create"), _school_form())
    school = School.objects.get(code="A12345")
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:detail", args=["A12345"])
    assert (school.county.name, school.district.name, school.ownership) == (
        "花蓮縣",
        "花蓮",
        "private",
    )
    assert list(AuditEntry.objects.values_list("action", "school")) == [
        ("school.create", school.pk)
    ]


def test_school_create_bad_code_refused(client_for, ministry):
    """SCH-1: 6 letters or digits."""
    response = client_for(ministry).post(reverse("schools:create"), _school_form(code="12345"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert School.objects.count() == 0


def test_school_edit_saves_and_audits(client_for, ministry, school):
    """SEL-7: the ministry designates focus support; the change is audited."""
    response = client_for(ministry).post(
        reverse("schools:edit", args=[school.code]),
        _school_form(
            code=school.code,
            name=school.name,
            ownership=school.ownership,
            county=school.county_id,
            district=school.district_id,
            address=school.address,
            phone=school.phone,
            focus_support="on",
        ),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.focus_support is True
    entry = AuditEntry.objects.get(action="school.update")
    assert entry.changes == [("focus_support", False, True)]
    assert entry.school == school


# --- Imports through the pages ------------------------------------------------------------


def upload(client, url, data):
    """Upload; the file is read (the Celery job) once the upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def test_school_import_upload_preview_confirm(client_for, ministry):
    """SCH-1: upload → preview (nothing changed) → confirm (schools created)."""
    client = client_for(ministry)
    response = upload(
        client, reverse("schools:import"), {"file": csv_upload([TAICHUNG_ROW, PENGHU_ROW])}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:import_preview", args=[job.pk])
    assert School.objects.count() == 0

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["job"] == job
    assert [r["code"] for r in preview.context["job"].rows] == ["193404", "163401"]

    confirm = client.post(response["Location"], {"action": "apply"})
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("schools:list")
    assert sorted(School.objects.values_list("code", flat=True)) == ["163401", "193404"]
    job.refresh_from_db()
    assert job.status == "applied"


def test_school_import_upload_xlsx(client_for, ministry):
    """SCH-1: an Excel workbook through the upload form."""
    client = client_for(ministry)
    upload(client, reverse("schools:import"), {"file": xlsx_upload([TAICHUNG_ROW])})
    job = ImportJob.objects.get()
    assert (job.file_name, job.error_count, job.rows[0]["code"]) == (
        "directory.xlsx",
        0,
        "193404",
    )


def test_school_import_with_errors_confirm_changes_nothing(client_for, ministry):
    """SCH-1: confirming a file with errors changes nothing."""
    client = client_for(ministry)
    bad = ["113", "12345", "甲校", "公立", "臺中市", "", "", ""]
    upload(client, reverse("schools:import"), {"file": csv_upload([TAICHUNG_ROW, bad])})
    job = ImportJob.objects.get()
    page = client.get(reverse("schools:import_preview", args=[job.pk]))
    assert "學校代碼 12345 不是 6 碼：是否被試算表去掉了開頭的 0？" in page.content.decode()
    response = client.post(reverse("schools:import_preview", args=[job.pk]), {"action": "apply"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error_count) == ("ready", 1)
    assert School.objects.count() == 0


def test_school_import_discard(client_for, ministry):
    """SCH-1: a discarded upload changes nothing."""
    client = client_for(ministry)
    upload(client, reverse("schools:import"), {"file": csv_upload([TAICHUNG_ROW])})
    job = ImportJob.objects.get()
    client.post(reverse("schools:import_preview", args=[job.pk]), {"action": "discard"})
    job.refresh_from_db()
    assert job.status == "discarded"
    assert School.objects.count() == 0


def test_school_import_unreadable_file_stays_on_the_form(client_for, ministry):
    """SCH-1: a file that is not a table stays on the form with an error."""
    response = client_for(ministry).post(
        reverse("schools:import"), {"file": SimpleUploadedFile("directory.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert ImportJob.objects.count() == 0


def test_school_import_without_a_file_refused(client_for, ministry):
    """SCH-1: a file is required."""
    response = client_for(ministry).post(reverse("schools:import"), {"file": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]


def test_cycle_import_upload_preview_confirm(client_for, ministry, school):
    """ELIG-2, EVAL-1: scores upload → preview → confirm, with the exact mean stored."""
    cycle = CycleFactory(name="第三週期", start_year=114, end_year=119)
    client = client_for(ministry)
    scores = csv_upload(
        [[school.code, school.name, *["90"] * 7, "89.99", "90.00"]],
        header=SCORES_HEADER,
        name="scores.csv",
    )
    response = upload(client, reverse("schools:cycle_import", args=[cycle.pk]), {"file": scores})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("schools:import_preview", args=[job.pk])
    assert list(client.get(response["Location"]).context["items"]) == list(
        cycle.items.order_by("number")
    )
    client.post(response["Location"], {"action": "apply"})
    evaluation = SchoolEvaluation.objects.get(cycle=cycle, school=school)
    assert evaluation.total_average == Decimal("89.99875")


def test_import_preview_of_scores_needs_manage_evaluations(client_for, inspector, ministry):
    """ELIG-2: only the ministry reviews scores imports."""
    cycle = CycleFactory()
    scores = csv_upload([], header=SCORES_HEADER, name="scores.csv")
    upload(client_for(ministry), reverse("schools:cycle_import", args=[cycle.pk]), {"file": scores})
    job = ImportJob.objects.get()
    response = client_for(inspector).get(reverse("schools:import_preview", args=[job.pk]))
    assert response.status_code == 403
    response = client_for(inspector).post(
        reverse("schools:import_preview", args=[job.pk]), {"action": "discard"}
    )
    assert (response.status_code, ImportJob.objects.get().status) == (403, "failed")


def test_school_import_job_is_not_found_as_another_import(client_for, ministry, coordinator):
    """The schools' preview shows only the directory's and the scores' jobs."""
    job = ImportJob.objects.create(kind="budget", file_name="b.xlsx", uploaded_by=coordinator)
    response = client_for(ministry).get(reverse("schools:import_preview", args=[job.pk]))
    assert response.status_code == 404


# --- Evaluation cycles ---------------------------------------------------------------------


def test_cycle_create_page_creates_with_items(client_for, ministry):
    """EVAL-1: a cycle with its items, one per line."""
    response = client_for(ministry).post(
        reverse("schools:cycle_create"),
        {
            "name": "第三週期",
            "start_year": 114,
            "end_year": 119,
            "published_on": "",
            "items": "\n".join(EVALUATION_ITEMS),
        },
    )
    cycle = EvaluationCycle.objects.get(name="第三週期")
    assert response["Location"] == reverse("schools:cycle_detail", args=[cycle.pk])
    assert list(cycle.items.values_list("name", flat=True)) == EVALUATION_ITEMS


def test_cycle_create_page_duplicate_items_refused(client_for, ministry):
    """EVAL-1: an item appears once."""
    response = client_for(ministry).post(
        reverse("schools:cycle_create"),
        {"name": "第三週期", "start_year": 114, "end_year": 119, "items": "校長領導\n校長領導"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["items"]
    assert EvaluationCycle.objects.filter(name="第三週期").exists() is False


def test_cycle_edit_page_items_locked_once_scored(client_for, ministry, school):
    """EVAL-1: the items field is disabled; posting other items changes nothing."""
    cycle = school.evaluations.get().cycle
    response = client_for(ministry).post(
        reverse("schools:cycle_edit", args=[cycle.pk]),
        {"name": "改名", "start_year": 108, "end_year": 113, "items": "甲\n乙"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "改名"
    assert list(cycle.items.order_by("number").values_list("name", flat=True)) == EVALUATION_ITEMS


def test_evaluation_edit_page_records_scores(client_for, ministry):
    """EVAL-1: one score per item; the total average is their mean."""
    school = SchoolFactory()
    cycle = CycleFactory()
    data = {f"item_{i}": "88.5" for i in range(1, 9)}
    response = client_for(ministry).post(
        reverse("schools:evaluation_edit", args=[cycle.pk, school.code]), data
    )
    assert response.status_code == 302
    assert SchoolEvaluation.objects.get(school=school).total_average == Decimal("88.5")


def test_evaluation_edit_page_score_over_100_refused(client_for, ministry):
    """EVAL-1: scores are 0–100."""
    school = SchoolFactory()
    cycle = CycleFactory()
    data = {f"item_{i}": "88" for i in range(1, 9)} | {"item_3": "100.5"}
    response = client_for(ministry).post(
        reverse("schools:evaluation_edit", args=[cycle.pk, school.code]), data
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["item_3"]
    assert SchoolEvaluation.objects.filter(school=school).exists() is False


def test_cycle_detail_counts(client_for, ministry):
    """ELIG-1, ITEM-3: the cycle's page counts eligible schools and those with items 8/9."""
    evaluated_school(scores=["95"] * 8)
    evaluated_school(scores=["85"] * 8)
    evaluated_school(scores=["75"] * 8)
    cycle = EvaluationCycle.objects.get()
    response = client_for(ministry).get(reverse("schools:cycle_detail", args=[cycle.pk]))
    assert (response.context["eligible_count"], response.context["mandatory_count"]) == (2, 1)
    assert len(response.context["results"]) == 3


@pytest.mark.parametrize("size", [1, 8])
def test_cycle_detail_query_count_does_not_grow(
    client_for, ministry, django_assert_num_queries, size
):
    """ELIG-1, ITEM-3: the cycle's results come from prefetched scores."""
    for n in range(size):
        evaluated_school(scores=[str(78 + n)] * 8)
    cycle = EvaluationCycle.objects.get()
    client = client_for(ministry)
    with django_assert_num_queries(11):
        response = client.get(reverse("schools:cycle_detail", args=[cycle.pk]))
    assert len(response.context["results"]) == size


@pytest.mark.parametrize("size", [1, 8])
def test_cycle_list_query_count_does_not_grow(
    client_for, ministry, django_assert_num_queries, size
):
    """EVAL-1: cycles with their counts, in constant queries."""
    for n in range(size):
        CycleFactory(name=f"週期{n}", start_year=90 + n, end_year=95 + n)
    client = client_for(ministry)
    with django_assert_num_queries(7):
        response = client.get(reverse("schools:cycle_list"))
    assert len(response.context["cycles"]) == size
