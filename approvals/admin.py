"""Admin pages: every queryset through ``scoping`` (ScopedAdminMixin), every save audited (AuditedAdminMixin).

Cases and draws are created through their services (deadline, department, snapshot), so the admin shows them
read-only; reference data and the blacklist may be corrected here."""

from django.contrib import admin

from linfen_admin.admin_base import AuditedAdminMixin, ScopedAuditedAdmin

from .models import Case, CreditBlacklist, HandoverChecklist, InspectionDraw, Item, LicensedEntity, RiskLevel


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "level", "receiving_department"]
    list_filter = ["level", "receiving_department_kind"]
    search_fields = ["name"]


@admin.register(RiskLevel)
class RiskLevelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["order", "code", "name", "ratio"]


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, ScopedAuditedAdmin):
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
class InspectionDrawAdmin(ReadOnlyMixin, ScopedAuditedAdmin):
    list_display = ["item", "region", "drawn_on", "ratio", "seed"]
    list_select_related = ["item", "region"]


@admin.register(HandoverChecklist)
class HandoverChecklistAdmin(ScopedAuditedAdmin):
    list_display = ["item", "department", "received_on", "staff_trained_on", "first_case_on"]
    list_select_related = ["item", "department"]
    list_filter = ["item"]
