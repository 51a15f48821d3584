import pytest

from linfen_admin import credit_code

SAMPLES = ["91430111MA4L41YT1U", "91350200776049653A", "913502000728319549"]


@pytest.mark.parametrize("code", SAMPLES)
def test_domain_fact_samples_pass(code):
    assert credit_code.is_valid(code)
    assert credit_code.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", SAMPLES)
def test_every_other_check_character_fails(code):
    for ch in credit_code.ALPHABET:
        if ch != code[17]:
            check = credit_code.inspect(code[:17] + ch)
            assert not check.valid
            assert any("第 18 位校验码错误" in error for error in check.errors)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "18 位"),
        ("91430111MA4L41YT1", "18 位"),
        ("91430111MA4L41YT1U0", "18 位"),
        ("91430111MA4L41YTIU", "不允许的字符"),  # I is not in the alphabet
        ("9143O111MA4L41YT1U", "不允许的字符"),
        ("91ABCDEFMA4L41YT1U", "数字"),
    ],
)
def test_malformed_codes(raw, fragment):
    check = credit_code.inspect(raw)
    assert not check.valid
    assert any(fragment in error for error in check.errors)


def test_normalises_case_and_whitespace():
    assert credit_code.is_valid(" 91350200776049653a ")
    assert credit_code.is_valid("９１３５".replace("９１３５", "9135") + "0200776049653A")
    assert credit_code.normalise("9135 0200\u3000776049653a") == "91350200776049653A"


def test_organization_code_check_character():
    # 主体标识码 (GB 11714) of the samples: 77604965-3, 07283195-4
    assert credit_code.organization_check_character("77604965") == "3"
    assert credit_code.organization_check_character("07283195") == "4"
    bad = "91350200776049654"  # wrong 17th character, 18th recomputed so only the org check fails
    code = bad + credit_code.check_character(bad)
    check = credit_code.inspect(code)
    assert not check.valid and "第 17 位" in check.errors[0]
    assert credit_code.inspect(code, check_organization_code=False).valid


def test_with_check_characters_builds_valid_codes():
    code = credit_code.with_check_characters("9114100212345678")
    assert len(code) == 18 and credit_code.is_valid(code)
    assert credit_code.inspect(code).division_code == "141002"
