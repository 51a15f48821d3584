"""What every list and figure shows alike: money in 万元 with 2 places, area in 亩 with 3, thousands separated,
percentages truncated; sortable column headers and the result count above a list."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils.html import format_html

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


@register.filter
def pct(value) -> str:
    """A percentage with 2 places, truncated: 79.998 → "79.99 %", never shown as reaching a milestone it missed."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    except InvalidOperation:
        return str(value)
    return f"{number:,.2f} %"


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label, css: str = "", param: str = "ordering"):
    """A sortable column header: a link that orders the list by ``key`` (again: descending), keeping the other
    query parameters and going back to page 1; ``aria-sort`` tells a screen reader the current order."""
    request = context["request"]
    current = request.GET.get(param, "")
    query = request.GET.copy()
    query.pop("page", None)
    if current == key:
        query[param], state, arrow = f"-{key}", "ascending", "▲"
    elif current == f"-{key}":
        query[param], state, arrow = key, "descending", "▼"
    else:
        query[param], state, arrow = key, None, "↕"
    return format_html(
        '<th{}{}><a class="sort" href="?{}">{}<span class="arrow" aria-hidden="true">{}</span></a></th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', state) if state else "",
        query.urlencode(),
        label,
        arrow,
    )


@register.inclusion_tag("linfen_admin/_list_head.html", takes_context=True)
def list_head(context, page, export_url: str = "", background_url: str = ""):
    """Above a list: how many results (all pages), and the xlsx export of the same filtered list — a download
    link, or, for a list longer than ``EXPORT_INLINE_MAX_ROWS`` where the module offers one, a button that starts
    the export as a background job (``background_url``, posted with the list's query)."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    background = bool(background_url) and page.paginator.count > settings.EXPORT_INLINE_MAX_ROWS
    return {
        "page": page,
        "export_url": export_url,
        "background_url": background_url if background else "",
        "query": query.urlencode(),
        "csrf_token": context.get("csrf_token"),
    }
