"""Applications: create and edit (while draft or returned); the award and eligibility are recomputed each time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit, credit_code
from linfen_admin.roles import Role
from linfen_admin.scoping import require_region

from .. import selectors, stagetotals
from ..models import EDITABLE_STATES, Application, Call
from ..rules import EligibilityFacts, Failure, Quote, check_eligibility, quote_award
from ..rules.award import check_params
from ..rules.eligibility import PROJECT_CATEGORIES

EDITABLE_FIELDS = (
    "call",
    "region",
    "enterprise_name",
    "credit_code",
    "project_name",
    "category",
    "support_wan",
    "investment_wan",
    "little_giant",
    "scheme",
    "level",
    "previous_level",
    "previous_revenue_wan",
    "investment_progress",
    "completed_on",
    "revenue_wan",
    "above_scale",
    "prior_city_funding",
    # 第十条 commitments (project awards)
    "indicator_type",
    "expected_new_tax_wan",
    "expected_targets",
    "return_undertaking",
)


class StateConflict(Exception):
    """The application is not in a state that allows this (HTTP 409)."""


def application_evaluate(application: Application, *, book=None) -> None:
    """Recompute the award (第七条) and eligibility (第五、八条, 第七条(七)) onto ``application`` (not saved).

    The awards already granted to the enterprise (``selectors.earlier_awards``) decide "首次" and 补差 and, for a
    project, 第七条(七) across years. A call outside the rules' validity (第十五条) computes nothing: the
    application is ineligible with that reason (``_validate`` refuses saving it)."""
    book = book or selectors.rule_book()
    call: Call = application.call
    earlier = selectors.earlier_awards(
        credit_code=application.credit_code,
        category=application.category,
        scheme=application.scheme,
        project_name=application.project_name,
        exclude_pk=application.pk,
    )
    try:
        quote = quote_award(book, application.quote_params(), earlier, opens_on=call.opens_on)
    except ValidationError as exc:
        quote = Quote(eligible=False, reasons=[m for ms in exc.message_dict.values() for m in ms])
    facts = EligibilityFacts(
        credit_code=application.credit_code,
        category=application.category,
        above_scale=application.above_scale,
        revenue_wan=application.revenue_wan,
        investment_progress=application.investment_progress,
        completed_on=application.completed_on,
        previous_deadline=call.previous_deadline,
        prior_city_funding=application.prior_city_funding,
        duplicate_reference=selectors.duplicate_reference(application),
        funded_before=earlier[-1] if earlier and application.category in PROJECT_CATEGORIES else None,
    )
    failures = check_eligibility(facts)
    if not quote.eligible:
        failures += [Failure("award", reason) for reason in quote.reasons]
    application.award_wan = quote.award_wan
    application.award_rule = quote.rule
    application.award_explanation = quote.as_dict()
    application.eligibility_failures = [{"code": f.code, "message": f.message} for f in failures]
    application.eligible = not failures


def _require_county_staff(actor) -> None:
    if not actor.has_role(Role.COUNTY_INDUSTRY) or actor.region_id is None:
        raise PermissionDenied(_("只有县级工信(能源)主管部门可以代企业录入申报"))


@transaction.atomic
def application_create(
    *,
    actor,
    call: Call,
    region,
    enterprise_name: str,
    credit_code: str,
    project_name: str,
    category: str,
    today=None,
    **params,
) -> Application:
    """A county bureau enters an application for an enterprise of its region (enterprises have no accounts),
    while the call is open."""
    _require_county_staff(actor)
    require_region(actor, region)
    today = today or timezone.localdate()
    if not (call.opens_on <= today <= call.closes_on):
        raise ValidationError(
            {
                "call": _("该申报通知的申报期为 %(start)s 至 %(end)s,当前不在申报期内")
                % {"start": call.opens_on.isoformat(), "end": call.closes_on.isoformat()}
            }
        )
    unknown = set(params) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    application = Application(
        call=call,
        region=region,
        enterprise_name=enterprise_name.strip(),
        credit_code=_code(credit_code),
        project_name=project_name.strip(),
        category=category,
        created_by=actor,
        state_changed_at=timezone.now(),
        **params,
    )
    _validate(application)
    application_evaluate(application)
    application.save()
    stagetotals.moved(None, stagetotals.share(application))
    audit.record_created(actor=actor, obj=application)
    return application


@transaction.atomic
def application_update(*, actor, application_id: int, **changes) -> Application:
    """Edit an application while it is a draft or returned for correction; the award is recomputed."""
    _require_county_staff(actor)
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application_id)
    )
    require_region(actor, application.region)
    if application.state not in EDITABLE_STATES:
        raise StateConflict(_("只有草稿或退回补正的申报可以修改"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "region" in changes:
        require_region(actor, changes["region"])
    before = audit.snapshot(application)
    counted = stagetotals.share(application)
    for name, value in changes.items():
        if name == "credit_code":
            value = _code(value)
        elif name in ("enterprise_name", "project_name"):
            value = value.strip()
        setattr(application, name, value)
    _validate(application)
    application_evaluate(application)
    application.version += 1
    application.save()
    stagetotals.moved(counted, stagetotals.share(application))
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=application,
        before=before,
        after=audit.snapshot(application),
    )
    return application


def _validate(application: Application) -> None:
    """Model validation, the award parameters the category needs and the rules' validity for the call (第十五条),
    reported together beside their fields."""
    errors = {}

    def in_force():
        if application.call_id is not None:
            selectors.rule_book().check_in_force(opens_on=application.call.opens_on)

    for check in (application.full_clean, lambda: check_params(application.quote_params()), in_force):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault("scheme" if field == "kind" else field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _code(raw: str) -> str:
    code = credit_code.normalise(raw)
    if not code:
        raise ValidationError({"credit_code": _("请填写统一社会信用代码")})
    return code
