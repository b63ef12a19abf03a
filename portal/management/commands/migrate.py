"""``migrate``, run as the tables' owner when ``DATABASE_MIGRATE_URL`` is set.

The portal's processes connect as the application's role (``DATABASE_URL``), which does not
own the tables. Migrations need the owner: with ``DATABASE_MIGRATE_URL`` set, this command
connects with its user, password, host and port (the database name stays that of the
connection), migrates, then grants the application's role its row access
(``portal.dbroles.grant_application_role``).
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from portal.dbroles import grant_application_role


class Command(MigrateCommand):
    help = MigrateCommand.help + " As the tables' owner when DATABASE_MIGRATE_URL is set."

    def handle(self, *args, **options):
        owner = getattr(settings, "DATABASE_MIGRATE", None)
        connection = connections[options["database"]]
        app_role = connection.settings_dict.get("USER")
        if owner and options["database"] == "default":
            connection.close()
            for key in ("USER", "PASSWORD", "HOST", "PORT"):
                connection.settings_dict[key] = owner.get(key, "")
        super().handle(*args, **options)
        if owner and app_role and app_role != connection.settings_dict["USER"]:
            grant_application_role(connection, app_role)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Row access granted to the application's role {app_role}.")
