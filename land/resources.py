"""django-import-export resources for the admin's exports (xlsx/csv) of the rows the user may see.

Imports are not done here: the 表格导入 page and the API run ``land.imports`` (one validation, one write path).
"""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from linfen_admin.exports import inert
from linfen_admin.scoping import visible_to

from . import imports
from .models import Parcel, TaskQuota


class NameWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.name)


class DecimalTextWidget(widgets.Widget):
    """Decimals as their exact text (never through float)."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceLabelWidget(widgets.Widget):
    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class YesNoWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


class ScopedExportResource(resources.ModelResource):
    """Exports only what ``scoping.visible_to`` lets the signed-in user read."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        queryset = super().get_queryset()
        return visible_to(self.user, queryset) if self.user is not None else queryset.none()

    def export_field(self, field, instance, **kwargs):
        return inert(super().export_field(field, instance, **kwargs))  # no formula survives into a sheet

    def filter_export(self, queryset, **kwargs):
        return visible_to(self.user, queryset) if self.user is not None else queryset.none()


class TaskQuotaResource(ScopedExportResource):
    year = fields.Field(attribute="campaign__year", column_name="年度")
    region = fields.Field(attribute="region", column_name="县(市、区)", widget=NameWidget())
    unsupplied_mu = fields.Field(
        attribute="unsupplied_mu", column_name="批而未供土地消化任务", widget=DecimalTextWidget()
    )
    idle_mu = fields.Field(attribute="idle_mu", column_name="闲置土地处置任务", widget=DecimalTextWidget())

    class Meta:
        model = TaskQuota
        fields = ("year", "region", "unsupplied_mu", "idle_mu")


# The columns of the import page's parcel list, so that an export can be corrected and imported there.
PARCEL_EXPORT_COLUMNS = {
    "region": "县(市、区)",
    "kind": "类型",
    "code": "宗地编号",
    "name": "项目名称",
    "location": "位置",
    "coordinates": "坐标",
    "area_mu": "面积(亩)",
    "land_use_status": "土地利用现状",
    "approval_no": "批准文号",
    "approved_on": "批准时间",
    "expropriation_status": "征收状态",
    "unsupplied_reason": "未供原因",
    "disposal_path": "处置路径",
    "supply_method": "供应方式",
    "supplied_on": "供应时间",
    "land_price_wan": "价款(万元)",
    "land_use": "用途",
    "agreed_start_on": "约定开工时间",
    "actual_start_on": "实际开工时间",
    "cause": "未开工原因",
    "idle_disposal": "处置方式",
    "supervised": "挂牌督办",
    "status": "处置状态",
    "note": "备注",
}


def _parcel_field(name):
    column = PARCEL_EXPORT_COLUMNS[name]
    if name == "region":
        return fields.Field(attribute="region", column_name=column, widget=NameWidget())
    if name in imports.CHOICE_FIELDS or name == "status":
        choices = Parcel.Status.choices if name == "status" else imports.CHOICE_FIELDS[name]
        return fields.Field(attribute=name, column_name=column, widget=ChoiceLabelWidget(choices))
    if name in ("area_mu", "land_price_wan"):
        return fields.Field(attribute=name, column_name=column, widget=DecimalTextWidget())
    if name in imports.DATE_FIELDS:
        return fields.Field(attribute=name, column_name=column, widget=widgets.DateWidget("%Y-%m-%d"))
    if name == "supervised":
        return fields.Field(attribute=name, column_name=column, widget=YesNoWidget())
    return fields.Field(attribute=name, column_name=column, widget=widgets.CharWidget(allow_blank=True))


class ParcelResource(ScopedExportResource):
    locals().update({name: _parcel_field(name) for name in PARCEL_EXPORT_COLUMNS})

    class Meta:
        model = Parcel
        fields = tuple(PARCEL_EXPORT_COLUMNS)
