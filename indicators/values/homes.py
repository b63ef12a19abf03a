"""What the values part adds to the menu and to the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.enums import Role
from portal.home import Section, Task
from portal.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    """ "Indicator values" for ministry staff, school staff, inspectors, advisors and panel."""
    if not user.is_authenticated:
        return []
    roles = {
        Role.MINISTRY,
        Role.COORDINATOR,
        Role.PRINCIPAL,
        Role.INSPECTOR,
        Role.ADVISOR,
        Role.PANEL,
    }
    if not any(user.has_role(r) for r in roles):
        return []
    return [
        NavItem(
            gettext_lazy("Indicator values"),
            reverse("indicators:values_home"),
            "graph-up",
            "/indicators/values/",
        )
    ]


def home_sections(user) -> list[Section]:
    """A task on the school's home page while a reporting window is open and the year's
    values are not submitted (IND-3)."""
    from .selectors import open_window_tasks

    if not user.is_authenticated or not user.school_ids():
        return []
    tasks = [
        Task(text, reverse("indicators:values_report", args=[code, year]), urgent)
        for code, year, text, urgent in open_window_tasks(user)
    ]
    if not tasks:
        return []
    return [
        Section(
            role="indicator_values",
            template="indicators/values/_home.html",
            context={"title": _("Indicator values")},
            tasks=tasks,
        )
    ]
