"""A grant names its role and committee category as Django's choices do, in each language."""

import pytest
from django.utils import translation

from portal.accounts.enums import CommitteeCategory, Role
from portal.accounts.models import RoleGrant


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_grant_names_its_role_and_category_in_the_active_language(language):
    with translation.override(language):
        for role, label in Role.choices:
            assert RoleGrant(role=role).get_role_display() == str(label)
        for category, label in CommitteeCategory.choices:
            grant = RoleGrant(role=Role.COMMITTEE, committee_category=category)
            assert grant.get_committee_category_display() == str(label)
        assert RoleGrant(role="gone").get_role_display() == "gone"
        assert RoleGrant(role=Role.COMMITTEE).get_committee_category_display() == ""


def test_grant_names_follow_a_change_of_language():
    with translation.override("en"):
        english = RoleGrant(role=Role.MINISTRY).get_role_display()
    with translation.override("zh-hant"):
        chinese = RoleGrant(role=Role.MINISTRY).get_role_display()
    assert english != chinese
