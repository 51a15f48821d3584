"""统一社会信用代码 check (GB 32100-2015), self-contained.

18 characters: 登记管理部门码, 机构类别码, 6-digit 行政区划码, 9-character 主体标识码 (GB 11714), check character.
Alphabet of 31 characters (no I, O, S, V, Z); weights 3^i mod 31; check = 31 − (Σ value·weight mod 31), 31 → 0.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_SHAPE = re.compile(rf"^[{ALPHABET}]{{2}}\d{{6}}[{ALPHABET}]{{10}}$")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (already upper-case, already in the alphabet)."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def normalise_credit_code(raw: str) -> str:
    return "".join(str(raw or "").split()).upper()


def is_valid_credit_code(code: str) -> bool:
    code = normalise_credit_code(code)
    return bool(_SHAPE.match(code)) and check_character(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    """Model/form validator: 18 characters, right alphabet, right check character."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位。"), code="length")
    if not _SHAPE.match(code):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符(不使用 I、O、S、V、Z;第 3–8 位为行政区划码数字)。"), code="alphabet"
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确,请核对。"), code="check")
