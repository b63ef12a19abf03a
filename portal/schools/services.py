"""Writes about schools and evaluations: each one audited, in one transaction."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot
from portal.imports.reading import Table, TableError, require_headers
from portal.imports.services import RowsChanged

from . import standing
from .constants import EVALUATION_ITEMS
from .enums import Ownership, RowAction
from .models import (
    County,
    EvaluationCycle,
    EvaluationItem,
    ItemScore,
    School,
    SchoolEvaluation,
)

SCHOOL_FIELDS = (
    "code",
    "name",
    "ownership",
    "county",
    "district",
    "address",
    "phone",
    "website",
    "programme_page_url",
    "focus_support",
    "scholarship",
    "is_active",
)

# The MOE school directory's columns.
DIRECTORY_COLUMNS = ["學年度", "代碼", "學校名稱", "公/私立", "縣市名稱", "地址", "電話", "網址"]
DIRECTORY_REQUIRED = ["代碼", "學校名稱", "公/私立", "縣市名稱"]

TWO_PLACES = Decimal("0.01")


#: The import kinds (``portal.imports``) of the directory and of a cycle's scores.
SCHOOLS_KIND = "schools"
SCORES_KIND = "evaluation_scores"
#: The directory has about 500 schools; a cycle's scores one row per school.
IMPORT_MAX_ROWS = 3000


# --- Schools ----------------------------------------------------------------


def school_save(*, school: School, by, is_new: bool) -> School:
    """Create or update a school from a validated instance, recording what changed."""
    with transaction.atomic():
        before = None
        if not is_new:
            before = snapshot(School.objects.get(pk=school.pk), SCHOOL_FIELDS)
        school.full_clean()
        school.save()
        after = snapshot(school, SCHOOL_FIELDS)
        if before != after:
            audit_record(
                actor=by,
                action="school.create" if is_new else "school.update",
                target=school,
                school=school,
                before=before,
                after=after,
            )
    return school


# --- School directory import --------------------------------------------------


def _county_by_name() -> dict[str, County]:
    return {c.name: c for c in County.objects.select_related("default_district")}


def _normalise_county(value: str) -> str:
    value = re.sub(r"^\[\w+\]", "", value).strip()
    return value.replace("台", "臺")


def _ownership(value: str) -> str | None:
    if value in ("私立", "私"):
        return Ownership.PRIVATE
    if value in ("公立", "公", "國立", "市立", "縣立", "直轄市立"):
        return Ownership.PUBLIC
    return None


def _url(value: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    if not re.match(r"^https?://", value, re.I):
        value = "http://" + value
    try:
        URLValidator()(value)
    except ValidationError:
        return value, _("The website is not a valid address.")
    return value, None


def _validate_school_rows(table_rows: list[dict]) -> list[dict]:
    counties = _county_by_name()
    existing = {s.code: s for s in School.objects.all()}
    seen: dict[str, int] = {}
    rows = []
    for record in table_rows:
        errors = []
        code = record.get("代碼", "").strip().upper()
        name = record.get("學校名稱", "").strip()
        if not code:
            errors.append(_("The school code is missing."))
        elif not re.fullmatch(r"[A-Z0-9]{6}", code):
            if code.isdigit() and len(code) < 6:
                errors.append(
                    _(
                        "The school code %(code)s is not 6 characters: did the spreadsheet "
                        "drop a leading zero?"
                    )
                    % {"code": code}
                )
            else:
                errors.append(
                    _("The school code %(code)s is not 6 letters or digits.") % {"code": code}
                )
        elif code in seen:
            errors.append(
                _("The school code %(code)s is also on row %(row)s.")
                % {"code": code, "row": seen[code]}
            )
        if code:
            seen.setdefault(code, record["_row"])
        if not name:
            errors.append(_("The school name is missing."))
        elif len(name) > 100:
            errors.append(_("The school name is longer than 100 characters."))
        ownership = _ownership(record.get("公/私立", "").strip())
        if ownership is None:
            errors.append(
                _("Public or private must be 公立 or 私立, not “%(value)s”.")
                % {"value": record.get("公/私立", "")}
            )
        county_name = _normalise_county(record.get("縣市名稱", ""))
        county = counties.get(county_name)
        if county is None:
            errors.append(
                _("“%(value)s” is not a county or city.") % {"value": record.get("縣市名稱", "")}
            )
        website, url_error = _url(record.get("網址", "").strip())
        if url_error:
            errors.append(url_error)
        address = record.get("地址", "").strip()[:200]
        phone = record.get("電話", "").strip()[:40]
        row = {
            "row": record["_row"],
            "year": record.get("學年度", ""),
            "code": code,
            "name": name,
            "ownership": ownership or "",
            "county": county.pk if county else None,
            "county_name": county.name if county else record.get("縣市名稱", ""),
            "address": address,
            "phone": phone,
            "website": website,
            "errors": errors,
            "changes": [],
        }
        school = existing.get(code)
        if errors:
            row["action"] = RowAction.ERROR
        elif school is None:
            row["action"] = RowAction.CREATE
        else:
            changes = [
                label
                for label, old, new in (
                    (_("name"), school.name, name),
                    (_("public or private"), school.ownership, ownership),
                    (_("county or city"), school.county_id, county.pk),
                    (_("address"), school.address, address),
                    (_("phone"), school.phone, phone),
                    (_("website"), school.website, website),
                )
                if old != new
            ]
            row["changes"] = [str(c) for c in changes]
            row["action"] = RowAction.UPDATE if changes else RowAction.UNCHANGED
        rows.append(row)
    return rows


def _row_errors(rows: list[dict]) -> list[dict]:
    return [
        {"row": r["row"], "label": " ".join(v for v in (r["code"], r["name"]) if v),
         "messages": r["errors"]}
        for r in rows
        if r["errors"]
    ]  # fmt: skip


def schools_import_read(job, table: Table) -> tuple[list[dict], list[dict]]:
    """Check a school directory file, row by row, for review (SCH-1). Changes no school."""
    require_headers(table, DIRECTORY_REQUIRED)
    if not table.rows:
        raise TableError(_("The file has a header but no rows."))
    rows = _validate_school_rows(table.rows)
    return rows, _row_errors(rows)


def _recheck(rows: list[dict]) -> None:
    """Refuse to apply when rows that were valid when read are not valid any more."""
    if any(r["errors"] for r in rows):
        raise RowsChanged(
            _("The data changed since the preview and some rows are no longer valid."),
            rows=rows,
            errors=_row_errors(rows),
        )


def schools_import_apply(*, job, by) -> dict[str, int]:
    """Apply a read directory import (``portal.imports`` calls it, in its transaction, once
    the job is checked): every row or none."""
    records = [
        {
            "_row": r["row"],
            "學年度": r["year"],
            "代碼": r["code"],
            "學校名稱": r["name"],
            "公/私立": "私立" if r["ownership"] == Ownership.PRIVATE else "公立",
            "縣市名稱": r["county_name"],
            "地址": r["address"],
            "電話": r["phone"],
            "網址": r["website"],
        }
        for r in job.rows
    ]
    rows = _validate_school_rows(records)
    _recheck(rows)
    counties = {c.pk: c for c in County.objects.all()}
    existing = {s.code: s for s in School.objects.select_for_update()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        county = counties[row["county"]]
        school = existing.get(row["code"])
        is_new = school is None
        if is_new:
            school = School(code=row["code"], district_id=county.default_district_id)
        before = None if is_new else snapshot(school, SCHOOL_FIELDS)
        school.name = row["name"]
        school.ownership = row["ownership"]
        school.county = county
        school.address = row["address"]
        school.phone = row["phone"]
        school.website = row["website"]
        after = snapshot(school, SCHOOL_FIELDS)
        if before == after:
            counts["unchanged"] += 1
            continue
        school.save()
        counts["created" if is_new else "updated"] += 1
        audit_record(
            actor=by,
            action="school.import.create" if is_new else "school.import.update",
            target=school,
            school=school,
            before=before,
            after=after,
            note=job.file_name,
        )
    job.params["counts"] = counts
    return counts


# --- Evaluation cycles and scores --------------------------------------------------


def cycle_create(
    *, name: str, start_year: int, end_year: int, published_on=None, by, item_names=None
) -> EvaluationCycle:
    """Create an evaluation cycle with its items (EVAL-1: the 8 items by default)."""
    item_names = list(item_names or EVALUATION_ITEMS)
    with transaction.atomic():
        cycle = EvaluationCycle(
            name=name, start_year=start_year, end_year=end_year, published_on=published_on
        )
        cycle.full_clean()
        cycle.save()
        EvaluationItem.objects.bulk_create(
            EvaluationItem(cycle=cycle, number=i, name=n) for i, n in enumerate(item_names, 1)
        )
        audit_record(
            actor=by,
            action="evaluation_cycle.create",
            target=cycle,
            after={
                **snapshot(cycle, ["name", "start_year", "end_year", "published_on"]),
                "items": item_names,
            },
        )
    return cycle


def cycle_update(*, cycle: EvaluationCycle, by, item_names: list[str] | None = None):
    """Save a cycle's details; its items may change only while no school has scores in it."""
    with transaction.atomic():
        old = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        fields = ["name", "start_year", "end_year", "published_on"]
        before = {**snapshot(old, fields), "items": [i.name for i in old.items.all()]}
        cycle.full_clean()
        cycle.save()
        if item_names is not None and item_names != before["items"]:
            if old.evaluations.exists():
                raise ValidationError(
                    _("The items cannot change once schools have scores in this cycle.")
                )
            old.items.all().delete()
            EvaluationItem.objects.bulk_create(
                EvaluationItem(cycle=cycle, number=i, name=n) for i, n in enumerate(item_names, 1)
            )
        after = {**snapshot(cycle, fields), "items": [i.name for i in cycle.items.all()]}
        if before["start_year"] != after["start_year"]:
            # Which evaluation is a school's latest follows the cycles' order (ELIG-2): the
            # schools evaluated in this cycle may now have another one as their latest.
            standing.refresh(old.evaluations.values_list("school_id", flat=True))
        if before != after:
            audit_record(
                actor=by, action="evaluation_cycle.update", target=cycle, before=before, after=after
            )
    return cycle


def exact_mean(scores: list[Decimal]) -> Decimal:
    """EVAL-1: the total average is the mean of the item scores, kept exact."""
    return sum(scores, Decimal("0")) / Decimal(len(scores))


def parse_score(value: str) -> tuple[Decimal | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, _("missing")
    try:
        score = Decimal(value)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number") % {"value": value}
    if not score.is_finite():
        return None, _("“%(value)s” is not a number") % {"value": value}
    if score != score.quantize(TWO_PLACES):
        return None, _("%(value)s has more than 2 decimals") % {"value": value}
    if not Decimal("0") <= score <= Decimal("100"):
        return None, _("%(value)s is not between 0 and 100") % {"value": value}
    return score.quantize(TWO_PLACES), None


def evaluation_set_scores(
    *, cycle: EvaluationCycle, school: School, scores: dict[int, Decimal], by, note: str = ""
) -> SchoolEvaluation:
    """Record a school's scores in a cycle, one per item, and their exact mean (ELIG-2, EVAL-1)."""
    items = list(cycle.items.order_by("number"))
    if set(scores) != {i.number for i in items}:
        raise ValidationError(_("Every item of the cycle needs a score."))
    for value in scores.values():
        if not Decimal("0") <= value <= Decimal("100") or value != value.quantize(TWO_PLACES):
            raise ValidationError(_("Scores are between 0 and 100, with at most 2 decimals."))
    with transaction.atomic():
        evaluation = (
            SchoolEvaluation.objects.select_for_update().filter(cycle=cycle, school=school).first()
        )
        before = None
        if evaluation is not None:
            before = {s.item.name: str(s.score) for s in evaluation.scores.select_related("item")}
            before_total = str(evaluation.total_average)
        total = exact_mean([scores[i.number] for i in items])
        if evaluation is None:
            evaluation = SchoolEvaluation.objects.create(
                cycle=cycle, school=school, total_average=total
            )
        else:
            evaluation.total_average = total
            evaluation.save(update_fields=["total_average", "updated_at"])
            evaluation.scores.all().delete()
        ItemScore.objects.bulk_create(
            ItemScore(evaluation=evaluation, item=i, score=scores[i.number]) for i in items
        )
        standing.refresh([school.pk])
        after = {i.name: str(scores[i.number]) for i in items}
        if before != after:
            audit_record(
                actor=by,
                action="evaluation.update" if before else "evaluation.create",
                target=evaluation,
                school=school,
                before={**before, "總平均": before_total} if before else None,
                after={**after, "總平均": str(total)},
                note=note,
            )
    return evaluation


def _validate_score_rows(cycle: EvaluationCycle, table: Table) -> list[dict]:
    items = list(cycle.items.order_by("number"))
    schools = {s.code: s for s in School.objects.all()}
    current = {
        e.school_id: {s.item_id: s.score for s in e.scores.all()}
        for e in SchoolEvaluation.objects.filter(cycle=cycle).prefetch_related("scores")
    }
    seen: dict[str, int] = {}
    rows = []
    for record in table.rows:
        errors = []
        code = record.get("代碼", "").strip().upper()
        school = schools.get(code)
        if not code:
            errors.append(_("The school code is missing."))
        elif school is None:
            errors.append(_("No school has the code %(code)s.") % {"code": code})
        elif code in seen:
            errors.append(
                _("The school code %(code)s is also on row %(row)s.")
                % {"code": code, "row": seen[code]}
            )
        if code:
            seen.setdefault(code, record["_row"])
        name = record.get("學校名稱", "").strip()
        if school and name and name != school.name:
            errors.append(
                _("The name “%(name)s” does not match school %(code)s (%(actual)s).")
                % {"name": name, "code": code, "actual": school.name}
            )
        scores = {}
        for item in items:
            score, problem = parse_score(record.get(item.name, ""))
            if problem:
                errors.append(_("%(item)s: %(problem)s.") % {"item": item.name, "problem": problem})
            else:
                scores[item.number] = score
        total = None
        if len(scores) == len(items):
            total = exact_mean(list(scores.values()))
            given = record.get("總平均", "").strip()
            if given:
                try:
                    matches = Decimal(given).quantize(TWO_PLACES) == total.quantize(
                        TWO_PLACES, rounding=ROUND_HALF_UP
                    )
                except InvalidOperation:
                    matches = False
                if not matches:
                    errors.append(
                        _("總平均 %(given)s is not the mean of the items (%(mean)s).")
                        % {
                            "given": given,
                            "mean": total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP),
                        }
                    )
        if errors:
            action = RowAction.ERROR
        elif school.pk not in current:
            action = RowAction.CREATE
        else:
            old = {i.number: current[school.pk].get(i.pk) for i in items}
            action = RowAction.UNCHANGED if old == scores else RowAction.UPDATE
        rows.append(
            {
                "row": record["_row"],
                "code": code,
                "name": school.name if school else name,
                "scores": {str(k): str(v) for k, v in scores.items()},
                "total": str(total) if total is not None else "",
                "errors": errors,
                "action": action,
            }
        )
    return rows


def scores_import_read(job, table: Table) -> tuple[list[dict], list[dict]]:
    """Check a cycle's scores file for review (ELIG-2, EVAL-1). Changes nothing."""
    cycle = job.target
    require_headers(table, ["代碼", *[i.name for i in cycle.items.order_by("number")]])
    if not table.rows:
        raise TableError(_("The file has a header but no rows."))
    rows = _validate_score_rows(cycle, table)
    return rows, _row_errors(rows)


def scores_import_apply(*, job, by) -> dict[str, int]:
    """Apply a read scores import (``portal.imports`` calls it, in its transaction, once the
    job is checked): every row or none."""
    cycle = job.target
    items = list(cycle.items.order_by("number"))
    table = Table(
        headers=["代碼", *[i.name for i in items]],
        rows=[
            {
                "_row": r["row"],
                "代碼": r["code"],
                **{i.name: r["scores"].get(str(i.number), "") for i in items},
            }
            for r in job.rows
        ],
    )
    rows = _validate_score_rows(cycle, table)
    _recheck(rows)
    schools = {s.code: s for s in School.objects.filter(code__in=[r["code"] for r in rows])}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        if row["action"] == RowAction.UNCHANGED:
            counts["unchanged"] += 1
            continue
        evaluation_set_scores(
            cycle=cycle,
            school=schools[row["code"]],
            scores={int(k): Decimal(v) for k, v in row["scores"].items()},
            by=by,
            note=job.file_name,
        )
        counts["created" if row["action"] == RowAction.CREATE else "updated"] += 1
    job.params["counts"] = counts
    return counts
