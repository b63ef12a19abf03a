"""The catalogue's place in the menu: ministry staff find it among the administration pages
(they revise it); everyone else signed in reads it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if not user.has_perm("indicators.view_catalogue"):
        return []
    return [
        NavItem(
            _("Indicator catalogue"),
            reverse("indicators:catalogue"),
            "list-check",
            "/indicators/catalogue/",
            admin=user.has_perm("indicators.manage_catalogue"),
        )
    ]
