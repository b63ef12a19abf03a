"""The main menu: what each person sees depends on their roles and permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import Role
from portal.registry import nav_contributions


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    section: str  # URL prefix that marks the item active ("/" only for home)
    active: bool = False
    #: Items of the ministry's administration are grouped under one menu.
    admin: bool = False

    def for_path(self, path: str) -> NavItem:
        active = path == "/" if self.section == "/" else path.startswith(self.section)
        return NavItem(self.label, self.url, self.icon, self.section, active, self.admin)


def _school_items(user) -> list[NavItem]:
    items = []
    for grant in user.active_grants:
        if grant.role in (Role.COORDINATOR, Role.PRINCIPAL) and grant.school_id:
            url = reverse("schools:detail", args=[grant.school.code])
            if all(i.url != url for i in items):
                items.append(NavItem(_("My school"), url, "building", url))
    return items


def nav_items(user, path: str = "") -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem(_("Home"), reverse("home"), "house", "/")]
    items += _school_items(user)
    if user.has_perm("applications.list_all_plans"):
        items.append(
            NavItem(_("Applications"), reverse("applications:plan_list"), "folder2-open", "/plans/")
        )
    elif user.school_ids():
        items.append(
            NavItem(_("Plans"), reverse("applications:plan_list"), "folder2-open", "/plans/")
        )
    if user.has_perm("applications.manage_briefings") or user.school_ids():
        items.append(
            NavItem(
                _("Briefings"),
                reverse("applications:briefing_list"),
                "megaphone",
                "/briefings/",
            )
        )
    if user.has_perm("review.access"):
        items.append(NavItem(_("Review"), reverse("review:index"), "clipboard-data", "/review/"))
    items += nav_contributions(user)
    if user.has_perm("schools.list_schools"):
        label = _("Schools") if user.has_role(Role.MINISTRY) else _("Schools in my area")
        items.append(NavItem(label, reverse("schools:list"), "buildings", "/schools/"))
    if user.has_perm("schools.manage_evaluations"):
        items.append(
            NavItem(
                _("Evaluations"),
                reverse("schools:cycle_list"),
                "clipboard-check",
                "/evaluations/",
                admin=True,
            )
        )
    if user.has_perm("programme.manage_calendar"):
        items.append(
            NavItem(
                _("Programme calendar"),
                reverse("programme:calendar"),
                "calendar3",
                "/programme/",
                admin=True,
            )
        )
    if user.has_perm("reminders.manage"):
        items.append(
            NavItem(
                _("Reminders"), reverse("reminders:settings"), "bell", "/reminders/", admin=True
            )
        )
    if user.has_perm("accounts.manage_users"):
        items.append(
            NavItem(
                _("Users"), reverse("accounts:user_list"), "people", "/accounts/users/", admin=True
            )
        )
    if user.has_perm("audit.view_auditentry"):
        items.append(
            NavItem(_("Audit trail"), reverse("audit:list"), "journal-text", "/audit/", admin=True)
        )
    return [item.for_path(path) for item in items]
