from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from linfen_admin.api.serializers import RefuseReadOnlyFieldsMixin, RegionNameField, SlugRelatedField
from linfen_admin.models import Region

from .. import services
from ..models import Case, DrawnEntity, InspectionDraw, Item, LicensedEntity, RiskLevel, Supervision


class AnyRegionField(RegionNameField):
    """Accepts every region by name: a region outside the user's department is refused by the service with 403
    and a clear message (not a bare "object does not exist")."""

    def get_queryset(self):
        return Region.objects.all()


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = [
            "number",
            "name",
            "level",
            "receiving_department",
            "legal_basis",
            "supervision_measures",
            "remarks",
            "power_type",
            "provincial_decision",
            "receiving_department_kind",
            "supervising_departments",
            "supervision_levels",
        ]
        read_only_fields = fields


class LicenceSerializer(serializers.ModelSerializer):
    """The licence an approved case granted, and its revocation (empty while in force)."""

    revocation_kind = serializers.CharField(
        read_only=True, help_text=_("rescinded = 撤销;revoked = 吊销;空 = 许可有效")
    )
    revoked_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = LicensedEntity
        fields = ["id", "name", "licensed_on", "active", "revocation_kind", "revoked_on", "revocation_reason"]
        read_only_fields = fields


class CaseSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    item = SlugRelatedField(slug_field="number", queryset=Item.objects.all(), help_text=_("事项序号 1–19"))
    item_name = serializers.CharField(source="item.name", read_only=True)
    region = AnyRegionField(
        required=False, allow_null=True, help_text=_("县级事项必填;市级事项为“市本级”或留空")
    )
    department = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    location = AnyRegionField(
        required=False,
        allow_null=True,
        help_text=_("申请人所在县(市、区);县级事项即办理地,市级事项不填时按统一社会信用代码的行政区划码"),
    )
    overdue = serializers.SerializerMethodField()
    decided_late = serializers.BooleanField(read_only=True)
    licence = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "item",
            "item_name",
            "region",
            "department",
            "department_code",
            "applicant_name",
            "applicant_credit_code",
            "accepted_on",
            "promised_days",
            "location",
            "statutory_due_on",
            "due_on",
            "status",
            "decided_on",
            "extended_on",
            "extension_reason",
            "overdue",
            "decided_late",
            "licence",
        ]
        read_only_fields = [
            "id",
            "statutory_due_on",
            "due_on",
            "status",
            "decided_on",
            "extended_on",
            "extension_reason",
        ]

    @extend_schema_field(LicenceSerializer(allow_null=True))
    def get_licence(self, case):
        licence = getattr(case, "licensee", None) if case.status == Case.Status.APPROVED else None
        return LicenceSerializer(licence).data if licence is not None else None

    def get_overdue(self, case) -> bool:
        return case.is_overdue_on(timezone.localdate())

    def create(self, validated_data):
        return services.case_create(actor=self.context["request"].user, **validated_data)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Case.Status.APPROVED, Case.Status.DENIED])
    decided_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RevocationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=LicensedEntity.Revocation.values, help_text=_("rescinded = 撤销;revoked = 吊销")
    )
    revoked_on = serializers.DateField()
    reason = serializers.CharField()


class ExtensionSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SupervisionSerializer(serializers.ModelSerializer):
    """One decided case on a supervising department's list (事中事后监管)."""

    case = serializers.IntegerField(source="case_id", read_only=True)
    item = serializers.IntegerField(source="case.item.number", read_only=True)
    item_name = serializers.CharField(source="case.item.name", read_only=True)
    applicant_name = serializers.CharField(source="case.applicant_name", read_only=True)
    applicant_credit_code = serializers.CharField(source="case.applicant_credit_code", read_only=True)
    location = serializers.CharField(
        source="case.location.name", read_only=True, allow_null=True, default=None
    )
    decision = serializers.CharField(source="case.status", read_only=True, help_text=_("approved | denied"))
    decided_on = serializers.DateField(source="case.decided_on", read_only=True)
    approval_department = serializers.CharField(source="case.department.name", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    entity = serializers.IntegerField(source="entity_id", read_only=True, allow_null=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "case",
            "item",
            "item_name",
            "applicant_name",
            "applicant_credit_code",
            "location",
            "decision",
            "decided_on",
            "approval_department",
            "department",
            "department_code",
            "region",
            "entity",
            "created_at",
        ]
        read_only_fields = fields


class DrawnEntitySerializer(serializers.ModelSerializer):
    entity_name = serializers.CharField(source="entity.name", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DrawnEntity
        fields = [
            "id",
            "entity",
            "entity_name",
            "blacklisted",
            "inspectors",
            "result",
            "result_note",
            "checked_on",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[c for c in DrawnEntity.Result.values if c != "pending"])
    checked_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionDrawSerializer(serializers.ModelSerializer):
    item = SlugRelatedField(slug_field="number", queryset=Item.objects.all())
    region = AnyRegionField(required=False, allow_null=True)
    risk_level = SlugRelatedField(
        slug_field="code", queryset=RiskLevel.objects.all(), required=False, allow_null=True
    )
    ratio = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text=_("选填,0 到 1 之间,如 0.100 表示 10%:各主体按其信用等级的比例抽查,低于此值的等级按此值"),
    )
    level_ratios = serializers.JSONField(read_only=True, help_text=_("本次抽查各信用等级的比例"))
    seed = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text=_("不填时由系统用 secrets 生成")
    )
    drawn = DrawnEntitySerializer(many=True, read_only=True)

    class Meta:
        model = InspectionDraw
        fields = [
            "id",
            "item",
            "region",
            "risk_level",
            "ratio",
            "level_ratios",
            "seed",
            "inspectors_per_entity",
            "drawn_on",
            "candidate_entity_ids",
            "blacklisted_entity_ids",
            "drawn",
        ]
        read_only_fields = [
            "id",
            "drawn_on",
            "level_ratios",
            "candidate_entity_ids",
            "blacklisted_entity_ids",
            "drawn",
        ]

    def create(self, validated_data):
        return services.draw_create(actor=self.context["request"].user, **validated_data)
