"""Import services for the bureau's spreadsheets: task quotas (附件 2 layout) and parcel lists.

All-or-nothing: every bad row is reported (row number, column, reason in Chinese) and nothing is written
unless the whole sheet is clean. Importing the same sheet twice changes nothing the second time. Writes go
in bulk, with one bulk audit insert (``audit.record_many``).
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit, bulk
from linfen_admin.fieldchecks import FieldChecks
from linfen_admin.models import Region
from linfen_admin.scoping import regions_for

from . import services, sheets, totals
from .models import Campaign, DisposalRecord, Parcel, TaskQuota, parcel_rule_errors
from .sheets import SheetError, SheetInvalid

QUOTA_COLUMNS = {
    "region": ("县(市、区)", "县(市,区)", "县市区", "区域", "单位名称"),
    "unsupplied_mu": ("批而未供土地消化任务", "批而未供"),
    "idle_mu": ("闲置土地处置任务", "闲置土地"),
}
QUOTA_REQUIRED = ("region", "unsupplied_mu", "idle_mu")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated}


def _regions_by_name() -> dict[str, Region]:
    return {Region.normalise_name(r.name): r for r in Region.objects.all()}


def _read_table(upload, spec, required, *, kind: str) -> sheets.Table:
    fmt = sheets.check_upload(upload)
    return sheets.locate_table(sheets.read_rows(upload, fmt, limit=sheets.max_rows(kind)), spec, required)


def quota_import(*, actor, campaign: Campaign, upload, dry_run: bool) -> ImportResult:
    """Import 附件 2 (批而未供土地消化任务 / 闲置土地处置任务 per region) into ``campaign``."""
    services.require_import_permission(actor, TaskQuota)
    parsed = parse_quotas(actor=actor, table=_read_table(upload, QUOTA_COLUMNS, QUOTA_REQUIRED, kind="quota"))
    return _write_quotas(actor=actor, campaign=campaign, parsed=parsed, dry_run=dry_run)


def parse_quotas(*, actor, table: sheets.Table) -> list[tuple[int, Region, Decimal, Decimal]]:
    """Validate every row of a quota table; raise ``SheetInvalid`` listing all errors."""
    columns = table.columns
    regions = _regions_by_name()
    writable = {r.pk for r in regions_for(actor)}
    errors: list[SheetError] = []
    parsed: dict[int, tuple[int, Region, Decimal, Decimal]] = {}
    total_row = None
    for number, raw in table.rows:
        name = Region.normalise_name(raw["region"])
        values, row_ok = {}, True
        for key in ("unsupplied_mu", "idle_mu"):
            try:
                values[key] = sheets.parse_area(raw[key])
            except ValueError as exc:
                errors.append(SheetError(number, columns[key], str(exc)))
                row_ok = False
        if name in sheets.TOTAL_NAMES:
            total_row = (number, values if row_ok else None)
            break  # anything below the total is notes
        if not name:
            errors.append(SheetError(number, columns["region"], _("县(市、区)名称为空")))
            continue
        region = regions.get(name)
        if region is None:
            errors.append(SheetError(number, columns["region"], _("未知的县(市、区):“%(n)s”") % {"n": name}))
            continue
        if region.pk in parsed:
            errors.append(
                SheetError(
                    number,
                    columns["region"],
                    _("县(市、区)“%(n)s”重复出现(第 %(r)s 行已有)") % {"n": name, "r": parsed[region.pk][0]},
                )
            )
            continue
        if region.pk not in writable:
            errors.append(SheetError(number, columns["region"], _("无权导入“%(n)s”的任务") % {"n": name}))
            continue
        if row_ok:
            parsed[region.pk] = (number, region, values["unsupplied_mu"], values["idle_mu"])
    if total_row is not None and total_row[1] is not None and not errors:
        number, totals = total_row
        for index, key in ((2, "unsupplied_mu"), (3, "idle_mu")):
            computed = sum((row[index] for row in parsed.values()), Decimal("0"))
            if computed != totals[key]:
                errors.append(
                    SheetError(
                        number,
                        columns[key],
                        _("总计 %(t)s 与上方各行之和 %(s)s 不符") % {"t": totals[key], "s": computed},
                    )
                )
    if not parsed and not errors:
        errors.append(SheetError(None, None, _("表格中没有任务数据。")))
    if errors:
        raise SheetInvalid(errors)
    return list(parsed.values())


@transaction.atomic
def _write_quotas(*, actor, campaign, parsed, dry_run: bool) -> ImportResult:
    existing = {q.region_id: q for q in TaskQuota.objects.select_for_update().filter(campaign=campaign)}
    to_create, to_update, changes = [], [], []
    for _number, region, unsupplied, idle in parsed:
        quota = existing.get(region.pk)
        if quota is None:
            to_create.append(
                TaskQuota(campaign=campaign, region=region, unsupplied_mu=unsupplied, idle_mu=idle)
            )
        elif quota.unsupplied_mu != unsupplied or quota.idle_mu != idle:
            before = audit.snapshot(quota)
            quota.unsupplied_mu, quota.idle_mu = unsupplied, idle
            to_update.append((quota, before))
    result = ImportResult(rows=len(parsed), created=len(to_create), updated=len(to_update))
    if dry_run:
        return result
    TaskQuota.objects.bulk_create(to_create)
    TaskQuota.objects.bulk_update([q for q, _b in to_update], ["unsupplied_mu", "idle_mu"])
    changes = [(q, None, audit.snapshot(q)) for q in to_create]
    changes += [(q, before, audit.snapshot(q)) for q, before in to_update]
    audit.record_many(
        actor=actor,
        action=audit.Action.IMPORT,
        changes=changes,
        comment=_("导入 %(y)s 年度任务分解表") % {"y": campaign.year},
    )
    return result


# --- parcel lists ---------------------------------------------------------------------------------------

PARCEL_COLUMNS = {
    "region": ("县(市、区)", "县(市,区)", "区域"),
    "kind": ("类型", "土地类型"),
    "code": ("宗地编号", "电子监管号", "地块编号"),
    "name": ("项目名称", "地块名称", "项目(地块)名称"),
    "location": ("位置", "项目位置"),
    "coordinates": ("坐标", "位置坐标"),
    "area_mu": ("面积",),
    "land_use_status": ("土地利用现状",),
    "approval_no": ("批准文号",),
    "approved_on": ("批准时间",),
    "expropriation_status": ("征收状态", "土地征收情况"),
    "unsupplied_reason": ("未供原因",),
    "disposal_path": ("处置路径",),
    "supply_method": ("供应方式", "供地方式"),
    "supplied_on": ("供应时间",),
    "land_price_wan": ("价款", "成交价格"),
    "land_use": ("用途", "土地用途"),
    "agreed_start_on": ("约定开工时间",),
    "actual_start_on": ("实际开工时间",),
    "cause": ("未开工原因", "闲置原因"),
    "idle_disposal": ("处置方式",),
    "supervised": ("挂牌督办",),
    "note": ("备注",),
}
PARCEL_REQUIRED = ("region", "kind", "code", "name", "area_mu")
TEXT_FIELDS = (
    "code",
    "name",
    "location",
    "coordinates",
    "land_use_status",
    "approval_no",
    "unsupplied_reason",
    "land_use",
    "note",
)
DATE_FIELDS = ("approved_on", "supplied_on", "agreed_start_on", "actual_start_on")
CHOICE_FIELDS = {
    "kind": Parcel.Kind.choices,
    "expropriation_status": Parcel.ExpropriationStatus.choices,
    "disposal_path": Parcel.DisposalPath.choices,
    "supply_method": Parcel.SupplyMethod.choices,
    "cause": Parcel.Cause.choices,
    "idle_disposal": Parcel.IdleDisposal.choices,
}
# Fields an import may change on an existing parcel (the code identifies it; kind is always compared).
IMPORTED_FIELDS = tuple(
    dict.fromkeys(
        f
        for f in (
            "kind",
            *TEXT_FIELDS,
            "area_mu",
            *DATE_FIELDS,
            *CHOICE_FIELDS,
            "land_price_wan",
        )
        if f != "code"
    )
)


def _parse_parcel_row(raw: dict, lookups: dict) -> tuple[dict, list[tuple[str, str]]]:
    values, problems = {}, []
    for key in TEXT_FIELDS:
        if key in raw:
            values[key] = str(raw[key]).strip()
    for key, choices in CHOICE_FIELDS.items():
        if key in raw:
            try:
                values[key] = sheets.parse_choice(raw[key], choices, lookup=lookups[key])
            except ValueError as exc:
                problems.append((key, str(exc)))
    for key in DATE_FIELDS:
        if key in raw:
            try:
                values[key] = sheets.parse_date(raw[key])
            except ValueError as exc:
                problems.append((key, str(exc)))
    try:
        values["area_mu"] = sheets.parse_area(raw["area_mu"], blank_is_zero=False)
        if values["area_mu"] is None or values["area_mu"] <= 0:
            problems.append(("area_mu", _("面积必须大于 0")))
    except ValueError as exc:
        problems.append(("area_mu", str(exc)))
    if "land_price_wan" in raw:
        try:
            values["land_price_wan"] = sheets.parse_area(
                raw["land_price_wan"], places=2, max_digits=14, blank_is_zero=False
            )
        except ValueError as exc:
            problems.append(("land_price_wan", str(exc)))
    if "supervised" in raw:
        try:
            values["supervised"] = sheets.parse_bool(raw["supervised"])
        except ValueError as exc:
            problems.append(("supervised", str(exc)))
    for key in ("code", "name"):
        if not values.get(key):
            problems.append((key, _("不能为空")))
    return values, problems


class _Row(dict):
    """An imported row read as a parcel would be (its values over the fields' defaults, as attributes): what the
    rules between fields (``parcel_rule_errors``) and the 清理范围 check read, without a model instance per row."""

    __slots__ = ()
    __getattr__ = dict.__getitem__


DEFAULTS = {
    field.name: field.get_default() for field in Parcel._meta.concrete_fields if not field.is_relation
}
EXISTING_BATCH = 5_000


def parcel_import(*, actor, upload, dry_run: bool, report=None) -> ImportResult:
    """Import a parcel list; a parcel is identified by (县(市、区), 宗地编号): new ones are created, changed
    ones updated (their ``version`` moves on), unchanged ones left alone. Since a sheet both adds and changes
    parcels, the actor needs both permissions. ``report(done, total)``, when given, follows the rows through
    validation and then writing (a background job's progress bar)."""
    services.require_import_permission(actor, Parcel)
    table = _read_table(upload, PARCEL_COLUMNS, PARCEL_REQUIRED, kind="parcel")
    parsed = parse_parcels(actor=actor, table=table, report=report)
    return _write_parcels(actor=actor, parsed=parsed, columns=table.columns, dry_run=dry_run, report=report)


def parse_parcels(*, actor, table: sheets.Table, report=None) -> dict[tuple[int, str], tuple[int, dict]]:
    """Validate every row of a parcel list — the sheet's own checks, then the model's: its fields' definitions
    (``FieldChecks``), the rules between fields (``parcel_rule_errors``) and the 清理范围 — and return
    {(region, code): (row number, values)}; raise ``SheetInvalid`` listing all errors."""
    columns = table.columns
    regions = _regions_by_name()
    writable = {r.pk for r in regions_for(actor)}
    errors: list[SheetError] = []
    parsed: dict[tuple[int, str], tuple[int, dict]] = {}
    outside_scope: dict[tuple[int, str], dict] = {}
    field_names = {f.name for f in Parcel._meta.fields}
    checks = FieldChecks(Parcel, [key for key in PARCEL_COLUMNS if key in columns and key in field_names])
    lookups = {key: sheets.choice_lookup(choices) for key, choices in CHOICE_FIELDS.items()}
    scope = services.scope_campaign()
    total = 2 * len(table.rows)  # validation, then writing
    for index, (number, raw) in enumerate(table.rows):
        if report is not None and index % 1000 == 0:
            report(index, total)
        name = Region.normalise_name(raw["region"])
        if name in sheets.TOTAL_NAMES:
            break
        region = regions.get(name)
        if region is None:
            errors.append(SheetError(number, columns["region"], _("未知的县(市、区):“%(n)s”") % {"n": name}))
            continue
        if region.pk not in writable:
            errors.append(SheetError(number, columns["region"], _("无权导入“%(n)s”的宗地") % {"n": name}))
            continue
        values, problems = _parse_parcel_row(raw, lookups)
        errors.extend(SheetError(number, columns.get(key, key), message) for key, message in problems)
        if problems:
            continue
        key = (region.pk, values["code"])
        if key in parsed:
            errors.append(
                SheetError(
                    number,
                    columns["code"],
                    _("宗地编号“%(c)s”重复出现(第 %(r)s 行已有)")
                    % {"c": values["code"], "r": parsed[key][0]},
                )
            )
            continue
        values = {k: v for k, v in values.items() if k in field_names}
        invalid = checks.errors(values)
        row = _Row(DEFAULTS, **values)
        for field, message in parcel_rule_errors(row).items():
            invalid.setdefault(field, []).append(message)
        if invalid:
            for field, messages in invalid.items():
                errors.extend(SheetError(number, columns.get(field, field), message) for message in messages)
            continue
        values["region"], values["region_order"] = region, region.order
        parsed[key] = (number, values)
        outside = services.scope_errors(row, scope)
        if outside:
            outside_scope[key] = outside
    if outside_scope:
        # 二、清理范围, as for every channel, unless the city land bureau recorded an exception on the parcel
        excepted = set(
            Parcel.objects.filter(
                scope_exception=True,
                region_id__in={region_id for region_id, _code in outside_scope},
                code__in={code for _region_id, code in outside_scope},
            ).values_list("region_id", "code")
        )
        for key, outside in outside_scope.items():
            if key in excepted:
                continue
            number, _values = parsed.pop(key)
            for field, message in outside.items():
                errors.append(SheetError(number, columns.get(field, field), message))
        errors.sort(key=lambda error: error.row or 0)
    if not parsed and not errors:
        errors.append(SheetError(None, None, _("表格中没有宗地数据。")))
    if errors:
        raise SheetInvalid(errors)
    return parsed


@transaction.atomic
def _write_parcels(*, actor, parsed, columns, dry_run: bool, report=None) -> ImportResult:
    region_ids = {region_id for region_id, _code in parsed}
    codes = sorted({code for _region_id, code in parsed})
    existing = {}
    # in bounded statements: SQLite allows 32,766 parameters, a sheet may name 100,000 parcels
    for start in range(0, len(codes), EXISTING_BATCH):
        for parcel in Parcel.objects.select_for_update().filter(
            region_id__in=region_ids, code__in=codes[start : start + EXISTING_BATCH]
        ):
            existing[(parcel.region_id, parcel.code)] = parcel
    disposed = dict(
        DisposalRecord.objects.filter(parcel__in=[p.pk for p in existing.values()])
        .values_list("parcel")
        .annotate(total=Sum("area_mu"))
    )
    present = [f for f in IMPORTED_FIELDS if f in columns or f == "kind"]
    to_create, to_update, errors = [], [], []
    now = timezone.now()
    # 挂牌督办 follows the supervision listings: a sheet may carry the column (an export read back) but not change it.
    guard_supervised = "supervised" in columns
    for key, (number, candidate) in parsed.items():
        current = existing.get(key)
        if guard_supervised and candidate.get("supervised", False) != (
            current.supervised if current else False
        ):
            errors.append(
                SheetError(
                    number, columns.get("supervised"), _("挂牌督办由“挂牌督办”办理,导入不能设置或取消")
                )
            )
            continue
        if current is None:
            to_create.append(candidate)
            continue
        changed = [f for f in present if getattr(current, f) != candidate.get(f, DEFAULTS[f])]
        if not changed:
            continue
        if "kind" in changed and disposed.get(current.pk):
            errors.append(
                SheetError(
                    number,
                    columns.get("kind", "kind"),
                    _("该宗地已有处置记录,不能更改类型或所属县(市、区);请先撤销处置记录。"),
                )
            )
            continue
        if candidate["area_mu"] < disposed.get(current.pk, 0):
            errors.append(
                SheetError(
                    number,
                    columns["area_mu"],
                    _("面积不能小于已处置面积 %(d)s 亩") % {"d": disposed[current.pk]},
                )
            )
            continue
        before = audit.snapshot(current)
        for field in changed:
            setattr(current, field, candidate.get(field, DEFAULTS[field]))
        current.version += 1
        current.updated_at = now
        to_update.append((current, before))
    if errors:
        raise SheetInvalid(errors)
    result = ImportResult(rows=len(parsed), created=len(to_create), updated=len(to_update))
    if dry_run:
        return result
    done, total = len(parsed), 2 * len(parsed)
    comment = _("导入宗地清单")
    for start in range(0, len(to_create), CREATE_BATCH):
        _create_parcels(actor, to_create[start : start + CREATE_BATCH], now, comment)
        if report is not None:
            report(done + start, total)
    totals.count_parcels(Counter(values["region"].pk for values in to_create))
    if to_update:
        Parcel.objects.bulk_update(
            [p for p, _b in to_update], [*present, "version", "updated_at"], batch_size=1000
        )
        changes = [(p, before, audit.snapshot(p)) for p, before in to_update]
        audit.record_many(actor=actor, action=audit.Action.IMPORT, changes=changes, comment=comment)
    return result


CREATE_BATCH = 5_000
NEW_PARCEL_FIELDS = [field for field in Parcel._meta.concrete_fields if not field.primary_key]
NEW_PARCEL_NAMES = [field.name for field in NEW_PARCEL_FIELDS]
NEW_PARCEL_ATTNAMES = [field.attname for field in NEW_PARCEL_FIELDS]


def _create_parcels(actor, candidates: list[dict], now, comment: str) -> None:
    """Insert new parcels from their validated values and audit them, without a model instance per row: one array
    statement for the parcels (their keys returned in order), one for their audit rows — what ``bulk_create`` and
    ``record_many`` would write (the audit row's snapshot is the parcel's fields as stored)."""
    rows = []
    for values in candidates:
        row = {**DEFAULTS, **values, "created_at": now, "updated_at": now}
        row["region"] = values["region"].pk
        rows.append([row[name] for name in NEW_PARCEL_NAMES])
    keys = [pk for (pk,) in bulk.insert_many(Parcel, NEW_PARCEL_NAMES, rows, returning=["id"])]
    audited = []
    for pk, row in zip(keys, rows, strict=True):
        after = {
            "id": pk,
            **{
                attname: audit.snapshot_value(value)
                for attname, value in zip(NEW_PARCEL_ATTNAMES, row, strict=True)
            },
        }
        audited.append((pk, Parcel.label(after["code"], after["name"]), after["region_id"], after))
    audit.record_new_rows(
        actor=actor, action=audit.Action.IMPORT, model=Parcel, rows=audited, comment=comment
    )
