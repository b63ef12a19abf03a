import rules

from portal.rules import is_ministry

rules.add_perm("accounts.manage_users", is_ministry)
rules.add_perm("accounts.view_user", is_ministry)
