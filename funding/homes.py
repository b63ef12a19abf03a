"""What the programme budget adds to the ministry's menu and home page (APP-7)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.home import Section
from portal.navigation import NavItem
from portal.programme import calendar


def nav_items(user) -> list[NavItem]:
    if not user.is_authenticated or not user.has_perm("funding.view_budget"):
        return []
    return [
        NavItem(
            gettext_lazy("Programme budget"),
            reverse("funding:budget"),
            "cash-stack",
            "/budget/",
            admin=True,
        )
    ]


def home_sections(user) -> list[Section]:
    """The ministry's card: this and next year's budget, committed and free."""
    if not user.is_authenticated or not user.has_perm("funding.view_budget"):
        return []
    from . import selectors

    current = calendar.AcademicYear.current().roc
    return [
        Section(
            role="funding",
            template="funding/_home.html",
            context={
                "title": _("Programme budget"),
                "positions": selectors.positions([current, current + 1]),
            },
        )
    ]
