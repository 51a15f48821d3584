from django.conf import settings

from .registry import registry


def shell(request):
    """Menu, unread count and title for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_title": settings.SITE_TITLE}
    return {
        "site_title": settings.SITE_TITLE,
        "menu": registry.menu_for(user),
        "menu_groups": registry.menu_groups_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
