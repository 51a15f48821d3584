from decimal import Decimal

from django import template

from linfen_admin.templatetags.linfen import pct

register = template.Library()


@register.filter
def overdue_on(case, today) -> bool:
    """``{% if case|overdue_on:today %}`` — ``Case.is_overdue_on``, the one definition of 已超期."""
    return case.is_overdue_on(today)


@register.filter
def due_soon_within(case, horizon) -> bool:
    """``{% if case|due_soon_within:horizon %}`` (today's date is the case's own check): 临期."""
    return horizon is not None and case.is_open and case.due_on <= horizon


@register.filter
def ratio_pct(ratio) -> str:
    """A sampling ratio (0.100) as the product's percentage: "10.00 %"."""
    if ratio is None or ratio == "":
        return "—"
    return pct(Decimal(str(ratio)) * 100)
