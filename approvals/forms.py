from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.forms import GuidedFormMixin
from linfen_admin.models import Department, Region
from linfen_admin.validators import validate_credit_code

from .models import Case, Complaint, DrawnEntity, HandoverChecklist, Item, LicensedEntity, RiskLevel

# An <input type="date"> reads and writes ISO dates only, whatever the language of the page.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}({obj.get_level_display()})"


def _county_items_only(form, field: str = "region") -> None:
    """The region matters only for a county-level item (a city-level one is always 市本级): show it for those."""
    county = [str(pk) for pk in Item.objects.filter(level=Item.Level.COUNTY).values_list("pk", flat=True)]
    form.fields[field].show_when = "item=" + ",".join(county)


class CaseForm(GuidedFormMixin, forms.Form):
    item = ItemChoiceField(label=_("审批事项"), queryset=Item.objects.all())
    region = forms.ModelChoiceField(
        label=_("办理地"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("县级事项填写办理地县(市、区);市级事项一律由市级部门办理,无需填写"),
    )
    applicant_name = forms.CharField(label=_("申请人"), max_length=200)
    applicant_credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    accepted_on = forms.DateField(label=_("受理日期"), widget=DATE)
    promised_days = forms.IntegerField(
        label=_("承诺时限(工作日)"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("不超过法定时限 20 个工作日;留空按法定时限"),
    )
    location = forms.ModelChoiceField(
        label=_("申请人所在地"),
        queryset=Region.objects.exclude(kind=Region.Kind.CITY),
        required=False,
        help_text=_(
            "市级事项:申请人所在县(市、区),其县级监管部门据此收到决定并纳入监管;"
            "留空按统一社会信用代码中的行政区划码"
        ),
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        _county_items_only(self)
        city = [str(pk) for pk in Item.objects.filter(level=Item.Level.CITY).values_list("pk", flat=True)]
        self.fields["location"].show_when = "item=" + ",".join(city)


class DecisionForm(GuidedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[
            ("", "---------"),
            (Case.Status.APPROVED, _("准予许可")),
            (Case.Status.DENIED, _("不予许可")),
        ],
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予许可的,应当说明理由(《行政许可法》第三十八条)"),
    )


class RevocationForm(GuidedFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("撤销/吊销"),
        choices=[("", "---------"), *LicensedEntity.Revocation.choices],
        help_text=_(
            "撤销:许可违法作出或以欺骗等不正当手段取得(《行政许可法》第六十九条);吊销:对违法行为的行政处罚"
        ),
    )
    revoked_on = forms.DateField(label=_("撤销/吊销日期"), widget=DATE)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(GuidedFormMixin, forms.Form):
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(GuidedFormMixin, forms.Form):
    item = ItemChoiceField(label=_("审批事项"), queryset=Item.objects.all())
    region = forms.ModelChoiceField(
        label=_("区域"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("县级事项选择抽查的县(市、区);市级事项为市本级"),
    )
    risk_level = forms.ModelChoiceField(
        label=_("统一最低比例取自等级"),
        queryset=RiskLevel.objects.all(),
        required=False,
        help_text=_("选填:比例低于所选等级的信用等级,按所选等级的比例抽查"),
    )
    ratio = forms.DecimalField(
        label=_("统一最低抽查比例"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text=_(
            "各主体按其信用等级的比例抽查(见风险等级表);选填,如 0.10 表示 10%:比例低于此值的等级按此值抽查"
        ),
    )
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=64,
        help_text=_("留空由系统随机生成;公开后任何人可据此复核"),
    )
    inspectors_per_entity = forms.IntegerField(label=_("每户检查人员数"), min_value=1, max_value=5, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _county_items_only(self)


class ResultForm(GuidedFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("检查结果"),
        choices=[("", "---------")] + [c for c in DrawnEntity.Result.choices if c[0] != "pending"],
    )
    checked_on = forms.DateField(label=_("检查日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        problems = [c for c in DrawnEntity.Result.values if c not in ("pending", "compliant")]
        self.fields["note"].show_when = "result=" + ",".join(problems)
        self.fields["note"].help_text = _("发现的问题、整改要求或立案情况")


class HandoverForm(GuidedFormMixin, forms.ModelForm):
    class Meta:
        model = HandoverChecklist
        fields = ["received_on", "staff_trained_on", "publicized_on", "coordinated_on", "note"]
        widgets = {
            "received_on": DATE,
            "staff_trained_on": DATE,
            "publicized_on": DATE,
            "coordinated_on": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class ComplaintForm(GuidedFormMixin, forms.Form):
    item = ItemChoiceField(label=_("审批事项"), queryset=Item.objects.all())
    region = forms.ModelChoiceField(
        label=_("区域"), queryset=Region.objects.all(), help_text=_("被投诉举报事项发生地")
    )
    department = forms.ModelChoiceField(
        label=_("交办监管部门"),
        queryset=Department.objects.filter(
            kind__in=["market", "health", "agriculture", "transport", "approval_service"]
        ),
        help_text=_(
            "第 17 项:市、县级市场监督管理部门或卫生健康部门;第 18 项:市、县级卫生健康部门;其余事项:承接部门"
        ),
    )
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    source = forms.ChoiceField(label=_("来源"), choices=[("", "---------"), *Complaint.Source.choices])
    content = forms.CharField(label=_("投诉举报内容"), widget=forms.Textarea(attrs={"rows": 3}))
    complainant = forms.CharField(label=_("投诉举报人"), required=False, max_length=64, help_text=_("可匿名"))
    complainant_contact = forms.CharField(
        label=_("联系方式"), required=False, max_length=64, help_text=_("选填")
    )
    limit_days = forms.IntegerField(
        label=_("办理时限(工作日)"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_(
            "留空按 15 个工作日。市场监管部门核查投诉举报线索的期限为 15 个工作日"
            "(《市场监督管理行政处罚程序规定》第十八条);其他部门按其规定填写"
        ),
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions


class ComplaintResultForm(GuidedFormMixin, forms.Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    handled_on = forms.DateField(label=_("办结日期"), widget=DATE)
