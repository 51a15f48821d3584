"""Deploy checks: no demo account with the demo password may exist where DEBUG is off."""

from django.conf import settings
from django.core import checks

DEMO_USERNAMES = (
    "admin",
    "leader",
    "city_land",
    "yaodu_land",
    "hongdong_land",
    "yaodu_industry",
    "city_industry",
    "city_energy",
    "expert1",
    "finance",
    "city_approval",
    "yaodu_approval",
)


@checks.register(checks.Tags.security, deploy=True)
def demo_accounts_absent(app_configs, **kwargs):
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    if settings.DEBUG:
        return []
    try:
        users = list(get_user_model().objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    except DatabaseError:
        return []
    weak = [
        user.username
        for user in users
        if user.check_password(settings.DEMO_PASSWORD) or user.check_password("linfen-demo-2022")
    ]
    if weak:
        return [
            checks.Error(
                f"Demo accounts with the demo password exist: {', '.join(weak)}",
                hint="Change their passwords or deactivate them before going live.",
                id="linfen_admin.E001",
            )
        ]
    return []
