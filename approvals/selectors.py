"""Reads of the approvals app: scoped querysets, due-soon/overdue, coverage, draw replay, public view."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linfen_admin.models import Department, Region
from linfen_admin.scoping import editable_by, visible_to

from .models import (
    Case,
    Complaint,
    DrawnEntity,
    HandoverChecklist,
    InspectionDraw,
    Item,
    LicensedEntity,
    Supervision,
    WorkCalendarDay,
    WorkCalendarYear,
)
from .rules.deadline import Deadline, deadline_status
from .rules.workdays import (
    SOURCE_PACKAGE,
    SOURCE_SUPPLEMENT,
    Calendar,
    CalendarUnknown,
    due_soon_horizon,
    package_years,
)


def work_calendar() -> Calendar:
    """The official calendar: the years administrators entered (one query) over the ``chinesecalendar`` package.

    Build it once per request, service call or reminder run and pass it down; never per day.
    """
    years, days = set(), {}
    for year, date, kind in WorkCalendarYear.objects.values_list("year", "days__date", "days__kind"):
        years.add(year)
        if date is not None:
            days[date] = kind == WorkCalendarDay.Kind.MAKEUP_WORKDAY
    return Calendar(days, supplement_years=years)


def calendar_status() -> list[dict]:
    """Every known year (package and entered), newest first: where its calendar comes from, with the notice."""
    entered = {row.year: row for row in WorkCalendarYear.objects.annotate(day_count=Count("days"))}
    rows = []
    for year in sorted(set(package_years()) | entered.keys(), reverse=True):
        row = entered.get(year)
        rows.append(
            {
                "year": year,
                "source": SOURCE_SUPPLEMENT if row else SOURCE_PACKAGE,
                "entry": row,
                "overrides_package": bool(row) and year in package_years(),
                "day_count": row.day_count if row else None,
            }
        )
    return rows


def items(user) -> QuerySet:
    """The 19 items: published reference data (``Item.scope_public``), readable by every role."""
    return visible_to(user, Item.objects.all())


def cases_visible_to(user) -> QuerySet:
    return visible_to(user, Case.objects.select_related("item", "region", "department", "location"))


# The sortable headers of the case lists: header key → model path (``linfen_admin.lists.ordered``).
CASE_ORDERING = {
    "item": "item__number",
    "region": "region__order",
    "department": "department__name",
    "applicant": "applicant_name",
    "accepted": "accepted_on",
    "due": "due_on",
    "status": "status",
}
DRAW_ORDERING = {
    "drawn": "drawn_on",
    "item": "item__number",
    "region": "region__order",
    "ratio": "ratio",
}
HANDOVER_ORDERING = {
    "item": "item__number",
    "department": "department__name",
    "received": "received_on",
    "trained": "staff_trained_on",
    "publicized": "publicized_on",
    "coordinated": "coordinated_on",
    "first_case": "first_case_on",
}
ITEM_ORDERING = {
    "number": "number",
    "name": "name",
    "decision": "provincial_decision",
    "department": "receiving_department",
}


def case_deadline(case: Case, today: datetime.date, *, calendar: Calendar | None = None) -> Deadline:
    """剩余 N 个工作日 / 今天到期 / 已超期 N 个工作日 / 按期办结 for one case (``rules.deadline``)."""
    return deadline_status(due_on=case.due_on, today=today, decided_on=case.decided_on, calendar=calendar)


def deadlines_on(today: datetime.date, *, calendar: Calendar | None = None):
    """``case → Deadline`` for many cases seen on ``today``: one calendar query, and each (due date, decision date)
    counted once — cases share their due dates, and a long export must not count the same days again."""
    calendar = calendar or work_calendar()
    memo: dict = {}

    def of(case: Case) -> Deadline:
        key = (case.due_on, case.decided_on)
        if key not in memo:
            memo[key] = case_deadline(case, today, calendar=calendar)
        return memo[key]

    return of


def with_deadlines(cases, today: datetime.date | None = None, *, calendar: Calendar | None = None) -> list:
    """The cases as a list, each with ``deadline`` set; one calendar query for the whole list, none per row."""
    deadline_of = deadlines_on(today or timezone.localdate(), calendar=calendar)
    cases = list(cases)
    for case in cases:
        case.deadline = deadline_of(case)
    return cases


def licence_of(case: Case) -> LicensedEntity | None:
    """The licence an approved case granted (its holder), with who revoked it; ``None`` for other cases."""
    return LicensedEntity.objects.select_related("revoked_by", "item").filter(case=case).first()


def may_revoke(user, licence: LicensedEntity | None) -> bool:
    """Whether the page offers revocation: a licence in force, and an officer of the department that granted it
    who may change licences in its region (``services.entity_revoke`` checks the same)."""
    if licence is None or licence.is_revoked:
        return False
    if not editable_by(user, LicensedEntity.objects.filter(pk=licence.pk)).exists():
        return False
    return user.is_superuser or user.department_id == licence.department_id


# The 备注's names of supervising departments (``Item.supervising_departments``) → the department kind.
SUPERVISOR_KINDS = {
    "市场监督管理部门": Department.Kind.MARKET,
    "卫生健康部门": Department.Kind.HEALTH,
    "农业农村部门": Department.Kind.AGRICULTURE,
    "交通运输部门": Department.Kind.TRANSPORT,
}


def receiving_department_in(item: Item, region: Region) -> Department | None:
    """The department that received ``item`` for ``region``: the city one for a city-level item."""
    county = item.level == Item.Level.COUNTY and region.kind != Region.Kind.CITY
    return Department.objects.filter(
        kind=item.receiving_department_kind, region=region if county else None
    ).first()


def supervising_departments(item: Item, region: Region | None) -> list[Department]:
    """The departments the item's 备注 names as its supervisors, at the levels it names, for ``region`` (where
    the case's applicant or the holder is, or where a complaint arose): the city department of each kind when the
    备注 says 市级, and ``region``'s own when it says 县级 and ``region`` is a county or the zone. Empty for an
    item whose 备注 names none (第 1–16、19 项). The one mapping behind complaints, supervision lists and draws."""
    kinds = [SUPERVISOR_KINDS[name] for name in item.supervising_departments if name in SUPERVISOR_KINDS]
    if not kinds:
        return []
    levels = Q(pk__in=[])
    if Item.Level.CITY in item.supervision_levels:
        levels |= Q(region__isnull=True)
    if (
        Item.Level.COUNTY in item.supervision_levels
        and region is not None
        and region.kind != Region.Kind.CITY
    ):
        levels |= Q(region=region)
    return list(
        Department.objects.filter(levels, kind__in=kinds)
        .select_related("region")
        .order_by("region__order", "kind", "code")
    )


def complaint_departments(item: Item, region: Region) -> list[Department]:
    """Who a complaint about ``item`` in ``region`` may be assigned to: the item's supervising departments there
    (``supervising_departments``), else the item's receiving department there."""
    found = supervising_departments(item, region)
    if found:
        return found
    receiving = receiving_department_in(item, region)
    return [receiving] if receiving else []


def location_from_credit_code(credit_code: str) -> Region | None:
    """The county (or the zone) whose 行政区划码 the credit code carries (GB 32100-2015, positions 3–8: the
    registering authority's division), or ``None`` (registered at the city, or outside Linfen)."""
    code = (credit_code or "")[2:8]
    if len(code) != 6:
        return None
    return Region.objects.filter(code=code).exclude(kind=Region.Kind.CITY).first()


def supervisions_visible_to(user) -> QuerySet:
    return visible_to(
        user,
        Supervision.objects.select_related(
            "case__item",
            "case__region",
            "case__department",
            "case__location",
            "department",
            "region",
            "entity",
        ),
    )


def supervisors_of(case: Case) -> list[Department]:
    """The departments whose supervision list a decided case (already visible to the reader) entered."""
    return [row.department for row in case.supervisions.select_related("department").order_by("pk")]


SUPERVISION_ORDERING = {
    "item": "case__item__number",
    "location": "case__location__order",
    "applicant": "case__applicant_name",
    "decided": "case__decided_on",
    "status": "case__status",
    "department": "department__name",
}


def complaints_visible_to(user) -> QuerySet:
    return visible_to(
        user,
        Complaint.objects.select_related("item", "region", "department", "receiving_department", "entity"),
    )


COMPLAINT_ORDERING = {
    "item": "item__number",
    "region": "region__order",
    "department": "department__name",
    "received": "received_on",
    "due": "due_on",
    "status": "status",
}


def complaint_counts(queryset: QuerySet, today: datetime.date) -> dict:
    """How many of the (filtered) complaints are open, overdue and handled late."""
    return queryset.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=Complaint.Status.OPEN)),
        overdue=Count("id", filter=Complaint.overdue_q(today)),
        handled=Count("id", filter=Q(status=Complaint.Status.HANDLED)),
    )


def draws_visible_to(user) -> QuerySet:
    return visible_to(user, InspectionDraw.objects.select_related("item", "region", "risk_level"))


def handover_visible_to(user) -> QuerySet:
    return visible_to(
        user,
        HandoverChecklist.objects.select_related(
            "item",
            "department__region",
            *[by_field for _key, _date, by_field, _label in HandoverChecklist.STEPS],
        ),
    )


def case_export_rows(cases, today: datetime.date | None = None):
    """The rows of the case list's xlsx export: what the list shows, in words, plus the applicant's code."""
    deadline_of = deadlines_on(today or timezone.localdate())
    for case in cases.iterator(chunk_size=500) if isinstance(cases, QuerySet) else cases:
        yield [
            f"{case.item.number}. {case.item.name}",
            str(case.region),
            str(case.department),
            case.applicant_name,
            case.applicant_credit_code,
            case.accepted_on,
            case.due_on,
            case.get_status_display(),
            case.decided_on,
            deadline_of(case).label,
        ]


def draw_export_rows(draws):
    """The rows of the draw list's xlsx export."""
    for the_draw in draws.annotate(drawn_count=Count("drawn")).iterator(chunk_size=500):
        yield [
            the_draw.drawn_on,
            str(the_draw.item),
            str(the_draw.region),
            the_draw.risk_level.name if the_draw.risk_level else "",
            the_draw.ratio,
            the_draw.drawn_count,
            the_draw.seed,
        ]


def handover_export_rows(rows):
    """The rows of the handover detail's xlsx export."""
    for row in rows.iterator(chunk_size=500):
        yield [
            str(row.item),
            str(row.department),
            *[
                value
                for step in row.steps
                for value in (step["on"], step["by"].display_name if step["by"] else "")
            ],
            f"{row.done_count}/{row.step_count}",
            row.note,
        ]


def item_export_rows(items):
    """The rows of the item catalogue's xlsx export (published reference data)."""
    for item in items:
        yield [
            item.number,
            item.name,
            item.power_type,
            item.provincial_decision,
            item.get_level_display(),
            item.receiving_department,
            "\n".join(item.supervision_measures),
            item.remarks,
        ]


def overdue(qs: QuerySet, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(Case.overdue_q(today))


def due_soon(
    qs: QuerySet, today: datetime.date | None = None, *, calendar: Calendar | None = None
) -> QuerySet:
    """Open cases due today or within the next 3 working days. Raises ``CalendarUnknown`` past the calendar."""
    today = today or timezone.localdate()
    horizon = due_soon_horizon(today, calendar=calendar or work_calendar())
    return qs.filter(Case.due_soon_q(today, horizon))


def due_flags(today: datetime.date | None = None, *, calendar: Calendar | None = None) -> dict:
    today = today or timezone.localdate()
    try:
        horizon = due_soon_horizon(today, calendar=calendar or work_calendar())
    except CalendarUnknown:
        horizon = None
    return {"today": today, "horizon": horizon}


def replay_draw(the_draw: InspectionDraw) -> bool:
    """Re-run the draw from its stored seed and snapshot; True when it gives the stored result."""
    from .services import _run

    result = _run(the_draw)
    stored = {
        row.entity_id: sorted(u.pk for u in row.inspectors.all())
        for row in the_draw.drawn.prefetch_related("inspectors")
    }
    return stored == {pk: sorted(ids) for pk, ids in result.assignments.items()}


def draw_levels(the_draw: InspectionDraw) -> list[dict]:
    """Per credit level of a draw: its candidates and the ratio it was sampled at (its own, or the floor)."""
    from .rules.draw import level_ratio

    counts: dict[str, int] = {}
    for level in the_draw.entity_levels.values():
        counts[level] = counts.get(level, 0) + 1
    labels = dict(LicensedEntity.CreditLevel.choices)
    return [
        {
            "level": labels.get(level, level),
            "candidates": counts.get(level, 0),
            "ratio": level_ratio(Decimal(ratio), the_draw.ratio),
        }
        for level, ratio in sorted(the_draw.level_ratios.items())
    ]


def public_draws() -> QuerySet:
    """Every draw, for the public page (no login): only public fields are rendered from it."""
    return (
        InspectionDraw.objects.select_related("item", "region")
        .prefetch_related("drawn__entity", "drawn__inspectors__department")
        .order_by("-drawn_on", "-id")
    )


def mask_person_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def public_rows(the_draw: InspectionDraw) -> list[dict]:
    """What 一公开 publishes per drawn entity: name (natural persons masked), credit code of organisations only,
    the inspectors' departments (not their names), the result."""
    rows = []
    for row in the_draw.drawn.all():
        entity = row.entity
        individual = entity.holder_kind == LicensedEntity.HolderKind.INDIVIDUAL
        rows.append(
            {
                "name": mask_person_name(entity.name) if individual else entity.name,
                "credit_code": "" if individual else entity.credit_code,
                "departments": sorted({str(u.department) for u in row.inspectors.all() if u.department_id}),
                "blacklisted": row.blacklisted,
                "result": row.get_result_display(),
                "checked_on": row.checked_on,
            }
        )
    return rows


def _coverage_counts() -> dict:
    return {
        "total": Count("id"),
        "received": Count("id", filter=Q(received_on__isnull=False)),
        "trained": Count("id", filter=Q(staff_trained_on__isnull=False)),
        "publicized": Count("id", filter=Q(publicized_on__isnull=False)),
        "coordinated": Count("id", filter=Q(coordinated_on__isnull=False)),
        "handled": Count("id", filter=Q(first_case_on__isnull=False)),
        "complete": Count("id", filter=HandoverChecklist.complete_q()),
    }


def coverage_totals() -> dict:
    """The handover checklist's counts over every item and region (the cockpit's one line): one query."""
    return HandoverChecklist.objects.aggregate(**_coverage_counts())


def coverage() -> dict:
    """放得开、接得住、管得好: per item and per region, how many receiving departments have done each step of the
    handover checklist (received, trained, published, handed over with the province, first case) and all five."""
    counts = _coverage_counts()
    empty = dict.fromkeys(counts, 0)
    by_item = {row.pop("item"): row for row in HandoverChecklist.objects.values("item").annotate(**counts)}
    per_item = [{**by_item.get(item.pk, empty), "item": item} for item in Item.objects.all()]
    city = Region.objects.filter(kind=Region.Kind.CITY).first()
    by_region = {}
    for row in HandoverChecklist.objects.values("department__region").annotate(**counts):
        region_id = row.pop("department__region") or (city.pk if city else None)  # city departments: 市本级
        by_region[region_id] = row
    per_region = [{**by_region.get(region.pk, empty), "region": region} for region in Region.objects.all()]
    return {"per_item": per_item, "per_region": per_region}


def drawn_visible_to(user) -> QuerySet:
    return visible_to(
        user,
        DrawnEntity.objects.select_related("draw__item", "draw__region", "entity").prefetch_related(
            "inspectors"
        ),
    )
