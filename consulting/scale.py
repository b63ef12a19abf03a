"""Consulting and supervision in the national-scale data set (``manage.py seed_scale``; see
``portal.scale``), through consulting's services, for the schools supported this year (the
scale schools with a plan in force: ``ctx.running_plans``, or ``supported_schools``).

- advisors: one per ``SCHOOLS_PER_ADVISOR`` supported schools, their accounts bulk-created
  like the core's (one shared password hash) with the advisor role, each put in the talent
  database (``advisor_profile_save``, SUP-2) and in the advisory group of its schools for
  the current academic year (``assignments_apply``, SUP-3): every school has an advisor;
- consultations of the current academic year, two to four per school, dated relative to the
  calendar (the board's default semester, the current one; in semester 2 a school's first
  one in semester 1): most held and their report filed with one or two pieces of advice, a
  share of the advice answered by the school, about one school in five with a report still
  being written, half the schools with one scheduled later this semester and a few with
  one cancelled (SUP-3, SUP-4);
- inspections (SUP-1) of one school in three by an inspector of its county (one account per
  county), with a problem or two;
- exchanges (SUP-5 … SUP-8), one per ``SCHOOLS_PER_EXCHANGE`` schools: inter-school ones
  co-hosted by two or three schools inviting others, regional ones in semester 2 and the
  national one; those past are recorded with who attended (the principals' attendance too),
  those to come have most of their invited scale schools registered.

Each school's consultations and each advisor's group is one transaction, run in ``ctx.jobs``
processes; each exchange is one transaction too, run one after the other (they share
schools, whose rows the exchange services lock). The filed reports' PDFs are not rendered
(hundreds of WeasyPrint runs): the seed leaves no document of them, and the report page
makes one when asked.
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse

from portal.accounts.enums import Role
from portal.documents.services import requests_not_sent
from portal.programme import calendar

from .demo import hold, in_semester

#: Supported schools per advisor.
SCHOOLS_PER_ADVISOR = 8
#: Supported schools per exchange activity.
SCHOOLS_PER_EXCHANGE = 10
#: One school in this many is visited by its county's inspector.
INSPECTED_EVERY = 3

AFFILIATIONS = [
    "國立臺灣師範大學工業教育學系",
    "國立彰化師範大學工業教育與技術學系",
    "國立高雄師範大學工業科技教育學系",
    "國立臺灣科技大學技術及職業教育研究所",
    "國立雲林科技大學技術及職業教育研究所",
    "國立屏東科技大學技術及職業教育研究所",
]

ADVICE = [
    (7, "學習預警名單已建立，惟追蹤紀錄未系統化。", "建議建立學習扶助追蹤表，每月檢視成效。"),
    (9, "合作廠商家數偏少，實習名額不足。", "建議拓展在地產業合作，並與技專校院共同開課。"),
    (3, "教師社群運作熱絡，惟成果分享管道有限。", "建議每學期辦理一次社群成果公開觀課。"),
    (2, "特色課程已開設，學生選修人數未達預期。", "建議於國中端宣導時納入特色課程介紹。"),
    (None, "經費執行率略低於預定進度。", "建議檢討採購時程，於學期末前完成核銷。"),
]

ANSWERS = [
    ("in_progress", "已成立工作小組研議，預計下學期實施。"),
    ("done", "已依建議完成，並於校務會議報告。"),
]

PROBLEMS = [
    "資本門設備採購進度落後，尚未完成驗收。",
    "子計畫成果資料未依期程上傳。",
    "部分經費支用憑證不齊，需補正。",
]


def _today() -> dt.date:
    return calendar.taipei_today()


def _drop_unsent_reports() -> int:
    """The filed reports' document requests the seed did not send: a web process's sweeper
    would otherwise send them all again, and render hundreds of PDFs mid-benchmark."""
    from django.contrib.contenttypes.models import ContentType

    from portal.documents.enums import DocumentStatus
    from portal.documents.models import GeneratedDocument
    from portal.scale import CODE_PREFIX

    from .models import Consultation

    seeded = Consultation.objects.filter(school__code__startswith=CODE_PREFIX).values("pk")
    deleted, _rows = GeneratedDocument.objects.filter(
        kind="consulting_report",
        status=DocumentStatus.QUEUED,
        target_type=ContentType.objects.get_for_model(Consultation),
        target_id__in=seeded,
    ).delete()
    return deleted


def supported_scale_schools(ctx) -> list:
    """The scale schools with a plan in force this year, by district and code."""
    from portal.scale import CODE_PREFIX

    from .supported import supported_schools

    year = calendar.AcademicYear.current().roc
    schools = supported_schools(year).filter(code__startswith=CODE_PREFIX)
    running = getattr(ctx, "running_plans", None)
    if running:
        schools = schools.filter(pk__in=[p.school_id for p in running])
    return list(schools.select_related("district", "county").order_by("district__order", "code"))


# --- Advisors (SUP-2, SUP-3) ------------------------------------------------------------------


def scale_accounts(ctx, people: list[tuple[str, str, str, dict]]) -> list:
    """Accounts bulk-created like the core's (one shared password hash), each with one role
    grant: ``people`` are (username, name, title, the grant's fields). In that order."""
    from portal.accounts.models import RoleGrant, User
    from portal.scale import SCALE_PASSWORD

    password = make_password(SCALE_PASSWORD)
    with transaction.atomic():
        User.objects.bulk_create(
            User(
                username=username,
                name=name,
                title=title,
                email=f"{username}@example.edu.tw",
                password=password,
            )
            for username, name, title, _grant in people
        )
        users = User.objects.in_bulk([p[0] for p in people], field_name="username")
        RoleGrant.objects.bulk_create(
            RoleGrant(user=users[username], granted_by=ctx.ministry, **grant)
            for username, _name, _title, grant in people
        )
    return [users[p[0]] for p in people]


def _advisor_accounts(ctx, count: int) -> list:
    from portal.scale import SURNAMES

    return scale_accounts(
        ctx,
        [
            (
                f"scale-advisor-{i:04d}",
                f"{SURNAMES[i % len(SURNAMES)]}諮詢委員{i}",
                "教授",
                {"role": Role.ADVISOR, "affiliation": AFFILIATIONS[i % len(AFFILIATIONS)]},
            )
            for i in range(1, count + 1)
        ],
    )


def _advise(work: tuple[int, int, list[int], int]) -> int:
    """One advisor in the talent database, in the advisory group of its schools this year."""
    from portal.accounts.models import User
    from portal.schools.models import District, School

    from . import services

    advisor_id, ministry_id, school_ids, year = work
    advisor = User.objects.get(pk=advisor_id)
    ministry = User.objects.get(pk=ministry_id)
    schools = list(School.objects.filter(pk__in=school_ids).order_by("code"))
    with transaction.atomic():
        services.advisor_profile_save(
            user=advisor,
            values={
                "affiliation": advisor.active_grants[0].affiliation,
                "expertise": sorted({2, 3, 7, 9, 1 + advisor_id % 9}),
                "is_available": True,
                "availability_note": "週二、週四可到校",
                "max_schools": len(schools) + 2,
            },
            districts=District.objects.filter(pk__in={s.district_id for s in schools}),
            by=ministry,
        )
        services.assignments_apply(
            academic_year=year, pairs=[(s, advisor) for s in schools], by=ministry
        )
    return len(schools)


# --- Consultations (SUP-3, SUP-4) -------------------------------------------------------------


def consultation_plan(n: int, today: dt.date) -> list[tuple[str, dt.date]]:
    """School number ``n``'s consultations this year, as (status, date), oldest first:
    two to four; the last one scheduled later this semester for every other school
    (cancelled for one school in twelve); the latest held one's report still being written
    for one school in five; the others filed."""
    semester = calendar.Semester.of(today)
    count = 2 + n % 3
    ahead = n % 2 == 0 or n % 12 == 5
    past = count - 1 if ahead else count
    # In semester 2, a school's first consultation was in semester 1.
    earlier = 1 if semester.number == 2 and past > 1 else 0
    plan = []
    for j in range(past):
        if j < earlier:
            first = calendar.Semester(semester.academic_year, 1)
            start, end, slot, slots = first.start, first.end, 1, 2
        else:
            start, end, slot, slots = semester.start, today, j - earlier + 1, past - earlier + 1
        day = start + dt.timedelta(days=(end - start).days * slot // slots + n % 5 - 2)
        plan.append(("filed", in_semester(min(day, today), calendar.Semester.of(start))))
    if past and n % 5 == 0:
        plan[-1] = ("held", plan[-1][1])
    if ahead:
        day = min(today + dt.timedelta(days=7 + n % 30), semester.end)
        plan.append(("cancelled" if n % 12 == 5 else "scheduled", max(day, today)))
    return plan


def _record_values(n: int, j: int, items: list[int]) -> dict:
    online = (n + j) % 4 == 3
    return {
        "mode": "online" if online else "on_site",
        "place": "" if online else "校本部會議室",
        "online_url": f"https://meet.example.edu.tw/s{n:05d}-{j}" if online else "",
        "attendees": "校長、教務主任、實習主任、各子計畫負責教師",
        "principal_attended": (n + j) % 3 != 0,
        "items": items,
        "summary": "各子計畫依進度執行；部分量化指標之達成仍待加強。",
        "follow_up": "下次諮詢前提出改善作法與執行進度。",
        "is_special_case": (n + j) % 17 == 0,
        "special_case_note": "學校申請專案諮詢輔導。" if (n + j) % 17 == 0 else "",
    }


def _consult(work: tuple[int, int, int, int]) -> int:
    """One school's consultations this year, in one transaction."""
    from portal.accounts.models import User
    from portal.schools.models import School

    from . import services
    from .supported import plan_in_force

    school_id, n, advisor_id, coordinator_id = work
    school = School.objects.get(pk=school_id)
    advisor = User.objects.get(pk=advisor_id)
    coordinator = User.objects.get(pk=coordinator_id)
    today = _today()
    made = 0
    with transaction.atomic():
        plan = plan_in_force(school, calendar.AcademicYear.of(today).roc)
        subplans = list(plan.subplans.order_by("item", "pk")) if plan else []
        for j, (status, day) in enumerate(consultation_plan(n, today)):
            made += 1
            if status in ("scheduled", "cancelled"):
                consultation = services.consultation_schedule(
                    school=school,
                    by=advisor,
                    date=day,
                    mode="on_site",
                    place="校本部會議室",
                    agenda="檢視各子計畫執行進度與經費執行情形",
                )
                if status == "cancelled":
                    services.consultation_cancel(
                        consultation=consultation, reason="學校行事調整，改期辦理。", by=advisor
                    )
                continue
            chosen = subplans[(n + j) % len(subplans) :][:2] if subplans else []
            advice = [ADVICE[(n + j + k) % len(ADVICE)] for k in range(1 + (n + j) % 2)]
            consultation = hold(
                advisor,
                school,
                held_on=day,
                values=_record_values(n, j, sorted({s.item for s in chosen}) or [7]),
                advice=advice,
                subplans=chosen,
                file=status == "filed",
            )
            if status == "filed" and n % 3 == 0:
                first = consultation.advice.order_by("order").first()
                answer_status, text = ANSWERS[(n + j) % len(ANSWERS)]
                services.advice_answer(
                    advice=first, text=text, status=answer_status, by=coordinator
                )
        if n % INSPECTED_EVERY == 1:
            _inspect(school, n, today)
    return made


def _inspect(school, n: int, today: dt.date) -> None:
    from portal.accounts.models import User

    from . import services

    inspector = User.objects.get(username=inspector_username(school.county))
    start = calendar.Semester.of(today).start
    services.inspection_record(
        school=school,
        visited_on=start + dt.timedelta(days=(today - start).days * (n % 7 + 1) // 8),
        checked="經費執行率、設備採購程序、子計畫成果資料",
        assessment="整體執行大致符合計畫進度。",
        problems=PROBLEMS[n % len(PROBLEMS) :][: 1 + n % 2],
        by=inspector,
    )


def inspector_username(county) -> str:
    return f"scale-inspector-{county.code}"


def _inspector_accounts(ctx, counties) -> None:
    scale_accounts(
        ctx,
        [
            (
                inspector_username(county),
                f"{county.name}督學",
                "督學",
                {"role": Role.INSPECTOR, "county": county},
            )
            for county in counties
        ],
    )


# --- Exchanges (SUP-5 … SUP-8) ----------------------------------------------------------------


def exchange_plans(schools, ministry_id: int, today: dt.date) -> list[dict]:
    """The year's exchanges, as plain values for ``_exchange``: about one per
    ``SCHOOLS_PER_EXCHANGE`` schools (``schools`` by district and code)."""
    from .enums import ExchangeKind

    year = calendar.AcademicYear.of(today)
    second = year.semesters[1]
    wanted = max(2, len(schools) // SCHOOLS_PER_EXCHANGE)
    plans = [
        {
            "kind": ExchangeKind.NATIONAL,
            "title": f"{year.roc}學年度全國高職優質化經驗交流研討會",
            "date": second.start + dt.timedelta(days=100),
            "place": "國立臺灣師範大學 綜合大樓國際會議廳",
            "by": ministry_id,
            "hosts": [],
            "district": None,
            "invited": [s.pk for s in schools],
        }
    ]
    by_district: dict[int, list] = {}
    for school in schools:
        by_district.setdefault(school.district_id, []).append(school)
    regional = [group for group in by_district.values() if len(group) >= 3]
    for i, group in enumerate(regional[: max(0, (wanted - 1) // 4)]):
        plans.append(
            {
                "kind": ExchangeKind.REGIONAL,
                "title": f"{group[0].district.name}高職優質化區域經驗交流",
                "date": second.start + dt.timedelta(days=45 + 3 * i),
                "place": group[0].name,
                "by": group[0].pk,
                "hosts": [s.pk for s in group[:2]],
                "district": group[0].district_id,
                "invited": [s.pk for s in group],
            }
        )
    inter = wanted - len(plans)
    window = (min(year.end, today + dt.timedelta(days=60)) - year.start).days
    for i in range(max(0, inter)):
        first = i * len(schools) // max(1, inter)
        group = (schools[first:] + schools[:first])[: 8 if i % 2 else 7]
        hosts = group[: 3 if i % 3 == 0 else 2]
        plans.append(
            {
                "kind": ExchangeKind.INTER_SCHOOL,
                "title": f"{hosts[0].name}等校際經驗交流觀摩會",
                "date": year.start + dt.timedelta(days=window * (i + 1) // (inter + 1)),
                "place": f"{hosts[0].name} 圖書館會議廳",
                "by": hosts[0].pk,
                "hosts": [s.pk for s in hosts],
                "district": None,
                "invited": [s.pk for s in group],
            }
        )
    return plans


def _exchange(work: tuple[dict, dict[int, int]]) -> int:
    """One exchange: created by a host's coordinator (the national one by the ministry);
    recorded with attendance once past, otherwise registered for by most invited scale
    schools. Returns the schools registered or attending."""
    from portal.accounts.models import User
    from portal.schools.models import District, School

    from . import services
    from .enums import ExchangeKind, PrincipalAttendance

    spec, coordinators = work
    today = _today()
    national = spec["kind"] == ExchangeKind.NATIONAL
    by = User.objects.get(pk=spec["by"] if national else coordinators[spec["by"]])
    schools = School.objects.in_bulk(spec["invited"])
    hosts = [schools[pk] for pk in spec["hosts"]]
    with transaction.atomic():
        exchange = services.exchange_create(
            kind=spec["kind"],
            title=spec["title"],
            date=spec["date"],
            place=spec["place"],
            hosts=hosts,
            invited=[s for pk, s in schools.items() if pk not in spec["hosts"]],
            district=District.objects.get(pk=spec["district"]) if spec["district"] else None,
            description="上午：各校經驗分享；下午：課程與實習場域觀摩。",
            by=by,
        )
        guests = [pk for pk in spec["invited"] if pk not in spec["hosts"]]
        if spec["date"] <= today:
            attendance = {
                pk: (
                    pk in spec["hosts"] or k % 5 != 4,
                    PrincipalAttendance.FULL if k % 3 else PrincipalAttendance.PARTIAL,
                )
                for k, pk in enumerate(spec["invited"])
            }
            services.exchange_record(
                exchange=exchange,
                record=f"共 {sum(a for a, _p in attendance.values())} 校參與，分享辦理經驗。",
                attendance=attendance,
                by=by,
            )
            return sum(a for a, _p in attendance.values())
        users = User.objects.in_bulk([coordinators[pk] for pk in guests])
        registered = 0
        for k, pk in enumerate(guests):
            if k % 4 == 3:
                continue
            services.exchange_register(
                exchange=exchange,
                school=schools[pk],
                attendees="校長、實習主任、教師 3 人",
                principal_registered=k % 3 != 2,
                by=users[coordinators[pk]],
            )
            registered += 1
        return registered


# --- The stage --------------------------------------------------------------------------------


def build(ctx) -> None:
    schools = supported_scale_schools(ctx)
    if not schools:
        ctx.log("no supported scale school: no consulting data")
        return
    year = calendar.AcademicYear.current().roc
    today = _today()
    started = time.perf_counter()
    # The e-mails link to pages: the URLconf is loaded once here, not in every forked process.
    reverse("consulting:semester_board")
    advisors = _advisor_accounts(ctx, -(-len(schools) // SCHOOLS_PER_ADVISOR))
    # Neighbouring schools share an advisor: the chunks follow the district order.
    groups = [
        schools[i * len(schools) // len(advisors) : (i + 1) * len(schools) // len(advisors)]
        for i in range(len(advisors))
    ]
    ctx.in_parallel(
        _advise,
        [
            (advisor.pk, ctx.ministry.pk, [s.pk for s in group], year)
            for advisor, group in zip(advisors, groups, strict=True)
        ],
    )
    took = {"advisors": time.perf_counter() - started}
    advisor_of = {s.pk: a.pk for a, group in zip(advisors, groups, strict=True) for s in group}
    _inspector_accounts(
        ctx,
        list(
            {
                s.county_id: s.county for n, s in enumerate(schools, 1) if n % INSPECTED_EVERY == 1
            }.values()
        ),
    )
    # Filing a report requests its PDF: recorded, not made (the seed would render hundreds).
    with requests_not_sent():
        made = ctx.in_parallel(
            _consult,
            [
                (s.pk, n, advisor_of[s.pk], ctx.coordinators[s.pk].pk)
                for n, s in enumerate(schools, 1)
            ],
        )
    dropped = _drop_unsent_reports()
    took["consultations"] = time.perf_counter() - started - sum(took.values())
    coordinators = {s.pk: ctx.coordinators[s.pk].pk for s in schools}
    plans = exchange_plans(schools, ctx.ministry.pk, today)
    # One after the other: registering and recording lock the invited schools' rows
    # (ExchangeSchool's ordering joins the school in the services' SELECT … FOR UPDATE), so
    # exchanges sharing schools deadlock when written in parallel.
    taking_part = [_exchange((plan, coordinators)) for plan in plans]
    took["exchanges"] = time.perf_counter() - started - sum(took.values())
    ctx.log(
        f"{len(advisors)} advisors for {len(schools)} supported schools, "
        f"{sum(made)} consultations ({dropped} report PDFs left to be made on request), "
        f"{len(plans)} exchanges with {sum(taking_part)} schools registered or attending "
        f"({', '.join(f'{name} {seconds:.1f} s' for name, seconds in took.items())})"
    )
