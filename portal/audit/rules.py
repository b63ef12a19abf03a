import rules

from portal.rules import is_ministry

rules.add_perm("audit.view_auditentry", is_ministry)
