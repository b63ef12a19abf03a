from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEMO_MODULES = ["portal.demo", "applications.demo", "review.demo"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DJANGO_DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo loads demo accounts with a known password: it runs only with "
                "DJANGO_DEBUG on, never on a production database."
            )
        from importlib import import_module

        from django.test.utils import override_settings

        from portal.registry import demo_modules

        # The demo's workflow e-mails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for name in [*DEMO_MODULES, *demo_modules()]:
                import_module(name).seed()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Accounts (password portal-demo): ministry, school, "
                "principal, reviewer, advisor, inspector, panel."
            )
        )
