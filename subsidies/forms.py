from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.scoping import regions_for

from .models import Application, Document, IndicatorType
from .rules import award as award_rules
from .selectors import calls_visible_to
from .services.applications import EDITABLE_FIELDS


def _choices(values):
    return [("", "—")] + [(value, value) for value in values]


class AwardQuoteForm(forms.Form):
    category = forms.ChoiceField(label=_("奖励类别"), choices=Application._meta.get_field("category").choices)
    support_wan = forms.DecimalField(
        label=_("上年度国、省资金支持额(万元)"), required=False, min_value=0, decimal_places=2
    )
    investment_wan = forms.DecimalField(
        label=_("固定资产实际投资(万元)"), required=False, min_value=0, decimal_places=2
    )
    little_giant = forms.BooleanField(label=_("专精特新“小巨人”企业"), required=False)
    kind = forms.ChoiceField(
        label=_("认定称号类别"), required=False, choices=_choices(award_rules.RECOGNITION_KINDS)
    )
    scheme = forms.ChoiceField(
        label=_("认证或收入类别"),
        required=False,
        choices=_choices(award_rules.CERTIFICATION_SCHEMES + award_rules.REVENUE_SCHEMES),
    )
    level = forms.CharField(label=_("等次"), required=False, max_length=16)
    previous_level = forms.CharField(label=_("已奖励等次"), required=False, max_length=16)
    revenue_wan = forms.DecimalField(
        label=_("上年度主营业务收入(万元)"), required=False, min_value=0, decimal_places=2
    )
    previous_revenue_wan = forms.DecimalField(
        label=_("已奖励时的主营业务收入(万元)"), required=False, min_value=0, decimal_places=2
    )

    def params(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = list(EDITABLE_FIELDS)  # what the county may enter: the services' own list
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"scheme": _("认定称号类别(tech_center 等)、认证类别(cmmi 等)或收入类别(software 等)")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls_visible_to(user)
        self.fields["region"].queryset = regions_for(user)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label=_("文号"), required=False)
    inspection_opinion = forms.CharField(
        label=_("现场核查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("评审专家"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    planned_wan = forms.DecimalField(label=_("拟支持金额(万元)"), required=False, decimal_places=2)
    indicator_type = forms.ChoiceField(
        label=_("预期指标类型"), required=False, choices=[("", "—"), *IndicatorType.choices]
    )
    completed_on = forms.DateField(
        label=_("完工日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evaluation_agency = forms.CharField(label=_("第三方评价机构"), required=False)
    targets_met = forms.NullBooleanField(label=_("达到预期指标"), required=False)
    cumulative_new_tax_wan = forms.DecimalField(
        label=_("累计新增税收(万元)"), required=False, decimal_places=2
    )
    recovered_wan = forms.DecimalField(label=_("收回金额(万元)"), required=False, decimal_places=2)

    def __init__(self, *args, **kwargs):
        from linfen_admin.roles import Role
        from linfen_admin.selectors import users_with_role

        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = users_with_role(Role.EXPERT)

    def data_for_service(self) -> dict:
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("action", "version", "comment") and value not in (None, "")
        }
        if "experts" in data:
            data["experts"] = [user.pk for user in data["experts"]]
        return data


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("评分(0–100)"), min_value=0, max_value=100, decimal_places=2)
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("文件(PDF、JPG、PNG、DOCX、XLSX)"))
    kind = forms.ChoiceField(label=_("材料类别"), choices=Document.Kind.choices)
