"""建设用地报件 register (六(五)): "对连续 2 次未按时间节点完成'批而未用'清理任务的县(市、区),除国家重点项目和民生保障
项目外,暂停受理建设用地报件".

The suspension is the one the progress figures compute (``selectors.progress_for_campaign``: consecutive missed
milestones ≥ the campaign's ``suspend_after_misses``), on the day of registering. While it holds, an ordinary
application is refused — and the refused attempt is kept as a row, with the reason, never lost."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.scoping import require_region, visible_to
from linfen_admin.writes import require_perm

from .. import selectors
from ..models import LandApplication

APPLICATION_FIELDS = (
    "region",
    "project_name",
    "applicant",
    "area_mu",
    "applied_on",
    "category",
    "exception_reason",
    "note",
)
EXCEPTED = (LandApplication.Category.NATIONAL_KEY, LandApplication.Category.LIVELIHOOD)


def region_suspension(region, as_of: datetime.date):
    """The region's progress row on ``as_of`` (``suspended``, ``consecutive_misses``), or None without a campaign."""
    campaign = selectors.campaign_for_year(as_of.year)
    if campaign is None or campaign.year != as_of.year:
        return None
    progress = selectors.progress_for_campaign(campaign, as_of)
    return next((row for row in progress.regions if row.region.pk == region.pk), None)


@transaction.atomic
def application_register(*, actor, data: dict) -> LandApplication:
    """Register an application. Refused while the region is suspended unless it is a national key or livelihood
    project with a reason; the refusal is recorded (``status = refused``) and returned, not raised."""
    require_perm(actor, LandApplication, "add", _("无权登记建设用地报件。"))
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown application fields: {sorted(unknown)}")
    application = LandApplication(**data, created_by=actor)
    require_region(actor, application.region if application.region_id else None)
    today = timezone.localdate()
    errors = {}
    if application.applied_on and application.applied_on > today:
        errors["applied_on"] = _("报件日期不能晚于今天。")
    application.exception_reason = (application.exception_reason or "").strip()
    if application.category in EXCEPTED and not application.exception_reason:
        errors["exception_reason"] = _("国家重点项目或民生保障项目须说明理由。")
    if errors:
        raise ValidationError(errors)
    row = region_suspension(application.region, today) if application.region_id else None
    application.suspended = bool(row and row.suspended)
    application.missed_milestones = row.consecutive_misses if row else 0
    if application.suspended and application.category not in EXCEPTED:
        application.status = LandApplication.Status.REFUSED
    else:
        application.status = LandApplication.Status.ACCEPTED
    application.full_clean()
    application.save()
    audit.record_created(actor=actor, obj=application, comment=application.refusal_reason)
    return application


def applications_visible_to(user) -> QuerySet:
    return visible_to(user, LandApplication.objects.select_related("region", "created_by"))
