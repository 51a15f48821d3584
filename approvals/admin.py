"""Admin pages: every queryset through ``scoping`` (ScopedAdminMixin), every save audited (AuditedAdminMixin).

Cases and draws are created through their services (deadline, department, snapshot), so the admin shows them
read-only; reference data and the blacklist may be corrected here."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from linfen_admin.admin_base import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAuditedAdmin
from linfen_admin.roles import Role

from .models import (
    Case,
    CreditBlacklist,
    HandoverChecklist,
    InspectionDraw,
    Item,
    LicensedEntity,
    RiskLevel,
    WorkCalendarDay,
    WorkCalendarYear,
)
from .rules.workdays import package_years


@admin.register(Item)
class ItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "level", "receiving_department"]
    list_filter = ["level", "receiving_department_kind"]
    search_fields = ["name"]


@admin.register(RiskLevel)
class RiskLevelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["order", "code", "name", "ratio"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, ScopedAuditedAdmin):
    list_display = ["item", "region", "department", "applicant_name", "accepted_on", "due_on", "status"]
    list_filter = ["status", "item"]
    list_select_related = ["item", "region", "department"]
    search_fields = ["applicant_name", "applicant_credit_code"]


@admin.register(LicensedEntity)
class LicensedEntityAdmin(ScopedAuditedAdmin):
    list_display = ["name", "item", "region", "department", "holder_kind", "credit_level", "active"]
    list_filter = ["item", "holder_kind", "credit_level", "active"]
    list_select_related = ["item", "region", "department"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["case"]


@admin.register(CreditBlacklist)
class CreditBlacklistAdmin(ScopedAuditedAdmin):
    list_display = ["entity", "listed_on", "lifted_on"]
    list_select_related = ["entity"]
    raw_id_fields = ["entity"]


@admin.register(InspectionDraw)
class InspectionDrawAdmin(ReadOnlyAdminMixin, ScopedAuditedAdmin):
    list_display = ["item", "region", "drawn_on", "ratio", "seed"]
    list_select_related = ["item", "region"]


@admin.register(HandoverChecklist)
class HandoverChecklistAdmin(ScopedAuditedAdmin):
    list_display = ["item", "department", "received_on", "staff_trained_on", "first_case_on"]
    list_select_related = ["item", "department"]
    list_filter = ["item"]


class AdministratorsWriteMixin:
    """Everyone with the view permission may read; only administrators (Role.ADMIN, superusers) may write —
    even if a change permission is later granted to another role by mistake."""

    @staticmethod
    def _is_administrator(request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.has_role(Role.ADMIN))

    def has_add_permission(self, request, *args):
        return self._is_administrator(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_administrator(request) and super().has_delete_permission(request, obj)


class WorkCalendarDayInline(AdministratorsWriteMixin, admin.TabularInline):
    model = WorkCalendarDay
    fields = ["date", "kind", "name", "note"]
    extra = 3


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(AdministratorsWriteMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Enter next year's State Council holiday schedule before the ``chinesecalendar`` package knows it.

    A year entered here replaces the package for that year: Monday–Friday are working days except the listed
    holidays, plus the listed make-up working days. Deadlines already computed are not recomputed."""

    list_display = ["year", "notice_title", "document_number", "published_on", "day_count", "overrides_package",
                    "entered_by", "created_at"]
    list_select_related = ["entered_by"]
    readonly_fields = ["entered_by", "created_at"]
    fields = ["year", "notice_title", "document_number", "published_on", "entered_by", "created_at"]
    inlines = [WorkCalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(day_count=Count("days"))

    @admin.display(description=_("放假/调休天数"), ordering="day_count")
    def day_count(self, obj):
        return obj.day_count

    @admin.display(description=_("覆盖 chinesecalendar 包"), boolean=True)
    def overrides_package(self, obj):
        return obj.year in package_years()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)
