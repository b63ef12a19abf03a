"""Who may see and set the programme's budget: ministry staff only (APP-7)."""

import rules

from portal.rules import is_ministry

rules.add_perm("funding.view_budget", is_ministry)
rules.add_perm("funding.set_envelope", is_ministry)
