from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from linfen_admin.admin_base import AuditedAdminMixin, ScopedAdminMixin, ScopedAuditedAdmin

from .models import Campaign, DisposalRecord, Milestone, Parcel, Phase, ReportDeadline, TaskQuota
from .resources import ParcelResource, TaskQuotaResource
from .services import PARCEL_FIELDS, StaleVersion, disposed_total
from .sheets import check_upload


class CheckedImportForm(ImportForm):
    """The admin upload gets the same checks as the API: extension, content sniff, size limit."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        check_upload(upload)  # raises ValidationError with a Chinese message
        return upload


class UserResourceKwargsMixin:
    """Hand the signed-in user to the resource: it scopes rows and regions and signs the audit rows.
    Only the bureau's formats (xlsx, csv), with the uploads checked."""

    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    import_form_class = CheckedImportForm

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ReportDeadlineInline(admin.TabularInline):
    model = ReportDeadline
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Reference data without a region: city land bureau and administrators only (by model permissions)."""

    list_display = ("year", "title", "document_no", "suspend_after_misses", "bonus_percent")
    inlines = [PhaseInline, MilestoneInline, ReportDeadlineInline]


@admin.register(TaskQuota)
class TaskQuotaAdmin(UserResourceKwargsMixin, ScopedAdminMixin, AuditedAdminMixin, ImportExportModelAdmin):
    resource_classes = [TaskQuotaResource]
    list_display = ("campaign", "region", "unsupplied_mu", "idle_mu")
    list_filter = ("campaign",)
    list_select_related = ("campaign", "region")


class DisposalInline(admin.TabularInline):
    model = DisposalRecord
    extra = 0
    fields = ("disposed_on", "area_mu", "method", "document", "note", "created_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # disposals go through the service (locks the parcel, checks the area)


class ParcelAdminForm(forms.ModelForm):
    """The admin form carries the version it was read at; a stale save is refused like on the clerk pages."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Parcel
        fields = list(PARCEL_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            current = Parcel.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if data.get("expected_version") != current:
                raise forms.ValidationError(StaleVersion(current).args[0], code="conflict")
            area = data.get("area_mu")
            disposed = disposed_total(self.instance.pk)
            if area is not None and area < disposed:
                self.add_error("area_mu", _("面积不能小于已处置面积 %(d)s 亩。") % {"d": disposed})
        return data


@admin.register(Parcel)
class ParcelAdmin(UserResourceKwargsMixin, ScopedAdminMixin, AuditedAdminMixin, ImportExportModelAdmin):
    form = ParcelAdminForm
    resource_classes = [ParcelResource]
    list_display = ("code", "name", "region", "kind", "area_mu", "status", "supervised", "updated_at")
    list_filter = ("kind", "status", "supervised", "region")
    search_fields = ("code", "name", "location", "approval_no")
    list_select_related = ("region",)
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [DisposalInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change:
            # lock and re-check: the form's check and this write must see the same version
            current = Parcel.objects.select_for_update().values_list("version", flat=True).get(pk=obj.pk)
            if current != form.cleaned_data.get("expected_version"):
                raise StaleVersion(current)
            obj.version = current + 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save that lost the race after the form's own check is refused like the form refuses it: a
        message and the fresh form again, never a server error and never an overwrite."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)


@admin.register(DisposalRecord)
class DisposalRecordAdmin(ScopedAuditedAdmin):
    """Only the document and the note can be corrected here: parcel, date, area and method feed the
    progress figures and the "never more than the parcel's area" rule, which only the service enforces."""

    list_display = ("parcel", "disposed_on", "area_mu", "method", "created_by")
    list_select_related = ("parcel", "created_by")
    readonly_fields = ("parcel", "disposed_on", "area_mu", "method", "created_by", "created_at")

    def has_add_permission(self, request):
        return False  # recorded from the parcel page or the API, through the locking service
