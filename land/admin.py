"""Land admin: reads through scoping, every add/change/delete through ``land.services``.

Spreadsheet imports are not offered here: the 表格导入 page (and the API) runs the import services with their
dry run, all-or-nothing writes and row errors. The admin keeps xlsx/csv export (django-import-export).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from linfen_admin.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceAdminMixin

from . import services
from .models import Campaign, DisposalRecord, Milestone, Parcel, Phase, ReportDeadline, TaskQuota
from .resources import ParcelResource, TaskQuotaResource


class ScopedExportMixin(ExportMixin):
    """xlsx and csv exports of the scoped rows; the resource signs nothing, it only reads."""

    export_formats = [XLSX, CSV]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}


class CampaignPartInline(admin.TabularInline):
    extra = 0


class PhaseInline(CampaignPartInline):
    model = Phase


class MilestoneInline(CampaignPartInline):
    model = Milestone


class ReportDeadlineInline(CampaignPartInline):
    model = ReportDeadline


@admin.register(Campaign)
class CampaignAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Reference data without a region: city land bureau and administrators only (by model permissions)."""

    list_display = (
        "year",
        "title",
        "document_no",
        "suspend_after_misses",
        "bonus_percent",
        "linkage_coefficient",
        "unsupplied_from_year",
        "unsupplied_to_year",
        "idle_from_year",
        "idle_to_year",
    )
    inlines = [PhaseInline, MilestoneInline, ReportDeadlineInline]
    actions = ["copy_next_year"]

    @admin.action(description=_("复制为下一年度专项行动"), permissions=["add"])
    def copy_next_year(self, request, queryset):
        """The next year's campaign from each chosen one: dates moved by a year, to be edited, quotas imported."""
        for campaign in queryset:
            try:
                copy = services.campaign_copy_next_year(actor=request.user, campaign=campaign)
            except ValidationError as exc:
                self.message_user(request, ";".join(exc.messages), level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("已创建 %(y)s 年度专项行动,请核对日期并导入附件 2 任务分解表。") % {"y": copy.year},
                    level=messages.SUCCESS,
                )

    def service_save(self, request, obj, form, change):
        return services.campaign_save(actor=request.user, campaign=obj)

    def service_delete(self, request, obj):
        raise ValidationError(_("专项行动不能删除:其任务、宗地进度和提醒都以它为准。"))

    def service_save_inline(self, request, obj, formset, change):
        services.campaign_part_save(actor=request.user, part=obj)

    def service_delete_inline(self, request, obj):
        services.campaign_part_delete(actor=request.user, part=obj)


@admin.register(TaskQuota)
class TaskQuotaAdmin(ScopedExportMixin, ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    resource_classes = [TaskQuotaResource]
    list_display = ("campaign", "region", "unsupplied_mu", "idle_mu")
    list_filter = ("campaign",)
    list_select_related = ("campaign", "region")

    def service_save(self, request, obj, form, change):
        return services.quota_save(actor=request.user, quota=obj)

    def service_delete(self, request, obj):
        services.quota_delete(actor=request.user, quota=obj)


class DisposalInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Disposals are recorded and withdrawn on the parcel page (or the API), through the locking service."""

    model = DisposalRecord
    extra = 0
    fields = ("disposed_on", "area_mu", "method", "document", "note", "created_by")
    readonly_fields = fields


class ParcelAdminForm(forms.ModelForm):
    """Carries the version the parcel was read at; ``parcel_update`` refuses a stale save."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "approved_by" in self.fields:
            self.fields["approved_by"].required = False

    def clean_approved_by(self):
        """Not given: the parcel keeps its 批准机关 (省人民政府 when new)."""
        return self.cleaned_data.get("approved_by") or self.instance.approved_by


@admin.register(Parcel)
class ParcelAdmin(ScopedExportMixin, ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = ParcelAdminForm
    resource_classes = [ParcelResource]
    list_display = ("code", "name", "region", "kind", "area_mu", "status", "supervised", "updated_at")
    list_filter = ("kind", "status", "supervised", "region")
    search_fields = ("code", "name", "location", "approval_no")
    list_select_related = ("region",)
    inlines = [DisposalInline]

    def get_fields(self, request, obj=None):
        fields = [
            name
            for name in services.PARCEL_FIELDS
            if name not in services.CITY_BUREAU_FIELDS or services.may_supervise(request.user)
        ]
        return [*fields, "expected_version", *self.get_readonly_fields(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        # 挂牌督办 follows the supervision listings (``land.oversight``), like the status follows the disposals
        derived = ["supervised", "status", "version", "created_at", "updated_at"]
        return derived if services.may_supervise(request.user) else [*services.CITY_BUREAU_FIELDS, *derived]

    def service_save(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in services.PARCEL_FIELDS
            if name in form.cleaned_data and (not change or name in form.changed_data)
        }
        if not change:
            return services.parcel_create(actor=request.user, data=data)
        version = form.cleaned_data.get("expected_version")
        if version is None:
            raise ValidationError(_("表单缺少版本号,请刷新页面后重新编辑。"))
        try:
            return services.parcel_update(actor=request.user, parcel=obj, version=version, data=data)
        except services.StaleVersion as exc:
            raise ValidationError(str(exc), code="conflict") from exc

    def service_delete(self, request, obj):
        services.parcel_delete(actor=request.user, parcel=obj)


@admin.register(DisposalRecord)
class DisposalRecordAdmin(ScopedAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Only the document and the note can be corrected here: parcel, date, area and method feed the progress
    figures; a wrong record is withdrawn with a reason on the parcel page and recorded again."""

    list_display = ("parcel", "disposed_on", "area_mu", "method", "created_by")
    list_select_related = ("parcel", "created_by")
    readonly_fields = ("parcel", "disposed_on", "area_mu", "method", "created_by", "created_at")

    def has_add_permission(self, request):
        return False  # recorded from the parcel page or the API, through the locking service

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn with a reason on the parcel page (``disposal_revoke``)

    def service_save(self, request, obj, form, change):
        return services.disposal_correct(
            actor=request.user,
            disposal=obj,
            document=form.cleaned_data["document"],
            note=form.cleaned_data["note"],
        )


# 挂牌督办, report documents and the 报件 register change only through their procedures (``land.oversight``).
from .models import DeadlineReport, LandApplication, Supervision  # noqa: E402


@admin.register(Supervision)
class SupervisionAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("region", "parcel", "responsible_unit", "due_on", "status", "lifted_on")
    list_filter = ("status", "region")
    list_select_related = ("region", "parcel")


@admin.register(DeadlineReport)
class DeadlineReportAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("deadline", "region", "original_name", "submitted_at")
    list_select_related = ("deadline", "region")
    exclude = ("file",)  # downloaded through the scoped page only


@admin.register(LandApplication)
class LandApplicationAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("region", "project_name", "area_mu", "applied_on", "category", "status")
    list_filter = ("status", "category", "region")
    list_select_related = ("region",)
