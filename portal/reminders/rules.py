import rules

from portal.rules import is_ministry

rules.add_perm("reminders.manage", is_ministry)
