"""Number formats users read: money in 万元 with 2 places, area in 亩 with 3, thousands separated."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _fixed(value, places: int) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.{places}f}"


@register.filter
def wan(value) -> str:
    """12345.6 → "12,345.60" (万元)."""
    return _fixed(value, 2)


@register.filter
def mu(value) -> str:
    """5147.33 → "5,147.330" (亩)."""
    return _fixed(value, 3)
