"""The kept totals behind the funnel and the budget usage: what the services keep, what ``rebuild`` and ``--check``
prove, and that the funnel read from them is the funnel of the applications each user sees."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from linfen_admin.models import Region
from subsidies import selectors, services, stagetotals
from subsidies.models import Application, Category, Domain, IndicatorType, StageTotal, State

from .conftest import CallFactory, linfen_code


def kept(call, region, state, category):
    row = StageTotal.objects.filter(call=call, region=region, state=state, category=category).first()
    return (row.count, row.award_wan, row.planned_wan) if row else (0, D("0"), D("0"))


def test_create_edit_and_steps_move_the_application_between_groups(users, subsidies_seed):
    yaodu = Region.objects.get(name="尧都区")
    call = CallFactory()
    application = services.application_create(
        actor=users["yaodu_industry"],
        call=call,
        region=yaodu,
        enterprise_name="临汾焦化有限公司",
        credit_code=linfen_code(601),
        project_name="干熄焦改造",
        category=Category.INVESTMENT,
        investment_wan=D("52000"),
        investment_progress=D("85"),
        revenue_wan=D("90000"),
        above_scale=True,
        indicator_type=IndicatorType.ECONOMIC,
        expected_new_tax_wan=D("500.00"),
        return_undertaking=True,
    )
    assert kept(call, yaodu, State.DRAFT, Category.INVESTMENT) == (1, D("750.00"), D("0.00"))
    services.application_update(
        actor=users["yaodu_industry"], application_id=application.pk, investment_wan=D("9000")
    )
    assert kept(call, yaodu, State.DRAFT, Category.INVESTMENT) == (1, D("200.00"), D("0.00"))
    services.application_transition(
        application_id=application.pk, actor=users["yaodu_industry"], action="submit"
    )
    assert kept(call, yaodu, State.DRAFT, Category.INVESTMENT)[0] == 0
    assert kept(call, yaodu, State.COUNTY_REVIEW, Category.INVESTMENT) == (1, D("200.00"), D("0.00"))
    assert stagetotals.differences() == []


def test_check_finds_a_change_made_behind_the_services_and_rebuild_mends_it(make_application):
    application = make_application(State.CITY_REVIEW)
    assert stagetotals.differences() == []
    Application.objects.filter(pk=application.pk).update(state=State.REJECTED, award_wan=D("10.00"))
    problems = stagetotals.differences()
    # the region's row and the city's, of the group it left and of the one it entered
    assert len(problems) == 4 and all("应为" in line for line in problems)
    assert sum("区域 全市" in line for line in problems) == 2
    with pytest.raises(CommandError, match="4 处"):
        call_command("rebuild_subsidy_totals", "--check", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("rebuild_subsidy_totals", stdout=io.StringIO())
    assert stagetotals.differences() == []  # (and the check after every test holds)
    assert kept(application.call, application.region, State.REJECTED, application.category) == (
        1,
        D("10.00"),
        D("0"),
    )


def _direct(user):
    """The funnel summed over the applications the user sees, as before the kept totals."""
    rows = (
        selectors.applications_visible_to(user)
        .order_by()
        .values("state")
        .annotate(n=Count("id"), award=Sum("award_wan"), planned=Sum("planned_wan"))
    )
    return {row["state"]: (row["n"], row["award"] or 0, row["planned"] or 0) for row in rows}


@pytest.mark.parametrize(
    "username",
    ["leader", "city_industry", "city_energy", "finance", "yaodu_industry", "hongdong_industry", "expert1"],
)
def test_the_funnel_from_the_kept_totals_is_the_funnel_of_what_each_user_sees(
    users, make_application, username
):
    energy = CallFactory(domain=Domain.ENERGY)
    hongdong = Region.objects.get(name="洪洞县")
    make_application(State.DRAFT)
    make_application(State.CITY_REVIEW, award_wan=D("120.00"))
    make_application(State.PLANNED, planned_wan=D("300.00"))
    make_application(State.EXPERT_REVIEW, call=energy, region=hongdong, award_wan=D("80.00"))
    make_application(State.DRAFT, call=energy, region=hongdong)
    summary = selectors.pipeline_summary(users[username], breakdowns=False)
    funnel = {
        s["state"]: (s["count"], s["award_wan"], s["planned_wan"]) for s in summary["stages"] if s["count"]
    }
    assert funnel == _direct(users[username])
    assert summary["total"] == sum(n for n, _a, _p in funnel.values())


def test_the_cockpit_reads_no_application_for_the_funnel_or_the_budgets(users, make_application):
    make_application(State.PLANNED, planned_wan=D("300.00"))
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.pipeline_summary(users["leader"], breakdowns=False)
    assert summary["calls"][0]["committed_wan"] == D("300.00")
    assert not [q for q in queries.captured_queries if '"subsidies_application"' in q["sql"]]
