"""统一社会信用代码 (GB 32100-2015) — a pure, self-contained validator.

Deliberately free of Django and of anything else in this project; the Django validators live in
``linfen_admin.validators``. Used by subsidies (enterprises) and approvals (applicants).

Layout: pos 1 登记管理部门码 | pos 2 机构类别码 | pos 3–8 登记管理机关行政区划码 (digits) |
pos 9–17 主体标识码 (GB 11714 组织机构代码, its own check character at pos 17) | pos 18 校验码.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# 31 characters; a character's value is its index. I, O, S, V and Z are not used.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 3^i mod 31 for positions 1–17.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 (主体标识码): weights over its first 8 characters, values from 0–9A–Z.
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


def normalise(raw: str | None) -> str:
    """Upper-case and strip every kind of whitespace (full-width included)."""
    return "".join(str(raw or "").split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17: c = 31 − (Σ value·weight mod 31), 31 → 0."""
    if len(first17) != LENGTH - 1 or any(ch not in ALPHABET for ch in first17):
        raise ValueError("first17 must be 17 characters of the GB 32100 alphabet")
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organization_check_character(first8: str) -> str:
    """GB 11714 check character of the 主体标识码: c = 11 − (Σ mod 11); 10 → X, 11 → 0."""
    if len(first8) != 8 or any(ch not in ORG_ALPHABET for ch in first8):
        raise ValueError("first8 must be 8 characters of 0-9A-Z")
    total = sum(ORG_ALPHABET.index(ch) * weight for ch, weight in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def with_check_characters(first16: str) -> str:
    """Complete a code from its first 16 characters (both check characters computed)."""
    first16 = normalise(first16)
    first17 = first16 + organization_check_character(first16[8:16])
    return first17 + check_character(first17)


@dataclass(frozen=True)
class CreditCodeCheck:
    code: str
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def division_code(self) -> str:
        """登记管理机关行政区划码 (positions 3–8)."""
        return self.code[2:8]


def inspect(raw: str | None, *, check_organization_code: bool = True) -> CreditCodeCheck:
    """Check a code and say, in Chinese, everything that is wrong with it."""
    code = normalise(raw)
    errors: list[str] = []
    if len(code) != LENGTH:
        errors.append(f"统一社会信用代码应为 18 位,实际为 {len(code)} 位")
        return CreditCodeCheck(code, errors)
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        errors.append(f"统一社会信用代码含有不允许的字符:{''.join(bad)}(不使用 I、O、S、V、Z)")
        return CreditCodeCheck(code, errors)
    if not code[2:8].isdigit():
        errors.append("第 3–8 位登记管理机关行政区划码应为数字")
    expected = check_character(code[:17])
    if code[17] != expected:
        errors.append(f"第 18 位校验码错误,应为 {expected}")
    if check_organization_code:
        expected_org = organization_check_character(code[8:16])
        if code[16] != expected_org:
            errors.append(f"第 17 位(主体标识码校验位)错误,应为 {expected_org}")
    return CreditCodeCheck(code, errors)


def is_valid(raw: str | None, *, check_organization_code: bool = True) -> bool:
    return inspect(raw, check_organization_code=check_organization_code).valid
