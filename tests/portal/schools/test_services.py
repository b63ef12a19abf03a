"""School services: the directory import (SCH-1), the evaluation scores import (ELIG-2,
EVAL-1), evaluation cycles and scores."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils.translation import override
from openpyxl import Workbook

from portal.audit.models import AuditEntry
from portal.imports.models import ImportJob
from portal.imports.services import ImportRefused, import_apply, import_discard, import_start
from portal.schools import services
from portal.schools.constants import EVALUATION_ITEMS
from portal.schools.models import County, EvaluationCycle, School, SchoolEvaluation
from portal.schools.selectors import school_eligibility
from tests.factories import CycleFactory, SchoolFactory, set_scores

pytestmark = pytest.mark.django_db

DIRECTORY_HEADER = ["學年度", "代碼", "學校名稱", "公/私立", "縣市名稱", "地址", "電話", "網址"]
SCORES_HEADER = ["代碼", "學校名稱", *EVALUATION_ITEMS, "總平均"]

TAICHUNG_ROW = [
    "113",
    "193404",
    "國立臺中高級工業職業學校",
    "公立",
    "臺中市",
    "臺中市南區高工路 191 號",
    "(04)2261-3158",
    "www.tcivs.tc.edu.tw",
]
PENGHU_ROW = [
    "113",
    "163401",
    "國立澎湖高級海事水產職業學校",
    "公立",
    "澎湖縣",
    "澎湖縣馬公市民族路 95 號",
    "(06)926-1101",
    "https://www.phmhs.phc.edu.tw/",
]
PRIVATE_ROW = [
    "113",
    "331402",
    "臺北市私立稻江高級護理家事職業學校",
    "私立",
    "台北市",  # 台 for 臺, as many files write it
    "臺北市大同區南京西路 62 號",
    "(02)2555-8566",
    "",
]


def csv_upload(rows, header=DIRECTORY_HEADER, encoding="utf-8-sig", name="directory.csv"):
    text = io.StringIO()
    writer = csv.writer(text)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, header=DIRECTORY_HEADER, name="directory.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(
        name,
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def preview(upload, by, *, kind=services.SCHOOLS_KIND, target=None):
    """Upload, then read the file as the worker does once the upload commits."""
    with override("en"), TestCase.captureOnCommitCallbacks(execute=True):
        job = import_start(kind=kind, upload=upload, by=by, target=target)
    return ImportJob.objects.get(pk=job.pk)


def refusal(upload, by):
    """Why a file is refused as a whole: at the upload, or when it is read."""
    try:
        job = preview(upload, by)
    except ImportRefused as exc:
        return str(exc)
    assert (job.status, job.rows) == ("failed", [])
    return job.message


def apply(job, by):
    with override("en"):
        import_apply(job=job, by=by)
    return ImportJob.objects.get(pk=job.pk).params["counts"]


def errors_by_row(batch):
    return {row["row"]: row["errors"] for row in batch.rows}


def county(name):
    return County.objects.get(name=name)


# --- Directory import: reading files ----------------------------------------------------


def test_schools_import_preview_utf8_bom_csv_changes_nothing(ministry):
    """SCH-1: a valid file is parsed into rows to review; no school is created yet."""
    batch = preview(csv_upload([TAICHUNG_ROW, PENGHU_ROW]), ministry)
    taichung = county("臺中市")
    assert batch.rows[0] == {
        "row": 2,
        "year": "113",
        "code": "193404",
        "name": "國立臺中高級工業職業學校",
        "ownership": "public",
        "county": taichung.pk,
        "county_name": "臺中市",
        "address": "臺中市南區高工路 191 號",
        "phone": "(04)2261-3158",
        "website": "http://www.tcivs.tc.edu.tw",
        "errors": [],
        "changes": [],
        "action": "create",
    }
    assert [(r["row"], r["code"], r["action"]) for r in batch.rows] == [
        (2, "193404", "create"),
        (3, "163401", "create"),
    ]
    assert (batch.kind, batch.status, batch.error_count) == ("schools", "ready", 0)
    assert batch.file_name == "directory.csv"
    assert bool(batch.can_apply) is True
    assert School.objects.count() == 0
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["import.upload"]


def test_schools_import_preview_big5_csv(ministry):
    """SCH-1: a Big5 (cp950) file, as Excel in Taiwan saves it; 台 is read as 臺."""
    batch = preview(csv_upload([TAICHUNG_ROW, PRIVATE_ROW], encoding="cp950"), ministry)
    assert [(r["code"], r["name"], r["ownership"], r["county_name"]) for r in batch.rows] == [
        ("193404", "國立臺中高級工業職業學校", "public", "臺中市"),
        ("331402", "臺北市私立稻江高級護理家事職業學校", "private", "臺北市"),
    ]
    assert batch.error_count == 0


def test_schools_import_preview_xlsx(ministry):
    """SCH-1: An Excel workbook: numbers in cells read as text; a code typed as a number loses its
    leading zero, and the row says so."""
    rows = [
        [113, "193404", "國立臺中高級工業職業學校", "公立", "臺中市", "", "", ""],
        [113, 14322, "新北市立淡水高級商工職業學校", "市立", "新北市", "", "", ""],
    ]
    batch = preview(xlsx_upload(rows), ministry)
    assert [(r["row"], r["year"], r["code"], r["ownership"]) for r in batch.rows] == [
        (2, "113", "193404", "public"),
        (3, "113", "14322", "public"),
    ]
    assert errors_by_row(batch) == {
        2: [],
        3: ["The school code 14322 is not 6 characters: did the spreadsheet drop a leading zero?"],
    }


def test_schools_import_preview_skips_blank_lines(ministry):
    """SCH-1: blank lines are skipped; row numbers stay the file's."""
    batch = preview(csv_upload([TAICHUNG_ROW, [""] * 8, PENGHU_ROW]), ministry)
    assert [r["row"] for r in batch.rows] == [2, 4]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("directory.txt", b"a,b"),
            "Upload a CSV file or an Excel workbook (.xlsx).",
        ),
        (SimpleUploadedFile("directory.csv", b"\n\n"), "The file is empty."),
        (
            SimpleUploadedFile("directory.csv", b"\xff\xfe\xff"),
            "The file is neither UTF-8 nor Big5 text.",
        ),
        (
            SimpleUploadedFile("directory.xlsx", b"not a workbook"),
            "The file's content is not a XLSX file.",
        ),
        (
            SimpleUploadedFile("directory.csv", "代碼,學校名稱\n193404,x\n".encode()),
            "These columns are missing: 公/私立、縣市名稱.",
        ),
        (
            SimpleUploadedFile("directory.csv", ",".join(DIRECTORY_HEADER).encode()),
            "The file has a header but no rows.",
        ),
    ],
    ids=["extension", "empty", "encoding", "bad-xlsx", "columns", "no-rows"],
)
def test_schools_import_preview_unreadable_file_refused(ministry, upload, message):
    """SCH-1: a file that cannot be read as a table is refused as a whole."""
    assert refusal(upload, ministry) == message
    assert School.objects.count() == 0


def test_schools_import_preview_too_large_refused(ministry, settings):
    """SCH-1: files over the size limit are refused."""
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("directory.csv", b"x" * (1024 * 1024 + 1))
    assert refusal(upload, ministry) == (
        "The file is 1.0\xa0MB: an import takes files of at most 1.0\xa0MB."
    )
    assert ImportJob.objects.count() == 0


# --- Directory import: row errors --------------------------------------------------------


def test_schools_import_preview_reports_errors_row_by_row(ministry):
    """SCH-1: each row's problems, on that row; other rows stay valid."""
    rows = [
        ["113", "12345", "甲校", "公立", "臺中市", "", "", ""],  # 2: leading zero dropped
        ["113", "1234567", "乙校", "公立", "臺中市", "", "", ""],  # 3: too long
        ["113", "19340a", "丙校", "公立", "臺中市", "", "", ""],  # 4: fine (upper-cased)
        ["113", "19340A", "丁校", "私立", "臺中市", "", "", ""],  # 5: same code as row 4
        ["113", "200001", "戊校", "公立", "火星市", "", "", ""],  # 6: unknown county
        ["113", "200002", "己校", "公私", "臺中市", "", "", ""],  # 7: public or private?
        ["113", "200003", "庚校", "公立", "臺中市", "", "", "http://bad host"],  # 8: URL
        ["113", "200004", "", "公立", "臺中市", "", "", ""],  # 9: no name
        ["113", "", "", "", "", "", "", ""],  # 10: nearly empty
        ["113", "20-005", "辛校", "私立", "[10]臺南市", "", "", ""],  # 11: bad characters
    ]
    batch = preview(csv_upload(rows), ministry)
    assert errors_by_row(batch) == {
        2: ["The school code 12345 is not 6 characters: did the spreadsheet drop a leading zero?"],
        3: ["The school code 1234567 is not 6 letters or digits."],
        4: [],
        5: ["The school code 19340A is also on row 4."],
        6: ["“火星市” is not a county or city."],
        7: ["Public or private must be 公立 or 私立, not “公私”."],
        8: ["The website is not a valid address."],
        9: ["The school name is missing."],
        10: [
            "The school code is missing.",
            "The school name is missing.",
            "Public or private must be 公立 or 私立, not “”.",
            "“” is not a county or city.",
        ],
        11: ["The school code 20-005 is not 6 letters or digits."],
    }
    assert [r["action"] for r in batch.rows] == [
        "error",
        "error",
        "create",
        "error",
        "error",
        "error",
        "error",
        "error",
        "error",
        "error",
    ]
    assert batch.error_count == 9
    assert bool(batch.can_apply) is False


def test_schools_import_with_errors_cannot_be_applied(ministry):
    """SCH-1: One bad row holds back the whole file: nothing changes."""
    bad = ["113", "200001", "戊校", "公立", "火星市", "", "", ""]
    batch = preview(csv_upload([TAICHUNG_ROW, bad]), ministry)
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == "An import with errors cannot be applied: fix the file first."
    batch.refresh_from_db()
    assert (batch.status, batch.error_count) == ("ready", 1)
    assert School.objects.count() == 0
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["import.upload"]


def test_schools_import_with_errors_keeps_its_preview_at_apply(ministry):
    """SCH-1: Applying a file with errors neither applies it nor rewrites its preview: the row with
    a bad 公/私立 still shows its error (it used to be re-read as 公立)."""
    bad_ownership = ["113", "200002", "己校", "公私", "臺中市", "", "", ""]
    bad_county = ["113", "200001", "戊校", "公立", "火星市", "", "", ""]
    batch = preview(csv_upload([bad_ownership, bad_county]), ministry)
    rows = batch.rows
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == "An import with errors cannot be applied: fix the file first."
    batch.refresh_from_db()
    assert batch.rows == rows
    assert batch.error_count == 2
    assert errors_by_row(batch)[2] == ["Public or private must be 公立 or 私立, not “公私”."]
    assert School.objects.count() == 0


# --- Directory import: applying -----------------------------------------------------------


def test_schools_import_apply_creates_schools_with_audit_rows(ministry):
    """SCH-1, REG-1: each school is created with its county's district, each with an audit row."""
    batch = preview(csv_upload([TAICHUNG_ROW, PENGHU_ROW, PRIVATE_ROW]), ministry)
    counts = apply(batch, ministry)
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    taichung = School.objects.get(code="193404")
    assert (
        taichung.name,
        taichung.ownership,
        taichung.county.name,
        taichung.district.name,
        taichung.address,
        taichung.phone,
        taichung.website,
    ) == (
        "國立臺中高級工業職業學校",
        "public",
        "臺中市",
        "中投",
        "臺中市南區高工路 191 號",
        "(04)2261-3158",
        "http://www.tcivs.tc.edu.tw",
    )
    private = School.objects.get(code="331402")
    assert (private.ownership, private.county.name, private.district.name) == (
        "private",
        "臺北市",
        "基北",
    )
    assert School.objects.get(code="163401").district.name == "澎湖"

    batch.refresh_from_db()
    assert batch.status == "applied"
    assert batch.applied_at is not None
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.target_repr) for e in entries] == [
        ("import.upload", "directory.csv"),
        ("school.import.create", "國立臺中高級工業職業學校"),
        ("school.import.create", "國立澎湖高級海事水產職業學校"),
        ("school.import.create", "臺北市私立稻江高級護理家事職業學校"),
        ("import.apply", "directory.csv"),
    ]
    entries = entries[1:]
    assert entries[0].school == taichung
    assert entries[0].actor == ministry
    assert entries[0].note == "directory.csv"
    assert entries[0].before is None
    assert entries[0].after == {
        "code": "193404",
        "name": "國立臺中高級工業職業學校",
        "ownership": "public",
        "county": taichung.county_id,
        "district": taichung.district_id,
        "address": "臺中市南區高工路 191 號",
        "phone": "(04)2261-3158",
        "website": "http://www.tcivs.tc.edu.tw",
        "programme_page_url": "",
        "focus_support": False,
        "scholarship": False,
        "is_active": True,
    }
    assert entries[-1].after == {
        "kind": "schools",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }


def test_schools_import_apply_updates_and_leaves_unchanged(ministry):
    """SCH-1: a known code updates that school; an identical row changes nothing."""
    taichung = SchoolFactory(
        code="193404",
        name="國立臺中高工",
        address="臺中市南區高工路 191 號",
        phone="(04)2261-3158",
        website="http://www.tcivs.tc.edu.tw",
    )
    SchoolFactory(
        code="163401",
        name="國立澎湖高級海事水產職業學校",
        county=county("澎湖縣"),
        address="澎湖縣馬公市民族路 95 號",
        phone="(06)926-1101",
        website="https://www.phmhs.phc.edu.tw/",
    )
    batch = preview(csv_upload([TAICHUNG_ROW, PENGHU_ROW]), ministry)
    assert [(r["action"], r["changes"]) for r in batch.rows] == [
        ("update", ["name"]),
        ("unchanged", []),
    ]
    counts = apply(batch, ministry)
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    taichung.refresh_from_db()
    assert taichung.name == "國立臺中高級工業職業學校"
    [entry] = AuditEntry.objects.filter(action="school.import.update")
    assert entry.changes == [("name", "國立臺中高工", "國立臺中高級工業職業學校")]


def test_schools_import_apply_twice_refused(ministry):
    """SCH-1: an import is applied once."""
    batch = preview(csv_upload([TAICHUNG_ROW]), ministry)
    apply(batch, ministry)
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == "This import has already been applied or discarded."
    assert AuditEntry.objects.filter(action="import.apply").count() == 1


def test_schools_import_revalidated_at_apply(ministry):
    """SCH-1: Rows valid at preview but not any more are refused at apply time, and the preview
    shows why."""
    batch = preview(csv_upload([TAICHUNG_ROW, PENGHU_ROW]), ministry)
    County.objects.filter(name="澎湖縣").update(name="澎湖")
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == (
        "The data changed since the preview and some rows are no longer valid."
    )
    batch.refresh_from_db()
    assert (batch.status, batch.error_count) == ("ready", 1)
    assert errors_by_row(batch) == {2: [], 3: ["“澎湖縣” is not a county or city."]}
    assert School.objects.count() == 0


def test_schools_import_school_created_since_preview_is_updated(ministry):
    """SCH-1: Apply works on the data as it is then: a school added meanwhile is updated, not
    duplicated."""
    batch = preview(csv_upload([TAICHUNG_ROW]), ministry)
    SchoolFactory(code="193404", name="國立臺中高工")
    counts = apply(batch, ministry)
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    assert list(School.objects.values_list("code", "name")) == [
        ("193404", "國立臺中高級工業職業學校")
    ]


def test_import_discard_keeps_the_schools_and_refuses_apply(ministry):
    """SCH-1: a discarded import changes nothing and cannot be applied."""
    batch = preview(csv_upload([TAICHUNG_ROW]), ministry)
    import_discard(job=batch, by=ministry)
    batch.refresh_from_db()
    assert batch.status == "discarded"
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("pk")) == [
        "import.upload",
        "import.discard",
    ]
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == "This import has already been applied or discarded."
    with pytest.raises(ImportRefused):
        import_discard(job=batch, by=ministry)
    assert School.objects.count() == 0


# --- Evaluation scores import ---------------------------------------------------------


@pytest.fixture
def new_cycle(db):
    """A cycle later than the one the fixtures' schools were scored in: it is the latest."""
    return CycleFactory(name="第三週期高級中等學校校務評鑑", start_year=114, end_year=119)


def scores_row(school, scores, total=""):
    return [school.code, school.name, *scores, total]


def scores_preview(cycle, rows, by, header=SCORES_HEADER, name="scores.csv"):
    return preview(
        csv_upload(rows, header=header, name=name), by, kind=services.SCORES_KIND, target=cycle
    )


def test_scores_import_preview_valid_rows(ministry, new_cycle, school, other_school):
    """ELIG-2, EVAL-1: a valid scores file previews each school's scores and exact mean;
    nothing changes yet."""
    batch = scores_preview(
        new_cycle,
        [
            scores_row(school, ["85"] * 8, "85.00"),
            scores_row(other_school, ["90"] * 7 + ["89.99"], "90.00"),
        ],
        ministry,
    )
    assert batch.rows[1] == {
        "row": 3,
        "code": other_school.code,
        "name": other_school.name,
        "scores": {str(i): "90.00" for i in range(1, 8)} | {"8": "89.99"},
        "total": "89.99875",
        "errors": [],
        "action": "create",
    }
    assert (batch.kind, batch.target, batch.error_count) == ("evaluation_scores", new_cycle, 0)
    assert SchoolEvaluation.objects.filter(cycle=new_cycle).count() == 0


def test_scores_import_preview_reports_errors_row_by_row(ministry, new_cycle, school):
    """EVAL-1: scores 0–100 with at most 2 decimals, every item, a matching 總平均."""
    unknown = ["999999", "", *["85"] * 8, ""]
    renamed = [school.code, "別的學校", *["85"] * 8, ""]
    out_of_range = scores_row(school, ["100.01", "-1", *["85"] * 6])
    decimals = scores_row(school, ["85", "85.005", *["85"] * 6])
    missing = scores_row(school, ["85", "85", "", "abc", "NaN", "85", "85", "85"])
    mismatch = scores_row(school, ["85"] * 8, "85.01")
    not_a_total = scores_row(school, ["85"] * 8, "八十五")
    batch = scores_preview(
        new_cycle,
        [unknown, renamed, out_of_range, decimals, missing, mismatch, not_a_total],
        ministry,
    )
    assert errors_by_row(batch) == {
        2: ["No school has the code 999999."],
        3: [f"The name “別的學校” does not match school {school.code} ({school.name})."],
        4: [
            f"The school code {school.code} is also on row 3.",
            "校長領導: 100.01 is not between 0 and 100.",
            "行政管理: -1 is not between 0 and 100.",
        ],
        5: [
            f"The school code {school.code} is also on row 3.",
            "行政管理: 85.005 has more than 2 decimals.",
        ],
        6: [
            f"The school code {school.code} is also on row 3.",
            "課程教學: missing.",
            "實習輔導: “abc” is not a number.",
            "學務輔導: “NaN” is not a number.",
        ],
        7: [
            f"The school code {school.code} is also on row 3.",
            "總平均 85.01 is not the mean of the items (85.00).",
        ],
        8: [
            f"The school code {school.code} is also on row 3.",
            "總平均 八十五 is not the mean of the items (85.00).",
        ],
    }
    assert batch.error_count == 7
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == "An import with errors cannot be applied: fix the file first."
    assert SchoolEvaluation.objects.filter(cycle=new_cycle).count() == 0


def test_scores_import_preview_missing_item_column_refused(ministry, new_cycle, school):
    """EVAL-1: every item of the cycle needs its column."""
    header = ["代碼", *EVALUATION_ITEMS[:-1]]
    job = scores_preview(new_cycle, [[school.code, *["85"] * 7]], ministry, header=header)
    assert (job.status, job.message) == ("failed", "These columns are missing: 績效表現.")


def test_scores_import_apply_writes_exact_total_averages(ministry, new_cycle, school, other_school):
    """EVAL-1, ITEM-3: the mean of 7×90 and 89.99 is 89.99875 exactly — under 90, though a
    file rounding it to 90.00 is accepted."""
    batch = scores_preview(
        new_cycle,
        [
            scores_row(school, ["90"] * 8, "90"),
            scores_row(other_school, ["90"] * 7 + ["89.99"], "90.00"),
        ],
        ministry,
    )
    counts = apply(batch, ministry)
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    exact = SchoolEvaluation.objects.get(cycle=new_cycle, school=other_school)
    assert exact.total_average == Decimal("89.99875")
    assert SchoolEvaluation.objects.get(cycle=new_cycle, school=school).total_average == Decimal(
        "90"
    )
    assert [str(s.score) for s in exact.scores.order_by("item__number")] == ["90.00"] * 7 + [
        "89.99"
    ]
    assert school_eligibility(school).items_8_9_mandatory is True
    assert school_eligibility(other_school).items_8_9_mandatory is False
    entry = AuditEntry.objects.get(
        action="evaluation.create", school=other_school, note="scores.csv"
    )
    assert entry.after["總平均"] == "89.99875"
    assert AuditEntry.objects.get(action="import.apply").after == {
        "kind": "evaluation_scores",
        "rows": 2,
        **counts,
    }


def test_scores_import_apply_updates_and_leaves_unchanged(
    ministry, new_cycle, school, other_school
):
    """ELIG-2: scores already recorded are updated; identical ones are left alone."""
    set_scores(school, ["85"] * 8, cycle=new_cycle)
    set_scores(other_school, ["86"] * 8, cycle=new_cycle)
    batch = scores_preview(
        new_cycle,
        [scores_row(school, ["85"] * 8), scores_row(other_school, ["87"] * 8)],
        ministry,
    )
    assert [r["action"] for r in batch.rows] == ["unchanged", "update"]
    counts = apply(batch, ministry)
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert SchoolEvaluation.objects.get(
        cycle=new_cycle, school=other_school
    ).total_average == Decimal("87")
    [entry] = AuditEntry.objects.filter(action="evaluation.update")
    assert entry.before["績效表現"] == "86.00"
    assert entry.after["績效表現"] == "87.00"


def test_scores_import_revalidated_at_apply(ministry, new_cycle):
    """ELIG-2: A school removed after the preview: apply refuses and nothing is written."""
    gone = SchoolFactory(code="209999")
    batch = scores_preview(new_cycle, [scores_row(gone, ["85"] * 8)], ministry)
    assert batch.error_count == 0
    gone.delete()
    with override("en"), pytest.raises(ImportRefused) as excinfo:
        apply(batch, ministry)
    assert str(excinfo.value) == (
        "The data changed since the preview and some rows are no longer valid."
    )
    batch.refresh_from_db()
    assert batch.error_count == 1
    assert errors_by_row(batch) == {2: ["No school has the code 209999."]}
    assert SchoolEvaluation.objects.filter(cycle=new_cycle).count() == 0


def test_scores_import_scores_entered_since_preview_are_updated(ministry, new_cycle, school):
    """ELIG-2: scores entered by hand after the preview are updated, not duplicated."""
    batch = scores_preview(new_cycle, [scores_row(school, ["88"] * 8)], ministry)
    set_scores(school, ["85"] * 8, cycle=new_cycle)
    counts = apply(batch, ministry)
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    assert SchoolEvaluation.objects.get(cycle=new_cycle, school=school).total_average == Decimal(
        "88"
    )


# --- Cycles and scores ------------------------------------------------------------------


def test_cycle_create_seeds_the_eight_items(ministry):
    """EVAL-1: a new cycle has the 8 evaluation items by default."""
    cycle = services.cycle_create(name="第三週期", start_year=114, end_year=119, by=ministry)
    assert [(i.number, i.name) for i in cycle.items.order_by("number")] == list(
        enumerate(EVALUATION_ITEMS, 1)
    )
    entry = AuditEntry.objects.get(action="evaluation_cycle.create")
    assert entry.after == {
        "name": "第三週期",
        "start_year": 114,
        "end_year": 119,
        "published_on": None,
        "items": EVALUATION_ITEMS,
    }


def test_cycle_create_years_out_of_order_refused(ministry):
    """EVAL-1: a cycle cannot end before it starts."""
    with pytest.raises(ValidationError):
        services.cycle_create(name="顛倒", start_year=119, end_year=114, by=ministry)
    assert EvaluationCycle.objects.filter(name="顛倒").exists() is False


def test_cycle_update_refuses_to_change_items_once_scores_exist(ministry, school):
    """EVAL-1: items are fixed once a school has scores; the whole change rolls back."""
    cycle = school.evaluations.get().cycle
    cycle.name = "改名"
    with override("en"), pytest.raises(ValidationError) as excinfo:
        services.cycle_update(cycle=cycle, by=ministry, item_names=["甲", "乙"])
    assert excinfo.value.messages == [
        "The items cannot change once schools have scores in this cycle."
    ]
    cycle = EvaluationCycle.objects.get(pk=cycle.pk)
    assert cycle.name == "第二週期高級中等學校校務評鑑"
    assert list(cycle.items.order_by("number").values_list("name", flat=True)) == EVALUATION_ITEMS
    assert AuditEntry.objects.filter(action="evaluation_cycle.update").count() == 0


def test_cycle_update_keeps_items_and_renames_with_scores(ministry, school):
    """EVAL-1: with scores, the cycle may still be renamed if its items stay."""
    cycle = school.evaluations.get().cycle
    cycle.name = "改名"
    services.cycle_update(cycle=cycle, by=ministry, item_names=list(EVALUATION_ITEMS))
    entry = AuditEntry.objects.get(action="evaluation_cycle.update")
    assert entry.changes == [("name", "第二週期高級中等學校校務評鑑", "改名")]


def test_cycle_update_changes_items_without_scores(ministry, new_cycle):
    """EVAL-1: without scores, the items may change."""
    services.cycle_update(cycle=new_cycle, by=ministry, item_names=["校長領導", "課程教學"])
    assert list(new_cycle.items.order_by("number").values_list("number", "name")) == [
        (1, "校長領導"),
        (2, "課程教學"),
    ]
    entry = AuditEntry.objects.get(action="evaluation_cycle.update")
    assert entry.changes == [("items", EVALUATION_ITEMS, ["校長領導", "課程教學"])]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({i: Decimal("85") for i in range(1, 8)}, "Every item of the cycle needs a score."),
        (
            {**{i: Decimal("85") for i in range(1, 8)}, 8: Decimal("100.01")},
            "Scores are between 0 and 100, with at most 2 decimals.",
        ),
        (
            {**{i: Decimal("85") for i in range(1, 8)}, 8: Decimal("85.001")},
            "Scores are between 0 and 100, with at most 2 decimals.",
        ),
    ],
    ids=["missing-item", "over-100", "three-decimals"],
)
def test_evaluation_set_scores_bad_scores_refused(ministry, new_cycle, scores, message):
    """EVAL-1: every item, 0–100, 2 decimals."""
    school = SchoolFactory()
    with override("en"), pytest.raises(ValidationError) as excinfo:
        services.evaluation_set_scores(cycle=new_cycle, school=school, scores=scores, by=ministry)
    assert excinfo.value.messages == [message]
    assert SchoolEvaluation.objects.filter(school=school).count() == 0


def test_school_save_bad_code_refused(ministry):
    """SCH-1: a school code is 6 letters or digits."""
    school = SchoolFactory.build(code="12345")
    with pytest.raises(ValidationError) as excinfo:
        services.school_save(school=school, by=ministry, is_new=True)
    assert list(excinfo.value.message_dict) == ["code"]
    assert School.objects.filter(code="12345").exists() is False
