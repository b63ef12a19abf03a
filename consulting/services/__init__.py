"""Every write of consulting and supervision that carries a rule, each one audited."""

from .advisors import (
    advisor_conflict,
    advisor_profile_save,
    assignment_add,
    assignment_remove,
    assignments_apply,
    request_create,
    request_match,
    request_withdraw,
)
from .common import ConsultingError
from .consultations import (
    advice_add,
    advice_answer,
    advice_remove,
    advises,
    consultation_cancel,
    consultation_file,
    consultation_record,
    consultation_schedule,
    open_advice_before,
)
from .exchanges import (
    exchange_cancel,
    exchange_create,
    exchange_photo_add,
    exchange_record,
    exchange_register,
    may_manage,
)
from .inspections import (
    inspection_record,
    problem_add,
    problem_escalate,
    problem_reopen,
    problem_resolve,
    problem_respond,
)
from .reminders import reminders_send
from .results import result_publish, result_withdraw

__all__ = [
    "ConsultingError",
    "advice_add",
    "advice_answer",
    "advice_remove",
    "advises",
    "advisor_conflict",
    "advisor_profile_save",
    "assignment_add",
    "assignment_remove",
    "assignments_apply",
    "consultation_cancel",
    "consultation_file",
    "consultation_record",
    "consultation_schedule",
    "exchange_cancel",
    "exchange_create",
    "exchange_photo_add",
    "exchange_record",
    "exchange_register",
    "inspection_record",
    "may_manage",
    "open_advice_before",
    "problem_add",
    "problem_escalate",
    "problem_reopen",
    "problem_resolve",
    "problem_respond",
    "reminders_send",
    "request_create",
    "request_match",
    "request_withdraw",
    "result_publish",
    "result_withdraw",
]
