import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Build a national-scale data set for the benchmark: N schools with complete, "
        "submitted plans and a committee scoring them (see portal/scale.py). Runs once per "
        "database; refused with DJANGO_DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=150, help="how many schools (150)")
        parser.add_argument(
            "--no-reviews",
            action="store_true",
            help="assign the reviewers but leave every review unscored",
        )
        parser.add_argument(
            "--drafts",
            type=int,
            default=0,
            help="how many of the schools keep their complete plan as a draft (0)",
        )
        parser.add_argument(
            "--reviewers",
            type=int,
            default=None,
            help="committee members (default: 30 per 100 schools)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes writing plans and reviews in parallel (default: cores, at most 4)",
        )

    def handle(self, *args, schools, no_reviews, drafts, reviewers, jobs, **options):
        from portal import scale

        started = time.perf_counter()
        try:
            ctx = scale.run(
                schools,
                log=lambda line: self.stdout.write(line),
                reviews=not no_reviews,
                drafts=drafts,
                reviewers=reviewers,
                jobs=jobs,
            )
        except scale.ScaleRefused as exc:
            raise CommandError(str(exc)) from exc
        # The planner's statistics, as a database in use has them (autovacuum would gather
        # them minutes later): pages measured right after seeding are then planned as in
        # production, not from the empty tables' estimates.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready: {len(ctx.schools)} schools in "
                f"{time.perf_counter() - started:.1f} s. Accounts (password "
                f"{scale.SCALE_PASSWORD}): {scale.MINISTRY_USERNAME}, "
                f"scale-s00001-coord, scale-s00001-head, scale-reviewer-0001."
            )
        )
