"""Each academic year's values (IND-3, SCHED-2, PERF-5): reporting windows, the school's
report and its sign-off, Excel, exports, boards, charts and reminders (issue 7, values part).

``setup()`` is called from ``IndicatorsConfig.ready()``: it registers what this part adds to
the core — audit labels, the menu item, the home page's task and the reminders' schedule.
The demo values are seeded by ``indicators.demo`` through ``values.demo.seed_values``.
"""


def setup() -> None:
    from celery.schedules import crontab

    from portal.audit.labels import register
    from portal.registry import register_home, register_nav, register_schedule

    from .homes import home_sections, nav_items
    from .labels import AUDIT_LABELS

    register(AUDIT_LABELS)
    _register_import()
    register_nav(nav_items, order=55)
    register_home(home_sections, order=55)
    # Once a day at 09:00 Taipei; a second run the same day sends nothing twice.
    register_schedule(
        "indicators-value-reminders",
        "indicators.values.tasks.send_value_reminders",
        crontab(hour=9, minute=0),
    )


def _register_import() -> None:
    """An uploaded template is read and applied as a ``portal.imports`` job."""
    from portal.imports.registry import ImportKind, register

    from . import excel, services

    register(
        ImportKind(
            key=excel.KIND,
            read=services.values_import_read,
            apply=services.values_import_apply,
            max_rows=excel.MAX_ROWS,
            max_bytes=excel.MAX_BYTES,
        )
    )
