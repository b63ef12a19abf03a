"""What to put in each URL parameter: a real object of school A from the matrix's world.

Looked up most specific first: ``(url_name, kwarg)``, then ``(namespace, kwarg)``, then the
kwarg alone. A pattern with a parameter none of these covers fails the matrix with "add a
builder for <kwarg>", so a new page cannot slip through with a made-up id.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def pk(name):
    def build(w):
        if name == "user_a":
            return w.users["coordinator_a"].pk
        return w.objects[name].pk

    return build


def value(v):
    return lambda w: v


def attr(name, attribute):
    return lambda w: getattr(w.objects[name], attribute)


def _uid(w):
    return urlsafe_base64_encode(force_bytes(w.users["coordinator_a"].pk))


def _token(w):
    return default_token_generator.make_token(w.users["coordinator_a"])


def _catalogue_indicator(w):
    return w.objects["plan_indicator"].indicator_id


def _draft_indicator(w):
    from indicators.selectors.catalogue import catalogue_for_plan

    plan = w.objects["plan_draft"]
    return catalogue_for_plan(plan).indicators.order_by("pk").first().pk


def _own_indicator(w):
    return w.objects["own_indicator"].pk


#: Which object of the world each ``<pk>`` is, page by page (a pk means something else on
#: every page, so no namespace-wide default: a new page needs its own line here).
PK_OF = {
    "user_a": [
        "accounts:user_detail",
        "accounts:user_edit",
        "accounts:user_send_reset",
        "accounts:grant_revoke",
    ],
    "import_batch": ["schools:import_preview"],
    "cycle": [
        "schools:cycle_detail",
        "schools:cycle_edit",
        "schools:cycle_import",
        "schools:evaluation_edit",
    ],
    # What school A edits is its draft; what others read or review is its plan under review.
    "plan_draft": [
        "applications:checklist",
        "applications:plan_action",
        "applications:section_edit",
        "applications:teachers",
        "applications:teacher_delete",
        "applications:subplans",
        "applications:subplan_create",
        "applications:subplan_edit",
        "applications:subplan_delete",
        "applications:budget",
        "applications:budget_line_create",
        "applications:budget_line",
        "applications:budget_line_delete",
        "applications:budget_import",
        "applications:budget_import_job",
        "applications:attachments",
        "applications:attachment_download",
        "applications:attachment_remove",
        "indicators:plan_targets",
        "indicators:target_edit",
        "indicators:own_add",
        "indicators:own_edit",
        "indicators:own_remove",
        "indicators:qualitative_edit",
    ],
    "plan": [
        "applications:plan_detail",
        "applications:plan_read",
        "applications:budget_export",
        "applications:versions",
        "applications:version_detail",
        "applications:plan_pdf",
        "indicators:frozen_targets",
    ],
    "briefing": [
        "applications:briefing_detail",
        "applications:briefing_edit",
        "applications:briefing_cancel",
        "applications:briefing_register",
        "applications:briefing_unregister",
        "applications:briefing_registration_change",
        "applications:briefing_registrations",
        "applications:briefing_export",
    ],
    "committee": [
        "review:committee_detail",
        "review:committee_edit",
        "review:member_add",
        "review:member_remove",
        "review:decisions",
    ],
    "round": [
        "review:round_detail",
        "review:round_settings",
        "review:rubric",
        "review:criterion_edit",
        "review:criterion_delete",
        "review:assignments",
        "review:assign_auto",
        "review:assign_add",
        "review:assign_choose",
        "review:progress",
        "review:remind",
        "review:ranking",
        "review:leave_out",
        "review:take_back",
        "review:round_reopen",
        "review:export",
        "review:summary_pdf",
        "review:visits",
        "review:visit_edit",
    ],
    "review_visit": ["review:visit"],
    "review": ["review:review_reopen"],
    "assignment": [
        "review:assignment",
        "review:assignment_plan",
        "review:declare_conflict",
        "review:assignment_remove",
        "review:assignment_recuse",
        "review:sheet_pdf",
    ],
    "catalogue_version": [
        "indicators:version_edit",
        "indicators:version_publish",
        "indicators:indicator_add",
        "indicators:indicator_edit",
        "indicators:indicator_retire",
    ],
    "values_export": [
        "indicators:values_export",
        "indicators:values_export_status",
        "indicators:values_export_download",
    ],
    "evidence": ["indicators:values_evidence", "indicators:values_evidence_remove"],
    "value_upload": ["indicators:values_upload_preview"],
    "plan_indicator": ["indicators:values_value", "indicators:values_value_save"],
    "results_report": [
        "assessment:report_detail",
        "assessment:report_edit",
        "assessment:report_summary",
        "assessment:report_part",
        "assessment:attachment_add",
        "assessment:attachment_download",
        "assessment:attachment_remove",
        "assessment:version_detail",
        "assessment:report_action",
        "assessment:report_pdf",
    ],
    "panel": ["assessment:panel_detail"],
    "panel_member": ["assessment:member_conflicts"],
    "panel_assignment": ["assessment:assignment"],
    "panel_visit": ["assessment:visit_record", "assessment:visit_manage"],
    "recommendation": ["assessment:recommendation_answer"],
    "outcome": ["assessment:outcome_detail", "assessment:outcome_notice"],
    "condition": ["assessment:condition_met"],
    "nomination": ["assessment:nomination_status", "assessment:nomination_evidence"],
    "advisor_profile": ["consulting:advisor_edit"],
    "advisory_assignment": ["consulting:assignment_remove"],
    "school_request": ["consulting:request_detail", "consulting:request_withdraw"],
    "published_result": ["consulting:result_withdraw"],
    "consultation": [
        "consulting:consultation_detail",
        "consulting:consultation_record",
        "consulting:advice_add",
        "consulting:advice_remove",
        "consulting:consultation_file",
        "consulting:consultation_cancel",
        "consulting:report_pdf",
    ],
    "advice": ["consulting:advice_answer"],
    "inspection": ["consulting:inspection_detail", "consulting:problem_add"],
    "problem": ["consulting:problem_respond", "consulting:problem_action"],
    "exchange": [
        "consulting:exchange_detail",
        "consulting:exchange_register",
        "consulting:exchange_record",
        "consulting:photo_add",
        "consulting:exchange_cancel",
    ],
    "photo": ["consulting:photo"],
    "public_photo": ["consulting:public_photo"],
    "phase": ["programme:phase_edit"],
    "window": ["programme:window_edit"],
    "document": ["documents:detail", "documents:status", "documents:download", "documents:retry"],
}

BUILDERS = {
    # Kwargs that mean one thing wherever they appear.
    "code": attr("school_a", "code"),
    "plan_pk": pk("plan"),
    "round_pk": pk("round"),
    "uidb64": _uid,
    "token": _token,
    "year": attr("results_report", "academic_year"),
    # Kwargs that mean one thing within an app.
    ("accounts", "grant_pk"): lambda w: w.users["coordinator_a"].grants.order_by("pk")[0].pk,
    ("applications", "action"): value("send_to_principal"),
    ("applications", "key"): value("goals"),
    ("applications", "teacher_pk"): pk("teacher_draft"),
    ("applications", "subplan_pk"): pk("subplan_draft"),
    ("applications", "line_pk"): pk("line_draft"),
    ("applications", "attachment_pk"): pk("attachment_draft"),
    ("applications", "registration_pk"): pk("registration"),
    ("applications", "job_pk"): pk("budget_import_job"),
    ("applications:version_detail", "number"): lambda w: w.objects["version_number"],
    ("review", "member_pk"): pk("member"),
    ("review", "criterion_pk"): pk("criterion"),
    ("indicators:indicator_edit", "indicator_pk"): _catalogue_indicator,
    ("indicators:indicator_retire", "indicator_pk"): _catalogue_indicator,
    ("indicators:frozen_targets", "number"): value(1),
    ("indicators:target_edit", "indicator_pk"): _draft_indicator,
    ("indicators:own_edit", "indicator_pk"): _own_indicator,
    ("indicators:own_remove", "indicator_pk"): _own_indicator,
    ("indicators", "item"): value(7),
    ("indicators", "year"): attr("year_report", "academic_year"),
    ("indicators:values_action", "action"): value("send_to_principal"),
    ("assessment:report_part", "kind"): value("execution"),
    ("assessment:report_part", "part_pk"): pk("execution"),
    ("assessment", "attachment_pk"): pk("report_attachment"),
    ("assessment:version_detail", "number"): value(1),
    ("assessment:report_action", "action"): value("send"),
    ("assessment:outcome_decide", "plan_pk"): pk("supported_plan"),
    ("funding", "year"): value(116),
    ("consulting:advice_remove", "advice_pk"): pk("advice"),
    ("consulting:problem_action", "action"): value("escalate"),
    ("consulting:exchange_register", "school_pk"): pk("school_a"),
}
for _object, _names in PK_OF.items():
    for _name in _names:
        BUILDERS[(_name, "pk")] = pk(_object)


#: Pages that take an action's name: each action is requested (on each of the objects given),
#: so that every branch of the view is held to the declaration. A variant may have a
#: declaration of its own, ``"name[action]"`` in ``access.py``.
PLAN_ACTIONS = (
    "send_to_principal",
    "recall",
    "approve",
    "send_back",
    "withdraw",
    "reopen",
    "return",
    "submit_budget_revision",
    "continue",
)
VALUES_ACTIONS = (
    "send_to_principal",
    "recall",
    "approve",
    "send_back",
    "accept",
    "return",
    "reopen",
)
REPORT_ACTIONS = ("send", "recall", "approve", "send_back", "return", "accept")
PROBLEM_ACTIONS = ("escalate", "resolve", "reopen")


def _actions(*, objects=("",), actions, **fixed):
    """One variant per action (and per object when several are given), labelled by action."""

    def build(w):
        found = []
        for key in objects:
            for action in actions:
                kwargs = {name: make(w) for name, make in fixed.items()}
                if key:
                    kwargs["pk"] = w.objects[key].pk
                found.append((action, {**kwargs, "action": action}))
        return found

    return build


def _assignments(w):
    """The reviewer's own assignment, and the conflicted reviewer's (round 1, declared)."""
    return [
        ("", {"pk": w.objects["assignment"].pk}),
        ("conflicted", {"pk": w.objects["conflicted_assignment"].pk}),
    ]


def _report_parts(w):
    """Each kind of part of school A's results report that the autosave takes."""
    report = w.objects["results_report"]
    parts = {
        "execution": report.executions.order_by("pk").first(),
        "item": report.item_evaluations.order_by("pk").first(),
        "budget": report.budget_executions.order_by("pk").first(),
        "explanation": w.objects["plan_indicator"],
    }
    return [
        (kind, {"pk": report.pk, "kind": kind, "part_pk": part.pk}) for kind, part in parts.items()
    ]


VARIANTS = {
    "applications:plan_action": _actions(objects=("plan_draft", "plan"), actions=PLAN_ACTIONS),
    "indicators:values_action": _actions(
        actions=VALUES_ACTIONS,
        code=attr("school_a", "code"),
        year=attr("year_report", "academic_year"),
    ),
    "assessment:report_action": _actions(objects=("results_report",), actions=REPORT_ACTIONS),
    "consulting:problem_action": _actions(objects=("problem",), actions=PROBLEM_ACTIONS),
    "assessment:report_part": _report_parts,
    "review:assignment": _assignments,
    "review:assignment_plan": _assignments,
    "review:declare_conflict": _assignments,
    "review:sheet_pdf": _assignments,
}


class MissingBuilder(LookupError):
    pass


def builder_for(name: str, kwarg: str):
    namespace = name.split(":", 1)[0] if ":" in name else None
    for key in ((name, kwarg), (namespace, kwarg), kwarg):
        if key in BUILDERS:
            return BUILDERS[key]
    raise MissingBuilder(f"add a builder for <{kwarg}> of {name} in tests/matrix/params.py")


def variants_for(pattern, world) -> list[tuple[str, dict]]:
    """Each set of parameters to request ``pattern`` with, and its label (the action)."""
    if pattern.name in VARIANTS:
        try:
            return VARIANTS[pattern.name](world)
        except (KeyError, AttributeError) as missing:
            raise MissingBuilder(
                f"add a builder for the variants of {pattern.name}: the world in "
                f"tests/matrix/world.py has no {missing}"
            ) from missing
    return [("", kwargs_for(pattern, world))]


def kwargs_for(pattern, world) -> dict:
    """The URL's parameters for ``pattern``, each a real object of school A."""
    kwargs = {}
    for kwarg in pattern.kwargs:
        build = builder_for(pattern.name, kwarg)
        try:
            kwargs[kwarg] = build(world)
        except (KeyError, AttributeError) as missing:
            raise MissingBuilder(
                f"add a builder for <{kwarg}> of {pattern.name}: the world in "
                f"tests/matrix/world.py has no {missing}"
            ) from missing
    return kwargs
