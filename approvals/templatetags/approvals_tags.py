from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

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


@register.filter
def draw_ratio(the_draw) -> str:
    """How a draw sampled, in words: its one ratio (draws made before credit levels were stored), or by credit
    level, with the floor when one was given."""
    if not the_draw.level_ratios:
        return ratio_pct(the_draw.ratio)
    if the_draw.ratio is None:
        return _("按信用等级")
    return _("按信用等级,不低于 %(pct)s") % {"pct": ratio_pct(the_draw.ratio)}
