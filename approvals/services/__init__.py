"""Every write of the approvals app: ``<entity>_<verb>``, keyword-only, atomic, validated, audited."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.models import Department, Region
from linfen_admin.roles import Role
from linfen_admin.scoping import editable_by, require_region
from linfen_admin.selectors import users_with_role
from linfen_admin.writes import require_actor

from ..models import (
    Case,
    CreditBlacklist,
    DrawnEntity,
    HandoverChecklist,
    InspectionDraw,
    Item,
    LicensedEntity,
    RiskLevel,
    Supervision,
)
from ..rules.draw import DrawImpossible, draw
from ..rules.revocation import bar_last_day, is_barred
from ..rules.workdays import EXTENSION_DAYS, STATUTORY_LIMIT_DAYS, add_working_days
from ..selectors import location_from_credit_code, supervising_departments, work_calendar

__all__ = [
    "ENTITY_EDITABLE",
    "blacklist_add",
    "blacklist_update",
    "calendar_day_delete",
    "calendar_day_save",
    "calendar_year_delete",
    "calendar_year_save",
    "case_create",
    "case_decide",
    "case_extend",
    "complaint_create",
    "complaint_handle",
    "ComplaintConflict",
    "department_for",
    "draw_create",
    "entity_create",
    "entity_revoke",
    "entity_update",
    "reapply_bar",
    "handover_update",
    "result_record",
    "risk_level_save",
]


def _location(*, item: Item, region: Region, location: Region | None, credit_code: str) -> Region | None:
    """Where the applicant (the holder) is: the case's county for a county-level item; for a city-level one the
    county given, else the one the credit code's 行政区划码 names, else none (the city's supervisors only)."""
    if item.level == Item.Level.COUNTY:
        if location is not None and location.pk != region.pk:
            raise ValidationError({"location": _("县级事项的申请人所在地即办理地。")})
        return region
    if location is not None:
        if location.kind == Region.Kind.CITY:
            raise ValidationError({"location": _("所在地请选择县(市、区)或开发区;不填按统一社会信用代码。")})
        return location
    return location_from_credit_code(credit_code)


class CaseConflict(Exception):
    """The case's state does not allow the step (API: 409)."""


def _today() -> datetime.date:
    return timezone.localdate()


def department_for(*, item: Item, region: Region | None) -> tuple[Region, Department]:
    """The region a case of ``item`` is filed under and the department that handles it.

    City-level items are filed under 市本级 (an empty region means 市本级) and handled by the city department of
    the item's kind; county-level items need a county (or 开发区) and go to that region's department of the kind,
    e.g. 尧都区 → "141002-approval-service".
    """
    if item.level == Item.Level.CITY:
        city = Region.objects.get(kind=Region.Kind.CITY)
        if region is not None and region.pk != city.pk:
            raise ValidationError({"region": _("市级事项由市级部门办理,区域只能为“市本级”或留空。")})
        region, department_region = city, None
    else:
        if region is None:
            raise ValidationError({"region": _("县级事项必须填写办理地县(市、区)。")})
        if region.kind == Region.Kind.CITY:
            raise ValidationError({"region": _("县级事项由县(市、区)部门办理,区域不能为“市本级”。")})
        department_region = region
    try:
        department = Department.objects.get(kind=item.receiving_department_kind, region=department_region)
    except Department.DoesNotExist as exc:
        raise ValidationError({"region": _("该区域没有此事项的承接部门。")}) from exc
    return region, department


def _require_handler(user, department: Department) -> None:
    """Only the receiving department's own officers handle a case (403 otherwise, with the reason)."""
    require_actor(user)
    if user.is_superuser:
        return
    if user.department_id != department.pk:
        raise PermissionDenied(
            _("该事项在该区域由“%(dept)s”承办,您所在部门无权办理。") % {"dept": department.name}
        )
    require_region(user, department.region)


@transaction.atomic
def case_create(
    *,
    actor,
    item: Item,
    region: Region | None = None,
    applicant_name: str,
    applicant_credit_code: str,
    accepted_on: datetime.date,
    promised_days: int | None = None,
    location: Region | None = None,
) -> Case:
    """Register an accepted case (受理). ``due_on`` = the promised limit when given, else 20 working days.
    ``location``: the applicant's county (``_location``), which decides the county supervisors of the decision."""
    region, department = department_for(item=item, region=region)
    _require_handler(actor, department)
    if promised_days is not None and not 1 <= promised_days <= STATUTORY_LIMIT_DAYS:
        raise ValidationError({"promised_days": _("承诺时限应在 1 到 20 个工作日之间。")})
    applicant_credit_code = "".join(applicant_credit_code.split()).upper()
    barring = reapply_bar(item=item, credit_code=applicant_credit_code, on=accepted_on)
    if barring is not None:
        raise ValidationError(
            {
                "applicant_credit_code": _(
                    "该申请人(%(code)s)的“%(item)s”许可已于 %(revoked)s %(kind)s,理由:%(reason)s。"
                    "依临政发〔2022〕5 号第 %(number)s 项,%(last)s(含)前不受理其新的申请。"
                )
                % {
                    "code": applicant_credit_code,
                    "item": item.name,
                    "revoked": barring.revoked_on.isoformat(),
                    "kind": barring.get_revocation_kind_display(),
                    "reason": barring.revocation_reason,
                    "number": item.number,
                    "last": bar_last_day(barring.revoked_on, item.reapply_bar_months).isoformat(),
                }
            }
        )
    calendar = work_calendar()
    statutory_due_on = add_working_days(accepted_on, STATUTORY_LIMIT_DAYS, calendar=calendar)
    due_on = (
        add_working_days(accepted_on, promised_days, calendar=calendar) if promised_days else statutory_due_on
    )
    case = Case(
        item=item,
        region=region,
        department=department,
        applicant_name=applicant_name.strip(),
        applicant_credit_code=applicant_credit_code,
        accepted_on=accepted_on,
        promised_days=promised_days,
        statutory_due_on=statutory_due_on,
        due_on=due_on,
        location=_location(item=item, region=region, location=location, credit_code=applicant_credit_code),
        created_by=actor,
    )
    case.full_clean()
    case.save()
    audit.record_created(actor=actor, obj=case)
    return case


def _lock_editable(actor, case: Case) -> Case:
    locked = Case.objects.select_for_update().select_related("item", "department", "region").get(pk=case.pk)
    require_actor(actor)
    if not editable_by(actor, Case.objects.filter(pk=case.pk)).exists():
        raise PermissionDenied(_("您无权办理此办件。"))
    return locked


@transaction.atomic
def case_extend(*, actor, case: Case, reason: str, on: datetime.date | None = None) -> Case:
    """Extend once by 10 working days (《行政许可法》第四十二条). A second extension raises ``CaseConflict``."""
    case = _lock_editable(actor, case)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("延期须说明理由。")})
    if not case.is_open:
        raise CaseConflict(_("办件已作出决定,不能延期。"))
    if case.is_extended:
        raise CaseConflict(_("办件已延期一次,依法不能再次延期。"))
    before = audit.snapshot(case)
    case.extended_on = on or _today()
    case.extension_reason = reason.strip()
    calendar = work_calendar()
    case.due_on = add_working_days(case.due_on, EXTENSION_DAYS, calendar=calendar)
    case.statutory_due_on = add_working_days(case.statutory_due_on, EXTENSION_DAYS, calendar=calendar)
    case.full_clean()
    case.save(update_fields=["extended_on", "extension_reason", "due_on", "statutory_due_on"])
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=case,
        before=before,
        after=audit.snapshot(case),
        comment=_("延期 10 个工作日:%(reason)s") % {"reason": case.extension_reason},
    )
    return case


@transaction.atomic
def case_decide(*, actor, case: Case, decision: str, decided_on: datetime.date, note: str = "") -> Case:
    """准予/不予许可. An approval creates the licensed entity and marks the department's first handled case; every
    decision enters the supervision list of the item's supervising departments (``_supervise``), whose users are
    told once the decision is committed."""
    case = _lock_editable(actor, case)
    if decision not in (Case.Status.APPROVED, Case.Status.DENIED):
        raise ValidationError({"decision": _("决定只能是准予许可(approved)或不予许可(denied)。")})
    if not case.is_open:
        raise CaseConflict(_("办件已作出决定。"))
    if decided_on < case.accepted_on:
        raise ValidationError({"decided_on": _("决定日期不能早于受理日期。")})
    before = audit.snapshot(case)
    case.status, case.decided_on, case.decision_note = decision, decided_on, note
    case.full_clean()
    case.save(update_fields=["status", "decided_on", "decision_note"])
    comment = str(case.get_status_display())
    if case.decided_late:
        comment += _("(超期办结)")
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=case,
        before=before,
        after=audit.snapshot(case),
        comment=comment,
    )
    entity = _entity_from_case(actor=actor, case=case) if decision == Case.Status.APPROVED else None
    _mark_first_case(actor=actor, case=case)
    _supervise(actor=actor, case=case, entity=entity)
    return case


def _supervise(*, actor, case: Case, entity: LicensedEntity | None) -> list[Supervision]:
    """事中事后监管: the decided case on the list of each department the item's 备注 names — the city one, and the one
    of the applicant's county (第 17 项 监管措施 1: "审批通过后,及时公示并通知市场监管和卫生健康部门"; 第 18 项:
    "市、县级卫生健康部门负责本辖区…日常监督管理"), each told on commit (``notifications.notify_supervisors``)."""
    from ..notifications import notify_supervisors

    departments = supervising_departments(case.item, case.location)
    if not departments:
        return []
    city = Region.objects.get(kind=Region.Kind.CITY)
    rows = []
    for department in departments:
        row = Supervision(case=case, department=department, region=department.region or city, entity=entity)
        row.full_clean()
        row.save()
        audit.record_created(
            actor=actor, obj=row, comment=_("纳入%(dept)s监管台账") % {"dept": department.name}
        )
        rows.append(row)
    case_id = case.pk
    transaction.on_commit(lambda: notify_supervisors(case_id))
    return rows


def _entity_from_case(*, actor, case: Case) -> LicensedEntity:
    code = case.applicant_credit_code
    entity = LicensedEntity(
        item=case.item,
        region=case.region,
        department=case.department,
        case=case,
        name=case.applicant_name,
        holder_kind=(
            LicensedEntity.HolderKind.INDIVIDUAL
            if code[:2] == "92"
            else LicensedEntity.HolderKind.ORGANISATION
        ),
        credit_code=code,
        licensed_on=case.decided_on,
        location=case.location,
    )
    entity.full_clean()
    entity.save()
    audit.record_created(actor=actor, obj=entity, comment=_("准予许可自动登记"))
    return entity


def _mark_first_case(*, actor, case: Case) -> None:
    checklist, created = HandoverChecklist.objects.select_for_update().get_or_create(
        item=case.item, department=case.department
    )
    if created:
        audit.record_created(actor=actor, obj=checklist, comment=_("首件办结时自动建立承接台账"))
    if checklist.first_case_on is None or checklist.first_case_on > case.decided_on:
        before = audit.snapshot(checklist)
        checklist.first_case_on = case.decided_on
        checklist.first_case_by = actor
        checklist.save(update_fields=["first_case_on", "first_case_by"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=checklist,
            before=before,
            after=audit.snapshot(checklist),
            comment=_("首件办结自动填写"),
        )


KEEP = object()  # a handover step not given is left as it is


@transaction.atomic
def handover_update(
    *,
    actor,
    checklist: HandoverChecklist,
    received_on=KEEP,
    staff_trained_on=KEEP,
    publicized_on=KEEP,
    coordinated_on=KEEP,
    note=KEEP,
    today: datetime.date | None = None,
) -> HandoverChecklist:
    """Confirm (or correct, or clear) the handover steps a department records itself: 接收, 人员培训, 对外公示 and
    工作衔接 with the province; 首件办结 is set by the first decided case. A step whose date changes is confirmed
    by ``actor`` (its confirmer); a cleared step has none. A step is confirmed when done, so not in the future."""
    checklist = (
        HandoverChecklist.objects.select_for_update()
        .select_related("item", "department")
        .get(pk=checklist.pk)
    )
    require_actor(actor)
    if not editable_by(actor, HandoverChecklist.objects.filter(pk=checklist.pk)).exists():
        raise PermissionDenied(_("只能填写本部门的承接情况。"))
    today = today or _today()
    given = {
        "received_on": received_on,
        "staff_trained_on": staff_trained_on,
        "publicized_on": publicized_on,
        "coordinated_on": coordinated_on,
    }
    errors = {
        name: _("“%(step)s”的日期不能晚于今天(%(today)s):确认的是已完成的步骤。")
        % {"step": label, "today": today.isoformat()}
        for _key, name, _by, label in HandoverChecklist.STEPS
        if name in given and given[name] not in (KEEP, None) and given[name] > today
    }
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(checklist)
    changed = []
    for _key, date_field, by_field, _label in HandoverChecklist.STEPS:
        value = given.get(date_field, KEEP)
        if value is KEEP or value == getattr(checklist, date_field):
            continue
        setattr(checklist, date_field, value)
        setattr(checklist, by_field, actor if value is not None else None)
        changed += [date_field, by_field]
    if note is not KEEP and note != checklist.note:
        checklist.note = note
        changed.append("note")
    if not changed:
        return checklist
    checklist.full_clean()
    checklist.save(update_fields=changed)
    comment = (
        _("承接完成(%(n)s/%(n)s 项)") % {"n": checklist.step_count}
        if checklist.is_complete
        else _("承接进度 %(done)s/%(total)s") % {"done": checklist.done_count, "total": checklist.step_count}
    )
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=checklist,
        before=before,
        after=audit.snapshot(checklist),
        comment=comment,
    )
    return checklist


def reapply_bar(*, item: Item, credit_code: str, on: datetime.date) -> LicensedEntity | None:
    """The revoked licence of ``item`` held by ``credit_code`` that bars a new application on ``on`` (the item's
    ``reapply_bar_months`` after the revocation, ``rules.revocation``), or ``None``. Read by ``case_create``, so
    the page, the API and any other channel refuse alike."""
    if item.reapply_bar_months <= 0 or not credit_code:
        return None
    revoked = LicensedEntity.objects.filter(
        item=item, credit_code=credit_code, revoked_on__isnull=False, revoked_on__lte=on
    ).order_by("-revoked_on", "-pk")
    for entity in revoked:
        if is_barred(accepted_on=on, revoked_on=entity.revoked_on, months=item.reapply_bar_months):
            return entity
    return None


@transaction.atomic
def entity_revoke(
    *,
    actor,
    entity: LicensedEntity,
    kind: str,
    reason: str,
    revoked_on: datetime.date,
    today: datetime.date | None = None,
) -> LicensedEntity:
    """撤销 (《行政许可法》第六十九条) or 吊销 a licence: by the officers of the department that granted it, with
    the reason and date. The holder becomes inactive (no longer drawn for inspection) and, for an item with a bar
    (第 17 项: one year), the same applicant's new applications are refused until the bar ends."""
    # Lock the holder's row only: PostgreSQL refuses FOR UPDATE on the nullable side of the case join.
    locked = (
        LicensedEntity.objects.select_for_update(of=("self",))
        .select_related("item", "region", "department", "case")
        .get(pk=entity.pk)
    )
    require_actor(actor)
    if not editable_by(actor, LicensedEntity.objects.filter(pk=locked.pk)).exists():
        raise PermissionDenied(_("您无权撤销此许可。"))
    _require_handler(actor, locked.department)
    if locked.is_revoked:
        raise CaseConflict(
            _("该许可已于 %(on)s %(kind)s。")
            % {"on": locked.revoked_on.isoformat(), "kind": locked.get_revocation_kind_display()}
        )
    errors = {}
    if kind not in LicensedEntity.Revocation.values:
        errors["kind"] = _("请选择撤销或吊销。")
    if not (reason or "").strip():
        errors["reason"] = _("撤销或吊销许可须说明理由。")
    today = today or _today()
    if revoked_on is None:
        errors["revoked_on"] = _("请填写撤销/吊销日期。")
    elif revoked_on < locked.licensed_on:
        errors["revoked_on"] = _("撤销/吊销日期不能早于许可日期 %(on)s。") % {
            "on": locked.licensed_on.isoformat()
        }
    elif revoked_on > today:
        errors["revoked_on"] = _("撤销/吊销日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.active = False
    locked.revocation_kind, locked.revoked_on = kind, revoked_on
    locked.revocation_reason, locked.revoked_by = reason.strip(), actor
    locked.full_clean()
    locked.save(update_fields=["active", "revocation_kind", "revoked_on", "revocation_reason", "revoked_by"])
    comment = _("%(kind)s:%(reason)s") % {
        "kind": locked.get_revocation_kind_display(),
        "reason": locked.revocation_reason,
    }
    last = bar_last_day(revoked_on, locked.item.reapply_bar_months)
    if last is not None:
        comment += _(";%(last)s(含)前不受理该申请人的新申请") % {"last": last.isoformat()}
    audit.record(
        actor=actor,
        action=audit.Action.TRANSITION,
        obj=locked,
        before=before,
        after=audit.snapshot(locked),
        comment=comment,
    )
    return locked


@transaction.atomic
def entity_create(
    *,
    actor,
    item: Item,
    region: Region | None,
    name: str,
    credit_code: str = "",
    holder_kind: str = LicensedEntity.HolderKind.ORGANISATION,
    credit_level: str = LicensedEntity.CreditLevel.A,
    licensed_on: datetime.date,
    location: Region | None = None,
) -> LicensedEntity:
    """Enter a licence holder by hand (e.g. licences issued before the handover)."""
    region, department = department_for(item=item, region=region)
    require_region(actor, region)
    credit_code = "".join((credit_code or "").split()).upper()
    entity = LicensedEntity(
        item=item,
        region=region,
        department=department,
        name=name.strip(),
        credit_code=credit_code,
        holder_kind=holder_kind,
        credit_level=credit_level,
        licensed_on=licensed_on,
        location=_location(item=item, region=region, location=location, credit_code=credit_code),
    )
    entity.full_clean()
    entity.save()
    audit.record_created(actor=actor, obj=entity)
    return entity


@transaction.atomic
def blacklist_add(*, actor, entity: LicensedEntity, reason: str, listed_on: datetime.date) -> CreditBlacklist:
    """列入失信惩戒名单: from now on every draw of the entity's item inspects it."""
    require_region(actor, entity.region)
    listing = CreditBlacklist(entity=entity, reason=reason, listed_on=listed_on)
    listing.full_clean()
    listing.save()
    audit.record_created(actor=actor, obj=listing)
    return listing


def inspector_pool() -> list[tuple[int, int | None]]:
    """Active users with the INSPECTOR role and a department: [(user id, department id)]."""
    return list(users_with_role(Role.INSPECTOR).exclude(department=None).values_list("pk", "department_id"))


def level_ratios() -> dict[str, Decimal]:
    """{credit level: ratio} from the risk-level table (``RiskLevel.credit_level``)."""
    return {
        level: ratio
        for level, ratio in RiskLevel.objects.exclude(credit_level=None).values_list("credit_level", "ratio")
    }


@transaction.atomic
def draw_create(
    *,
    actor,
    item: Item,
    region: Region | None = None,
    ratio: Decimal | None = None,
    risk_level: RiskLevel | None = None,
    seed: str | None = None,
    inspectors_per_entity: int = 2,
    drawn_on: datetime.date | None = None,
) -> InspectionDraw:
    """双随机: snapshot the candidates (with their credit levels and supervisors) and the inspector pool, then draw
    with ``seed`` (a fresh one when not given). Each holder is sampled at its credit level's ratio
    (``RiskLevel``); ``ratio`` — or the ratio of ``risk_level`` — is a floor raising the lower levels to it.
    For an item whose 备注 names supervisors, a holder's inspectors come only from those departments: the city
    one, and the one of the holder's county (``selectors.supervising_departments``)."""
    region, _department = department_for(item=item, region=region)
    require_region(actor, region)
    if ratio is None and risk_level is not None:
        ratio = risk_level.ratio
    if ratio is not None:
        ratio = Decimal(str(ratio))
        if not Decimal("0") < ratio <= Decimal("1"):
            raise ValidationError({"ratio": _("抽查比例应大于 0 且不超过 1(如 0.10 表示 10%)。")})
    ratios = level_ratios()
    drawn_on = drawn_on or _today()
    seed = (seed or "").strip() or secrets.token_hex(16)
    entities = list(
        LicensedEntity.objects.filter(item=item, region=region, active=True)
        .select_related("location")
        .order_by("pk")
    )
    missing = sorted({e.get_credit_level_display() for e in entities if e.credit_level not in ratios})
    if missing:
        raise ValidationError(
            _("风险等级表中没有以下信用等级的抽查比例:%(levels)s。")
            % {"levels": "、".join(map(str, missing))}
        )
    candidate_ids = [entity.pk for entity in entities]
    blacklisted_ids = sorted(
        set(
            CreditBlacklist.objects.filter(entity_id__in=candidate_ids, listed_on__lte=drawn_on)
            .exclude(lifted_on__lte=drawn_on)
            .values_list("entity_id", flat=True)
        )
    )
    supervisors: dict[str, list[int]] = {}
    if item.supervising_departments:
        by_location: dict = {}
        for entity in entities:
            key = entity.location_id
            if key not in by_location:
                by_location[key] = [d.pk for d in supervising_departments(item, entity.location)]
            supervisors[str(entity.pk)] = by_location[key]
    pool = inspector_pool()
    the_draw = InspectionDraw(
        item=item,
        region=region,
        risk_level=risk_level,
        ratio=ratio,
        level_ratios={level: str(value) for level, value in sorted(ratios.items())},
        entity_levels={str(entity.pk): entity.credit_level for entity in entities},
        entity_supervisors=supervisors,
        seed=seed,
        inspectors_per_entity=inspectors_per_entity,
        drawn_on=drawn_on,
        drawn_by=actor,
        candidate_entity_ids=candidate_ids,
        blacklisted_entity_ids=blacklisted_ids,
        entity_departments={str(entity.pk): entity.department_id for entity in entities},
        inspector_pool=[list(row) for row in pool],
    )
    the_draw.full_clean()
    result = _run(the_draw)
    the_draw.save()
    blacklisted = set(blacklisted_ids)
    rows = DrawnEntity.objects.bulk_create(
        [DrawnEntity(draw=the_draw, entity_id=pk, blacklisted=pk in blacklisted) for pk in result.entity_ids]
    )
    through = DrawnEntity.inspectors.through
    through.objects.bulk_create(
        [
            through(drawnentity_id=row.pk, user_id=user_id)
            for row in rows
            for user_id in result.assignments[row.entity_id]
        ]
    )
    audit.record_created(
        actor=actor,
        obj=the_draw,
        comment=_("抽中 %(n)s 户(其中失信必查 %(b)s 户)") % {"n": len(rows), "b": len(blacklisted)},
    )
    return the_draw


def _run(the_draw: InspectionDraw):
    try:
        return draw(
            seed=the_draw.seed,
            candidate_ids=[int(pk) for pk in the_draw.candidate_entity_ids],
            blacklisted_ids=[int(pk) for pk in the_draw.blacklisted_entity_ids],
            ratio=the_draw.ratio,
            entity_departments={int(k): v for k, v in the_draw.entity_departments.items()},
            inspectors=[(int(pk), dept) for pk, dept in the_draw.inspector_pool],
            inspectors_per_entity=the_draw.inspectors_per_entity,
            entity_levels={int(k): v for k, v in the_draw.entity_levels.items()},
            level_ratios={k: Decimal(v) for k, v in the_draw.level_ratios.items()},
            entity_supervisors={int(k): v for k, v in the_draw.entity_supervisors.items()},
        )
    except DrawImpossible as exc:
        if the_draw.entity_supervisors:
            raise ValidationError(
                _(
                    "可抽取的执法人员不足:每户需 %(n)s 名,且只能来自该事项备注所列监管部门(市级及主体所在县级)。"
                )
                % {"n": the_draw.inspectors_per_entity}
            ) from exc
        raise ValidationError(
            _("可抽取的执法人员不足:每户需 %(n)s 名且不得来自发证部门。")
            % {"n": the_draw.inspectors_per_entity}
        ) from exc


@transaction.atomic
def result_record(
    *, actor, drawn: DrawnEntity, result: str, checked_on: datetime.date, note: str = ""
) -> DrawnEntity:
    """检查结果: recorded by one of the inspectors drawn for that entity."""
    drawn = DrawnEntity.objects.select_for_update().get(pk=drawn.pk)
    require_actor(actor)
    if not actor.is_superuser:
        if (
            not editable_by(actor, DrawnEntity.objects.filter(pk=drawn.pk)).exists()
            or not drawn.inspectors.filter(pk=actor.pk).exists()
        ):
            raise PermissionDenied(_("只有被抽中的检查人员才能录入该主体的检查结果。"))
    if result == DrawnEntity.Result.PENDING:
        raise ValidationError({"result": _("请选择检查结果。")})
    before = audit.snapshot(drawn)
    drawn.result, drawn.checked_on, drawn.result_note = result, checked_on, note
    drawn.full_clean()
    drawn.save(update_fields=["result", "checked_on", "result_note"])
    audit.record(
        actor=actor, action=audit.Action.UPDATE, obj=drawn, before=before, after=audit.snapshot(drawn)
    )
    return drawn


from .complaints import ComplaintConflict, complaint_create, complaint_handle  # noqa: E402
from .reference import (  # noqa: E402 - after the case services they build on
    ENTITY_EDITABLE,
    blacklist_update,
    calendar_day_delete,
    calendar_day_save,
    calendar_year_delete,
    calendar_year_save,
    entity_update,
    risk_level_save,
)
