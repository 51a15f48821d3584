from django import forms
from django.utils.translation import gettext_lazy as _

from linfen_admin.forms import GuidedFormMixin
from linfen_admin.scoping import regions_for, visible_to

from ..models import LandApplication, Parcel, Supervision, SupervisionReport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_LABEL = _("附件(PDF、JPG、PNG、DOCX、XLSX)")


class SupervisionForm(GuidedFormMixin, forms.ModelForm):
    """挂牌督办: a parcel (by its number within the region) or, left blank, the region's task."""

    parcel_code = forms.CharField(
        label=_("宗地编号"), required=False, help_text=_("不填即督办该县(市、区)的清理任务")
    )

    class Meta:
        model = Supervision
        fields = ["region", "reason", "responsible_unit", "due_on"]
        widgets = {"due_on": DATE, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = regions_for(user)

    def clean(self):
        cleaned = super().clean()
        code, region = (cleaned.get("parcel_code") or "").strip(), cleaned.get("region")
        cleaned["parcel"] = None
        if code and region is not None:
            parcel = visible_to(self.user, Parcel.objects.all()).filter(region=region, code=code).first()
            if parcel is None:
                self.add_error("parcel_code", _("该县(市、区)没有这个宗地编号。"))
            cleaned["parcel"] = parcel
        return cleaned

    def _post_clean(self):
        pass  # the service validates


class SupervisionReportForm(GuidedFormMixin, forms.ModelForm):
    upload = forms.FileField(label=FILE_LABEL, required=False)

    class Meta:
        model = SupervisionReport
        fields = ["reported_on", "progress"]
        widgets = {"reported_on": DATE, "progress": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class LiftForm(GuidedFormMixin, forms.Form):
    lifted_on = forms.DateField(label=_("解除日期"), required=False, widget=DATE)
    reason = forms.CharField(label=_("解除理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineReportForm(GuidedFormMixin, forms.Form):
    upload = forms.FileField(label=_("文件(PDF、JPG、PNG、DOCX、XLSX)"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LandApplicationForm(GuidedFormMixin, forms.ModelForm):
    class Meta:
        model = LandApplication
        fields = [
            "region",
            "project_name",
            "applicant",
            "area_mu",
            "applied_on",
            "category",
            "exception_reason",
            "note",
        ]
        widgets = {
            "applied_on": DATE,
            "exception_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        self.fields["exception_reason"].show_when = "category=national_key,livelihood"

    def _post_clean(self):
        pass
