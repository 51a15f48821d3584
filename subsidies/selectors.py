"""Reads: what a user may see, the rule book, budget use and the pipeline dashboard."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from linfen_admin.roles import Role
from linfen_admin.scoping import get_visible_or_404, visible_to

from .models import (
    FUNDED_STATES,
    GRANTED_STATES,
    AllocationLine,
    AllocationPlan,
    Application,
    ApplicationTransition,
    AwardRule,
    AwardTier,
    Call,
    Document,
    Domain,
    ExpertAssignment,
    ReviewCommittee,
    StageTotal,
    State,
    bureau_domains,
)
from .rules.award import GTE, EarlierAward, RuleBook, RuleSpec, Tier

ZERO = Decimal("0.00")


# --- Rules -------------------------------------------------------------------------------------------------


def rule_book() -> RuleBook:
    """The 第七条 rules loaded by the seed loader, as the pure calculator's input, with their validity (第十五条:
    the narrowest period every loaded rule is valid in) (2 queries)."""
    rules = list(
        AwardRule.objects.prefetch_related(Prefetch("tiers", queryset=AwardTier.objects.order_by("rank")))
    )
    starts = [rule.valid_from for rule in rules if rule.valid_from]
    ends = [rule.valid_until for rule in rules if rule.valid_until]
    return RuleBook(
        valid_from=max(starts, default=None),
        valid_until=min(ends, default=None),
        document="、".join(sorted({rule.document for rule in rules if rule.document})),
        rules={
            rule.code: RuleSpec(
                code=rule.code,
                category=rule.category,
                scheme=rule.scheme,
                clause=rule.clause,
                name=rule.name,
                method=rule.method,
                percent=rule.percent,
                cap_wan=rule.cap_wan,
                min_base_wan=rule.min_base_wan,
                min_base_wan_little_giant=rule.min_base_wan_little_giant,
                upgrade_pays_difference=rule.upgrade_pays_difference,
                min_base_comparison=rule.min_base_comparison or GTE,
                seed_quote=rule.seed_quote,
                tiers=tuple(
                    Tier(
                        grade=t.grade,
                        label=t.label,
                        award_wan=t.award_wan,
                        rank=t.rank,
                        lower_wan=t.lower_wan,
                        upper_wan=t.upper_wan,
                        comparison=t.comparison or GTE,
                        seed_quote=t.seed_quote,
                    )
                    for t in rule.tiers.all()
                ),
            )
            for rule in rules
        },
    )


# Schemes whose awards stand on one ladder: (六) sends a 链主 of 50 亿 and more to (五), so a 链主 award at 50 亿 or
# more and a (五) award are the same level reached.
REVENUE_LADDERS = {
    "main_business": ("main_business", "chain_leader"),
    "chain_leader": ("main_business", "chain_leader"),
}


def earlier_awards(
    *, credit_code: str, category: str, scheme: str = "", project_name: str = "", exclude_pk=None
) -> list[EarlierAward]:
    """Awards already granted (``GRANTED_STATES``) to the enterprise with ``credit_code``, any year, under the
    rule asked about: for a title, certificate or revenue award (第七条(三)–(六)) the same category and scheme
    (a revenue ladder's schemes together); for a project award (第七条(一)(二)) the same project, whatever the
    category it was filed under (第七条(七)). Not scoped to the caller: the rules must see every region's records.
    One query."""
    from .rules.eligibility import PROJECT_CATEGORIES

    if not credit_code:
        return []
    rows = Application.objects.filter(credit_code=credit_code, state__in=GRANTED_STATES)
    if category in PROJECT_CATEGORIES:
        rows = rows.filter(category__in=PROJECT_CATEGORIES, project_name=(project_name or "").strip())
    elif category == "revenue":
        rows = rows.filter(category=category, scheme__in=REVENUE_LADDERS.get(scheme, (scheme,)))
    else:
        rows = rows.filter(category=category, scheme=scheme)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return [
        EarlierAward(
            reference=f"JG-{row['pk']:06d}",
            year=row["call__year"],
            category=row["category"],
            scheme=row["scheme"],
            level=row["level"],
            revenue_wan=row["revenue_wan"],
            award_wan=row["planned_wan"] if row["planned_wan"] is not None else row["award_wan"],
            pk=row["pk"],
        )
        for row in rows.order_by("call__year", "pk").values(
            "pk", "call__year", "category", "scheme", "level", "revenue_wan", "planned_wan", "award_wan"
        )
    ]


def award_quote(params: dict, *, credit_code: str = "", call: Call | None = None, user=None):
    """The calculator's answer (page and API): the pure ``quote_award`` fed the loaded rules and the awards
    already granted to the enterprise with ``credit_code`` (one query); with a ``call``, the rules' validity is
    checked against it (``ValidationError`` on ``call``, 第十五条). Without a credit code no record is consulted,
    and the quote says so."""
    from linfen_admin import credit_code as codes

    from .rules import quote_award

    code = codes.normalise(credit_code or "") if credit_code else ""
    category = params.get("category")
    scheme = params.get("kind") if category == "recognition" else params.get("scheme")
    earlier = earlier_awards(credit_code=code, category=category, scheme=scheme or "") if code else []
    if user is not None and earlier:
        # The rules see every region's awards; the caller reads the reference only of those they may see.
        keys = [award.pk for award in earlier]
        visible = set(visible_to(user, Application.objects.filter(pk__in=keys)).values_list("pk", flat=True))
        earlier = [
            award if award.pk in visible else dataclasses.replace(award, reference=_("其他县(市、区)的申报"))
            for award in earlier
        ]
    quote = quote_award(rule_book(), params, earlier, opens_on=call.opens_on if call is not None else None)
    if not code and category not in ("matching", "investment"):
        quote.explanation.append(_("未填写统一社会信用代码,未核对本系统中已奖励的等次"))
    return quote


# --- Scoping -----------------------------------------------------------------------------------------------


def role_narrowing(user, *, experts: bool = True) -> Q | None:
    """Beyond the region scoping of ``visible_to``: what each role's users are meant to see.

    County staff: their region (already done by ``visible_to``). City bureaus: their domain, once submitted.
    Experts: only the applications assigned to them in the application's current review round (第九条: the
    committee of that round), with their documents and history. Leader, finance, admin: everything (drafts stay
    with the county, except for the leader and admin). ``None`` means no narrowing. The paths (``state``,
    ``call__domain``) are the same on ``StageTotal``, which takes this narrowing with ``experts=False``.
    """
    if user.is_superuser or user.has_role(Role.ADMIN, Role.LEADER, Role.COUNTY_INDUSTRY):
        return None
    submitted = ~Q(state=State.DRAFT)
    allowed = Q(pk__in=[])
    if user.has_role(Role.FINANCE):
        allowed |= submitted
    domains = bureau_domains(user)
    if domains:
        allowed |= submitted & Q(call__domain__in=domains)
    if experts and user.has_role(Role.EXPERT):
        current_round = ExpertAssignment.objects.filter(expert=user, round=F("application__review_round"))
        allowed |= Q(pk__in=current_round.values("application_id"))
    return allowed


def applications_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Applications ``user`` may read: ``scoping.visible_to``, which applies the region scope and then
    ``Application.scope_narrow`` (the role narrowing above)."""
    return visible_to(user, queryset if queryset is not None else Application.objects.all())


def application_list(user) -> QuerySet:
    return applications_visible_to(user).select_related("call", "region")


def application_get(user, pk) -> Application:
    """One application the user may see, or 404 (never 403)."""
    return get_visible_or_404(
        user, applications_visible_to(user).select_related("call", "region", "created_by"), pk=pk
    )


def calls_visible_to(user) -> QuerySet:
    """Calls are published to the public (第八条(一)): ``Call.scope_public`` lets every user holding
    ``view_call`` see all of them, county staff who must file into them included."""
    return visible_to(user, Call.objects.all())


def history_for(application: Application) -> QuerySet:
    """The workflow history of an application the caller may already see."""
    return ApplicationTransition.objects.filter(application=application).select_related("actor")


def documents_for(application: Application) -> QuerySet:
    return Document.objects.filter(application=application).select_related("uploaded_by")


def document_get(user, pk) -> Document:
    """A document whose application the user may see; 404 otherwise."""
    return get_visible_or_404(user, Document.objects.select_related("application"), pk=pk)


def duplicate_reference(application: Application) -> str | None:
    """第七条(七): another live application for the same thing (rejected ones do not count).

    A project (第七条(一)(二)) is the same project whatever the category it is filed under; an enterprise
    award (称号、认证、收入) is the same award when category, scheme and grade match — a higher grade is an
    upgrade, which the calculator pays as a difference where the seed says so.
    """
    from .rules.eligibility import PROJECT_CATEGORIES

    others = Application.objects.filter(credit_code=application.credit_code).exclude(
        state__in=(State.REJECTED, *GRANTED_STATES)  # granted ones: ``earlier_awards`` names them
    )
    if application.category in PROJECT_CATEGORIES:
        others = others.filter(category__in=PROJECT_CATEGORIES, project_name=application.project_name.strip())
    else:
        others = others.filter(
            category=application.category, scheme=application.scheme, level=application.level
        )
        if application.category == "revenue":
            others = others.filter(revenue_wan=application.revenue_wan)
    if application.pk:
        others = others.exclude(pk=application.pk)
    other = others.order_by("pk").first()
    return other.reference if other else None


# --- Budget and pipeline -----------------------------------------------------------------------------------


def committed_wan(call: Call, *, exclude_pk=None) -> Decimal:
    """Planned awards of a call that count against its budget."""
    rows = Application.objects.filter(call=call, state__in=FUNDED_STATES)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.aggregate(total=Coalesce(Sum("planned_wan"), ZERO))["total"]


def calls_with_usage(user) -> QuerySet:
    """Calls annotated with committed (planned and beyond) and requested amounts (one query)."""
    # Each call's usage is summed from its kept totals for the whole city (``StageTotal``, a row per state and
    # category), not from its applications: a budget counts every region's, whoever reads it.
    of_call = StageTotal.objects.filter(region_key=0, call=OuterRef("pk")).order_by().values("call")
    funded = of_call.filter(state__in=FUNDED_STATES)
    return (
        calls_visible_to(user)
        .annotate(
            committed_wan=Coalesce(Subquery(funded.annotate(total=Sum("planned_wan")).values("total")), ZERO),
            planned_count=Coalesce(Subquery(funded.annotate(n=Sum("count")).values("n")), 0),
            application_count=Coalesce(Subquery(of_call.annotate(n=Sum("count")).values("n")), 0),
        )
        .order_by("-year", "domain")
    )


def totals_serve(user) -> bool:
    """Whether the kept totals can answer for what ``user`` sees of the applications: for everyone but an expert
    whose view is narrowed to assignments, which totals per region and state cannot follow."""
    return not user.has_role(Role.EXPERT) or role_narrowing(user) is None


def _stage_rows(user):
    """(state, category, count, award, planned) over the applications ``user`` sees, from the kept totals where they
    can answer (``totals_serve``), else from the applications themselves."""
    if totals_serve(user):
        rows = visible_to(user, StageTotal.objects.all())
        # a city-level user reads the city's rows (a region user's scope already leaves only their region's)
        rows = rows.filter(region_key=0) if user.is_superuser or user.region_id is None else rows
        count, award, planned = Sum("count"), Sum("award_wan"), Sum("planned_wan")
    else:
        rows = applications_visible_to(user)
        count, award, planned = Count("id"), Sum("award_wan"), Sum("planned_wan")
    return (
        rows.order_by()
        .values("state", "category")
        .annotate(count=Coalesce(count, 0), award=Coalesce(award, ZERO), planned=Coalesce(planned, ZERO))
    )


def pipeline_summary(user, *, breakdowns: bool = True) -> dict:
    """Counts and amounts by stage and the funded amount by category (from the kept totals), and — unless
    ``breakdowns`` is False, as for the cockpit, which shows neither — by region and by domain, over the
    applications the user may see."""
    visible = applications_visible_to(user)
    by_state: dict[str, dict] = {}
    categories: dict[str, Decimal] = {}
    for row in _stage_rows(user):
        stage = by_state.setdefault(row["state"], {"count": 0, "award": ZERO, "planned": ZERO})
        stage["count"] += row["count"]
        stage["award"] += row["award"]
        stage["planned"] += row["planned"]
        if row["state"] in FUNDED_STATES:
            categories[row["category"]] = categories.get(row["category"], ZERO) + row["planned"]
    stages = [
        {
            "state": state,
            "label": label,
            "count": by_state.get(state, {}).get("count", 0),
            "award_wan": by_state.get(state, {}).get("award", ZERO),
            "planned_wan": by_state.get(state, {}).get("planned", ZERO),
        }
        for state, label in State.choices
    ]
    regions, domains = _breakdowns(visible) if breakdowns else ([], [])
    calls = []
    for call in calls_with_usage(user):
        remaining = call.budget_wan - call.committed_wan
        percent = (
            # Truncated, never rounded up across a line (99.96 % is not 100 %).
            (call.committed_wan / call.budget_wan * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            if call.budget_wan
            else None
        )
        calls.append(
            {
                "call": call,
                "committed_wan": call.committed_wan,
                "remaining_wan": remaining,
                "percent": percent,
                "planned_count": call.planned_count,
            }
        )
    return {
        "stages": stages,
        "regions": regions,
        "domains": domains,
        "categories": categories,
        "calls": calls,
        "total": sum(stage["count"] for stage in stages),
    }


def _breakdowns(visible) -> tuple[list, list]:
    """By region (in the regions' order) and by domain: the subsidies dashboard's tables."""
    regions = list(
        visible.values("region__name", "region__order")
        .annotate(
            count=Count("id"),
            award_wan=Coalesce(Sum("award_wan"), ZERO),
            planned_wan=Coalesce(Sum("planned_wan", filter=Q(state__in=FUNDED_STATES)), ZERO),
        )
        .order_by("region__order")
    )
    domain_labels = dict(Domain.choices)
    domains = [
        {**row, "label": domain_labels.get(row["call__domain"], row["call__domain"])}
        for row in visible.values("call__domain")
        .annotate(
            count=Count("id"),
            award_wan=Coalesce(Sum("award_wan"), ZERO),
            planned_wan=Coalesce(Sum("planned_wan", filter=Q(state__in=FUNDED_STATES)), ZERO),
        )
        .order_by("call__domain")
    ]
    return regions, domains


def waiting_applications(state: str) -> QuerySet:
    return Application.objects.filter(state=state).select_related("call", "region")


def average_score(assignments) -> Decimal | None:
    """The average of the scores given (Decimal, two places); ``None`` before any score."""
    scores = [a.score for a in assignments if a.score is not None]
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plans_for(user, call: Call | None = None) -> QuerySet:
    """The allocation plans ``user`` may read (the bureau of the call's domain, 市财政局, the leading group)."""
    rows = AllocationPlan.objects.all() if call is None else AllocationPlan.objects.filter(call=call)
    return (
        visible_to(user, rows)
        .select_related("call")
        .prefetch_related(
            Prefetch("lines", queryset=AllocationLine.objects.select_related("application__region"))
        )
    )


def committees_for(user, call: Call) -> QuerySet:
    return visible_to(user, ReviewCommittee.objects.filter(call=call)).prefetch_related("members__expert")


def plan_candidates(user, call: Call) -> list[Application]:
    """Applications of ``call`` 拟支持 and in no plan yet before the government or approved (a draft's are shown
    again only in that draft)."""
    listed = AllocationLine.objects.filter(plan__call=call).values("application_id")
    return list(
        applications_visible_to(user)
        .filter(call=call, state=State.PLANNED)
        .exclude(pk__in=listed)
        .select_related("region")
        .order_by("-planned_wan", "id")
    )
