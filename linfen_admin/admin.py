from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_base import AuditedAdminMixin, ReadOnlyAdminMixin
from .models import AuditEvent, Department, Notification, Region, User
from .scoping import audit_events_visible_to


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["order", "name", "code", "kind"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "code"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "region", "department", "is_active", "is_staff"]
    list_filter = ["groups", "region", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["region", "department"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("职责范围"), {"fields": ["full_name", "region", "department", "email_notifications"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("职责范围"), {"fields": ["full_name", "region", "department", "groups"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

    list_display = ["at", "actor_name", "action", "content_type", "object_repr", "region"]
    list_filter = ["action", "content_type", "region"]
    search_fields = ["object_repr", "actor_name", "object_id", "comment"]
    list_select_related = ["content_type", "region"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        """Only rows about objects the user may see (``scoping.audit_events_visible_to``): the rows carry every
        field of the object, so a city bureau must not read another domain's files here."""
        return audit_events_visible_to(request.user, super().get_queryset(request))


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "rule", "title", "read_at"]
    list_filter = ["rule", "read_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "rule",
        "content_type",
        "object_id",
        "period",
        "title",
        "body",
        "url",
        "read_at",
    ]

    def has_add_permission(self, request):
        return False


from . import reminders_admin  # noqa: E402,F401 - registers the e-mail outbox admin
