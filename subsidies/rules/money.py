"""Money in 万元: Decimal, two places, half-up. Never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def wan(value) -> Decimal:
    """A 万元 amount from str/int/Decimal (floats go through ``str``), quantized to 0.01."""
    if value is None:
        raise ValueError("amount is required")
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    return f"{wan(value):,}".replace(",", "")
