"""Django validators around the pure checks of ``credit_code``, shared by every module."""

from django.core.exceptions import ValidationError

from . import credit_code


def validate_credit_code(value: str) -> None:
    """统一社会信用代码: 18 characters of the GB 32100-2015 alphabet with the right check character (pos 18)."""
    check = credit_code.inspect(value, check_organization_code=False)
    if not check.valid:
        raise ValidationError(";".join(check.errors), code="credit_code")


def validate_enterprise_credit_code(value: str) -> None:
    """As ``validate_credit_code``, and the 主体标识码's own GB 11714 check character (pos 17) too."""
    check = credit_code.inspect(value)
    if not check.valid:
        raise ValidationError(";".join(check.errors), code="credit_code")
