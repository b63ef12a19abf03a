"""The review's documents: a reviewer's score sheet, the round summary (審查總表) with the
ranking, the decision notice for each school (PDFs, rendered by the document pipeline's
Celery task), and the workbook of every score by criterion (openpyxl)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.documents.registry import DocumentKind, register
from portal.programme import calendar
from portal.spreadsheets import workbook_bytes

from . import selectors
from .aggregation import plain
from .enums import RoundNumber
from .models import Assignment, ConsolidatedComment, Decision, Review, Round, RoundOutcome, Score

ROUND_SHORT = {RoundNumber.FIRST: "初審", RoundNumber.SECOND: "複審"}


def _today():
    """Today in Taipei as a 民國 date for file names (1151129)."""
    return calendar.roc_stamp()


# --- The score sheet ------------------------------------------------------------------------


def score_sheet_context(review: Review) -> dict:
    review = Review.objects.select_related(
        "assignment__round__committee__phase",
        "assignment__member__user",
        "assignment__plan__school",
        "assignment__version",
    ).get(pk=review.pk)
    rnd = review.assignment.round
    scores = {s.criterion_id: s for s in review.scores.all()}
    return {
        "review": review,
        "assignment": review.assignment,
        "round": rnd,
        "plan": review.assignment.plan,
        "rows": [(c, scores.get(c.pk)) for c in selectors.criteria_of(rnd)],
        "generated_at": timezone.now(),
    }


SCORE_SHEET = register(
    DocumentKind(
        key="review_score_sheet",
        label=gettext_lazy("Score sheet"),
        model="review.Review",
        template="pdf/review_score_sheet.html",
        view_permission="review.view_score_sheet",
        request_permission="review.view_score_sheet",
        context=score_sheet_context,
        file_name=lambda review: (
            f"{review.assignment.plan.school.code}-"
            f"{ROUND_SHORT[RoundNumber(review.assignment.round.number)]}評分表-"
            f"{review.pk}-{_today()}.pdf"
        ),
    )
)


# --- The round summary ---------------------------------------------------------------------


def round_summary_context(rnd: Round) -> dict:
    rnd = Round.objects.select_related("committee__phase", "results_confirmed_by").get(pk=rnd.pk)
    assignments = selectors.round_assignments(rnd)
    result = selectors.ranking(rnd)
    by_plan: dict[int, list[Assignment]] = {}
    for a in sorted(assignments, key=lambda a: (a.member.category, a.member_id)):
        by_plan.setdefault(a.plan_id, []).append(a)
    return {
        "round": rnd,
        "committee": rnd.committee,
        "ranking": result,
        "by_plan": by_plan,
        "composition": selectors.composition(rnd.committee),
        "progress": selectors.progress_totals(rnd),
        "generated_at": timezone.now(),
    }


ROUND_SUMMARY = register(
    DocumentKind(
        key="review_round_summary",
        label=gettext_lazy("Round summary (審查總表)"),
        model="review.Round",
        template="pdf/review_round_summary.html",
        view_permission="review.view_round_summary",
        request_permission="review.view_round_summary",
        context=round_summary_context,
        file_name=lambda rnd: (
            f"{rnd.committee.academic_year}-{ROUND_SHORT[RoundNumber(rnd.number)]}審查總表-"
            f"{_today()}.pdf"
        ),
    )
)


# --- The decision notice -------------------------------------------------------------------


def decision_notice_context(decision: Decision) -> dict:
    """What the school is told: the outcome, the amounts, the conditions or reasons and the
    committee's consolidated comments — never a reviewer's name or score."""
    decision = Decision.objects.select_related(
        "committee__phase", "plan__school", "plan__phase"
    ).get(pk=decision.pk)
    committee = decision.committee
    outcomes = {
        o.round_id: o
        for o in RoundOutcome.objects.filter(
            round__committee=committee,
            round__results_confirmed_at__isnull=False,
            plan=decision.plan,
        )
    }
    comments = {
        c.round_id: c.text
        for c in ConsolidatedComment.objects.filter(round__committee=committee, plan=decision.plan)
    }
    rounds = [
        (rnd, outcomes.get(rnd.pk), comments.get(rnd.pk, ""))
        for rnd in committee.rounds.all()
        if rnd.pk in outcomes
    ]
    years = sorted({*decision.requested, *decision.amounts}, key=int)
    amounts = [(int(y), decision.requested.get(y), decision.amounts.get(y)) for y in years]
    return {
        "decision": decision,
        "plan": decision.plan,
        "school": decision.plan.school,
        "committee": committee,
        "rounds": rounds,
        "amounts": amounts,
        "approved_total": sum((Decimal(v) for v in decision.amounts.values()), Decimal("0.000")),
        "requested_total": sum((Decimal(v) for v in decision.requested.values()), Decimal("0.000")),
        "generated_at": timezone.now(),
    }


DECISION_NOTICE = register(
    DocumentKind(
        key="review_decision_notice",
        label=gettext_lazy("Decision notice"),
        model="review.Decision",
        template="pdf/review_decision_notice.html",
        view_permission="review.view_decision",
        request_permission="review.view_decision",
        context=decision_notice_context,
        file_name=lambda decision: (
            f"{decision.plan.school.code}-{decision.committee.academic_year}學年度審查結果通知書-"
            f"{_today()}.pdf"
        ),
    )
)


# --- The workbook of every score ------------------------------------------------------------


def scores_workbook(rnd: Round) -> bytes:
    """Every review of the round by criterion, and the ranking, as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    criteria = selectors.criteria_of(rnd)
    assignments = list(
        Assignment.objects.filter(round=rnd)
        .select_related("member__user", "plan__school", "review")
        .prefetch_related(Prefetch("review__scores", queryset=Score.objects.all()))
        .order_by("plan__school__code", "member__category", "member_id")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Scores")[:31]
    header = [
        _("School code"),
        _("School"),
        _("Reviewer"),
        _("Category"),
        _("Assignment"),
        _("Review status"),
        *[f"{c.name}（{plain(c.max_points)}／{plain(c.weight)}）" for c in criteria],
        _("Weighted total"),
        _("Recommendation"),
        _("Overall comments"),
    ]
    sheet.append(header)
    for a in assignments:
        review = selectors.review_of(a)
        scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
        sheet.append(
            [
                a.plan.school.code,
                a.plan.school.name,
                a.member.user.display_name,
                a.member.get_category_display(),
                a.get_status_display(),
                review.get_status_display() if review else _("Not started"),
                *[
                    scores[c.pk].points
                    if c.pk in scores and scores[c.pk].points is not None
                    else None
                    for c in criteria
                ],
                review.total if review else None,
                review.get_recommendation_display() if review else "",
                review.comment if review else "",
            ]
        )
    _style(sheet, Font, Alignment, get_column_letter, number_from=7, number_to=7 + len(criteria))

    ranked = workbook.create_sheet(_("Ranking")[:31])
    ranked.append(
        [
            _("Rank"),
            _("School code"),
            _("School"),
            _("Admission district"),
            _("Focus support (伍-二)"),
            _("Reviews counted"),
            _("Abstentions"),
            _("Raw score"),
            _("Normalised score"),
            _("Bonus"),
            _("Score ranked on"),
            _("Passes by the rule"),
            _("Confirmed result"),
        ]
    )
    yes, no = _("Yes"), _("No")
    for row in selectors.ranking(rnd).rows:
        ranked.append(
            [
                row.rank,
                row.plan.school.code,
                row.plan.school.name,
                row.plan.school.district.name,
                yes if row.focus else "",
                row.count,
                row.abstained,
                row.raw,
                row.normalised,
                row.bonus,
                row.final,
                yes if row.suggested else no,
                (_("Passed") if row.outcome.passed else _("Did not pass")) if row.outcome else "",
            ]
        )
    _style(ranked, Font, Alignment, get_column_letter, number_from=8, number_to=11)
    return workbook_bytes(workbook)


def _style(sheet, Font, Alignment, get_column_letter, *, number_from, number_to):
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in sheet.iter_rows(min_row=2, min_col=number_from, max_col=number_to):
        for cell in row:
            cell.number_format = "0.00"
