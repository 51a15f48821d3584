from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.forms import GuidedFormMixin
from linfen_admin.scoping import regions_for

from .models import Campaign, DisposalRecord, Parcel, QuarterNotice
from .params import as_of_in_range
from .services import FIELDS_OF_KIND, PARCEL_FIELDS, may_supervise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_ONLY_CHOICES = ("cause", "idle_disposal", "disposal_path")  # the model's constraints tie them to a kind
DATE_MESSAGE = _("日期格式应为 YYYY-MM-DD。")

# The parcel form's groups (legend, fields, the land kind they belong to or None for both). Which fields belong
# to one kind follows the ledger of DESIGN.md and the model's constraints: 批而未供 has its approval, expropriation,
# reason not supplied and disposal path; 闲置土地 its supply, price, use, start dates, cause and disposal.
PARCEL_GROUPS = (
    (_("基本信息"), ("region", "kind", "code", "name", "area_mu", "land_use_status"), None),
    (_("批准与征收"), ("approval_no", "approved_on", "approved_by"), None),
    (_("未供原因与处置路径"), ("expropriation_status", "unsupplied_reason", "disposal_path"), "unsupplied"),
    (_("供地与开工"), ("supply_method", "supplied_on", "land_price_wan", "land_use"), "idle"),
    (
        _("闲置原因与处置"),
        ("agreed_start_on", "actual_start_on", "cause", "idle_disposal", "reclaimed_on"),
        "idle",
    ),
    (_("清理范围例外"), ("scope_exception", "scope_exception_reason"), None),
    (_("位置与界址"), ("location", "coordinates", "lon", "lat"), None),
    (_("备注"), ("note",), None),
)


class ParcelForm(GuidedFormMixin, forms.ModelForm):
    """Add or edit a parcel. ``version`` travels with the form: a stale save is refused, never merged.

    The status is not offered (it follows the disposals), nor 挂牌督办 (it follows the supervision listings); the
    service refuses both whatever the form shows."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Parcel
        fields = list(PARCEL_FIELDS)
        widgets = {
            name: DATE
            for name in ("approved_on", "supplied_on", "agreed_start_on", "actual_start_on", "reclaimed_on")
        } | {
            "scope_exception_reason": forms.Textarea(attrs={"rows": 2}),
            "coordinates": forms.Textarea(attrs={"rows": 2}),
            "unsupplied_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        if not may_supervise(user):
            del self.fields["scope_exception"]
            del self.fields["scope_exception_reason"]
        self.fields[
            "approved_by"
        ].required = False  # not posted: the parcel keeps its value (省人民政府 when new)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for kind, names in FIELDS_OF_KIND.items():
            for name in names:
                if name in self.fields:
                    self.fields[name].show_when = f"kind={kind}"

    def groups(self):
        """The fieldsets of the template: (legend, bound fields, kind or None)."""
        return [
            (legend, [self[name] for name in names if name in self.fields], kind)
            for legend, names, kind in PARCEL_GROUPS
        ]

    def validate_unique(self):
        pass  # the service validates (full_clean) inside its transaction

    def _post_clean(self):
        # Model validation happens in the service (with the row locked); keep the form to field parsing.
        pass

    def changed_values(self) -> dict:
        """The values to save. A field of the other land kind is hidden and disabled in the browser, so it is not
        posted: it keeps its value, except the choices only one kind may hold (the other kind's cause or
        disposal), which are cleared so that changing the kind does not trip over a value nobody can see."""
        values = {}
        for name in PARCEL_FIELDS:
            if name not in self.cleaned_data:
                continue
            hidden = getattr(self.fields[name], "show_when", None) and self.add_prefix(name) not in self.data
            if name == "approved_by" and not self.cleaned_data[name]:
                continue
            if not hidden:
                values[name] = self.cleaned_data[name]
            elif name in KIND_ONLY_CHOICES:
                values[name] = ""
        return values


class DisposalForm(GuidedFormMixin, forms.ModelForm):
    class Meta:
        model = DisposalRecord
        fields = ["disposed_on", "area_mu", "method", "document", "note"]
        widgets = {"disposed_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, parcel: Parcel, **kwargs):
        super().__init__(*args, **kwargs)
        choices = (
            Parcel.DisposalPath.choices
            if parcel.kind == Parcel.Kind.UNSUPPLIED
            else Parcel.IdleDisposal.choices
        )
        self.fields["method"].choices = [("", self.empty_choice_label), *choices]

    def _post_clean(self):
        pass  # the service validates against the locked parcel


class ImportForm(GuidedFormMixin, forms.Form):
    KIND_CHOICES = [
        ("quota", _("任务分解表(附件 2)")),
        ("parcel", _("宗地清单")),
        ("boundary", _("界址坐标(坐标交换文件 .txt 或 GeoJSON)")),
    ]

    kind = forms.ChoiceField(label=_("表格类型"), choices=KIND_CHOICES)
    campaign = forms.ModelChoiceField(
        label=_("年度(任务分解表)"), queryset=Campaign.objects.all(), required=False, to_field_name="year"
    )
    file = forms.FileField(label=_("文件(xlsx、csv;界址坐标为 txt 或 geojson)"))
    dry_run = forms.BooleanField(label=_("只校验,不写入"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].show_when = "kind=quota"

    def clean(self):
        data = super().clean()
        if data.get("kind") == "quota" and not data.get("campaign"):
            self.add_error("campaign", _("导入任务分解表时请选择年度。"))
        return data


def as_of_field() -> forms.DateField:
    """``?as_of=``: a bad or far-off date is an error beside the field, not a 404."""
    return forms.DateField(
        label=_("截至日期"),
        required=False,
        widget=DATE,
        error_messages={"invalid": DATE_MESSAGE},
        validators=[as_of_in_range],
    )


class ProgressForm(forms.Form):
    """``?year=&as_of=`` of the dashboard. The years offered are the campaigns given (read once by the view)."""

    year = forms.TypedChoiceField(
        label=_("年度"),
        coerce=int,
        error_messages={"invalid_choice": _("没有该年度的专项行动,已显示当前年度。")},
    )
    as_of = as_of_field()

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(c.year, str(c)) for c in campaigns]


class AsOfForm(forms.Form):
    """``?as_of=`` of the ledger, the map and a parcel: a bad date is an error beside the field, not a 404."""

    as_of = as_of_field()


class InterviewConfirmForm(GuidedFormMixin, forms.Form):
    """Confirm a proposed 约谈 (the region and date of the proposal travel hidden with the form)."""

    region = forms.IntegerField(widget=forms.HiddenInput)
    as_of = forms.DateField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("约谈日期"), widget=DATE, error_messages={"invalid": DATE_MESSAGE})
    leader = forms.CharField(label=_("被约谈领导"), max_length=100)
    reason = forms.CharField(label=_("约谈事由"), widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(
        label=_("整改落实情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    criticised = forms.BooleanField(label=_("同时通报批评"), required=False, initial=True)


class InterviewDismissForm(GuidedFormMixin, forms.Form):
    region = forms.IntegerField(widget=forms.HiddenInput)
    as_of = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("不予约谈理由"), widget=forms.Textarea(attrs={"rows": 2}))


class NoticeEditForm(GuidedFormMixin, forms.ModelForm):
    """The city land bureau's edit of a draft 季通报: the title, the 文号, the text (one paragraph a line)."""

    class Meta:
        model = QuarterNotice
        fields = ["title", "document_no", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def _post_clean(self):
        pass  # the service validates inside its transaction
