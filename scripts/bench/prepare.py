"""Run inside the portal (bench settings, a bench database): resolve the pages of pages.py
to URLs on the scale data, and open a session for each account the benchmark uses.

Prints JSON. Sessions are written the way ``login()`` writes them, with the server's secret
key (the same DJANGO_SECRET_KEY is passed to both), so no password is checked per user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from pages import FLOOR, FLOOR_LAYOUT, PAGES, PDFS  # noqa: E402

from portal import scale  # noqa: E402
from portal.accounts.models import User  # noqa: E402


def open_session(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def scale_context() -> dict:
    from applications.models import Plan
    from portal.programme.calendar import AcademicYear
    from review.enums import AssignmentStatus, RoundNumber
    from review.models import Assignment, Committee, Review

    first_code = scale.school_code(1)
    plan = Plan.objects.filter(school__code=first_code).order_by("-pk").first()
    committee = Committee.objects.order_by("-pk").first()
    rnd = committee.rounds.get(number=RoundNumber.FIRST) if committee else None
    reviewer = User.objects.get(username="scale-reviewer-0001")
    assignment = (
        Assignment.objects.filter(round=rnd, member__user=reviewer, status=AssignmentStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    review = Review.objects.filter(assignment__round=rnd, status="submitted").order_by("pk").first()
    return {
        "plan": plan.pk if plan else None,
        "code": first_code,
        "committee": committee.pk if committee else None,
        "round": rnd.pk if rnd else None,
        "assignment": assignment.pk if assignment else None,
        "review": review.pk if review else None,
        "year": AcademicYear.current().roc,
    }


def resolve(page, ctx: dict) -> dict:
    row = {"name": page.name, "user": page.user, "kind": page.kind, "url": None, "missing": ""}
    args = [ctx.get(key) for key in page.args]
    if any(a is None for a in args):
        row["missing"] = "no object for " + ", ".join(page.args)
        return row
    try:
        row["url"] = reverse(page.url_name, args=args) + (f"?{page.query}" if page.query else "")
    except NoReverseMatch:
        row["missing"] = f"no URL named {page.url_name}"
    return row


def load_accounts(schools: int, reviewers: int) -> dict:
    """Accounts for the deadline-day load: schools with a draft plan (their sections and
    budget lines with revisions) and reviewers with applications to score."""
    from applications.enums import PlanStatus
    from applications.models import Plan
    from review.enums import AssignmentStatus
    from review.models import Assignment

    plans = list(
        Plan.objects.filter(school__code__startswith=scale.CODE_PREFIX, status=PlanStatus.DRAFT)
        .select_related("school")
        .prefetch_related("sections", "budget_lines")
        .order_by("school__code")[:schools]
    )
    coordinators = {
        u.username: u
        for u in User.objects.filter(
            username__in=[f"scale-{p.school.code.lower()}-coord" for p in plans]
        )
    }
    out = {"schools": [], "reviewers": []}
    for plan in plans:
        user = coordinators[f"scale-{plan.school.code.lower()}-coord"]
        out["schools"].append(
            {
                "session": open_session(user),
                "plan": plan.pk,
                "sections": {
                    s.key: {"revision": s.revision, "data": s.data} for s in plan.sections.all()
                },
                "lines": [
                    {
                        "pk": line.pk,
                        "revision": line.revision,
                        "sub_plan": line.sub_plan_id,
                        "academic_year": line.academic_year,
                        "expense_type": line.expense_type,
                        "name": line.name,
                        "unit": line.unit,
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price),
                        "subsidy": str(line.subsidy),
                        "fiscal_half": line.fiscal_half,
                    }
                    for line in plan.budget_lines.all()[:5]
                ],
            }
        )
    pending = {}
    for a in (
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE, review__isnull=True)
        .select_related("member__user", "round")
        .order_by("pk")
    ):
        pending.setdefault(a.member.user, []).append(a)
    for user, assignments in list(pending.items())[:reviewers]:
        criteria = list(assignments[0].round.criteria.order_by("order", "pk"))
        out["reviewers"].append(
            {
                "session": open_session(user),
                "assignments": [a.pk for a in assignments],
                "criteria": [[c.pk, str(c.max_points)] for c in criteria],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load-schools", type=int, default=0)
    parser.add_argument("--load-reviewers", type=int, default=0)
    args = parser.parse_args()
    ctx = scale_context()
    users = {
        "ministry": User.objects.get(username=scale.MINISTRY_USERNAME),
        "school": User.objects.get(username=f"scale-{ctx['code'].lower()}-coord"),
        "reviewer": User.objects.get(username="scale-reviewer-0001"),
    }
    out = {
        "context": ctx,
        "floor": resolve(FLOOR, ctx),
        "floor_layout": resolve(FLOOR_LAYOUT, ctx),
        "pages": [resolve(page, ctx) for page in PAGES],
        "pdfs": [{"name": name, "kind": kind, "target": ctx.get(key)} for name, kind, key in PDFS],
        "sessions": {role: open_session(user) for role, user in users.items()},
        "schools": scale.School.objects.filter(code__startswith=scale.CODE_PREFIX).count(),
    }
    if args.load_schools or args.load_reviewers:
        out["load"] = load_accounts(args.load_schools, args.load_reviewers)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
