import rules

from portal.rules import is_ministry

rules.add_perm("programme.manage_calendar", is_ministry)
