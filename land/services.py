"""Every write of the land app: keyword-only arguments, one transaction, the actor's permission and scope checked
here (not only in the page or API that calls), ``full_clean`` and an audit row.

Field rules live here too, the same for every channel (page, API, admin, import):
- ``status`` follows the parcel's disposals (待处置 none, 处置中 part, 已完成 all) and is never set by hand;
- ``supervised`` (挂牌督办) follows the parcel's open supervision listing (``land.oversight.supervision``), which only
  holders of ``land.supervise_parcel`` (the city land bureau) open or lift; no form, sheet or API field sets it;
- ``version`` and the timestamps are the service's own.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.exceptions import FieldNotAllowed
from linfen_admin.scoping import require_region
from linfen_admin.writes import delete_audited, lock_editable, require_perm, save_audited

from . import rules, totals
from .models import (
    Campaign,
    DisposalRecord,
    Interview,
    Milestone,
    Parcel,
    Phase,
    QuarterNotice,
    ReportDeadline,
    TaskQuota,
)
from .rules import ZERO, parcel_status, quantize_area

# Fields of the ledger a clerk sets on a parcel.
PARCEL_FIELDS = (
    "region",
    "kind",
    "code",
    "name",
    "location",
    "coordinates",
    "lon",
    "lat",
    "area_mu",
    "land_use_status",
    "approval_no",
    "approved_on",
    "approved_by",
    "expropriation_status",
    "unsupplied_reason",
    "disposal_path",
    "supply_method",
    "supplied_on",
    "land_price_wan",
    "land_use",
    "agreed_start_on",
    "actual_start_on",
    "cause",
    "idle_disposal",
    "reclaimed_on",
    "note",
    "scope_exception",
    "scope_exception_reason",
)
# The fields that belong to one land kind only (the ledger of each kind; the model's constraints hold the choices):
# the form shows them for that kind, the import template says so.
FIELDS_OF_KIND = {
    "unsupplied": (
        "expropriation_status",
        "unsupplied_reason",
        "disposal_path",
    ),
    "idle": (
        "supply_method",
        "supplied_on",
        "land_price_wan",
        "land_use",
        "agreed_start_on",
        "actual_start_on",
        "cause",
        "idle_disposal",
        "reclaimed_on",
    ),
}
# Fields nobody sets by hand, with the reason every channel gives.
DERIVED_FIELDS = {
    "status": _(
        "处置状态由处置记录自动确定(无处置为待处置,部分处置为处置中,全部处置为已完成),不能直接修改。"
    ),
    "supervised": _("挂牌督办由市规划和自然资源局通过“挂牌督办”办理(挂牌、解除),不能直接修改。"),
    "version": _("版本号由系统维护,不能直接修改。"),
    "created_at": _("创建时间由系统记录,不能修改。"),
    "updated_at": _("更新时间由系统记录,不能修改。"),
}
SUPERVISE_PERMISSION = "land.supervise_parcel"
# Fields only the city land bureau sets (holders of ``land.supervise_parcel``): 挂牌督办 and 清理范围例外.
CITY_BUREAU_FIELDS = ("scope_exception", "scope_exception_reason")


class StaleVersion(Exception):
    """The parcel changed since the caller read it (optimistic locking)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            _("该宗地已被他人修改(当前版本 %(v)s),请刷新后重新编辑,您的修改未保存。") % {"v": current_version}
        )


def disposed_total(parcel_id: int) -> Decimal:
    """Area disposed of so far (all records, whatever their date)."""
    total = DisposalRecord.objects.filter(parcel_id=parcel_id).aggregate(total=Sum("area_mu"))["total"]
    return total or ZERO


def may_supervise(user) -> bool:
    """Only the city land bureau lists a parcel for 挂牌督办 or lifts it (六(四))."""
    return user.has_perm(SUPERVISE_PERMISSION)


def scope_campaign() -> Campaign | None:
    """The campaign whose 清理范围 a parcel is checked against: this year's, else the latest before, else the
    earliest planned (as the dashboard's default)."""
    campaigns = Campaign.objects.all()
    return campaigns.filter(year__lte=timezone.localdate().year).first() or campaigns.last()


def scope_errors(parcel: Parcel, campaign: Campaign | None) -> dict:
    """二、清理范围: the field and message refusing a parcel outside the campaign's years (empty when inside, when
    the ledger does not give the year, or when there is no campaign)."""
    if campaign is None:
        return {}
    year = rules.scope_year(
        kind=parcel.kind, approved_on=parcel.approved_on, agreed_start_on=parcel.agreed_start_on
    )
    if parcel.kind == Parcel.Kind.UNSUPPLIED:
        first, last, name = campaign.unsupplied_from_year, campaign.unsupplied_to_year, "approved_on"
    else:
        first, last, name = campaign.idle_from_year, campaign.idle_to_year, "agreed_start_on"
    if rules.in_scope(year=year, first=first, last=last):
        return {}  # the usual answer, before any message is translated (an import asks for every row)
    if name == "approved_on":
        message = _("批准时间为 %(y)s 年,不在%(c)s的批而未供清理范围(%(range)s批准)内。")
    else:
        message = _("按约定开工时间,该宗地 %(y)s 年形成闲置,不在%(c)s的闲置土地清理范围(%(range)s形成)内。")
    years = _("%(a)s 年至 %(b)s 年") % {"a": first, "b": last} if last else _("%(a)s 年以来") % {"a": first}
    hint = _("确需纳入的,由市规划和自然资源局记录清理范围例外并填写理由。")
    return {name: f"{message % {'y': year, 'c': campaign.title, 'range': years}}{hint}"}


def _check_scope(actor, *, parcel: Parcel, before: Parcel | None) -> None:
    """Only the city land bureau records or lifts a 清理范围 exception; one on a parcel with disposal records stays
    (they were counted because of it); without one, a parcel outside the campaign's years is refused."""
    was = bool(before and before.scope_exception)
    if (
        bool(parcel.scope_exception) != was
        or (before is not None and parcel.scope_exception_reason != before.scope_exception_reason)
        or (before is None and parcel.scope_exception_reason)
    ):
        if not may_supervise(actor):
            raise FieldNotAllowed("scope_exception", _("只有市规划和自然资源局可以记录或取消清理范围例外。"))
    if was and not parcel.scope_exception and DisposalRecord.objects.filter(parcel_id=parcel.pk).exists():
        raise ValidationError(
            {
                "scope_exception": _(
                    "该宗地已有按例外计入进度的处置记录,不能取消清理范围例外;请先撤销处置记录。"
                )
            }
        )
    if not parcel.scope_exception:
        errors = scope_errors(parcel, scope_campaign())
        if errors:
            raise ValidationError(errors)


def _check_fields(data: dict) -> None:
    derived = {name: message for name, message in DERIVED_FIELDS.items() if name in data}
    if derived:
        raise ValidationError(derived)
    unknown = set(data) - set(PARCEL_FIELDS)
    if unknown:
        raise ValueError(f"unknown parcel fields: {sorted(unknown)}")


@transaction.atomic
def parcel_create(*, actor, data: dict) -> Parcel:
    """Add a parcel (待处置) to the ledger of a region the actor may write into."""
    require_perm(actor, Parcel, "add")
    _check_fields(data)
    parcel = Parcel(**data)
    require_region(actor, parcel.region)
    parcel.status = Parcel.Status.PENDING
    parcel.region_order = parcel.region.order
    parcel.full_clean()
    _check_scope(actor, parcel=parcel, before=None)
    parcel.save()
    totals.count_parcels({parcel.region_id: 1})
    audit.record_created(actor=actor, obj=parcel)
    return parcel


@transaction.atomic
def parcel_update(*, actor, parcel: Parcel, version: int, data: dict) -> Parcel:
    """Change a parcel if nobody else did since ``version`` was read; otherwise raise ``StaleVersion``.

    The row is locked (``select_for_update``) so the version check and the write are one step. The area may not
    fall below what has been disposed of.
    """
    _check_fields(data)
    locked = lock_editable(actor, parcel)
    if int(version) != locked.version:
        raise StaleVersion(locked.version)
    before = audit.snapshot(locked)
    moved = {f for f in ("region", "kind") if f in data and data[f] != getattr(locked, f)}
    if moved and DisposalRecord.objects.filter(parcel_id=locked.pk).exists():
        # The records were counted for this region and kind (and their methods are the kind's): withdraw first.
        message = _("该宗地已有处置记录,不能更改类型或所属县(市、区);请先撤销处置记录。")
        raise ValidationError(dict.fromkeys(sorted(moved), message))
    previous = Parcel(
        scope_exception=locked.scope_exception, scope_exception_reason=locked.scope_exception_reason
    )
    counted_in = locked.region_id
    for field, value in data.items():
        setattr(locked, field, value)
    require_region(actor, locked.region)
    locked.region_order = locked.region.order
    if "area_mu" in data and locked.area_mu is not None:
        disposed = disposed_total(locked.pk)
        if locked.area_mu < disposed:
            raise ValidationError({"area_mu": _("面积不能小于已处置面积 %(d)s 亩。") % {"d": disposed}})
    locked.full_clean()
    _check_scope(actor, parcel=locked, before=previous)
    locked.version += 1
    after = audit.snapshot(locked)
    if audit.diff(before, after).keys() <= {"version", "updated_at"}:
        return parcel  # nothing changed: no new version, no audit row
    locked.save()
    if locked.region_id != counted_in:
        totals.count_parcels({counted_in: -1, locked.region_id: 1})
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked)
    )
    return locked


@transaction.atomic
def parcel_delete(*, actor, parcel: Parcel) -> None:
    """Remove a parcel entered by mistake. One with disposal records is corrected, never removed: withdraw the
    records first, so the figures they fed are undone with a reason."""
    if DisposalRecord.objects.filter(parcel_id=parcel.pk).exists():
        raise ValidationError(_("该宗地已有处置记录,不能删除;请先撤销处置记录。"))
    deleted = delete_audited(actor=actor, obj=parcel)
    totals.count_parcels({deleted.region_id: -1})


def _follow_disposals(*, actor, locked: Parcel, comment: str) -> None:
    """The parcel's disposed total and status follow what its records add up to; a new version and an audit
    row."""
    before = audit.snapshot(locked)
    records = DisposalRecord.objects.filter(parcel_id=locked.pk).aggregate(
        total=Sum("area_mu"), last=Max("disposed_on")
    )
    locked.disposed_total_mu, locked.last_disposed_on = records["total"] or ZERO, records["last"]
    locked.status = parcel_status(disposed=locked.disposed_total_mu, area=locked.area_mu)
    locked.version += 1
    locked.save(update_fields=["disposed_total_mu", "last_disposed_on", "status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=comment,
    )


@transaction.atomic
def disposal_record(
    *,
    actor,
    parcel: Parcel,
    disposed_on: datetime.date,
    area_mu: Decimal,
    method: str,
    document: str = "",
    note: str = "",
) -> DisposalRecord:
    """Record a (partial) disposal. The parcel row is locked and its disposals re-summed, so two concurrent
    requests can never together exceed the parcel's area. The parcel's status follows: 处置中, then 已完成."""
    require_perm(actor, DisposalRecord, "add", _("无权登记处置记录。"))
    locked = lock_editable(actor, parcel)
    errors = {}
    if disposed_on and disposed_on > timezone.localdate():
        errors["disposed_on"] = _("处置日期不能晚于今天。")
    valid_methods = (
        Parcel.DisposalPath.values if locked.kind == Parcel.Kind.UNSUPPLIED else Parcel.IdleDisposal.values
    )
    if method and method not in valid_methods:
        errors["method"] = _("该处置方式不适用于%(kind)s。") % {"kind": locked.get_kind_display()}
    area = quantize_area(area_mu) if area_mu is not None else None
    if area is not None and area > 0:
        remaining = locked.area_mu - disposed_total(locked.pk)
        if area > remaining:
            errors["area_mu"] = _("处置面积 %(a)s 亩超过该宗地剩余未处置面积 %(r)s 亩。") % {
                "a": area,
                "r": remaining,
            }
    if not locked.scope_exception:
        outside = scope_errors(locked, scope_campaign())
        if outside:
            errors["__all__"] = next(iter(outside.values()))
    if errors:
        raise ValidationError(errors)
    record = DisposalRecord(
        parcel=locked,
        disposed_on=disposed_on,
        area_mu=area,
        method=method,
        document=document,
        note=note,
        created_by=actor,
    )
    record.full_clean()
    record.save()
    totals.add_to_day(region_id=locked.region_id, kind=locked.kind, day=record.disposed_on, area=area)
    audit.record_created(actor=actor, obj=record)
    _follow_disposals(actor=actor, locked=locked, comment=_("登记处置记录 %(a)s 亩") % {"a": area})
    return record


@transaction.atomic
def disposal_revoke(*, actor, disposal: DisposalRecord, reason: str) -> Parcel:
    """Withdraw a disposal entered by mistake (wrong area, wrong parcel). The record leaves the ledger and every
    sum; its audit row keeps all of its fields, who withdrew it and why, so nothing is lost. The parcel row is
    locked as for recording, and its status follows what is left."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    require_perm(actor, DisposalRecord, "delete", _("无权撤销处置记录。"))
    locked = lock_editable(actor, disposal.parcel)
    audit.record_deleted(actor=actor, obj=disposal, before=audit.snapshot(disposal), comment=reason)
    area = disposal.area_mu
    totals.add_to_day(region_id=locked.region_id, kind=locked.kind, day=disposal.disposed_on, area=-area)
    disposal.delete()

    _follow_disposals(
        actor=actor,
        locked=locked,
        comment=_("撤销处置记录 %(a)s 亩:%(reason)s") % {"a": area, "reason": reason},
    )
    return locked


@transaction.atomic
def disposal_correct(*, actor, disposal: DisposalRecord, document: str, note: str) -> DisposalRecord:
    """Correct the document number or the note of a disposal. Its parcel, date, area and method feed the
    progress figures: a wrong one is withdrawn (``disposal_revoke``) and recorded again."""
    locked = lock_editable(actor, disposal)
    lock_editable(actor, locked.parcel)  # the parcel's region decides, like for recording
    before = audit.snapshot(locked)
    locked.document, locked.note = document, note
    locked.full_clean()
    if audit.diff(before, audit.snapshot(locked)):
        locked.save(update_fields=["document", "note"])
        audit.record(
            actor=actor, action=audit.Action.UPDATE, obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


# --- reference data of the campaign ---------------------------------------------------------------------------


def campaign_save(*, actor, campaign: Campaign) -> Campaign:
    """Create or change a campaign (title, 文号, suspension and bonus parameters): the city land bureau."""
    return save_audited(actor=actor, obj=campaign)


def _next_year(day: datetime.date) -> datetime.date:
    return rules.anniversary(day, 1)


@transaction.atomic
def campaign_copy_next_year(*, actor, campaign: Campaign) -> Campaign:
    """The next year's campaign from ``campaign``: its phases, milestones and report deadlines moved by a year (29
    February → 28 February), the suspension and bonus parameters, the 清理范围 years and the 增存挂钩 coefficient
    copied; the title and 文号 are the year's to fill in. Quotas are not copied: the new 附件 2 is imported."""
    require_perm(actor, Campaign, "add", _("无权创建专项行动。"))
    year = campaign.year + 1
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(y)s 年度专项行动已存在。") % {"y": year}})
    title = campaign.title.replace(str(campaign.year), str(year))
    if title == campaign.title:
        title = _("%(y)s 年度%(t)s") % {"y": year, "t": campaign.title}
    copy = Campaign(
        year=year,
        title=title,
        document_no="",
        suspend_after_misses=campaign.suspend_after_misses,
        bonus_percent=campaign.bonus_percent,
        linkage_coefficient=campaign.linkage_coefficient,
        unsupplied_from_year=campaign.unsupplied_from_year,
        unsupplied_to_year=campaign.unsupplied_to_year,
        idle_from_year=campaign.idle_from_year,
        idle_to_year=campaign.idle_to_year,
    )
    comment = _("由 %(y)s 年度专项行动复制") % {"y": campaign.year}
    save_audited(actor=actor, obj=copy, comment=comment)
    for phase in campaign.phases.all():
        part = Phase(
            campaign=copy,
            name=phase.name,
            starts_on=_next_year(phase.starts_on),
            ends_on=_next_year(phase.ends_on),
        )
        save_audited(actor=actor, obj=part, comment=comment)
    for milestone in campaign.milestones.all():
        part = Milestone(campaign=copy, due_on=_next_year(milestone.due_on), percent=milestone.percent)
        save_audited(actor=actor, obj=part, comment=comment)
    for deadline in campaign.report_deadlines.all():
        part = ReportDeadline(
            campaign=copy, title=deadline.title, level=deadline.level, due_on=_next_year(deadline.due_on)
        )
        save_audited(actor=actor, obj=part, comment=comment)
    return copy


def campaign_part_save(
    *, actor, part: Phase | Milestone | ReportDeadline
) -> Phase | Milestone | ReportDeadline:
    """Create or change a phase, milestone or report deadline of a campaign. Milestones are data: the 2022 lines
    are 50/80/100 %, another year may differ."""
    if not isinstance(part, Phase | Milestone | ReportDeadline):
        raise TypeError(type(part))
    return save_audited(actor=actor, obj=part)


def campaign_part_delete(*, actor, part: Phase | Milestone | ReportDeadline) -> None:
    if not isinstance(part, Phase | Milestone | ReportDeadline):
        raise TypeError(type(part))
    delete_audited(actor=actor, obj=part)


def quota_save(*, actor, quota: TaskQuota) -> TaskQuota:
    """Set one region's task quota by hand (the 附件 2 sheet goes through ``imports.quota_import``)."""
    quota.unsupplied_mu = quantize_area(quota.unsupplied_mu if quota.unsupplied_mu is not None else ZERO)
    quota.idle_mu = quantize_area(quota.idle_mu if quota.idle_mu is not None else ZERO)
    return save_audited(actor=actor, obj=quota)


def quota_delete(*, actor, quota: TaskQuota) -> None:
    delete_audited(actor=actor, obj=quota)


def require_import_permission(actor, model: type[Parcel] | type[TaskQuota]) -> None:
    """A sheet both adds and changes rows, so importing needs both permissions."""
    message = (
        _("无权导入宗地清单(需要新增和修改宗地的权限)。")
        if model is Parcel
        else _("无权导入任务分解表(需要新增和修改任务分解的权限)。")
    )
    require_perm(actor, model, "add", message)
    require_perm(actor, model, "change", message)


# --- 约谈 and 通报批评 (六(四)) --------------------------------------------------------------------------------


def _proposal(*, campaign: Campaign, region, as_of: datetime.date):
    """The product's proposal for ``region`` on ``as_of``, or a refusal: only a proposed region is decided."""
    from . import selectors

    progress = selectors.progress_for_campaign(campaign, as_of)
    proposal = next(
        (p for p in selectors.interview_proposals(progress) if p.region.pk == region.pk),
        None,
    )
    if proposal is None:
        raise ValidationError(
            {"region": _("%(r)s 不在截至 %(d)s 的约谈提议名单中(或已处理)。") % {"r": region, "d": as_of}}
        )
    return proposal


@transaction.atomic
def interview_confirm(
    *,
    actor,
    campaign: Campaign,
    region,
    as_of: datetime.date,
    held_on: datetime.date | None,
    leader: str,
    reason: str,
    follow_up: str = "",
    criticised: bool = False,
) -> list[Interview]:
    """The city land bureau confirms a proposed 约谈 (date, leader interviewed, reason, follow-up) and, when
    ``criticised``, the 通报批评 that goes with it (六(四) "约谈……主要领导并通报批评"): one record each."""
    require_perm(actor, Interview, "add", _("只有市规划和自然资源局可以确认约谈。"))
    proposal = _proposal(campaign=campaign, region=region, as_of=as_of)
    kinds = [Interview.Kind.INTERVIEW, *([Interview.Kind.CRITICISM] if criticised else [])]
    records = []
    for kind in kinds:
        record = Interview(
            campaign=campaign,
            region=region,
            kind=kind,
            as_of=as_of,
            basis=proposal.basis_text,
            status=Interview.Status.CONFIRMED,
            held_on=held_on,
            leader=(leader or "").strip(),
            reason=(reason or "").strip(),
            follow_up=(follow_up or "").strip(),
            decided_by=actor,
        )
        records.append(save_audited(actor=actor, obj=record))
    return records


@transaction.atomic
def interview_dismiss(*, actor, campaign: Campaign, region, as_of: datetime.date, reason: str) -> Interview:
    """The city land bureau decides not to interview a proposed region, with a reason (kept, audited)."""
    require_perm(actor, Interview, "add", _("只有市规划和自然资源局可以处理约谈提议。"))
    proposal = _proposal(campaign=campaign, region=region, as_of=as_of)
    record = Interview(
        campaign=campaign,
        region=region,
        kind=Interview.Kind.INTERVIEW,
        as_of=as_of,
        basis=proposal.basis_text,
        status=Interview.Status.DISMISSED,
        dismiss_reason=(reason or "").strip(),
        decided_by=actor,
    )
    return save_audited(actor=actor, obj=record)


def interview_follow_up(*, actor, interview: Interview, follow_up: str) -> Interview:
    """Record how the county followed up a confirmed 约谈 or 通报批评 (the city land bureau)."""
    if interview.status != Interview.Status.CONFIRMED:
        raise ValidationError({"follow_up": _("不予约谈的提议没有整改落实情况。")})
    interview.follow_up = (follow_up or "").strip()
    return save_audited(actor=actor, obj=interview)


# --- 季通报 (六(四)) ----------------------------------------------------------------------------------------


@transaction.atomic
def notice_draft(*, actor, campaign: Campaign, as_of: datetime.date) -> QuarterNotice:
    """The product drafts the quarter's notice (title, body with the city's figures, the milestones met and missed,
    the suspended counties, the proposed 约谈) for the city land bureau to edit and publish."""
    from . import notice, selectors

    require_perm(actor, QuarterNotice, "add", _("只有市规划和自然资源局可以起草季通报。"))
    if as_of is None or not rules.is_quarter_end(as_of):
        raise ValidationError(
            {"as_of": _("季通报的截至日期应为季度末(3 月 31 日、6 月 30 日、9 月 30 日或 12 月 31 日)。")}
        )
    if as_of.year != campaign.year:
        raise ValidationError({"as_of": _("截至日期应在 %(y)s 年内。") % {"y": campaign.year}})
    if QuarterNotice.objects.filter(campaign=campaign, as_of=as_of).exists():
        raise ValidationError({"as_of": _("截至 %(d)s 的季通报已存在。") % {"d": as_of}})
    progress = selectors.progress_for_campaign(campaign, as_of)
    draft = QuarterNotice(
        campaign=campaign,
        as_of=as_of,
        title=notice.draft_title(progress),
        body=notice.draft_body(progress, selectors.interview_proposals(progress)),
        created_by=actor,
    )
    return save_audited(actor=actor, obj=draft)


def _draft_only(notice: QuarterNotice) -> QuarterNotice:
    locked = QuarterNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != QuarterNotice.Status.DRAFT:
        raise ValidationError(_("已发布的季通报不能修改。"))
    return locked


@transaction.atomic
def notice_edit(*, actor, notice: QuarterNotice, title: str, document_no: str, body: str) -> QuarterNotice:
    """The city land bureau edits the draft (title, 文号, text); a published notice never changes."""
    require_perm(actor, QuarterNotice, "change", _("只有市规划和自然资源局可以修改季通报。"))
    locked = _draft_only(notice)
    locked.title, locked.document_no, locked.body = (
        (title or "").strip(),
        (document_no or "").strip(),
        body or "",
    )
    return save_audited(actor=actor, obj=locked)


@transaction.atomic
def notice_publish(*, actor, notice: QuarterNotice) -> QuarterNotice:
    """Publish the draft: the .docx (as edited, with the ranking table) and the xlsx annex are written and kept;
    from now on the notice is read-only and every county reads it."""
    from django.core.files.base import ContentFile

    from . import notice as notice_files
    from . import selectors

    require_perm(actor, QuarterNotice, "change", _("只有市规划和自然资源局可以发布季通报。"))
    locked = _draft_only(notice)
    if not locked.document_no:
        raise ValidationError({"document_no": _("发布前请填写文号。")})
    before = audit.snapshot(locked)
    progress = selectors.progress_for_campaign(locked.campaign, locked.as_of)
    now = timezone.localtime()
    docx = notice_files.notice_docx(
        title=locked.title,
        document_no=locked.document_no,
        body=locked.body,
        issuer=_("临汾市规划和自然资源局"),
        date_line=now.strftime("%Y 年 %m 月 %d 日"),
        ranking=notice_files.ranking_rows(progress),
    )
    stem = f"notice-{locked.campaign.year}-{locked.as_of.isoformat()}"
    locked.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    locked.annex.save(f"{stem}.xlsx", ContentFile(notice_files.notice_workbook(progress)), save=False)
    locked.status = QuarterNotice.Status.PUBLISHED
    locked.published_by, locked.published_at = actor, now
    locked.full_clean()
    locked.save()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=_("发布季通报"),
    )
    return locked
