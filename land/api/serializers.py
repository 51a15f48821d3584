import decimal
from decimal import ROUND_DOWN

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from linfen_admin.api.serializers import RefuseReadOnlyFieldsMixin, RegionNameField

from ..models import (
    Campaign,
    DisposalRecord,
    Interview,
    Milestone,
    Parcel,
    Phase,
    QuarterNotice,
    ReportDeadline,
    TaskQuota,
)
from ..selectors import parcel_flags
from ..services import PARCEL_FIELDS


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["due_on", "percent"]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["name", "starts_on", "ends_on"]


class ReportDeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportDeadline
        fields = ["title", "level", "due_on"]


class CampaignSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    report_deadlines = ReportDeadlineSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "year",
            "title",
            "document_no",
            "milestones",
            "phases",
            "report_deadlines",
            "suspend_after_misses",
            "bonus_percent",
            "linkage_coefficient",
            "unsupplied_from_year",
            "unsupplied_to_year",
            "idle_from_year",
            "idle_to_year",
        ]


class TaskQuotaSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)

    class Meta:
        model = TaskQuota
        fields = ["region", "year", "unsupplied_mu", "idle_mu"]


class QuotaImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx 或 csv,附件 2 格式")


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ImportErrorSerializer(many=True, help_text="至多列出 200 处")
    total_errors = serializers.IntegerField(help_text="问题总数")


class ParcelSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    region = RegionNameField()
    disposed_mu = serializers.DecimalField(max_digits=12, decimal_places=3, read_only=True)
    idle_fee_due = serializers.SerializerMethodField()
    idle_fee_wan = serializers.SerializerMethodField()
    reclaim_due = serializers.SerializerMethodField()
    withdrawal_eligible = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="修改时必填:读取时的版本号;版本已变化时返回 409"
    )

    class Meta:
        model = Parcel
        fields = [
            "id",
            *PARCEL_FIELDS,  # what a clerk may write: the service's own list, so API and service stay in step
            "boundary",
            "disposed_mu",
            "status",
            "supervised",
            "idle_fee_due",
            "idle_fee_wan",
            "reclaim_due",
            "withdrawal_eligible",
            "version",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "supervised", "boundary", "updated_at"]
        validators = []  # uniqueness is checked by the service (full_clean), inside its transaction

    def _flags(self, parcel):
        cache = self.context.setdefault("_flags", {})
        if parcel.pk not in cache:
            cache[parcel.pk] = parcel_flags(parcel, self.context["as_of"])
        return cache[parcel.pk]

    def get_idle_fee_due(self, parcel) -> bool:
        return self._flags(parcel).idle_fee_due

    def get_idle_fee_wan(self, parcel) -> str | None:
        fee = self._flags(parcel).idle_fee_wan
        return None if fee is None else str(fee)

    def get_reclaim_due(self, parcel) -> bool:
        return self._flags(parcel).reclaim_due

    def get_withdrawal_eligible(self, parcel) -> bool:
        return self._flags(parcel).withdrawal_eligible

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": "修改宗地时必须提交读取时的版本号 version。"})
        return attrs


class BoundaryImportResultSerializer(serializers.Serializer):
    parcels = serializers.IntegerField()
    updated = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class DisposalRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("撤销原因"), max_length=500)


class DisposalSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    # ``DisposalRecord.created_by`` is nullable (a record may have no recorded author): say so in the schema.
    created_by = serializers.CharField(source="created_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = DisposalRecord
        fields = ["id", "disposed_on", "area_mu", "method", "document", "note", "created_by", "created_at"]
        read_only_fields = ["id", "created_by", "created_at"]


class MilestoneStatusSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    met = serializers.BooleanField(allow_null=True)


class KindProgressSerializer(serializers.Serializer):
    task_mu = serializers.DecimalField(max_digits=12, decimal_places=3)
    done_mu = serializers.DecimalField(max_digits=12, decimal_places=3)
    percent = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, rounding=ROUND_DOWN)


class RegionProgressSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.name")
    unsupplied = KindProgressSerializer()
    idle = KindProgressSerializer()
    milestones = MilestoneStatusSerializer(many=True)
    consecutive_misses = serializers.IntegerField()
    suspended = serializers.BooleanField()
    bonus_mu = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    percent = serializers.DecimalField(
        source="overall_percent", max_digits=8, decimal_places=2, allow_null=True, rounding=ROUND_DOWN
    )
    rank = serializers.IntegerField(allow_null=True)


class MilestoneTotalSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    missed_regions = serializers.ListField(child=serializers.CharField())


class ProgressTotalsSerializer(serializers.Serializer):
    unsupplied = KindProgressSerializer()
    idle = KindProgressSerializer()
    percent = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, rounding=ROUND_DOWN)
    regions = serializers.IntegerField()
    suspended_regions = serializers.ListField(child=serializers.CharField())
    bonus_mu = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    milestones = MilestoneTotalSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="campaign.year")
    as_of = serializers.DateField()
    regions = RegionProgressSerializer(many=True)
    totals = ProgressTotalsSerializer()


# --- the progress answer without a serializer per value ---------------------------------------------------------
# ``ProgressSerializer`` documents the answer (the schema); ``progress_data`` writes the same JSON directly: at 1,000
# regions DRF's nested serializers cost more than computing the figures (tested equal, value for value).


def _decimal(value, places: int, digits: int, rounding=None):
    """What ``serializers.DecimalField(max_digits=digits, decimal_places=places)`` gives (a string), or None."""
    if value is None:
        return None
    context = decimal.getcontext().copy()
    context.prec = digits
    quantized = decimal.Decimal(value).quantize(
        decimal.Decimal(".1") ** places, rounding=rounding, context=context
    )
    return f"{quantized:f}"


def _kind(kind) -> dict:
    return {
        "task_mu": _decimal(kind.task_mu, 3, 12),
        "done_mu": _decimal(kind.done_mu, 3, 12),
        "percent": _decimal(kind.percent, 2, 8, ROUND_DOWN),
    }


def progress_data(progress) -> dict:
    totals = progress.totals
    return {
        "year": progress.campaign.year,
        "as_of": progress.as_of.isoformat(),
        "regions": [
            {
                "region": row.region.name,
                "unsupplied": _kind(row.unsupplied),
                "idle": _kind(row.idle),
                "milestones": [
                    {"due_on": m.due_on.isoformat(), "percent": _decimal(m.percent, 2, 5), "met": m.met}
                    for m in row.milestones
                ],
                "consecutive_misses": row.consecutive_misses,
                "suspended": row.suspended,
                "bonus_mu": _decimal(row.bonus_mu, 3, 12),
                "percent": _decimal(row.overall_percent, 2, 8, ROUND_DOWN),
                "rank": row.rank,
            }
            for row in progress.regions
        ],
        "totals": {
            "unsupplied": _kind(totals["unsupplied"]),
            "idle": _kind(totals["idle"]),
            "percent": _decimal(totals["percent"], 2, 8, ROUND_DOWN),
            "regions": totals["regions"],
            "suspended_regions": list(totals["suspended_regions"]),
            "bonus_mu": _decimal(totals["bonus_mu"], 3, 12),
            "milestones": [
                {
                    "due_on": m["due_on"].isoformat(),
                    "percent": _decimal(m["percent"], 2, 5),
                    "missed_regions": list(m["missed_regions"]),
                }
                for m in totals["milestones"]
            ],
        },
    }


class InterviewSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "year",
            "region",
            "kind",
            "kind_label",
            "as_of",
            "basis",
            "status",
            "status_label",
            "held_on",
            "leader",
            "reason",
            "follow_up",
            "dismiss_reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class InterviewProposalSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_id = serializers.IntegerField()
    basis = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    consecutive_misses = serializers.IntegerField()


class InterviewConfirmSerializer(serializers.Serializer):
    region = RegionNameField()
    as_of = serializers.DateField(label=_("通报截至日期"))
    held_on = serializers.DateField(label=_("约谈日期"))
    leader = serializers.CharField(label=_("被约谈领导"), max_length=100)
    reason = serializers.CharField(label=_("约谈事由"))
    follow_up = serializers.CharField(label=_("整改落实情况"), required=False, allow_blank=True, default="")
    criticised = serializers.BooleanField(label=_("同时通报批评"), required=False, default=True)


class InterviewDismissSerializer(serializers.Serializer):
    region = RegionNameField()
    as_of = serializers.DateField(label=_("通报截至日期"))
    reason = serializers.CharField(label=_("不予约谈理由"))


class QuarterNoticeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    docx_url = serializers.SerializerMethodField()
    annex_url = serializers.SerializerMethodField()

    class Meta:
        model = QuarterNotice
        fields = [
            "id",
            "year",
            "as_of",
            "title",
            "document_no",
            "body",
            "status",
            "status_label",
            "published_at",
            "docx_url",
            "annex_url",
        ]
        read_only_fields = ["id", "year", "as_of", "status", "status_label", "published_at"]

    def get_docx_url(self, notice) -> str | None:
        from django.urls import reverse

        return reverse("land:notice-docx", args=[notice.pk]) if notice.docx else None

    def get_annex_url(self, notice) -> str | None:
        from django.urls import reverse

        return reverse("land:notice-annex", args=[notice.pk]) if notice.annex else None


class NoticeDraftSerializer(serializers.Serializer):
    as_of = serializers.DateField(label=_("通报截至日期"), help_text="季度末:03-31、06-30、09-30 或 12-31")
