"""National-scale data for the benchmark: ``python manage.py seed_scale --schools N``.

The data set is what the programme looks like in a busy year, built the way people build
it — through the services, so that every rule, audit row and summary a service keeps is
the real one — except where a service itself writes in bulk or where there is no service:

- schools, their staff accounts and role grants are bulk-created (the core has no bulk
  service for them; one password hash is computed once and shared by every account);
- evaluations go through ``evaluation_set_scores`` (ELIG-1, ELIG-2), one per school;
- each plan is started, written section by section, given six sub-plans, and its forty
  budget lines are written in one go by the budget import service ``budget_replace`` after
  each line passed ``clean_line_values`` (BUD-1, BUD-2, BUD-4): the plan-level budget checks
  (BUD-1 … BUD-5, APP-7) run once per plan, in the checklist, when the coordinator sends the
  plan to the principal; the principal's approval runs the checklist again and freezes it;
- the committee, its members, the automatic assignment (five reviewers per application)
  and every review go through the review's services (SEL-1 … SEL-4).

The stages are modules with a ``build(ctx)`` function, run in order: this module's core
stage, then ``applications.scale``, ``review.scale``, then whatever other apps registered
with ``portal.registry.register_scale``: ``indicators.scale`` (the approved plans of the
phase in force, ``ctx.running_plans``, and their indicator values of the year the boards
show), ``assessment.scale`` (that year's results reports, the evaluation panel, its visits
and some outcomes), consultations…

Refused with ``DJANGO_DEBUG`` off, and refused on a database that already holds scale data
(use a fresh database: the benchmark creates its own).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import transaction
from django.db.backends.signals import connection_created
from django.test.utils import override_settings

from portal.accounts.enums import CommitteeCategory, Role
from portal.accounts.models import RoleGrant, User
from portal.schools.enums import Ownership
from portal.schools.models import County, EvaluationCycle, School
from portal.schools.services import evaluation_set_scores

#: Every scale account's password (the data is refused on a production database).
SCALE_PASSWORD = "portal-bench"
#: Scale schools' codes: "S" and five digits, never a real (all-digit) school code.
CODE_PREFIX = "S"
#: The accounts the benchmark logs in as.
MINISTRY_USERNAME = "scale-ministry"
#: Reviewers per 100 schools: the issue's national scale has 45 for 150 plans.
REVIEWERS_PER_100 = 30
#: Reviews per application (SEL-4).
REVIEWS_PER_APPLICATION = 5

#: The stages built into the project, run in this order before the registered ones.
STAGES = ["portal.scale", "applications.scale", "review.scale"]

REVIEWER_CATEGORIES = [
    CommitteeCategory.EXPERT,
    CommitteeCategory.INDUSTRY,
    CommitteeCategory.PARENT,
    CommitteeCategory.TEACHER,
    CommitteeCategory.AUTHORITY,
]

SCHOOL_KINDS = ["工業", "商業", "家事", "農工", "海事", "商工", "護理家事", "農業"]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"


class SeedPasswordHasher(PBKDF2PasswordHasher):
    """The portal's PBKDF2, with few iterations, for the accounts of a throwaway data set:
    their hashes are checked (and upgraded at first login) by the portal's own hasher, which
    reads the iterations from the hash, and the demo's few accounts no longer cost seconds."""

    iterations = 1000


def _seed_hashers() -> list[str]:
    """The seed's hasher first when the portal hashes with PBKDF2 (its hashes are then
    checked as the portal's own); otherwise the configured hashers, untouched."""
    from django.contrib.auth.hashers import get_hasher

    if get_hasher().algorithm == SeedPasswordHasher.algorithm:
        return [f"{__name__}.SeedPasswordHasher", *settings.PASSWORD_HASHERS]
    return list(settings.PASSWORD_HASHERS)


def _commit_without_waiting(sender, connection, **kwargs) -> None:
    """A seeding connection does not wait for each commit to reach the disk: the data set is
    thrown away and rebuilt if the machine stops, and thousands of small transactions (one
    per plan, one per review, as the services write them) then cost no flush each."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


class ScaleRefused(Exception):
    """seed_scale cannot run here; the message says why."""


@dataclass
class ScaleContext:
    """What the stages share: the size asked for, what earlier stages built, and a log."""

    schools_wanted: int
    ministry: User | None = None
    schools: list[School] = field(default_factory=list)
    coordinators: dict[int, User] = field(default_factory=dict)  # school pk -> user
    principals: dict[int, User] = field(default_factory=dict)
    plans: list = field(default_factory=list)
    running_plans: list = field(default_factory=list)
    reviewers: list[User] = field(default_factory=list)
    committee: object | None = None
    with_reviews: bool = True
    drafts: int = 0  # schools whose plan stays a complete draft (the deadline-day load)
    reviewers_wanted: int | None = None
    jobs: int = 1
    log: Callable[[str], None] = print
    timings: dict[str, float] = field(default_factory=dict)

    def in_parallel(self, task: Callable, items: Iterable) -> list:
        """``task(item)`` for every item, in ``jobs`` forked processes (each with its own
        database connection); results in order. ``task`` must be a module-level function
        and each call its own transaction: the services lock per plan or per review, so
        processes do not wait on each other."""
        items = list(items)
        if self.jobs <= 1 or len(items) < 2:
            return [task(item) for item in items]
        from django import db

        db.connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(self.jobs, initializer=_child_started) as pool:
            results = pool.map(task, items, chunksize=max(1, len(items) // (self.jobs * 8)))
        db.connections.close_all()
        return results

    def username(self, school: School, role: str) -> str:
        return f"scale-{school.code.lower()}-{role}"


def _child_started() -> None:
    # The parent closed its connections before forking: each child opens its own.
    logging.getLogger("celery").setLevel(logging.WARNING)


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def school_code(n: int) -> str:
    return f"{CODE_PREFIX}{n:05d}"


def refusal() -> str | None:
    """Why seed_scale cannot run on this database, or None."""
    if not settings.DEBUG:
        return (
            "seed_scale loads accounts with a known password: it runs only with DJANGO_DEBUG "
            "on, never on a production database."
        )
    existing = School.objects.filter(code__startswith=CODE_PREFIX).count()
    if existing:
        return (
            f"This database already holds scale data ({existing} scale schools): seed_scale "
            "runs once per database. Use a fresh database (make bench creates its own)."
        )
    return None


def stage_modules() -> list[str]:
    from portal.registry import scale_stages

    return [*STAGES, *scale_stages()]


def run(
    schools: int,
    *,
    log: Callable[[str], None] = print,
    reviews: bool = True,
    drafts: int = 0,
    reviewers: int | None = None,
    jobs: int | None = None,
) -> ScaleContext:
    """Build the data set; every stage in order, each timed."""
    if schools < 1:
        raise ScaleRefused("--schools must be at least 1.")
    reason = refusal()
    if reason:
        raise ScaleRefused(reason)
    ctx = ScaleContext(
        schools_wanted=schools,
        with_reviews=reviews,
        drafts=min(max(0, drafts), schools),
        reviewers_wanted=reviewers,
        jobs=default_jobs() if jobs is None else jobs,
        log=log,
    )
    # In-process Celery logs every e-mail task it runs: thousands of lines.
    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.db import connection

    connection_created.connect(_commit_without_waiting)
    if connection.connection is not None:
        _commit_without_waiting(None, connection)
    # The workflow e-mails of thousands of schools go nowhere.
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            PASSWORD_HASHERS=_seed_hashers(),
        ):
            for name in stage_modules():
                started = time.perf_counter()
                import_module(name).build(ctx)
                ctx.timings[name] = time.perf_counter() - started
                log(f"{name}: {ctx.timings[name]:.1f} s")
    finally:
        connection_created.disconnect(_commit_without_waiting)
    return ctx


# --- The core's stage: calendar, schools, evaluations, accounts --------------------------


def _scores(n: int) -> dict[int, Decimal]:
    """Eight item scores, all at 80 or more (ELIG-1); about one school in six reaches a
    total average of 90, which makes items 8 and 9 mandatory (ITEM-3)."""
    base = Decimal(82) + Decimal((n * 37) % 90) / 10  # 82.0 … 90.9
    return {
        item: min(Decimal("99.50"), base + Decimal(((n + item * 3) % 7) - 2) / 2).quantize(
            Decimal("0.01")
        )
        for item in range(1, 9)
    }


def _school_name(n: int, county: County) -> str:
    kind = SCHOOL_KINDS[n % len(SCHOOL_KINDS)]
    return f"{county.name}立第{n}高級{kind}職業學校"


def build(ctx: ScaleContext) -> None:
    """The core: the demo's calendar, cycles and accounts, then the scale schools, their
    evaluations in the latest cycle, a coordinator and a principal each, the reviewers'
    accounts and a ministry account."""
    from portal import demo

    demo.seed()  # idempotent: districts' calendar, the open window, the cycles, demo accounts
    password = make_password(SCALE_PASSWORD)
    ministry, _created = User.objects.get_or_create(
        username=MINISTRY_USERNAME,
        defaults={"name": "規模測試專員", "email": "scale-ministry@example.edu.tw"},
    )
    ministry.password = password
    ministry.is_staff = True
    ministry.save(update_fields=["password", "is_staff"])
    RoleGrant.objects.get_or_create(user=ministry, role=Role.MINISTRY, revoked_at=None)
    ctx.ministry = ministry

    counties = list(County.objects.select_related("default_district").order_by("order", "pk"))
    with transaction.atomic():
        School.objects.bulk_create(
            School(
                code=school_code(n),
                name=_school_name(n, county),
                ownership=Ownership.PUBLIC if n % 4 else Ownership.PRIVATE,
                county=county,
                district=county.default_district,
                address=f"{county.name}中正路 {n} 號",
                phone=f"(02)2{n:03d}-{n % 10000:04d}",
                website=f"https://s{n:05d}.example.edu.tw/",
            )
            for n in range(1, ctx.schools_wanted + 1)
            for county in [counties[n % len(counties)]]
        )
    ctx.schools = list(School.objects.filter(code__startswith=CODE_PREFIX).order_by("code"))

    cycle = EvaluationCycle.objects.order_by("-start_year", "-pk").first()
    for n, school in enumerate(ctx.schools, 1):
        evaluation_set_scores(cycle=cycle, school=school, scores=_scores(n), by=ministry)

    users = []
    for n, school in enumerate(ctx.schools, 1):
        surname = SURNAMES[n % len(SURNAMES)]
        for role, name, title in (
            ("coord", f"{surname}組長", "實習處組長"),
            ("head", "校長", "校長"),
        ):
            users.append(
                User(
                    username=ctx.username(school, role),
                    name=f"{surname}{name}" if role == "head" else name,
                    title=title,
                    email=f"{ctx.username(school, role)}@example.edu.tw",
                    password=password,
                )
            )
    reviewers = ctx.reviewers_wanted or max(
        REVIEWS_PER_APPLICATION + 1, ctx.schools_wanted * REVIEWERS_PER_100 // 100
    )
    for i in range(1, reviewers + 1):
        users.append(
            User(
                username=f"scale-reviewer-{i:04d}",
                name=f"{SURNAMES[i % len(SURNAMES)]}委員{i}",
                title="教授",
                email=f"scale-reviewer-{i:04d}@example.edu.tw",
                password=password,
            )
        )
    with transaction.atomic():
        User.objects.bulk_create(users)
        by_name = {
            u.username: u for u in User.objects.filter(username__startswith="scale-").order_by()
        }
        grants = []
        for school in ctx.schools:
            coordinator = by_name[ctx.username(school, "coord")]
            principal = by_name[ctx.username(school, "head")]
            ctx.coordinators[school.pk] = coordinator
            ctx.principals[school.pk] = principal
            grants.append(RoleGrant(user=coordinator, role=Role.COORDINATOR, school=school))
            grants.append(RoleGrant(user=principal, role=Role.PRINCIPAL, school=school))
        for i in range(1, reviewers + 1):
            user = by_name[f"scale-reviewer-{i:04d}"]
            ctx.reviewers.append(user)
            grants.append(
                RoleGrant(
                    user=user,
                    role=Role.COMMITTEE,
                    committee_category=REVIEWER_CATEGORIES[i % len(REVIEWER_CATEGORIES)],
                    affiliation="國立臺灣師範大學",
                    granted_by=ministry,
                )
            )
        RoleGrant.objects.bulk_create(grants)
    ctx.log(
        f"{len(ctx.schools)} schools, {len(ctx.schools) * 2} school accounts, "
        f"{len(ctx.reviewers)} reviewers"
    )
