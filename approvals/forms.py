from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region
from linfen_admin.validators import validate_credit_code

from .models import Case, DrawnEntity, HandoverChecklist, Item, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"})


class CaseForm(forms.Form):
    item = forms.ModelChoiceField(label=_("审批事项"), queryset=Item.objects.all())
    region = forms.ModelChoiceField(
        label=_("区域"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("县级事项填写办理地;市级事项为“市本级”或留空"),
    )
    applicant_name = forms.CharField(label=_("申请人"), max_length=200)
    applicant_credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    accepted_on = forms.DateField(label=_("受理日期"), widget=DATE)
    promised_days = forms.IntegerField(label=_("承诺时限(工作日)"), required=False, min_value=1, max_value=20)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), choices=[(Case.Status.APPROVED, _("准予许可")), (Case.Status.DENIED, _("不予许可"))]
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(forms.Form):
    item = forms.ModelChoiceField(label=_("审批事项"), queryset=Item.objects.all())
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.all(), required=False)
    risk_level = forms.ModelChoiceField(
        label=_("风险/信用等级"), queryset=RiskLevel.objects.all(), required=False
    )
    ratio = forms.DecimalField(
        label=_("抽查比例"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text=_("如 0.10 表示 10%;不填时取风险等级对应比例"),
    )
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=64,
        help_text=_("留空由系统随机生成;公开后任何人可据此复核"),
    )
    inspectors_per_entity = forms.IntegerField(label=_("每户检查人员数"), min_value=1, max_value=5, initial=2)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("检查结果"), choices=[c for c in DrawnEntity.Result.choices if c[0] != "pending"]
    )
    checked_on = forms.DateField(label=_("检查日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), required=False)


class HandoverForm(forms.ModelForm):
    class Meta:
        model = HandoverChecklist
        fields = ["received_on", "staff_trained_on", "note"]
        widgets = {"received_on": DATE, "staff_trained_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}
