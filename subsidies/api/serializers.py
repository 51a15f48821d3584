from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from linfen_admin.api.serializers import RefuseReadOnlyFieldsMixin, RegionNameField

from ..models import (
    Application,
    ApplicationTransition,
    Call,
    Category,
    Document,
    ExpertAssignment,
    IndicatorType,
)
from ..rules import award as award_rules
from ..workflow import ACTIONS

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
    # Set by the workflow (完工评价); "" until then. Declared so that the schema's enum admits the blank: a
    # read-only model field loses ``allow_blank`` in DRF, and drf-spectacular would then document the choices only.
    indicator_type = serializers.ChoiceField(choices=IndicatorType.choices, allow_blank=True, read_only=True)

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
            "county_document_no",
            "inspection_opinion",
            "committee_opinion",
            "planned_wan",
            "disbursed_wan",
            "indicator_type",
            "project_completed_on",
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
            "county_document_no",
            "inspection_opinion",
            "committee_opinion",
            "planned_wan",
            "disbursed_wan",
            "indicator_type",
            "project_completed_on",
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
    experts = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=_("评审专家用户编号")
    )
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
