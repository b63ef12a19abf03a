"""Demo data for the core domain: schools, evaluations, the calendar and the seven accounts.

Every function is idempotent: it finds or creates by natural keys, so running
``seed_demo`` again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from portal.accounts.enums import CommitteeCategory, Role
from portal.accounts.models import RoleGrant, User
from portal.programme import calendar
from portal.programme.models import ApplicationWindow, Phase
from portal.schools.constants import EVALUATION_ITEMS
from portal.schools.enums import Ownership
from portal.schools.models import County, EvaluationCycle, EvaluationItem, School
from portal.schools.services import evaluation_set_scores

DEMO_PASSWORD = "portal-demo"

# code, name, public/private, county, address, phone, website host
SCHOOLS = [
    (
        "170403",
        "國立基隆高級海事職業學校",
        "public",
        "基隆市",
        "基隆市中正區北寧路 2 號",
        "(02)2463-3655",
        "www.klvs.kl.edu.tw",
    ),
    (
        "313401",
        "臺北市立松山高級商業家事職業學校",
        "public",
        "臺北市",
        "臺北市信義區松山路 655 號",
        "(02)2726-1118",
        "www.ssvs.tp.edu.tw",
    ),
    (
        "331402",
        "臺北市私立稻江高級護理家事職業學校",
        "private",
        "臺北市",
        "臺北市大同區南京西路 62 號",
        "(02)2555-8566",
        "www.tcnvs.tp.edu.tw",
    ),
    (
        "014322",
        "新北市立淡水高級商工職業學校",
        "public",
        "新北市",
        "新北市淡水區商工路 100 號",
        "(02)2620-3930",
        "www.tsvs.ntpc.edu.tw",
    ),
    (
        "013402",
        "國立三重高級商工職業學校",
        "public",
        "新北市",
        "新北市三重區三信路 1 號",
        "(02)2971-5606",
        "www.scvs.ntpc.edu.tw",
    ),
    (
        "033407",
        "國立桃園高級農工職業學校",
        "public",
        "桃園市",
        "桃園市桃園區成功路二段 144 號",
        "(03)333-3921",
        "www.tyai.tyc.edu.tw",
    ),
    (
        "183406",
        "國立新竹高級商業職業學校",
        "public",
        "新竹市",
        "新竹市東區學府路 128 號",
        "(03)572-2150",
        "www.hccvs.hc.edu.tw",
    ),
    (
        "053401",
        "國立苗栗高級農工職業學校",
        "public",
        "苗栗縣",
        "苗栗縣苗栗市為公路 490 號",
        "(037)330-016",
        "www.mlaic.mlc.edu.tw",
    ),
    (
        "193404",
        "國立臺中高級工業職業學校",
        "public",
        "臺中市",
        "臺中市南區高工路 191 號",
        "(04)2261-3158",
        "www.tcivs.tc.edu.tw",
    ),
    (
        "083410",
        "國立南投高級商業職業學校",
        "public",
        "南投縣",
        "南投縣南投市三和三路 21 號",
        "(049)222-2341",
        "www.ntcs.ntct.edu.tw",
    ),
    (
        "073402",
        "國立員林高級家事商業職業學校",
        "public",
        "彰化縣",
        "彰化縣員林市中正路 56 號",
        "(04)832-0260",
        "www.yljh.chc.edu.tw",
    ),
    (
        "093406",
        "國立虎尾高級農工職業學校",
        "public",
        "雲林縣",
        "雲林縣虎尾鎮博愛路 65 號",
        "(05)632-2767",
        "www.hwaivs.ylc.edu.tw",
    ),
    (
        "203401",
        "國立嘉義高級工業職業學校",
        "public",
        "嘉義市",
        "嘉義市東區彌陀路 174 號",
        "(05)276-3060",
        "www.cyivs.cy.edu.tw",
    ),
    (
        "213402",
        "國立臺南高級商業職業學校",
        "public",
        "臺南市",
        "臺南市南區健康路一段 327 號",
        "(06)261-7123",
        "www.tncvs.tn.edu.tw",
    ),
    (
        "553401",
        "高雄市立高雄高級商業職業學校",
        "public",
        "高雄市",
        "高雄市新興區五福一路 67 號",
        "(07)226-9975",
        "www.ksvcs.kh.edu.tw",
    ),
    (
        "581402",
        "高雄市私立三信高級家事商業職業學校",
        "private",
        "高雄市",
        "高雄市苓雅區三多一路 186 號",
        "(07)751-7171",
        "www.ssvs.kh.edu.tw",
    ),
    (
        "133402",
        "國立屏東高級工業職業學校",
        "public",
        "屏東縣",
        "屏東縣屏東市民學路 17 號",
        "(08)752-3781",
        "www.ptivs.ptc.edu.tw",
    ),
    (
        "023402",
        "國立宜蘭高級商業職業學校",
        "public",
        "宜蘭縣",
        "宜蘭縣宜蘭市延平路 50 號",
        "(03)938-4147",
        "www.ilvs.ilc.edu.tw",
    ),
    (
        "153401",
        "國立花蓮高級農業職業學校",
        "public",
        "花蓮縣",
        "花蓮縣花蓮市建國路 161 號",
        "(03)831-2301",
        "www.hlaivs.hlc.edu.tw",
    ),
    (
        "143402",
        "國立臺東高級商業職業學校",
        "public",
        "臺東縣",
        "臺東縣臺東市正氣北路 441 號",
        "(089)350-575",
        "www.tscvs.ttct.edu.tw",
    ),
    (
        "163401",
        "國立澎湖高級海事水產職業學校",
        "public",
        "澎湖縣",
        "澎湖縣馬公市民族路 95 號",
        "(06)926-1101",
        "www.phmhs.phc.edu.tw",
    ),
    (
        "713401",
        "國立金門高級農工職業學校",
        "public",
        "金門縣",
        "金門縣金湖鎮漁村 11 號",
        "(082)333-826",
        "www.kmvs.km.edu.tw",
    ),
]

FOCUS_SUPPORT = {"163401", "713401", "143402", "153401"}
SCHOLARSHIP = {"163401", "713401", "093406"}

# The latest cycle's scores, 8 items each: chosen to show every case.
LATEST_SCORES = {
    "193404": ["93.50", "91.20", "92.80", "90.40", "89.60", "94.10", "88.70", "92.30"],  # ≥ 90
    "313401": [
        "90.00",
        "90.00",
        "90.00",
        "90.00",
        "90.00",
        "90.00",
        "90.00",
        "90.00",
    ],  # exactly 90
    "170403": ["86.40", "84.20", "85.00", "83.10", "82.70", "88.00", "81.50", "84.90"],
    "331402": [
        "80.00",
        "82.50",
        "84.00",
        "81.20",
        "85.30",
        "80.40",
        "83.10",
        "82.00",
    ],  # exactly 80
    "014322": [
        "85.20",
        "86.10",
        "79.99",
        "84.00",
        "83.30",
        "86.80",
        "82.10",
        "85.00",
    ],  # 79.99: short
    "013402": ["88.10", "87.40", "86.60", "85.90", "84.20", "87.30", "86.00", "88.20"],
    "033407": ["84.10", "83.20", "82.60", "81.70", "80.90", "85.20", "83.40", "84.00"],
    "183406": ["89.20", "88.30", "87.10", "86.50", "88.00", "89.40", "85.70", "88.10"],
    "053401": ["78.40", "81.30", "80.20", "76.90", "82.00", "83.10", "79.00", "81.50"],  # 3 short
    "083410": ["83.30", "84.10", "82.90", "81.60", "80.70", "84.30", "82.20", "83.00"],
    "073402": ["87.50", "88.20", "86.70", "85.40", "87.90", "86.30", "84.60", "87.00"],
    "093406": ["82.00", "81.10", "80.50", "80.30", "81.80", "82.70", "80.10", "81.40"],
    "203401": ["86.60", "85.30", "84.80", "83.90", "85.70", "86.10", "84.00", "85.50"],
    "213402": ["88.80", "87.60", "89.10", "86.20", "87.40", "88.30", "86.90", "88.00"],
    "553401": ["85.10", "84.40", "83.80", "82.90", "84.60", "85.20", "83.30", "84.10"],
    "581402": ["79.50", "80.40", "81.20", "78.80", "80.60", "82.10", "80.00", "79.90"],  # short
    "133402": ["84.00", "83.10", "82.40", "81.80", "83.50", "84.70", "82.60", "83.30"],
    "023402": ["83.60", "82.80", "81.90", "80.80", "82.30", "83.40", "81.70", "82.50"],
    "153401": ["81.20", "80.60", "80.10", "80.40", "81.00", "81.70", "80.20", "80.90"],
    "143402": ["80.80", "80.20", "81.50", "80.00", "80.60", "81.90", "80.30", "80.70"],
    "163401": ["76.20", "78.40", "80.10", "77.30", "79.00", "80.60", "78.80", "79.20"],  # short
    # 713401 (金門) has no evaluation on record.
}

# An older cycle, in which one school that now falls short was eligible.
OLDER_SCORES = {
    "014322": ["84.00", "83.00", "82.50", "81.00", "82.00", "85.00", "81.50", "83.00"],
    "193404": ["88.00", "87.00", "86.50", "85.00", "86.00", "89.00", "85.50", "87.00"],
}

DEMO_SCHOOL = "193404"  # the coordinator's and the principal's school (total average ≥ 90)


def _school(code: str) -> School:
    return School.objects.get(code=code)


def seed_schools() -> None:
    counties = {c.name: c for c in County.objects.all()}
    for code, name, ownership, county, address, phone, host in SCHOOLS:
        county_obj = counties[county]
        School.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "ownership": Ownership(ownership),
                "county": county_obj,
                "district": county_obj.default_district,
                "address": address,
                "phone": phone,
                "website": f"https://{host}/",
                "programme_page_url": f"https://{host}/youzhihua/",
                "focus_support": code in FOCUS_SUPPORT,
                "scholarship": code in SCHOLARSHIP,
            },
        )


def _cycle(name, start, end, published) -> EvaluationCycle:
    cycle, created = EvaluationCycle.objects.get_or_create(
        name=name,
        defaults={"start_year": start, "end_year": end, "published_on": published},
    )
    if created or not cycle.items.exists():
        EvaluationItem.objects.bulk_create(
            EvaluationItem(cycle=cycle, number=i, name=n) for i, n in enumerate(EVALUATION_ITEMS, 1)
        )
    return cycle


def seed_evaluations(by: User) -> None:
    older = _cycle("第一週期高職學校評鑑", 102, 106, dt.date(2018, 3, 1))
    latest = _cycle("第二週期高級中等學校校務評鑑", 108, 113, dt.date(2025, 3, 1))
    for cycle, table in ((older, OLDER_SCORES), (latest, LATEST_SCORES)):
        existing = set(cycle.evaluations.values_list("school__code", flat=True))
        for code, scores in table.items():
            if code in existing:
                continue
            evaluation_set_scores(
                cycle=cycle,
                school=_school(code),
                scores={i: Decimal(s) for i, s in enumerate(scores, 1)},
                by=by,
                note="seed_demo",
            )


def seed_calendar(by: User) -> None:
    """The current phase (113–115), the next one (116–118) and an open window for 116."""
    Phase.objects.get_or_create(start_year=113, defaults={"name": "第四期程", "end_year": 115})
    Phase.objects.get_or_create(start_year=116, defaults={"name": "第五期程", "end_year": 118})
    year = calendar.AcademicYear.current().roc + 1
    opens, closes = calendar.default_window(year)
    # The demo opens the window early enough that the whole flow can be tried today.
    today = calendar.taipei_today()
    opens = min(opens, today - dt.timedelta(days=7))
    closes = max(closes, today + dt.timedelta(days=30))
    ApplicationWindow.objects.get_or_create(
        academic_year=year,
        defaults={"opens_on": opens, "closes_on": closes, "updated_by": by},
    )


def _user(username, name, email, title="") -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"name": name, "email": email, "title": title}
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _grant(user, role, **scope) -> None:
    extra = {k: scope.pop(k) for k in ("affiliation", "affiliated_school") if k in scope}
    RoleGrant.objects.get_or_create(
        user=user, role=role, revoked_at__isnull=True, defaults={**scope, **extra}, **scope
    )


def seed_accounts() -> dict[str, User]:
    school = _school(DEMO_SCHOOL)
    ministry = _user("ministry", "王專員", "ministry@example.edu.tw", "教育部國民及學前教育署專員")
    ministry.is_staff = True
    ministry.save(update_fields=["is_staff"])
    _grant(ministry, Role.MINISTRY)

    coordinator = _user("school", "陳組長", "school@example.edu.tw", "實習處組長")
    _grant(coordinator, Role.COORDINATOR, school=school)

    principal = _user("principal", "林校長", "principal@example.edu.tw", "校長")
    _grant(principal, Role.PRINCIPAL, school=school)
    _grant(
        principal,
        Role.COMMITTEE,
        committee_category=CommitteeCategory.PRINCIPAL,
        affiliation=school.name,
        affiliated_school=school,
    )

    reviewer = _user("reviewer", "張教授", "reviewer@example.edu.tw", "教授")
    _grant(
        reviewer,
        Role.COMMITTEE,
        committee_category=CommitteeCategory.EXPERT,
        affiliation="國立臺灣師範大學工業教育學系",
    )

    advisor = _user("advisor", "黃委員", "advisor@example.edu.tw", "專業諮詢委員")
    _grant(advisor, Role.ADVISOR, affiliation="國立彰化師範大學")

    inspector = _user("inspector", "李督學", "inspector@example.edu.tw", "督學")
    _grant(inspector, Role.INSPECTOR, county=school.county)

    panel = _user("panel", "吳委員", "panel@example.edu.tw", "考評小組委員")
    _grant(panel, Role.PANEL, affiliation="國立高雄科技大學")

    return {
        "ministry": ministry,
        "school": coordinator,
        "principal": principal,
        "reviewer": reviewer,
        "advisor": advisor,
        "inspector": inspector,
        "panel": panel,
    }


@transaction.atomic
def seed() -> dict[str, User]:
    seed_schools()
    users = seed_accounts()
    seed_evaluations(users["ministry"])
    seed_calendar(users["ministry"])
    return users
