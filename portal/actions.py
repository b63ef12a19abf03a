"""One way to run an action from a view: call the service; put its refusal on the form (on
the field it names, where the form has it) or, without a form, in a message; else say what
happened. Each app's views name the refusals their services raise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError

#: What ``run_action`` returns when the service refused.
REFUSED: Any = object()


def _put(request, form, field: str | None, message) -> None:
    if form is not None:
        form.add_error(field if field in form.fields else None, message)
    else:
        messages.error(request, str(message))


def run_action(
    request,
    call: Callable[[], Any],
    *,
    refusals: tuple[type[Exception], ...] = (),
    form=None,
    success: str = "",
) -> Any:
    """Call ``call()`` and return what it returned, or ``REFUSED`` when it raised a
    ``ValidationError`` or one of ``refusals`` (whose ``field``, if any, names the field)."""
    try:
        result = call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    _put(request, form, name, error)
        else:
            for message in exc.messages:
                _put(request, form, None, message)
        return REFUSED
    except refusals as exc:
        _put(request, form, getattr(exc, "field", None), str(exc))
        return REFUSED
    if success:
        messages.success(request, success)
    return result


def refused(result: Any) -> bool:
    return result is REFUSED
