from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import accounts
from .admin_base import AuditedAdminMixin, ReadOnlyAdminMixin
from .models import AuditEvent, Department, Notification, Region, User
from .registry import registry
from .roles import Role
from .scoping import audit_events_visible_to


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["order", "name", "code", "kind"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "order" in form.changed_data:
            registry.regions_changed()


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "code"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


# 三权分立: which administrator edits which fields of an account. The 系统管理员 keeps the account itself; the
# 安全管理员 alone grants roles and admin access; only a superuser makes a superuser. Direct per-user permissions
# are not offered at all: a role is the only way to a permission.
ACCOUNT_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "full_name",
    "region",
    "department",
    "email_notifications",
    "is_active",
    "must_change_password",
]
ROLE_FIELDS = ["groups", "is_staff"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "region", "department", "role_list", "is_active", "is_staff"]
    list_filter = ["groups", "region", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["region", "department"]
    actions = ["reset_two_factor", "sign_out_everywhere"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "first_name", "last_name", "email"]}),
        (_("职责范围"), {"fields": ["region", "department", "email_notifications"]}),
        (_("角色与权限(安全管理员)"), {"fields": ["groups", "is_staff", "is_superuser"]}),
        (_("状态"), {"fields": ["is_active", "must_change_password", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (_("职责范围"), {"fields": ["full_name", "region", "department", "email"]}),
    ]

    @admin.display(description=_("角色"))
    def role_list(self, obj):
        return "、".join(obj.role_labels) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        actor = request.user
        readonly = ["last_login", "date_joined"]
        if not actor.is_superuser:
            readonly.append("is_superuser")
            if not actor.has_perm("linfen_admin.assign_roles"):
                readonly += ROLE_FIELDS
            if not actor.has_role(Role.ADMIN):
                readonly += ACCOUNT_FIELDS
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        """Role changes are checked by ``accounts.check_roles`` (separation of powers, scoping) beside the field."""
        base = super().get_form(request, obj, **kwargs)
        actor = request.user

        class Form(base):
            def clean(self):
                cleaned = super().clean()
                if "groups" in cleaned:
                    candidate = self.instance
                    candidate.region = cleaned.get("region", candidate.region)
                    try:
                        accounts.check_roles(actor=actor, user=candidate, groups=cleaned["groups"])
                    except ValidationError as error:
                        self.add_error("groups", error)
                return cleaned

        return Form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the person chooses their own password at the first sign-in
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            accounts.assign_roles(actor=request.user, user=form.instance, groups=groups)

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password is the 系统管理员's; its owner must change it at the next sign-in."""
        if not (request.user.is_superuser or request.user.has_role(Role.ADMIN)):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(id) != str(request.user.pk):
            accounts.password_changed(actor=request.user, user=User.objects.get(pk=id))
        return response

    @admin.action(description=_("重置双因素认证(下次登录重新绑定)"), permissions=["reset_two_factor"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            try:
                accounts.reset_two_factor(actor=request.user, user=user)
            except PermissionDenied as refused:
                self.message_user(request, f"{user}:{refused}", messages.ERROR)
                continue
            self.message_user(request, _("已重置 %(user)s 的双因素认证。") % {"user": user}, messages.SUCCESS)

    def has_reset_two_factor_permission(self, request):
        return request.user.has_perm("linfen_admin.reset_two_factor")

    @admin.action(description=_("退出所有设备(作废会话和 API 令牌)"), permissions=["assign_roles"])
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            accounts.sign_out_everywhere(actor=request.user, user=user)
        self.message_user(
            request, _("已让 %(n)s 个账号退出所有设备。") % {"n": queryset.count()}, messages.SUCCESS
        )

    def has_assign_roles_permission(self, request):
        return request.user.has_perm("linfen_admin.assign_roles")


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

# The second-factor devices hold each person's secret key: nobody reads them in the admin (the 安全管理员 resets a
# person's devices with the user list's action instead).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
