"""Admin: calls and step limits are edited here; rules come from the fixture and applications move only
through the workflow service, so both are read-only here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from linfen_admin.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import services
from .models import (
    Application,
    ApplicationTransition,
    AwardRule,
    AwardTier,
    Call,
    Document,
    Domain,
    StepLimit,
    domains_managed_by,
)


class AwardTierInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AwardTier
    extra = 0
    fields = ["rank", "grade", "label", "lower_wan", "upper_wan", "award_wan"]


@admin.register(AwardRule)
class AwardRuleAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Loaded from fixtures/subsidies_award_rules.json by ``load_seed``; change the fixture, not the rows."""

    list_display = ["code", "clause", "name", "method", "percent", "cap_wan", "upgrade_pays_difference"]
    inlines = [AwardTierInline]


@admin.register(Call)
class CallAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Every bureau reads every call; 市工信局 changes and adds only industry calls, 市能源局 only energy ones."""

    list_display = ["year", "domain", "title", "opens_on", "closes_on", "budget_wan"]
    list_filter = ["year", "domain"]

    def service_save(self, request, obj, form, change):
        return services.call_save(actor=request.user, call=obj)

    def service_delete(self, request, obj):
        services.call_delete(actor=request.user, call=obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "domain":
            allowed = domains_managed_by(request.user)
            kwargs["choices"] = [choice for choice in Domain.choices if choice[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(StepLimit)
class StepLimitAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["state", "days"]

    def service_save(self, request, obj, form, change):
        return services.step_limit_save(actor=request.user, limit=obj)

    def service_delete(self, request, obj):
        services.step_limit_delete(actor=request.user, limit=obj)


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    fields = ["at", "actor_name", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "enterprise_name", "project_name", "region", "category", "award_wan", "state"]
    list_filter = ["state", "category", "call"]
    search_fields = ["enterprise_name", "project_name", "credit_code"]
    list_select_related = ["region", "call"]
    inlines = [TransitionInline]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The stored file has no public URL (private storage): it is offered through the download view, which checks
    access again, never as a media link."""

    list_display = ["original_name", "application", "kind", "size", "uploaded_at"]
    list_select_related = ["application"]
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("文件"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("subsidies:document-download", args=[obj.pk]), obj.original_name
        )
