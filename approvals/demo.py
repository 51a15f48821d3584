"""Demo data for ``seed_demo``: cases of city and 尧都区 items in various states (some due soon, some overdue
relative to today), a few licensed entities, one blacklisted, one draw. Idempotent (keyed by applicant name)."""

import datetime

from django.db import transaction
from django.utils import timezone

from linfen_admin.accounts import system_user
from linfen_admin.credit_code import check_character
from linfen_admin.models import Department, Region, User

from . import services
from .models import Case, Complaint, CreditBlacklist, HandoverChecklist, InspectionDraw, Item, LicensedEntity
from .rules.workdays import Calendar, CalendarUnknown, add_working_days, is_working_day
from .selectors import work_calendar


def demo_credit_code(region_code: str, serial: int, category: str = "91") -> str:
    first17 = f"{category}{region_code}{serial:09d}"
    return first17 + check_character(first17)


def _accepted_for_due(
    due: datetime.date, days: int = 20, *, calendar: Calendar | None = None
) -> datetime.date:
    """The acceptance day whose 20th working day is ``due`` (``due`` a working day)."""
    day, counted = due, 0
    while counted < days:
        if is_working_day(day, calendar=calendar):
            counted += 1
        day -= datetime.timedelta(days=1)
    return day


def _next_working_day(day: datetime.date, offset: int, *, calendar: Calendar | None = None) -> datetime.date:
    """The working day ``offset`` working days from ``day`` (0: ``day`` itself, or the next working day)."""
    if offset > 0:
        return add_working_days(day, offset, calendar=calendar)
    if offset == 0:
        return day if is_working_day(day, calendar=calendar) else add_working_days(day, 1, calendar=calendar)
    while offset < 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day, calendar=calendar):
            offset += 1
    return day


# (item number, region name or None, applicant, due offset in working days from today, state)
DEMO_CASES = [
    (1, None, "临汾华晋国际旅行社有限公司", -4, "pending"),
    (17, None, "临汾康宁医院有限公司", 1, "pending"),
    (18, None, "山西汾河消毒用品有限公司", 3, "pending"),
    (13, None, "临汾市汾河航运开发有限公司", 12, "pending"),
    (19, None, "临汾经纬置业有限公司", -15, "approved"),
    (14, None, "山西晋南水上旅游有限公司", -10, "denied"),
    (5, "尧都区", "尧都区丰收农资经营部", -2, "pending"),
    (4, "尧都区", "山西绿禾农药有限公司", 0, "pending"),
    (8, "尧都区", "尧都区金蚕蚕种场", 2, "pending"),
    (10, "尧都区", "尧都区牧康兽药经营部", 9, "pending"),
    (5, "尧都区", "尧都区惠农农资有限公司", -20, "approved"),
    (5, "尧都区", "尧都区田园农药经营部", -18, "approved"),
    (5, "尧都区", "尧都区五谷丰农资商店", -25, "approved"),
    (6, "尧都区", "尧都区洁源无害化处理有限公司", -12, "approved"),
    (17, None, "临汾尧都仁和医院有限公司", -6, "approved"),
    (18, None, "山西尧都洁康消毒制品有限公司", -8, "approved"),
]
# Applicants of city-level items who are in a county: the county's supervisors get their decided cases too.
DEMO_LOCATIONS = {"临汾尧都仁和医院有限公司": "尧都区", "山西尧都洁康消毒制品有限公司": "尧都区"}


@transaction.atomic
def load_demo() -> dict:
    today = timezone.localdate()
    officers = {
        None: User.objects.get(username="city_approval"),
        "尧都区": User.objects.get(username="yaodu_approval"),
    }
    regions = {r.name: r for r in Region.objects.all()}
    items = {item.number: item for item in Item.objects.all()}
    calendar = work_calendar()
    try:
        for serial, (number, region_name, applicant, offset, state) in enumerate(DEMO_CASES, start=1):
            if Case.objects.filter(applicant_name=applicant).exists():
                continue
            region = regions[region_name] if region_name else None
            due = _next_working_day(today, offset, calendar=calendar)
            accepted = _accepted_for_due(due, calendar=calendar)
            case = services.case_create(
                actor=officers[region_name],
                item=items[number],
                region=region,
                applicant_name=applicant,
                applicant_credit_code=demo_credit_code(region.code if region else "141000", 700 + serial),
                accepted_on=accepted,
                location=regions[DEMO_LOCATIONS[applicant]] if applicant in DEMO_LOCATIONS else None,
            )
            if state != "pending":
                services.case_decide(
                    actor=officers[region_name],
                    case=case,
                    decision=state,
                    decided_on=min(today, _next_working_day(case.due_on, -2, calendar=calendar)),
                )
    except CalendarUnknown:
        pass  # past the official calendar: keep what could be dated honestly
    yaodu = regions["尧都区"]
    system = system_user()
    if not LicensedEntity.objects.filter(name="王建国(个体)").exists():
        services.entity_create(
            actor=system,
            item=items[5],
            region=yaodu,
            name="王建国(个体)",
            credit_code=demo_credit_code("141002", 901, category="92"),
            holder_kind=LicensedEntity.HolderKind.INDIVIDUAL,
            licensed_on=datetime.date(2022, 8, 1),
        )
    blacklisted = LicensedEntity.objects.filter(name="尧都区五谷丰农资商店").first()
    if blacklisted and not CreditBlacklist.objects.filter(entity=blacklisted).exists():
        services.blacklist_add(
            actor=system,
            entity=blacklisted,
            reason="销售假农药,被依法行政处罚",
            listed_on=today - datetime.timedelta(days=5),
        )
    for checklist in HandoverChecklist.objects.filter(
        department__code__in=["city-approval-service", "141002-approval-service"]
    ):
        if checklist.received_on is None:
            services.handover_update(
                actor=system,
                checklist=checklist,
                received_on=datetime.date(2022, 5, 10),
                staff_trained_on=datetime.date(2022, 5, 20),
            )
    if (
        not InspectionDraw.objects.exists()
        and LicensedEntity.objects.filter(item=items[5], region=yaodu).exists()
    ):
        services.draw_create(
            actor=User.objects.get(username="inspector1"),
            item=items[5],
            region=yaodu,
            ratio="0.5",
            seed="linfen-demo-2022",
            inspectors_per_entity=2,
        )
    if not Complaint.objects.exists():
        inspector = User.objects.get(username="inspector1")
        try:
            for region_name, content in (
                ("尧都区", "某医院在短视频平台发布的医疗广告与审查证明内容不符"),
                ("洪洞县", "某诊所发布未经审查的医疗广告"),
            ):
                region = regions[region_name]
                services.complaint_create(
                    actor=inspector,
                    item=items[17],
                    region=region,
                    department=Department.objects.get(kind=Department.Kind.MARKET, region=region),
                    received_on=_next_working_day(today, -8, calendar=calendar),
                    source=Complaint.Source.HOTLINE,
                    content=content,
                )
        except CalendarUnknown:
            pass
    return {
        "办件": Case.objects.count(),
        "投诉举报": Complaint.objects.count(),
        "持证主体": LicensedEntity.objects.count(),
        "失信主体": CreditBlacklist.objects.count(),
        "双随机抽查": InspectionDraw.objects.count(),
    }
