from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .admin_base import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from .models import AuditEvent, Department, Notification, Region, User
from .scoping import visible_to


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
class AuditEventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the trail is append-only."""

    list_display = ["at", "actor_name", "action", "content_type", "object_repr", "region"]
    list_filter = ["action", "content_type", "region"]
    search_fields = ["object_repr", "actor_name", "object_id", "comment"]
    list_select_related = ["content_type", "region"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        """Rows of the region (``ScopedAdminMixin``), and only about objects the user may see: the audit
        rows carry every field of the object, so a city bureau must not read another domain's files here."""
        events = super().get_queryset(request)
        if request.user.is_superuser:
            return events
        allowed = Q(pk__in=[])
        content_type_ids = events.order_by().values_list("content_type", flat=True).distinct()
        for content_type in ContentType.objects.filter(pk__in=content_type_ids):
            model = content_type.model_class()
            if model is None:
                continue
            visible = visible_to(request.user, model._default_manager.all())
            visible_ids = visible.order_by().annotate(audit_id=Cast("pk", CharField())).values("audit_id")
            allowed |= Q(content_type=content_type, object_id__in=visible_ids)
        return events.filter(allowed)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "rule", "title", "read_at"]
    list_filter = ["rule", "read_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "rule", "content_type", "object_id", "period", "title", "body", "url",
                       "read_at"]

    def has_add_permission(self, request):
        return False


from . import reminders_admin  # noqa: E402,F401 - registers the e-mail outbox admin
