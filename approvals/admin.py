"""Admin pages: every queryset through ``scoping`` (ScopedAdminMixin), every write through ``approvals.services``
(ServiceAdminMixin).

Cases and draws are created through their services (deadline, department, snapshot) on the approval pages, so the
admin shows them read-only, as it shows the 19 items (the seed's catalogue, loaded by ``load_seed``). Licence
holders, the blacklist, handover, sampling ratios and the holiday calendar may be corrected here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from linfen_admin.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from linfen_admin.roles import Role

from . import services
from .models import (
    Case,
    Complaint,
    CreditBlacklist,
    HandoverChecklist,
    InspectionDraw,
    Item,
    LicensedEntity,
    RiskLevel,
    Supervision,
    WorkCalendarDay,
    WorkCalendarYear,
)
from .rules.workdays import package_years


@admin.register(Item)
class ItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The 19 items exactly as the seed lists them: corrected in the fixture, not here."""

    list_display = ["number", "name", "level", "receiving_department"]
    list_filter = ["level", "receiving_department_kind"]
    search_fields = ["name"]


@admin.register(RiskLevel)
class RiskLevelAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["order", "code", "name", "credit_level", "ratio"]

    def has_delete_permission(self, request, obj=None):
        return False  # draws refer to their level

    def service_save(self, request, obj, form, change):
        return services.risk_level_save(actor=request.user, level=obj)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["item", "region", "department", "applicant_name", "accepted_on", "due_on", "status"]
    list_filter = ["status", "item"]
    list_select_related = ["item", "region", "department"]
    search_fields = ["applicant_name", "applicant_credit_code"]


class LicensedEntityAdminForm(forms.ModelForm):
    """The holder's fields, and — while the licence is in force — its revocation (``services.entity_revoke``)."""

    kind = forms.ChoiceField(
        label=_("撤销/吊销"),
        required=False,
        choices=[("", "---------"), *LicensedEntity.Revocation.choices],
        help_text=_("选择后须填写日期和理由;撤销/吊销后主体即为无效"),
    )
    revocation_date = forms.DateField(label=_("撤销/吊销日期"), required=False)
    reason = forms.CharField(
        label=_("撤销/吊销理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = LicensedEntity
        fields = [
            "item",
            "region",
            "name",
            "credit_code",
            "holder_kind",
            "credit_level",
            "location",
            "licensed_on",
            "active",
        ]


@admin.register(LicensedEntity)
class LicensedEntityAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """A licence holder's item, region and department are set when it is entered (the department follows the item
    and region); afterwards only its name, code, credit level and validity are corrected, or the licence revoked
    (by the officers of the department that granted it). Deactivate or revoke, not delete."""

    form = LicensedEntityAdminForm
    list_display = [
        "name",
        "item",
        "region",
        "department",
        "holder_kind",
        "credit_level",
        "active",
        "revoked_on",
    ]
    list_filter = ["item", "holder_kind", "credit_level", "active", "revocation_kind"]
    list_select_related = ["item", "region", "department"]
    search_fields = ["name", "credit_code"]
    REVOCATION_SHOWN = ["revocation_kind", "revoked_on", "revocation_reason", "revoked_by"]
    REVOCATION_FORM = ["kind", "revocation_date", "reason"]

    def get_fields(self, request, obj=None):
        fields = [
            "item",
            "region",
            "name",
            "credit_code",
            "holder_kind",
            "credit_level",
            "location",
            "licensed_on",
        ]
        if obj is None:
            return fields
        fields += ["active", "department", "case"]
        return fields + (self.REVOCATION_SHOWN if obj.is_revoked else self.REVOCATION_FORM)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["item", "region", "department", "case"] + (self.REVOCATION_SHOWN if obj.is_revoked else [])

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            entity = services.entity_update(
                actor=request.user,
                entity=obj,
                **{name: data[name] for name in services.ENTITY_EDITABLE if name in data},
            )
            if not obj.is_revoked and (data.get("kind") or data.get("reason") or data.get("revocation_date")):
                try:
                    entity = services.entity_revoke(
                        actor=request.user,
                        entity=entity,
                        kind=data.get("kind") or "",
                        reason=data.get("reason") or "",
                        revoked_on=data.get("revocation_date"),
                    )
                except ValidationError as exc:  # the date's error beside the form's date field
                    raise ValidationError(
                        {
                            ("revocation_date" if k == "revoked_on" else k): v
                            for k, v in exc.message_dict.items()
                        }
                    ) from exc
                except services.CaseConflict as exc:
                    raise ValidationError(str(exc)) from exc
            return entity
        return services.entity_create(
            actor=request.user,
            item=data["item"],
            region=data.get("region"),
            name=data["name"],
            credit_code=data.get("credit_code", ""),
            holder_kind=data["holder_kind"],
            credit_level=data["credit_level"],
            licensed_on=data["licensed_on"],
            location=data.get("location"),
        )


@admin.register(CreditBlacklist)
class CreditBlacklistAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["entity", "listed_on", "lifted_on"]
    list_select_related = ["entity"]
    raw_id_fields = ["entity"]

    def get_readonly_fields(self, request, obj=None):
        return ["entity", "listed_on"] if obj else ["lifted_on"]

    def has_delete_permission(self, request, obj=None):
        return False  # lifted with a date, never erased

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return services.blacklist_update(
                actor=request.user, listing=obj, reason=data["reason"], lifted_on=data.get("lifted_on")
            )
        return services.blacklist_add(
            actor=request.user, entity=data["entity"], reason=data["reason"], listed_on=data["listed_on"]
        )


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Complaints are received and handled on their pages (services.complaint_create / complaint_handle)."""

    list_display = ["received_on", "item", "region", "department", "due_on", "status"]
    list_filter = ["status", "source", "item"]
    list_select_related = ["item", "region", "department"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The supervision lists are written by ``services.case_decide``; read-only here."""

    list_display = ["case", "department", "region", "created_at"]
    list_filter = ["department__kind"]
    list_select_related = ["case__item", "department", "region"]


@admin.register(InspectionDraw)
class InspectionDrawAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["item", "region", "drawn_on", "ratio", "seed"]
    list_select_related = ["item", "region"]


@admin.register(HandoverChecklist)
class HandoverChecklistAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["item", "department", "received_on", "staff_trained_on", "publicized_on"]
    list_display += ["coordinated_on", "first_case_on", "progress"]
    list_select_related = ["item", "department"]
    list_filter = ["item"]
    fields = [
        "item",
        "department",
        "received_on",
        "received_by",
        "staff_trained_on",
        "staff_trained_by",
        "publicized_on",
        "publicized_by",
        "coordinated_on",
        "coordinated_by",
        "first_case_on",
        "first_case_by",
        "note",
    ]
    # first case: set by the first decided case; confirmers: whoever saved the step's date
    readonly_fields = [
        "item",
        "department",
        "received_by",
        "staff_trained_by",
        "publicized_by",
        "coordinated_by",
        "first_case_on",
        "first_case_by",
    ]

    @admin.display(description=_("进度"))
    def progress(self, obj):
        return f"{obj.done_count}/{obj.step_count}"

    def has_add_permission(self, request):
        return False  # one per item and department, created by load_seed

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return services.handover_update(
            actor=request.user,
            checklist=obj,
            received_on=data.get("received_on"),
            staff_trained_on=data.get("staff_trained_on"),
            publicized_on=data.get("publicized_on"),
            coordinated_on=data.get("coordinated_on"),
            note=data.get("note", ""),
        )


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
class WorkCalendarYearAdmin(AdministratorsWriteMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Enter next year's State Council holiday schedule before the ``chinesecalendar`` package knows it.

    A year entered here replaces the package for that year: Monday–Friday are working days except the listed
    holidays, plus the listed make-up working days. Deadlines already computed are not recomputed."""

    list_display = [
        "year",
        "notice_title",
        "document_number",
        "published_on",
        "day_count",
        "overrides_package",
        "entered_by",
        "created_at",
    ]
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

    def service_save(self, request, obj, form, change):
        return services.calendar_year_save(actor=request.user, year=obj)

    def service_delete(self, request, obj):
        services.calendar_year_delete(actor=request.user, year=obj)

    def service_save_inline(self, request, obj, formset, change):
        services.calendar_day_save(actor=request.user, day=obj)

    def service_delete_inline(self, request, obj):
        services.calendar_day_delete(actor=request.user, day=obj)
