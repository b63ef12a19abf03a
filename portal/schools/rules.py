import rules

from portal.rules import is_inspector, is_inspector_of_school, is_ministry, is_staff_of_school

# The school's profile, scores and eligibility: the ministry, the school's own
# staff and the inspectors of its county.
rules.add_perm("schools.view_school", is_ministry | is_staff_of_school | is_inspector_of_school)
rules.add_perm("schools.list_schools", is_ministry | is_inspector)
rules.add_perm("schools.change_school", is_ministry)
rules.add_perm("schools.add_school", is_ministry)
rules.add_perm("schools.import_schools", is_ministry)
rules.add_perm("schools.manage_evaluations", is_ministry)
rules.add_perm("schools.request_profile_pdf", is_ministry | is_staff_of_school)
