"""Who may use each page: the declared access the authorisation matrix holds every URL
pattern to.

Roles are those of ``tests/matrix/world.py``: the coordinator and the principal of school A
(the school every object of the world belongs to) and of school B (another school's staff);
the reviewer assigned to school A's plan, a reviewer assigned elsewhere and one who declared
a conflict with school A; the panel member and the advisor assigned to school A; the
inspector of school A's county; ministry staff; and the anonymous visitor.

``page(get, post=...)``: the roles that may open the page (each on school A's objects only:
school B's staff never appear where school A's object is shown), and those that may submit
its form (by default the same). ``post_only(post)``: an action that only takes a POST; GET
must answer 405 to everyone.

A page missing here fails the matrix ("page with no declared access").
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.matrix.world import ROLES

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
SCHOOL_A = frozenset({"coordinator_a", "principal_a"})
SCHOOL_B = frozenset({"coordinator_b", "principal_b"})


@dataclass(frozen=True)
class Access:
    get: frozenset
    post: frozenset
    post_only: bool = False


def _roles(spec) -> frozenset:
    roles = set()
    for item in spec:
        roles |= set(item) if isinstance(item, frozenset) else {item}
    unknown = roles - EVERYONE
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return frozenset(roles)


def page(get, post=None) -> Access:
    roles = _roles(get if not isinstance(get, frozenset) else [get])
    return Access(get=roles, post=roles if post is None else _roles(post))


def post_only(post) -> Access:
    return Access(
        get=frozenset(),
        post=_roles(post if not isinstance(post, frozenset) else [post]),
        post_only=True,
    )


#: Those who have nothing to do with school A: no page they open may name it, but these,
#: where every school's name is meant to be seen.
STRANGERS = ("coordinator_b", "principal_b", "reviewer_unassigned")
NAMES_EVERY_SCHOOL = {
    "consulting:exchange_create": "co-hosts are chosen among all supported schools (SUP-5)",
    "consulting:exchange_detail": "exchanges are open to everyone signed in, hosts named",
    "consulting:public_index": "the public programme page lists the supported schools",
    "consulting:public_school": "a supported school's public page",
}

ACCESS = {
    "home": page(SIGNED_IN),
    "healthz": page(EVERYONE),
    "login": page(EVERYONE),
    "logout": post_only(SIGNED_IN),
    "password_change": page(SIGNED_IN),
    "password_change_done": page(SIGNED_IN),
    "password_reset": page(EVERYONE),
    "password_reset_done": page(EVERYONE),
    "password_reset_confirm": page(EVERYONE),
    "password_reset_complete": page(EVERYONE),
    "accounts:user_list": page({"ministry"}),
    "accounts:user_create": page({"ministry"}),
    "accounts:user_detail": page({"ministry"}),
    "accounts:user_edit": page({"ministry"}),
    "accounts:user_send_reset": post_only({"ministry"}),
    "accounts:grant_revoke": post_only({"ministry"}),
    "schools:list": page({"inspector", "ministry"}),
    "schools:create": page({"ministry"}),
    "schools:import": page({"ministry"}),
    "schools:detail": page({SCHOOL_A, "inspector", "ministry"}),
    "schools:edit": page({"ministry"}),
    "schools:profile_pdf": post_only({SCHOOL_A, "ministry"}),
    "schools:import_preview": page({"ministry"}),
    "schools:cycle_list": page({"ministry"}),
    "schools:cycle_create": page({"ministry"}),
    "schools:cycle_detail": page({"ministry"}),
    "schools:cycle_edit": page({"ministry"}),
    "schools:cycle_import": page({"ministry"}),
    "schools:evaluation_edit": page({"ministry"}),
    "applications:plan_list": page({SCHOOL_A, SCHOOL_B, "ministry"}),
    "applications:plans_export": page({"ministry"}),
    "applications:money_export": page({"ministry"}),
    "applications:plan_start": page({"coordinator_a"}),
    "applications:plan_detail": page({SCHOOL_A, "reviewer", "ministry"}),
    "applications:plan_read": page({SCHOOL_A, "reviewer", "ministry"}),
    "applications:checklist": page({SCHOOL_A, "ministry"}),
    # Each action of a plan, on school A's draft and on its plan under review.
    "applications:plan_action": post_only({"coordinator_a"}),
    "applications:plan_action[approve]": post_only({"principal_a"}),
    "applications:plan_action[send_back]": post_only({"principal_a"}),
    "applications:plan_action[submit_budget_revision]": post_only({"principal_a"}),
    "applications:plan_action[withdraw]": post_only(SCHOOL_A),
    "applications:plan_action[return]": post_only({"ministry"}),
    "applications:section_edit": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:teachers": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:teacher_delete": post_only({"coordinator_a"}),
    "applications:subplans": page({SCHOOL_A, "ministry"}),
    "applications:subplan_create": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:subplan_edit": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:subplan_delete": post_only({"coordinator_a"}),
    "applications:budget": page({SCHOOL_A, "ministry"}),
    "applications:budget_line_create": post_only({"coordinator_a"}),
    "applications:budget_line": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:budget_line_delete": post_only({"coordinator_a"}),
    "applications:budget_export": page({SCHOOL_A, "reviewer", "ministry"}),
    "applications:budget_import": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:attachments": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
    "applications:attachment_download": page({SCHOOL_A, "ministry"}),
    "applications:attachment_remove": post_only({"coordinator_a"}),
    "applications:versions": page({SCHOOL_A, "reviewer", "ministry"}),
    "applications:version_detail": page({SCHOOL_A, "reviewer", "ministry"}),
    "applications:plan_pdf": post_only({SCHOOL_A, "reviewer", "ministry"}),
    "applications:briefing_list": page(SIGNED_IN),
    "applications:briefing_create": page({"ministry"}),
    "applications:briefing_detail": page(SIGNED_IN),
    "applications:briefing_edit": page({"ministry"}),
    "applications:briefing_cancel": post_only({"ministry"}),
    "applications:briefing_register": page(SCHOOL_A),
    "applications:briefing_unregister": post_only(SCHOOL_A),
    "applications:briefing_registration_change": page(SCHOOL_A),
    "applications:briefing_registrations": page({"ministry"}),
    "applications:briefing_export": page({"ministry"}),
    "review:index": page({"reviewer", "reviewer_unassigned", "reviewer_conflicted", "ministry"}),
    "review:my": page({"reviewer", "reviewer_unassigned", "reviewer_conflicted"}),
    "review:committee_create": page({"ministry"}),
    "review:committee_detail": page({"ministry"}),
    "review:committee_edit": page({"ministry"}),
    "review:member_add": post_only({"ministry"}),
    "review:member_remove": post_only({"ministry"}),
    "review:decisions": page({"ministry"}),
    "review:round_detail": page({"ministry"}),
    "review:round_settings": page({"ministry"}),
    "review:rubric": page({"ministry"}),
    "review:criterion_edit": page({"ministry"}),
    "review:criterion_delete": post_only({"ministry"}),
    "review:assignments": page({"ministry"}),
    "review:assign_auto": post_only({"ministry"}),
    "review:assign_add": post_only({"ministry"}),
    "review:assign_choose": page({"ministry"}),
    "review:progress": page({"ministry"}),
    "review:remind": post_only({"ministry"}),
    "review:ranking": page({"ministry"}),
    "review:leave_out": post_only({"ministry"}),
    "review:take_back": post_only({"ministry"}),
    "review:round_reopen": post_only({"ministry"}),
    "review:export": page({"ministry"}),
    "review:summary_pdf": post_only({"ministry"}),
    "review:visits": page({"ministry"}),
    "review:visit_edit": page({"ministry"}),
    # The visit's notes are kept by ministry staff and the members attending.
    "review:visit": page({"reviewer", "ministry"}),
    "review:plan_review": page({"ministry"}),
    "review:comment_save": post_only({"ministry"}),
    "review:decide": post_only({"ministry"}),
    "review:notice_pdf": post_only({"ministry"}),
    "review:review_reopen": post_only({"ministry"}),
    "review:assignment": page({"reviewer"}),
    "review:assignment_plan": page({"reviewer"}),
    # A reviewer who declared a conflict with school A no longer opens that assignment or the
    # plan behind it; nobody else does either.
    "review:assignment[conflicted]": page(()),
    "review:assignment_plan[conflicted]": page(()),
    "review:declare_conflict": post_only({"reviewer"}),
    "review:assignment_remove": post_only({"ministry"}),
    "review:assignment_recuse": post_only({"ministry"}),
    "review:sheet_pdf": post_only({"reviewer"}),
    "indicators:catalogue": page(SIGNED_IN),
    "indicators:compare": page(SIGNED_IN),
    "indicators:versions": page({"ministry"}),
    "indicators:version_edit": page({"ministry"}),
    "indicators:version_publish": post_only({"ministry"}),
    "indicators:indicator_add": page({"ministry"}),
    "indicators:indicator_edit": page({"ministry"}),
    "indicators:indicator_retire": post_only({"ministry"}),
    "indicators:plan_targets": page({SCHOOL_A, "ministry"}),
    "indicators:frozen_targets": page({SCHOOL_A, "reviewer", "panel", "advisor", "ministry"}),
    "indicators:target_edit": page({"coordinator_a"}),
    "indicators:own_add": page({"coordinator_a"}),
    "indicators:own_edit": page({"coordinator_a"}),
    "indicators:own_remove": post_only({"coordinator_a"}),
    "indicators:qualitative_edit": page({"coordinator_a"}),
    "indicators:values_home": page(
        {SCHOOL_A, SCHOOL_B, "panel", "advisor", "inspector", "ministry"}
    ),
    "indicators:values_windows": page({"ministry"}),
    "indicators:values_board": page({"ministry"}),
    "indicators:values_board_year": page({"ministry"}),
    "indicators:values_remind": post_only({"ministry"}),
    "indicators:values_national": page({"ministry"}),
    "indicators:values_export_start": post_only({"ministry"}),
    "indicators:values_export": page({"ministry"}),
    "indicators:values_export_status": page({"ministry"}),
    "indicators:values_export_download": page({"ministry"}),
    "indicators:values_spread": page({"ministry"}),
    "indicators:values_map": page({"ministry"}),
    "indicators:values_evidence": page({SCHOOL_A, "panel", "advisor", "inspector", "ministry"}),
    "indicators:values_evidence_remove": post_only({"coordinator_a"}),
    "indicators:values_school": page({SCHOOL_A, "panel", "advisor", "inspector", "ministry"}),
    "indicators:values_school_export": page(
        {SCHOOL_A, "panel", "advisor", "inspector", "ministry"}
    ),
    "indicators:values_charts": page({SCHOOL_A, "panel", "advisor", "inspector", "ministry"}),
    "indicators:values_report": page({SCHOOL_A, "panel", "advisor", "inspector", "ministry"}),
    "indicators:values_template": page({SCHOOL_A, "panel", "advisor", "inspector", "ministry"}),
    "indicators:values_upload": page({"coordinator_a"}),
    "indicators:values_upload_preview": page({"coordinator_a"}),
    "indicators:values_action": post_only({"coordinator_a"}),
    "indicators:values_action[approve]": post_only({"principal_a"}),
    "indicators:values_action[send_back]": post_only({"principal_a"}),
    "indicators:values_action[accept]": post_only({"ministry"}),
    "indicators:values_action[return]": post_only({"ministry"}),
    "indicators:values_action[reopen]": post_only({"ministry"}),
    "indicators:values_value": page(
        {SCHOOL_A, "panel", "advisor", "inspector", "ministry"}, post={"coordinator_a"}
    ),
    "indicators:values_value_save": post_only({"coordinator_a"}),
    "assessment:home": page({SCHOOL_A, SCHOOL_B, "panel", "ministry"}),
    "assessment:report_start": post_only({"coordinator_a"}),
    "assessment:report_detail": page({SCHOOL_A, "panel", "ministry"}),
    "assessment:report_edit": page({"coordinator_a"}),
    "assessment:report_summary": post_only({"coordinator_a"}),
    "assessment:report_part": post_only({"coordinator_a"}),
    "assessment:attachment_add": post_only({"coordinator_a"}),
    "assessment:attachment_download": page({SCHOOL_A, "panel", "ministry"}),
    "assessment:attachment_remove": post_only({"coordinator_a"}),
    "assessment:version_detail": page({SCHOOL_A, "panel", "ministry"}),
    "assessment:report_action": post_only({"coordinator_a"}),
    "assessment:report_action[approve]": post_only({"principal_a"}),
    "assessment:report_action[send_back]": post_only({"principal_a"}),
    "assessment:report_action[return]": post_only({"ministry"}),
    "assessment:report_action[accept]": post_only({"ministry"}),
    "assessment:report_pdf": post_only({SCHOOL_A, "panel", "ministry"}),
    "assessment:panel_list": page({"ministry"}),
    "assessment:panel_detail": page({"ministry"}),
    "assessment:member_conflicts": page({"panel", "ministry"}),
    "assessment:assignment": page({"panel"}),
    "assessment:visit_manage": page({"ministry"}),
    "assessment:visit_record": page({"panel", "ministry"}, post={"panel"}),
    "assessment:recommendation_answer": post_only({SCHOOL_A}),
    "assessment:outcome_decide": page({"ministry"}),
    "assessment:outcome_detail": page({SCHOOL_A, "ministry"}),
    "assessment:outcome_notice": post_only({SCHOOL_A, "ministry"}),
    "assessment:condition_met": post_only({"ministry"}),
    "assessment:board": page({"ministry"}),
    "assessment:settings": page({"ministry"}),
    "assessment:timeline": page({SCHOOL_A, "ministry"}),
    "assessment:nominations": page({SCHOOL_A, SCHOOL_B, "ministry"}),
    "assessment:nomination_status": post_only({"ministry"}),
    "assessment:nomination_evidence": page({SCHOOL_A, "ministry"}),
    "funding:budget": page({"ministry"}),
    "funding:budget_export": page({"ministry"}),
    "funding:envelope_edit": page({"ministry"}),
    "consulting:index": page(SIGNED_IN),
    "consulting:semester_board": page({"ministry"}),
    "consulting:exchange_board": page({"ministry"}),
    "consulting:advisor_list": page({"ministry"}),
    "consulting:advisor_create": page({"ministry"}),
    "consulting:advisor_edit": page({"ministry"}),
    "consulting:advisory_group": page({"ministry"}),
    "consulting:advisory_group_apply": post_only({"ministry"}),
    "consulting:assignment_remove": post_only({"ministry"}),
    "consulting:request_list": page({SCHOOL_A, SCHOOL_B, "advisor", "ministry"}),
    "consulting:request_detail": page({SCHOOL_A, "advisor", "ministry"}),
    "consulting:request_withdraw": post_only(SCHOOL_A),
    "consulting:my_consultations": page({"advisor"}),
    "consulting:school": page({SCHOOL_A, "advisor", "ministry"}),
    "consulting:schedule": page({"advisor"}),
    "consulting:request_create": page({"coordinator_a"}),
    "consulting:result_publish": post_only({SCHOOL_A}),
    "consulting:result_withdraw": post_only({SCHOOL_A}),
    "consulting:consultation_detail": page({SCHOOL_A, "advisor", "ministry"}),
    "consulting:consultation_record": page({"advisor"}),
    "consulting:advice_add": post_only({"advisor"}),
    "consulting:advice_remove": post_only({"advisor"}),
    "consulting:consultation_file": post_only({"advisor"}),
    "consulting:consultation_cancel": post_only({"advisor"}),
    "consulting:report_pdf": post_only({SCHOOL_A, "advisor", "ministry"}),
    "consulting:advice_answer": post_only({SCHOOL_A}),
    "consulting:inspection_list": page({"inspector", "ministry"}),
    "consulting:inspection_create": page({"inspector"}),
    "consulting:inspection_detail": page({SCHOOL_A, "inspector", "ministry"}),
    "consulting:problem_add": post_only({"inspector"}),
    "consulting:problem_respond": post_only({SCHOOL_A}),
    "consulting:problem_action": post_only({"inspector"}),
    "consulting:problem_action[resolve]": post_only({"inspector", "ministry"}),
    "consulting:problem_action[reopen]": post_only({"inspector", "ministry"}),
    "consulting:exchange_list": page(SIGNED_IN),
    "consulting:exchange_create": page({"coordinator_a", "coordinator_b", "ministry"}),
    "consulting:exchange_detail": page(SIGNED_IN),
    "consulting:exchange_register": post_only({SCHOOL_A, "ministry"}),
    "consulting:exchange_record": page({SCHOOL_A, "ministry"}),
    "consulting:photo_add": post_only({SCHOOL_A, "ministry"}),
    "consulting:exchange_cancel": post_only({SCHOOL_A, "ministry"}),
    "consulting:photo": page(SIGNED_IN),
    "consulting:public_index": page(EVERYONE),
    "consulting:public_school": page(EVERYONE),
    "consulting:public_photo": page(EVERYONE),
    "programme:calendar": page({"ministry"}),
    "programme:phase_create": page({"ministry"}),
    "programme:phase_edit": page({"ministry"}),
    "programme:window_create": page({"ministry"}),
    "programme:window_edit": page({"ministry"}),
    "audit:list": page({"ministry"}),
    "documents:detail": page({SCHOOL_A, "reviewer", "ministry"}),
    "documents:status": page({SCHOOL_A, "reviewer", "ministry"}),
    "documents:download": page({SCHOOL_A, "reviewer", "ministry"}),
    "documents:retry": post_only({SCHOOL_A, "reviewer", "ministry"}),
    "reminders:settings": page({"ministry"}),
    "applications:budget_import_job": page({SCHOOL_A, "ministry"}, post={"coordinator_a"}),
}
