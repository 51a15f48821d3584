from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from linfen_admin.api.serializers import RefuseReadOnlyFieldsMixin, RegionNameField

from ..models import (
    AllocationLine,
    AllocationPlan,
    Application,
    ApplicationTransition,
    Call,
    Category,
    CommitteeMember,
    Document,
    ExpertAssignment,
    IndicatorType,
    ReviewCommittee,
)
from ..rules import award as award_rules
from ..workflow import ACTIONS

User = get_user_model()

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class AwardQuoteRequestSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.values)
    support_wan = serializers.DecimalField(required=False, **MONEY)
    investment_wan = serializers.DecimalField(required=False, **MONEY)
    little_giant = serializers.BooleanField(required=False, default=False)
    kind = serializers.CharField(required=False, allow_blank=True)
    scheme = serializers.CharField(required=False, allow_blank=True)
    level = serializers.CharField(required=False, allow_blank=True)
    previous_level = serializers.CharField(required=False, allow_blank=True)
    revenue_wan = serializers.DecimalField(required=False, **MONEY)
    previous_revenue_wan = serializers.DecimalField(required=False, **MONEY)
    credit_code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("统一社会信用代码:据此核对本系统中已奖励的等次(首次、补差)"),
    )
    call = serializers.PrimaryKeyRelatedField(
        queryset=Call.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("申报通知:核对奖励规则的有效期(第十五条)"),
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from ..selectors import calls_visible_to

            fields["call"].queryset = calls_visible_to(request.user)
        return fields

    def validate(self, attrs):
        award_rules.check_params(attrs)  # Django's ValidationError: the API renders it as 400 with each field
        return attrs


class EarlierAwardSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["record", "declared"], help_text=_("record:本系统已奖励的申报;declared:申报所述")
    )
    reference = serializers.CharField(help_text=_("已奖励申报的编号(申报所述时为空)"))
    year = serializers.IntegerField(allow_null=True)
    award_wan = serializers.CharField()
    tier = serializers.CharField()


class AwardQuoteSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    award_wan = serializers.CharField(help_text=_("万元,两位小数"))
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    tier = serializers.CharField()
    base_award_wan = serializers.CharField()
    capped = serializers.BooleanField()
    cap_exception = serializers.BooleanField()
    previous_award_wan = serializers.CharField(allow_null=True)
    earlier_award = EarlierAwardSerializer(allow_null=True, help_text=_("测算所依据的此前奖励"))
    reasons = serializers.ListField(child=serializers.CharField())
    explanation = serializers.ListField(child=serializers.CharField())


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = ["id", "year", "domain", "title", "opens_on", "closes_on", "previous_deadline", "budget_wan"]


class ApplicationSerializer(RefuseReadOnlyFieldsMixin, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    region = RegionNameField()
    domain = serializers.CharField(source="call.domain", read_only=True)
    kind = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text=_("认定称号类别(recognition 类别使用)")
    )
    investment_progress = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("投资进度(%)"),
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # 第十条 commitments, entered when applying (project awards); "" for the other awards.
    indicator_type = serializers.ChoiceField(
        choices=IndicatorType.choices,
        allow_blank=True,
        required=False,
        help_text=_("预期指标类型(项目类奖励申报时填写)"),
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "call",
            "domain",
            "region",
            "enterprise_name",
            "credit_code",
            "project_name",
            "category",
            "support_wan",
            "investment_wan",
            "little_giant",
            "kind",
            "scheme",
            "level",
            "previous_level",
            "previous_revenue_wan",
            "investment_progress",
            "completed_on",
            "revenue_wan",
            "above_scale",
            "prior_city_funding",
            "expected_new_tax_wan",
            "expected_targets",
            "return_undertaking",
            "cap_exception_reason",
            "cap_exception_at",
            "award_wan",
            "award_rule",
            "award_explanation",
            "eligible",
            "eligibility_failures",
            "state",
            "state_label",
            "version",
            "county_accepted_at",
            "check_authenticity",
            "check_completeness",
            "check_compliance",
            "check_consistency",
            "inspected_on",
            "county_document_no",
            "inspection_opinion",
            "committee_opinion",
            "review_average",
            "planned_wan",
            "disbursed_wan",
            "indicator_type",
            "project_completed_on",
            "reevaluation_due_on",
            "targets_met",
            "cumulative_new_tax_wan",
            "recovery_wan",
            "recovered_wan",
            "state_changed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "cap_exception_reason",
            "cap_exception_at",
            "award_wan",
            "award_rule",
            "award_explanation",
            "eligible",
            "eligibility_failures",
            "state",
            "version",
            "county_accepted_at",
            "check_authenticity",
            "check_completeness",
            "check_compliance",
            "check_consistency",
            "inspected_on",
            "county_document_no",
            "inspection_opinion",
            "committee_opinion",
            "review_average",
            "planned_wan",
            "disbursed_wan",
            "project_completed_on",
            "reevaluation_due_on",
            "targets_met",
            "cumulative_new_tax_wan",
            "recovery_wan",
            "recovered_wan",
            "state_changed_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"credit_code": {"validators": []}}  # checked (and explained) by the model validator

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from ..selectors import calls_visible_to

            fields["call"].queryset = calls_visible_to(request.user)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["kind"] = instance.scheme if instance.category == Category.RECOGNITION else None
        return data

    def validate(self, attrs):
        """Only shapes the input: the API's ``kind`` is stored in ``scheme`` for a recognition. Every rule —
        which parameters a category needs, the credit code — is the service's (``application_create``/``update``)."""
        kind = attrs.pop("kind", None)
        category = attrs.get("category") or (self.instance.category if self.instance is not None else None)
        if category == Category.RECOGNITION and kind:
            attrs["scheme"] = kind
        return attrs


class CapExceptionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text=_("突破 1000 万元配套奖励上限的理由;为空时撤销例外(第七条(一)原则上)")
    )


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=_("期望的版本号,不一致时返回 409")
    )
    document_no = serializers.CharField(
        required=False, allow_blank=True, help_text=_("推荐、审定、拨付或收回的文号")
    )
    inspection_opinion = serializers.CharField(required=False, allow_blank=True, help_text=_("现场核查意见"))
    authenticity = serializers.BooleanField(required=False, help_text=_("县级审核:真实性已确认"))
    completeness = serializers.BooleanField(required=False, help_text=_("县级审核:完整性已确认"))
    compliance = serializers.BooleanField(required=False, help_text=_("县级审核:合规性已确认"))
    consistency = serializers.BooleanField(required=False, help_text=_("县级审核:一致性已确认"))
    inspected_on = serializers.DateField(required=False, help_text=_("现场核查日期"))
    committee = serializers.IntegerField(required=False, help_text=_("本申报通知的评审委员会编号"))
    plan = serializers.IntegerField(required=False, help_text=_("资金分配方案编号(市政府审定只能随方案办理)"))
    planned_wan = serializers.DecimalField(required=False, **MONEY)
    indicator_type = serializers.ChoiceField(choices=IndicatorType.values, required=False)
    completed_on = serializers.DateField(required=False)
    evaluation_agency = serializers.CharField(required=False, allow_blank=True, help_text=_("第三方评价机构"))
    targets_met = serializers.BooleanField(required=False, allow_null=True, default=None)
    cumulative_new_tax_wan = serializers.DecimalField(required=False, **MONEY)
    recovered_wan = serializers.DecimalField(required=False, **MONEY)


class TransitionSerializer(serializers.ModelSerializer):
    # Plain strings: the state enum is documented once, on the application's ``state``.
    from_state = serializers.CharField(read_only=True, help_text=_("原状态(同 state 取值)"))
    to_state = serializers.CharField(read_only=True, help_text=_("新状态(同 state 取值)"))
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    from_label = serializers.CharField(source="get_from_state_display", read_only=True)
    to_label = serializers.CharField(source="get_to_state_display", read_only=True)

    class Meta:
        model = ApplicationTransition
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "from_label",
            "to_state",
            "to_label",
            "actor",
            "actor_name",
            "at",
            "comment",
            "data",
        ]


class ScoreRequestSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    opinion = serializers.CharField()


class ExpertAssignmentSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.display_name", read_only=True)

    class Meta:
        model = ExpertAssignment
        fields = ["id", "expert", "expert_name", "round", "score", "opinion", "scored_at"]


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, document) -> str:
        from django.urls import reverse

        return reverse("subsidies:document-download", args=[document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(
        choices=Document.Kind.values, required=False, default=Document.Kind.APPLICATION
    )


# --- Review committees (第八条(三)) and allocation plans (第八条(三)(四)) ------------------------------------


class CommitteeMemberSerializer(serializers.ModelSerializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("在系统中评分的评审专家用户编号"),
    )

    class Meta:
        model = CommitteeMember
        fields = ["id", "name", "unit", "discipline_inspector", "expert"]


class ReviewCommitteeSerializer(serializers.ModelSerializer):
    members = CommitteeMemberSerializer(many=True)
    has_discipline_member = serializers.BooleanField(read_only=True, help_text=_("有驻局纪检组成员"))

    class Meta:
        model = ReviewCommittee
        fields = ["id", "call", "round", "formed_on", "members", "has_discipline_member"]
        validators = []  # the unique round is the model's (``full_clean`` in the service)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from ..selectors import calls_visible_to

            fields["call"].queryset = calls_visible_to(request.user)
        return fields


class AllocationLineSerializer(serializers.ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    enterprise_name = serializers.CharField(source="application.enterprise_name", read_only=True)
    region = serializers.CharField(source="application.region.name", read_only=True)
    application_state = serializers.CharField(source="application.state", read_only=True)

    class Meta:
        model = AllocationLine
        fields = [
            "application",
            "application_reference",
            "enterprise_name",
            "region",
            "application_state",
            "amount_wan",
        ]
        read_only_fields = fields


class AllocationLineInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text=_("申报编号(拟支持)"))
    amount_wan = serializers.DecimalField(**MONEY, help_text=_("分配金额(万元)"))


class AllocationPlanSerializer(serializers.ModelSerializer):
    lines = AllocationLineSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    total_wan = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = AllocationPlan
        fields = [
            "id",
            "call",
            "title",
            "status",
            "status_label",
            "lines",
            "total_wan",
            "submitted_at",
            "document_no",
            "approved_on",
            "finance_copied_on",
            "finance_recipient",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "submitted_at",
            "document_no",
            "approved_on",
            "finance_copied_on",
            "finance_recipient",
            "created_at",
        ]


class AllocationPlanWriteSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    title = serializers.CharField(required=False, max_length=200)
    lines = AllocationLineInputSerializer(many=True, required=False)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from ..selectors import calls_visible_to

            fields["call"].queryset = calls_visible_to(request.user)
        return fields


class PlanRefSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text=_("资金分配方案编号"))


class PlanLinesSerializer(PlanRefSerializer):
    title = serializers.CharField(required=False, max_length=200)
    lines = AllocationLineInputSerializer(many=True, required=False)


class PlanApproveSerializer(PlanRefSerializer):
    document_no = serializers.CharField(allow_blank=True, help_text=_("市政府审定文号"))
    approved_on = serializers.DateField(help_text=_("市政府审定日期"))


class PlanFinanceCopySerializer(PlanRefSerializer):
    copied_on = serializers.DateField(help_text=_("抄送财政局日期"))
    recipient = serializers.CharField(allow_blank=True, help_text=_("财政局接收人"))
