"""Consultations and their reports (SUP-3, SUP-4), advice and the school's answers, school
requests and the talent database (SUP-2), the advisory group and its suggestion (SUP-3)."""

import datetime as dt

import pytest

from consulting import services, suggestion
from consulting.enums import AdviceStatus, ConsultationStatus, RequestStatus
from consulting.models import AdviceAnswer, AdvisorProfile, Consultation
from portal.documents.models import GeneratedDocument
from portal.programme import calendar
from portal.schools.models import District
from tests.consulting import builders
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
ConsultingError = services.ConsultingError


def today():
    return calendar.taipei_today()


# --- SUP-2: the talent database --------------------------------------------------------------


def test_sup2_profile_refused_without_the_advisor_role(ministry, coordinator):
    with pytest.raises(ConsultingError, match="Only a person with the advisor role"):
        services.advisor_profile_save(
            user=coordinator,
            values={"affiliation": "x", "expertise": [1]},
            districts=District.objects.all()[:1],
            by=ministry,
        )
    assert AdvisorProfile.objects.count() == 0


def test_sup2_profile_needs_a_region_and_items_1_to_9(ministry, advisor):
    with pytest.raises(ConsultingError, match="at least one region"):
        services.advisor_profile_save(
            user=advisor, values={"affiliation": "x"}, districts=[], by=ministry
        )
    with pytest.raises(ConsultingError, match="numbered 1 to 9"):
        services.advisor_profile_save(
            user=advisor,
            values={"affiliation": "x", "expertise": [10]},
            districts=District.objects.all()[:1],
            by=ministry,
        )


def test_sup2_profile_saved_and_audited(ministry, profiled_advisor):
    profile = AdvisorProfile.objects.get(user=profiled_advisor)
    assert (profile.expertise_items, [d.code for d in profile.districts.all()]) == (
        [7, 9],
        ["zhongtou"],
    )
    assert builders.audit_actions() == ["consulting.advisor.save"]


# --- SUP-3: the advisory group ---------------------------------------------------------------


def test_sup3_assignment_never_an_advisor_from_the_school_itself(ministry, school, plan):
    own = builders.advisor_user("own-school", ministry, affiliation="x", affiliated_school=school)
    with pytest.raises(ConsultingError, match="never advises their own school"):
        builders.assign(own, school, ministry)
    profiled = builders.advisor_user("profiled", ministry)
    AdvisorProfile.objects.filter(user=profiled).update(affiliated_school=school)
    with pytest.raises(ConsultingError, match="never advises their own school"):
        builders.assign(profiled, school, ministry)


def test_sup3_assignment_only_to_a_supported_school(ministry, profiled_advisor, school):
    with pytest.raises(ConsultingError, match="no approved plan in force"):
        builders.assign(profiled_advisor, school, ministry)


def test_sup3_assignment_refuses_a_duplicate_and_is_audited(ministry, assigned, school):
    with pytest.raises(ConsultingError, match="already assigned"):
        builders.assign(assigned.advisor, school, ministry)
    assert builders.audit_actions()[-1] == "consulting.assignment.add"


def test_sup3_suggestion_by_region_expertise_and_load_never_own_school(ministry):
    schools = [builders.supported_school(ministry) for _ in range(3)]
    expert = builders.advisor_user("expert", ministry)  # items 7, 8; 中投
    other = builders.advisor_user("other", ministry)
    AdvisorProfile.objects.filter(user=other).update(expertise=[1])
    far = builders.advisor_user("far", ministry, districts=("kaohsiung",))
    AdvisorProfile.objects.filter(user=far).update(expertise=[7, 9])
    own = builders.advisor_user("own", ministry)
    AdvisorProfile.objects.filter(user=own).update(affiliated_school=schools[0], expertise=[7, 9])
    AdvisorProfile.objects.filter(user=expert).update(max_schools=2)

    proposals = suggestion.suggest(calendar.AcademicYear.current().roc)

    assert [(p.school.code, p.advisor.username, p.matching_items) for p in proposals] == [
        (schools[0].code, "expert", [7]),
        (schools[1].code, "own", [7, 9]),
        (schools[2].code, "own", [7, 9]),
    ]


# --- SUP-3: scheduling, recording and filing -------------------------------------------------


def test_sup3_schedule_only_by_an_advisor_of_the_group(ministry, profiled_advisor, school, plan):
    with pytest.raises(ConsultingError, match="not in the advisory group"):
        services.consultation_schedule(
            school=school, by=profiled_advisor, date=today(), mode="on_site", place="x"
        )


def test_sup3_schedule_refuses_the_past_and_a_missing_place_or_link(assigned, school):
    advisor = assigned.advisor
    with pytest.raises(ConsultingError, match="today or later"):
        services.consultation_schedule(
            school=school,
            by=advisor,
            date=today() - dt.timedelta(days=1),
            mode="on_site",
            place="x",
        )
    with pytest.raises(ConsultingError, match="place of an on-site"):
        services.consultation_schedule(school=school, by=advisor, date=today(), mode="on_site")
    with pytest.raises(ConsultingError, match="link of an online"):
        services.consultation_schedule(school=school, by=advisor, date=today(), mode="online")


def test_sup3_schedule_tells_the_school_by_email(
    assigned, school, coordinator, principal, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.consultation_schedule(
            school=school,
            by=assigned.advisor,
            date=today() + dt.timedelta(days=3),
            mode="on_site",
            place="會議室",
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([coordinator.email, principal.email])
    assert (consultation.academic_year, consultation.semester, consultation.status) == (
        115,
        1,
        ConsultationStatus.SCHEDULED,
    )


def test_sup3_record_refuses_a_future_day_and_sets_the_semester(assigned, school):
    advisor = assigned.advisor
    c = services.consultation_schedule(
        school=school, by=advisor, date=today(), mode="on_site", place="x"
    )
    with pytest.raises(ConsultingError, match="once it has taken place"):
        services.consultation_record(
            consultation=c,
            values={**builders.RECORD, "date": today() + dt.timedelta(days=1)},
            by=advisor,
        )
    c = services.consultation_record(
        consultation=c, values={**builders.RECORD, "date": dt.date(2026, 8, 3)}, by=advisor
    )
    assert (c.status, c.academic_year, c.semester, c.items) == ("held", 115, 1, [7])


def test_sup3_only_the_consultations_advisor_records_it(assigned, school, ministry):
    c = services.consultation_schedule(
        school=school, by=assigned.advisor, date=today(), mode="on_site", place="x"
    )
    other = builders.advisor_user("other-adv", ministry)
    with pytest.raises(ConsultingError, match="Only the advisor of this consultation"):
        services.consultation_record(
            consultation=c, values={**builders.RECORD, "date": today()}, by=other
        )


def test_sup3_record_refuses_sub_plans_of_another_school(assigned, school, other_plan):
    c = services.consultation_schedule(
        school=school, by=assigned.advisor, date=today(), mode="on_site", place="x"
    )
    with pytest.raises(ConsultingError, match="sub-plans of the school's plan"):
        services.consultation_record(
            consultation=c,
            values={**builders.RECORD, "date": today()},
            subplans=list(other_plan.subplans.all()),
            by=assigned.advisor,
        )


def test_sup3_filing_needs_a_record_and_findings(assigned, school):
    advisor = assigned.advisor
    c = services.consultation_schedule(
        school=school, by=advisor, date=today(), mode="on_site", place="x"
    )
    with pytest.raises(ConsultingError, match="Record the consultation before filing"):
        services.consultation_file(consultation=c, by=advisor)
    c = services.consultation_record(
        consultation=c, values={**builders.RECORD, "date": today(), "summary": ""}, by=advisor
    )
    with pytest.raises(ConsultingError, match="overall findings"):
        services.consultation_file(consultation=c, by=advisor)


def test_sup3_filed_report_is_frozen_and_made_a_pdf(
    assigned, school, django_capture_on_commit_callbacks
):
    advisor = assigned.advisor
    with django_capture_on_commit_callbacks(execute=True):
        c = builders.held(advisor, school, advice=2, file=True)
    assert (c.status, c.filed_at is not None) == ("filed", True)
    document = GeneratedDocument.objects.get(kind="consulting_report", target_id=c.pk)
    assert (document.status, document.file_name.endswith(".pdf")) == ("done", True)
    with pytest.raises(ConsultingError, match="can no longer be changed"):
        services.consultation_record(
            consultation=c, values={**builders.RECORD, "date": today()}, by=advisor
        )
    with pytest.raises(ConsultingError, match="can no longer be changed"):
        services.advice_add(consultation=c, item=7, finding="a", text="b", by=advisor)
    assert builders.audit_actions()[-5:] == [
        "consulting.consultation.schedule",
        "consulting.consultation.record",
        "consulting.advice.add",
        "consulting.advice.add",
        "consulting.consultation.file",
    ]


def test_sup3_open_advice_carries_into_the_next_report(assigned, school):
    advisor = assigned.advisor
    first = builders.held(advisor, school, advice=2, file=True)
    done, still_open = list(first.advice.all())
    services.advice_answer(advice=done, text="已完成", status=AdviceStatus.DONE, by=_staff(school))
    second = builders.held(advisor, school, advice=0, file=True)
    assert list(second.carried_advice.values_list("pk", flat=True)) == [still_open.pk]


def _staff(school):
    return grant(UserFactory(), "coordinator", school=school)


def test_sup3_school_answers_each_advice_and_every_answer_is_kept(assigned, school, coordinator):
    c = builders.held(assigned.advisor, school, advice=1)
    advice = c.advice.get()
    with pytest.raises(ConsultingError, match="once the report is filed"):
        services.advice_answer(advice=advice, text="x", status="done", by=coordinator)
    services.consultation_file(consultation=c, by=assigned.advisor)
    services.advice_answer(advice=advice, text="規劃中", status="in_progress", by=coordinator)
    services.advice_answer(advice=advice, text="已完成", status="done", by=coordinator)
    advice.refresh_from_db()
    assert (advice.status, advice.answer) == ("done", "已完成")
    assert list(AdviceAnswer.objects.values_list("text", "status")) == [
        ("規劃中", "in_progress"),
        ("已完成", "done"),
    ]


def test_sup3_staff_of_another_school_cannot_answer(assigned, school, other_school):
    c = builders.held(assigned.advisor, school, advice=1, file=True)
    with pytest.raises(ConsultingError, match="Only the staff of this school"):
        services.advice_answer(
            advice=c.advice.get(), text="x", status="done", by=_staff(other_school)
        )


def test_sup3_special_case_advisory_is_kept_for_the_ministry(assigned, school):
    c = services.consultation_schedule(
        school=school,
        by=assigned.advisor,
        date=today(),
        mode="on_site",
        place="x",
        is_special_case=True,
    )
    c = services.consultation_record(
        consultation=c,
        values={
            **builders.RECORD,
            "date": today(),
            "is_special_case": True,
            "special_case_note": "建議列入後續重點輔導",
        },
        by=assigned.advisor,
    )
    assert (
        Consultation.objects.filter(is_special_case=True).values_list(
            "special_case_note", flat=True
        )[0]
        == "建議列入後續重點輔導"
    )


def test_sup3_cancel_needs_a_reason_and_only_before_held(assigned, school):
    advisor = assigned.advisor
    c = services.consultation_schedule(
        school=school, by=advisor, date=today(), mode="on_site", place="x"
    )
    with pytest.raises(ConsultingError, match="Say why"):
        services.consultation_cancel(consultation=c, reason=" ", by=advisor)
    c = services.consultation_cancel(consultation=c, reason="颱風停課", by=advisor)
    assert c.status == "cancelled"
    with pytest.raises(ConsultingError, match="not yet held"):
        services.consultation_cancel(consultation=c, reason="x", by=advisor)


# --- SUP-2: school requests ------------------------------------------------------------------


def test_sup2_request_matched_from_the_region_and_answered_by_a_filed_report(
    school, plan, coordinator, ministry, profiled_advisor
):
    request = services.request_create(
        school=school, topic="產學合作", items=[9], details="需要協助規劃實習", by=coordinator
    )
    far = builders.advisor_user("far-away", ministry, districts=("kaohsiung",))
    with pytest.raises(ConsultingError, match="does not serve the region"):
        services.request_match(request=request, advisor=far, note="", by=ministry)
    AdvisorProfile.objects.filter(user=profiled_advisor).update(is_available=False)
    with pytest.raises(ConsultingError, match="not available"):
        services.request_match(request=request, advisor=profiled_advisor, note="", by=ministry)
    AdvisorProfile.objects.filter(user=profiled_advisor).update(is_available=True)
    request = services.request_match(
        request=request, advisor=profiled_advisor, note="請於兩週內聯繫", by=ministry
    )
    assert request.status == RequestStatus.MATCHED
    # Matched, not in the advisory group: the request lets the advisor schedule.
    c = services.consultation_schedule(
        school=school,
        by=profiled_advisor,
        date=today(),
        mode="online",
        online_url="https://meet.example.edu.tw/x",
        request=request,
    )
    c = services.consultation_record(
        consultation=c, values={**builders.RECORD, "date": today()}, by=profiled_advisor
    )
    services.consultation_file(consultation=c, by=profiled_advisor)
    request.refresh_from_db()
    assert (request.status, request.answered_at is not None) == (RequestStatus.ANSWERED, True)


def test_sup2_request_only_by_the_schools_staff(school, other_school):
    with pytest.raises(ConsultingError, match="Only the staff of this school"):
        services.request_create(
            school=school, topic="x", items=[], details="y", by=_staff(other_school)
        )
