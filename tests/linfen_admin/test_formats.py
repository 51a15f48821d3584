from decimal import Decimal

import pytest

from linfen_admin.templatetags.linfen import mu, wan


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("100"), "100.00"),
        (Decimal("0"), "0.00"),
        (Decimal("12345.6"), "12,345.60"),
        ("8000.00", "8,000.00"),
        (None, "—"),
    ],
)
def test_wan(value, expected):
    assert wan(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("5147.33"), "5,147.330"),
        (Decimal("383.528"), "383.528"),
        (Decimal("0"), "0.000"),
    ],
)
def test_mu(value, expected):
    assert mu(value) == expected
