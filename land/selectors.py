"""Reads of the land app: the scoped ledger with disposed area, parcel flags, and campaign progress."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region
from linfen_admin.scoping import visible_to

from . import rules
from .models import (
    Campaign,
    DisposalDay,
    DisposalRecord,
    Interview,
    Parcel,
    ParcelCount,
    QuarterNotice,
    TaskQuota,
)

ZERO = Decimal("0")
# How the rank of the dashboard and the notice is computed (``progress_for_campaign``, ``rules.rank``).
RANKING_BASIS = _(
    "排名依据:综合完成率 =(批而未供已消化面积 + 闲置土地已处置面积)÷(两类任务面积之和),"
    "计截至日期(不晚于 12 月 31 日)当年的处置记录;由高到低排名,完成率相同的名次并列,"
    "没有任务的县(市、区)不参加排名。"
)


def bonus_basis(campaign: Campaign) -> str:
    """How the over-completion bonus of the dashboard and the notice is computed, with the campaign's figures."""
    return _(
        "超额奖励计划指标(亩)= 超额完成面积(两类已处置面积之和减两类任务之和)× 增存挂钩核算系数 %(k)s × "
        "%(p)s%%,年度结束(12 月 31 日)后核算;未超额的为 0。"
    ) % {
        "k": rules.percent_label(campaign.linkage_coefficient),
        "p": rules.percent_label(campaign.bonus_percent),
    }


KINDS = (Parcel.Kind.UNSUPPLIED, Parcel.Kind.IDLE)
AREA_FIELD = DecimalField(max_digits=12, decimal_places=3)


def with_disposed(queryset: QuerySet, as_of: datetime.date | None = None) -> QuerySet:
    """Annotate ``disposed_mu``: the parcel's disposals dated on or before ``as_of`` (all when ``None``).

    No record is dated after today, so for today or later (the ledger's usual view) it is the total the disposal
    services keep on the parcel — a column, indexed for sorting; only a past date sums the records."""
    if as_of is None or as_of >= timezone.localdate():
        return queryset.annotate(disposed_mu=F("disposed_total_mu"))
    records = DisposalRecord.objects.filter(parcel=OuterRef("pk"), disposed_on__lte=as_of)
    total = records.values("parcel").annotate(total=Sum("area_mu")).values("total")
    return queryset.annotate(
        disposed_mu=Coalesce(Subquery(total, output_field=AREA_FIELD), Value(ZERO), output_field=AREA_FIELD)
    )


def parcels_visible_to(user, *, as_of: datetime.date | None = None) -> QuerySet:
    return with_disposed(visible_to(user, Parcel.objects.select_related("region")), as_of)


def parcel_count(user) -> int | None:
    """How many parcels ``parcels_visible_to(user)`` holds, read from the kept per-region counts under the same
    scoping (both models are scoped by their region alone); None where the counts may not be read — the list then
    counts its rows."""
    if not (user.has_perm("land.view_parcel") and user.has_perm("land.view_parcelcount")):
        return None
    return visible_to(user, ParcelCount.objects.all()).aggregate(n=Sum("parcels"))["n"] or 0


@dataclass(frozen=True)
class ParcelFlags:
    idle_fee_due: bool
    idle_fee_wan: Decimal | None
    reclaim_due: bool
    withdrawal_eligible: bool


def parcel_flags(parcel: Parcel, as_of: datetime.date, disposed_mu: Decimal | None = None) -> ParcelFlags:
    """The computed flags of one parcel on ``as_of`` (see ``rules`` for the day semantics)."""
    disposed = disposed_mu if disposed_mu is not None else getattr(parcel, "disposed_mu", ZERO)
    idle_args = {
        "kind": parcel.kind,
        "cause": parcel.cause,
        "agreed_start_on": parcel.agreed_start_on,
        "actual_start_on": parcel.actual_start_on,
        "as_of": as_of,
    }
    fee_due = rules.idle_fee_due(**idle_args)
    return ParcelFlags(
        idle_fee_due=fee_due,
        idle_fee_wan=rules.idle_fee_amount(parcel.land_price_wan) if fee_due else None,
        reclaim_due=rules.reclaim_due(**idle_args),
        withdrawal_eligible=rules.withdrawal_eligible(
            kind=parcel.kind,
            approved_on=parcel.approved_on,
            approved_by=parcel.approved_by,
            reclaimed_on=parcel.reclaimed_on,
            fully_disposed=disposed >= parcel.area_mu,
            as_of=as_of,
        ),
    )


# --- progress -----------------------------------------------------------------------------------------


@dataclass
class KindProgress:
    task_mu: Decimal
    done_mu: Decimal

    @property
    def percent(self) -> Decimal | None:
        return rules.percent_done(self.done_mu, self.task_mu)

    @property
    def percent_exact(self) -> Decimal | None:
        """The percent unrounded, for display through ``pct`` (truncated: 79.998 never reads 80.00)."""
        return rules.percent_exact(self.done_mu, self.task_mu)

    @property
    def bar_width(self) -> str:
        """CSS width of the progress bar: the percent, capped at 100 (text with a dot, whatever the locale)."""
        percent = self.percent
        return "0" if percent is None else str(min(percent, Decimal("100")))


@dataclass
class MilestoneResult:
    due_on: datetime.date
    percent: Decimal
    met: bool | None


@dataclass
class RegionProgress:
    region: Region
    unsupplied: KindProgress
    idle: KindProgress
    milestones: list[MilestoneResult]
    consecutive_misses: int
    suspended: bool
    bonus_mu: Decimal | None
    rank: int | None = None
    next_milestone: MilestoneResult | None = None

    @property
    def kinds(self) -> tuple[KindProgress, KindProgress]:
        return self.unsupplied, self.idle

    @property
    def overall_percent(self) -> Decimal | None:
        return rules.percent_done(
            self.unsupplied.done_mu + self.idle.done_mu, self.unsupplied.task_mu + self.idle.task_mu
        )

    @property
    def overall_percent_exact(self) -> Decimal | None:
        return rules.percent_exact(
            self.unsupplied.done_mu + self.idle.done_mu, self.unsupplied.task_mu + self.idle.task_mu
        )


@dataclass
class Progress:
    """``regions`` and ``totals``: the rows the user may see and their sums. ``city_totals``: the sums over all
    regions (a county clerk reads the city's totals beside their own row); ``ranked``: how many regions have a
    rank (the "/ 19" of "9 / 19")."""

    campaign: Campaign
    as_of: datetime.date
    regions: list[RegionProgress]
    totals: dict = field(default_factory=dict)
    city_totals: dict = field(default_factory=dict)
    ranked: int = 0


def out_of_scope_q(campaign: Campaign) -> Q:
    """Parcels outside the campaign's 清理范围 without an exception, in SQL (``rules.scope_year``/``in_scope``:
    the approval year of 批而未供 land; for idle land the year it formed, the day after the first anniversary of
    the agreed start, so it formed before year F ⇔ agreed start < F−2-12-31 and after year L ⇔ ≥ L−1-12-31)."""
    unsupplied = Q(approved_on__lt=datetime.date(campaign.unsupplied_from_year, 1, 1))
    if campaign.unsupplied_to_year:
        unsupplied |= Q(approved_on__gt=datetime.date(campaign.unsupplied_to_year, 12, 31))
    idle = Q(agreed_start_on__lt=datetime.date(campaign.idle_from_year - 2, 12, 31))
    if campaign.idle_to_year:
        idle |= Q(agreed_start_on__gte=datetime.date(campaign.idle_to_year - 1, 12, 31))
    return Q(scope_exception=False) & (
        (Q(kind=Parcel.Kind.UNSUPPLIED) & unsupplied) | (Q(kind=Parcel.Kind.IDLE) & idle)
    )


def campaign_for_year(year: int | None) -> Campaign | None:
    campaigns = Campaign.objects.prefetch_related("milestones")
    if year:
        return campaigns.filter(year=year).first()
    return campaigns.filter(year__lte=timezone.localdate().year).first() or campaigns.first()


def campaigns_with_milestones() -> list[Campaign]:
    """Every campaign (one a year, newest first) with its milestones: two queries."""
    return list(Campaign.objects.prefetch_related("milestones"))


def current_campaign(campaigns: list[Campaign]) -> Campaign | None:
    """This year's campaign, else the latest before it, else the earliest planned (as ``campaign_for_year``)."""
    this_year = timezone.localdate().year
    return next((c for c in campaigns if c.year <= this_year), campaigns[-1] if campaigns else None)


def progress_for_campaign(campaign: Campaign, as_of: datetime.date, *, user=None) -> Progress:
    """Per-region progress of ``campaign`` as seen on ``as_of``: four queries whatever the number of regions.

    Disposals count from 1 January of the campaign year up to ``as_of`` (at most 31 December); a milestone
    counts those dated on or before its due date. Ranks are over all regions, by combined percent done;
    ``user`` (when given) narrows the rows to the regions that user may see.
    """
    milestones = list(campaign.milestones.all())
    year_start = datetime.date(campaign.year, 1, 1)
    year_end = datetime.date(campaign.year, 12, 31)
    done_until = min(as_of, year_end)
    # Read from the running totals (``land.totals``): per region, kind and cut-off date, the running total of the
    # latest day on or before it — one index probe each, not a sum over every day or record.
    bounds = _bounds(done_until, milestones)
    latest = max(bounds.values())
    by_region: dict[int, dict[str, dict]] = {}
    # a milestone not yet due is not judged (``rules.milestone_met``): its sum is not read; one probe per date
    needed = {key: day for key, day in bounds.items() if key == "done" or day <= as_of}
    dates = {f"d{index}": day for index, day in enumerate(sorted(set(needed.values())))}
    column = {day: name for name, day in dates.items()}
    for row in Region.objects.order_by().values("pk", **_running_totals(campaign.year, dates)):
        for kind in KINDS:
            by_region.setdefault(row["pk"], {})[kind] = {
                key: row[f"{kind}_{column[day]}"] for key, day in needed.items()
            }
    # 二、清理范围: disposals of parcels outside the campaign's years (recorded before its window was set, or under
    # an earlier campaign's) never count; the parcels are refused at entry, so this is usually no rows.
    # The parcels are found from two small partial indexes first: only they have records to read.
    outside_parcels = list(
        Parcel.objects.filter(out_of_scope_q(campaign), disposed_total_mu__gt=0).values_list("pk", flat=True)
    )
    outside = (
        DisposalRecord.objects.filter(
            disposed_on__gte=year_start, disposed_on__lte=latest, parcel_id__in=outside_parcels
        )
        .order_by()
        .values("parcel__region_id", "parcel__kind")
        .annotate(
            **{
                key: Sum("area_mu", filter=Q(disposed_on__lte=day))
                for key, day in _bounds(done_until, milestones).items()
            }
        )
    )
    for row in outside:  # no query at all when ``outside_parcels`` is empty (``__in=[]``)
        sums_row = by_region.get(row["parcel__region_id"], {}).get(row["parcel__kind"])
        if sums_row is not None:
            for key in sums_row:
                sums_row[key] = (sums_row[key] or ZERO) - (row[key] or ZERO)
    quotas = {
        region_id: {Parcel.Kind.UNSUPPLIED: unsupplied, Parcel.Kind.IDLE: idle}
        for region_id, unsupplied, idle in TaskQuota.objects.filter(campaign=campaign).values_list(
            "region_id", "unsupplied_mu", "idle_mu"
        )
    }
    no_quota = {kind: ZERO for kind in KINDS}
    milestone_keys = [f"m{index}" for index in range(len(milestones))]
    nothing = rules.quantize_area(ZERO)

    rows: list[RegionProgress] = []
    for region in Region.objects.all():
        task = {kind: rules.quantize_area(mu) for kind, mu in quotas.get(region.pk, no_quota).items()}
        set_tasks = {k: v for k, v in task.items() if v}
        region_sums = by_region.get(region.pk, {})
        # each kind's sums read once: rounded to the area's places, nothing disposed of as 0
        sums = {
            kind: {
                key: rules.quantize_area(value or ZERO) for key, value in region_sums.get(kind, {}).items()
            }
            for kind in KINDS
        }
        results = []
        for key, milestone in zip(milestone_keys, milestones, strict=True):
            met = rules.milestone_met(
                quotas=set_tasks,
                percent=milestone.percent,
                due_on=milestone.due_on,
                done_by_due={k: sums[k].get(key, nothing) for k in KINDS},
                as_of=as_of,
            )
            results.append(MilestoneResult(milestone.due_on, milestone.percent, met))
        misses = rules.consecutive_misses(r.met for r in results)
        done = {k: sums[k].get("done", nothing) for k in KINDS}
        rows.append(
            RegionProgress(
                region=region,
                unsupplied=KindProgress(task[Parcel.Kind.UNSUPPLIED], done[Parcel.Kind.UNSUPPLIED]),
                idle=KindProgress(task[Parcel.Kind.IDLE], done[Parcel.Kind.IDLE]),
                milestones=results,
                consecutive_misses=misses,
                suspended=rules.suspended(misses, campaign.suspend_after_misses),
                bonus_mu=rules.over_completion_bonus(
                    total_quota=sum(task.values(), ZERO),
                    total_done=sum(done.values(), ZERO),
                    bonus_percent=campaign.bonus_percent,
                    linkage_coefficient=campaign.linkage_coefficient,
                    year_end=year_end,
                    as_of=as_of,
                ),
                next_milestone=next((r for r in results if r.met is None), None),
            )
        )
    for row, position in zip(rows, rules.rank([r.overall_percent for r in rows]), strict=True):
        row.rank = position
    city_totals = _totals(rows, as_of, milestones)
    ranked = sum(1 for r in rows if r.rank is not None)
    seen = rows
    if user is not None:
        visible = set(visible_to(user, Region.objects.all()).values_list("pk", flat=True))
        seen = [r for r in rows if r.region.pk in visible]
    return Progress(
        campaign=campaign,
        as_of=as_of,
        regions=seen,
        totals=city_totals if len(seen) == len(rows) else _totals(seen, as_of, milestones),
        city_totals=city_totals,
        ranked=ranked,
    )


def _running_totals(first_year: int, bounds: dict[str, datetime.date]) -> dict:
    """``{kind}_{key}``: the area of ``kind`` a region disposed of from 1 January of ``first_year`` (the campaign's)
    up to each bound — the running total of the latest day row on or before it, plus, for a bound in a later year,
    that year's up to it (running totals restart each 1 January); nothing for a bound before that year."""
    annotations = {}
    for kind in KINDS:
        for key, bound in bounds.items():
            parts = [
                Subquery(
                    DisposalDay.objects.filter(
                        region=OuterRef("pk"),
                        kind=kind,
                        day__gte=datetime.date(year, 1, 1),
                        day__lte=min(bound, datetime.date(year, 12, 31)),
                    )
                    .order_by("-day")
                    .values("cumulative_mu")[:1]
                )
                for year in range(first_year, bound.year + 1)
            ]
            total = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=3))
            for part in parts:
                total = Coalesce(part, ZERO) if part is parts[0] else total + Coalesce(part, ZERO)
            annotations[f"{kind}_{key}"] = total
    return annotations


def _bounds(done_until: datetime.date, milestones) -> dict[str, datetime.date]:
    """The cut-off date of each sum of ``progress_for_campaign``: ``done`` and one per milestone."""
    return {"done": done_until, **{f"m{index}": m.due_on for index, m in enumerate(milestones)}}


def _totals(rows: list[RegionProgress], as_of, milestones) -> dict:
    def total(values):
        return rules.quantize_area(sum(values, ZERO))

    unsupplied = KindProgress(
        total(r.unsupplied.task_mu for r in rows), total(r.unsupplied.done_mu for r in rows)
    )
    idle = KindProgress(total(r.idle.task_mu for r in rows), total(r.idle.done_mu for r in rows))
    bonuses = [r.bonus_mu for r in rows if r.bonus_mu is not None]
    return {
        "unsupplied": unsupplied,
        "idle": idle,
        "percent": rules.percent_done(unsupplied.done_mu + idle.done_mu, unsupplied.task_mu + idle.task_mu),
        "percent_exact": rules.percent_exact(
            unsupplied.done_mu + idle.done_mu, unsupplied.task_mu + idle.task_mu
        ),
        "regions": len(rows),
        "suspended_regions": [r.region.name for r in rows if r.suspended],
        "bonus_mu": sum(bonuses, ZERO) if bonuses else None,
        "milestones": [
            {
                "due_on": m.due_on,
                "percent": m.percent,
                "missed_regions": [r.region.name for r in rows if r.milestones[i].met is False],
            }
            for i, m in enumerate(milestones)
        ],
    }


# --- a parcel's disposals as a timeline --------------------------------------------------------------------


@dataclass
class TimelineEntry:
    disposed_on: datetime.date
    area_mu: Decimal
    method: str  # the label, in words
    document: str
    note: str
    recorded_by: str
    running_mu: Decimal | None = None  # the total after this record (``None`` for a revoked one)
    running_percent: Decimal | None = None  # of the parcel's area, unrounded (shown through ``pct``)
    record: DisposalRecord | None = None  # the live record (``None`` once revoked)
    revoked_by: str = ""
    revoked_at: datetime.datetime | None = None
    revoke_reason: str = ""

    @property
    def revoked(self) -> bool:
        return self.record is None


def disposal_timeline(parcel: Parcel) -> list[TimelineEntry]:
    """The parcel's disposals in date order with the running total (亩 and % of the parcel), who recorded each;
    records withdrawn since are read back from their audit rows (all their fields, who withdrew them and why)
    and shown in their place, struck out, outside the total. Three queries whatever the number of records."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from linfen_admin.models import AuditEvent

    methods = dict(DisposalRecord.METHOD_CHOICES)
    entries = [
        TimelineEntry(
            disposed_on=record.disposed_on,
            area_mu=record.area_mu,
            method=str(methods.get(record.method, record.method)),
            document=record.document,
            note=record.note,
            recorded_by=str(record.created_by.display_name) if record.created_by else "",
            record=record,
        )
        for record in parcel.disposals.select_related("created_by")
    ]
    revoked_events = [
        event
        for event in AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(DisposalRecord),
            action=AuditEvent.Action.DELETE,
            region_id=parcel.region_id,
        ).only("actor_name", "at", "changes", "comment")
        if (event.changes.get("parcel_id") or [None])[0] == parcel.pk
    ]
    recorders = {
        user.pk: str(user.display_name)
        for user in get_user_model().objects.filter(
            pk__in={(e.changes.get("created_by_id") or [None])[0] for e in revoked_events} - {None}
        )
    }
    for event in revoked_events:
        before = {key: values[0] for key, values in event.changes.items()}
        try:
            disposed_on = datetime.date.fromisoformat(before.get("disposed_on") or "")
            area = Decimal(before.get("area_mu") or "0")
        except (TypeError, ValueError, ArithmeticError):
            continue  # a row this page cannot read is still in the audit trail below
        entries.append(
            TimelineEntry(
                disposed_on=disposed_on,
                area_mu=area,
                method=str(methods.get(before.get("method"), before.get("method") or "")),
                document=before.get("document") or "",
                note=before.get("note") or "",
                recorded_by=recorders.get(before.get("created_by_id"), ""),
                revoked_by=event.actor_name,
                revoked_at=event.at,
                revoke_reason=event.comment,
            )
        )
    entries.sort(key=lambda e: (e.disposed_on, e.revoked_at is not None, e.record.pk if e.record else 0))
    running = ZERO
    for entry in entries:
        if not entry.revoked:
            running += entry.area_mu
            entry.running_mu = running
            entry.running_percent = rules.percent_exact(running, parcel.area_mu)
    return entries


# --- 约谈 and 通报批评 (六(四)) --------------------------------------------------------------------------------

INTERVIEW_BASIS = {
    "misses": _("连续 2 次未按时间节点完成清理任务"),
    "last": _("综合完成率排名末位"),
}


@dataclass
class InterviewProposal:
    region: Region
    row: RegionProgress
    basis: list[str]  # the reasons in words

    @property
    def basis_text(self) -> str:
        return ";".join(str(b) for b in self.basis)


def interview_proposals(progress: Progress) -> list[InterviewProposal]:
    """The regions the product proposes for 约谈 on ``progress.as_of`` (rules.interview_basis), less those the city
    land bureau has already confirmed or dismissed for that date; among the rows of ``progress`` (scoped)."""
    ranks = [r.rank for r in progress.regions if r.rank is not None]
    worst = max(ranks) if ranks else None
    decided = set(
        Interview.objects.filter(
            campaign=progress.campaign, as_of=progress.as_of, kind=Interview.Kind.INTERVIEW
        ).values_list("region_id", flat=True)
    )
    proposals = []
    for row in progress.regions:
        basis = rules.interview_basis(
            consecutive_misses=row.consecutive_misses, rank=row.rank, worst_rank=worst
        )
        if basis and row.region.pk not in decided:
            proposals.append(InterviewProposal(row.region, row, [INTERVIEW_BASIS[b] for b in basis]))
    return proposals


def interviews_visible_to(user) -> QuerySet:
    return visible_to(user, Interview.objects.select_related("region", "campaign", "decided_by"))


def notices_visible_to(user) -> QuerySet:
    """季通报: published ones for everyone with the view permission; drafts for the city land bureau too."""
    notices = visible_to(user, QuarterNotice.objects.select_related("campaign", "published_by"))
    if not user.has_perm("land.change_quarternotice"):
        notices = notices.filter(status=QuarterNotice.Status.PUBLISHED)
    return notices
