from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.scoping import regions_for

from .models import Campaign, DisposalRecord, Parcel
from .services import PARCEL_FIELDS, may_supervise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParcelForm(forms.ModelForm):
    """Add or edit a parcel. ``version`` travels with the form: a stale save is refused, never merged.

    The status is not offered (it follows the disposals), nor 挂牌督办 to anyone but the city land bureau; the
    service refuses both whatever the form shows."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Parcel
        fields = list(PARCEL_FIELDS)
        widgets = {
            name: DATE for name in ("approved_on", "supplied_on", "agreed_start_on", "actual_start_on")
        } | {
            "coordinates": forms.Textarea(attrs={"rows": 2}),
            "unsupplied_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        if not may_supervise(user):
            del self.fields["supervised"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        pass  # the service validates (full_clean) inside its transaction

    def _post_clean(self):
        # Model validation happens in the service (with the row locked); keep the form to field parsing.
        pass

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PARCEL_FIELDS if name in self.cleaned_data}


class DisposalForm(forms.ModelForm):
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
        self.fields["method"].choices = [("", "---------"), *choices]

    def _post_clean(self):
        pass  # the service validates against the locked parcel


class ImportForm(forms.Form):
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

    def clean(self):
        data = super().clean()
        if data.get("kind") == "quota" and not data.get("campaign"):
            self.add_error("campaign", _("导入任务分解表时请选择年度。"))
        return data


class ProgressForm(forms.Form):
    year = forms.ModelChoiceField(
        label=_("年度"),
        queryset=Campaign.objects.all(),
        to_field_name="year",
        required=False,
        empty_label=None,
    )
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DATE)
