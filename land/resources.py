"""django-import-export resources for the admin: the same sheet layouts as the API import.

``before_import`` finds the header row below any title/unit rows, validates the whole sheet with the
import services' parsers (unknown region, bad number, duplicate, 总计 mismatch … — all rows, all-or-nothing)
and rewrites the dataset into clean canonical columns; ``after_import`` writes the audit rows in bulk.
Regions are resolved by normalised name and limited to the regions the importing user may write.
"""

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from linfen_admin import audit
from linfen_admin.models import Region
from linfen_admin.scoping import regions_for, visible_to

from . import imports, sheets
from .models import Campaign, Parcel, TaskQuota
from .selectors import campaign_for_year


class RegionWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Region, "name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        name = Region.normalise_name(value)
        if not name:
            return None
        region = Region.objects.filter(name=name).first()
        if region is None:
            raise ValueError(_("未知的县(市、区):“%(n)s”") % {"n": name})
        return region


class AreaWidget(widgets.Widget):
    """Numbers through their text (never ``Decimal(float)``): '684. 28', '1,289.35', blank → 0."""

    def __init__(self, places=3, blank_is_zero=True, **kwargs):
        self.places, self.blank_is_zero = places, blank_is_zero
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        return sheets.parse_area(sheets.cell_text(value), places=self.places, blank_is_zero=self.blank_is_zero)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceLabelWidget(widgets.Widget):
    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        return sheets.parse_choice(value, self.choices)

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class AuditedScopedResource(resources.ModelResource):
    """Scoped to the importing user; audit rows in one bulk insert after a real (not dry-run) import."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._changes = []

    def get_queryset(self):
        queryset = super().get_queryset()
        return visible_to(self.user, queryset) if self.user is not None else queryset.none()

    def before_save_instance(self, instance, row, **kwargs):
        previous = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
        instance._audit_before = audit.snapshot(previous) if previous else None

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            self._changes.append((instance, instance._audit_before, audit.snapshot(instance)))

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run") and self._changes:
            audit.record_many(actor=self.user or kwargs.get("user"), action=audit.Action.IMPORT,
                              changes=self._changes, comment=_("系统管理后台导入"))

    def _validate_and_rewrite(self, dataset, spec, required, parse):
        rows = [list(map(sheets.cell_text, dataset.headers or []))]
        rows += [list(map(sheets.cell_text, row)) for row in dataset]
        try:
            table = sheets.locate_table(rows, spec, required)
            return table, parse(actor=self.user, table=table)
        except sheets.SheetInvalid as exc:
            dataset.wipe()  # import-export carries on with the rows after a failed before_import: leave none
            raise ValidationError([_("第 %(r)s 行 %(c)s:%(m)s") % {"r": e.row or "—", "c": e.column or "—",
                                                                    "m": e.message} for e in exc.errors]) from exc


class TaskQuotaResource(AuditedScopedResource):
    year = fields.Field(attribute="campaign", column_name="年度", widget=widgets.ForeignKeyWidget(Campaign, "year"))
    region = fields.Field(attribute="region", column_name="县(市、区)", widget=RegionWidget())
    unsupplied_mu = fields.Field(attribute="unsupplied_mu", column_name="批而未供土地消化任务", widget=AreaWidget())
    idle_mu = fields.Field(attribute="idle_mu", column_name="闲置土地处置任务", widget=AreaWidget())

    class Meta:
        model = TaskQuota
        fields = ("year", "region", "unsupplied_mu", "idle_mu")
        import_id_fields = ("year", "region")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        """附件 2 layout → clean rows; the 年度 column may be absent: then the current campaign's year."""
        spec = {**imports.QUOTA_COLUMNS, "year": ("年度",)}
        table, parsed = self._validate_and_rewrite(dataset, spec, imports.QUOTA_REQUIRED, imports.parse_quotas)
        default = campaign_for_year(kwargs.get("year"))
        years = {number: raw.get("year", "").strip() for number, raw in table.rows}
        clean = tablib.Dataset(headers=["年度", "县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"])
        for number, region, unsupplied, idle in parsed:
            year = years.get(number) or (default.year if default else "")
            clean.append([year, region.name, str(unsupplied), str(idle)])
        dataset.headers = None
        dataset.wipe()
        dataset.headers = clean.headers
        for row in clean:
            dataset.append(row)

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None and not regions_for(self.user).filter(pk=instance.region_id).exists():
            raise ValidationError(_("无权导入“%(n)s”的任务") % {"n": instance.region})
        super().before_save_instance(instance, row, **kwargs)


PARCEL_EXPORT_COLUMNS = {
    "region": "县(市、区)", "kind": "类型", "code": "宗地编号", "name": "项目名称", "location": "位置",
    "coordinates": "坐标", "area_mu": "面积(亩)", "land_use_status": "土地利用现状", "approval_no": "批准文号",
    "approved_on": "批准时间", "expropriation_status": "征收状态", "unsupplied_reason": "未供原因",
    "disposal_path": "处置路径", "supply_method": "供应方式", "supplied_on": "供应时间",
    "land_price_wan": "价款(万元)", "land_use": "用途", "agreed_start_on": "约定开工时间",
    "actual_start_on": "实际开工时间", "cause": "未开工原因", "idle_disposal": "处置方式", "supervised": "挂牌督办",
    "status": "处置状态", "note": "备注",
}


def _parcel_field(name):
    column = PARCEL_EXPORT_COLUMNS[name]
    if name == "region":
        return fields.Field(attribute="region", column_name=column, widget=RegionWidget())
    if name in imports.CHOICE_FIELDS or name == "status":
        choices = Parcel.Status.choices if name == "status" else imports.CHOICE_FIELDS[name]
        return fields.Field(attribute=name, column_name=column, widget=ChoiceLabelWidget(choices))
    if name == "area_mu":
        return fields.Field(attribute=name, column_name=column, widget=AreaWidget(blank_is_zero=False))
    if name == "land_price_wan":
        return fields.Field(attribute=name, column_name=column, widget=AreaWidget(places=2, blank_is_zero=False))
    if name in imports.DATE_FIELDS:
        return fields.Field(attribute=name, column_name=column, widget=widgets.DateWidget("%Y-%m-%d"))
    if name == "supervised":
        return fields.Field(attribute=name, column_name=column, widget=widgets.BooleanWidget())
    return fields.Field(attribute=name, column_name=column, widget=widgets.CharWidget(allow_blank=True))


class ParcelResource(AuditedScopedResource):
    locals().update({name: _parcel_field(name) for name in PARCEL_EXPORT_COLUMNS})

    class Meta:
        model = Parcel
        fields = tuple(PARCEL_EXPORT_COLUMNS)
        import_id_fields = ("region", "code")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        table, parsed = self._validate_and_rewrite(dataset, imports.PARCEL_COLUMNS, imports.PARCEL_REQUIRED,
                                                   imports.parse_parcels)
        present = [name for name in PARCEL_EXPORT_COLUMNS if name in table.columns or name == "region"]
        headers = [PARCEL_EXPORT_COLUMNS[name] for name in present]
        rows = []
        for _number, candidate in parsed.values():
            values = []
            for name in present:
                value = getattr(candidate, name)
                if name == "region":
                    value = candidate.region.name
                elif name in imports.DATE_FIELDS:
                    value = value.isoformat() if value else ""
                elif name == "supervised":
                    value = "1" if value else "0"
                values.append("" if value is None else str(value))
            rows.append(values)
        dataset.headers = None
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None and not regions_for(self.user).filter(pk=instance.region_id).exists():
            raise ValidationError(_("无权导入“%(n)s”的宗地") % {"n": instance.region})
        super().before_save_instance(instance, row, **kwargs)
        if instance._audit_before is not None:
            instance.version = instance._audit_before["version"] + 1
