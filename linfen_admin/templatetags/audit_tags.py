"""``{% for label, before, after in event|readable_changes %}``: an audit row's changes in people's words."""

from django import template

from ..audit import readable_changes as _readable_changes

register = template.Library()


@register.filter
def readable_changes(event):
    return _readable_changes(event)
