"""What the indicator views share: putting a service's refusal on a form."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..services import IndicatorError


def run(form, action) -> bool:
    """Call ``action()``; put a ``ValidationError`` or ``IndicatorError`` it raises on the
    form (on its fields where it names them) and say whether it succeeded."""
    try:
        action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return False
    except IndicatorError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return False
    return True
