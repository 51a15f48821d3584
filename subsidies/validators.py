from django.core.exceptions import ValidationError

from . import credit_code


def validate_credit_code(value: str) -> None:
    """Django validator around the pure ``credit_code.inspect``."""
    check = credit_code.inspect(value)
    if not check.valid:
        raise ValidationError(";".join(check.errors), code="credit_code")
