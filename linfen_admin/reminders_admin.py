"""Admin for the e-mail outbox: administrators see failed digests and retry them.

Registered on import. ``linfen_admin/admin.py`` (the platform's, autodiscovered) must import this module:
``from . import reminders_admin  # noqa: F401``.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import EmailOutbox, OutboxItem


class OutboxItemInline(admin.TabularInline):
    model = OutboxItem
    extra = 0
    can_delete = False
    fields = ["notification"]
    readonly_fields = ["notification"]

    def has_add_permission(self, request, obj=None):
        return False


class EmailOutboxAdmin(admin.ModelAdmin):
    list_display = [
        "digest_date",
        "recipient",
        "to_address",
        "status",
        "attempts",
        "last_error_short",
        "sent_at",
    ]
    list_filter = ["status", "digest_date"]
    search_fields = ["recipient__username", "recipient__full_name", "to_address", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "digest_date"
    actions = ["retry_failed"]
    inlines = [OutboxItemInline]
    readonly_fields = [
        "recipient",
        "digest_date",
        "to_address",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
    ]

    @admin.display(description=_("最近错误"))
    def last_error_short(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description=_("重新发送选中的失败邮件"), permissions=["change"])
    def retry_failed(self, request, queryset):
        count = outbox.retry_digests(
            queryset.filter(status=EmailOutbox.Status.FAILED).values_list("pk", flat=True)
        )
        self.message_user(request, _("已重新排队 %(count)d 封邮件。") % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if not admin.site.is_registered(EmailOutbox):
    admin.site.register(EmailOutbox, EmailOutboxAdmin)
