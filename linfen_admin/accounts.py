"""The named account scheduled jobs and data loaders act as, so that every audit row has a real actor."""

from .models import User

SYSTEM_USERNAME = "system"
SYSTEM_FULL_NAME = "系统(定时任务)"


def system_user() -> User:
    """The system account (created on first use). It cannot sign in: its password is unusable and it is not
    staff; it is a superuser only so that services accept its writes without a role of its own."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": SYSTEM_FULL_NAME, "is_superuser": True, "is_staff": False, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
