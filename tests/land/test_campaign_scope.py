"""Issue 13 items 1, 2 and 8: the 清理范围 of the campaign as data, withdrawal per 五(一)3, the bonus in plan quota,
and the next year's campaign copied from the last one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from land import rules

D = Decimal
d = datetime.date


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# --- rules: tables of cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "approved_on", "agreed_start_on", "first", "last", "inside"),
    [
        # 二(一) "2009 年至 2019 年已批准征收但未完成供应的土地"
        ("unsupplied", d(2008, 12, 31), None, 2009, 2019, False),
        ("unsupplied", d(2009, 1, 1), None, 2009, 2019, True),
        ("unsupplied", d(2019, 12, 31), None, 2009, 2019, True),
        ("unsupplied", d(2020, 1, 1), None, 2009, 2019, False),
        ("unsupplied", d(2021, 6, 1), None, 2009, 2019, False),
        ("unsupplied", None, None, 2009, 2019, True),  # the ledger does not say: nothing to refuse
        # 二(二) "2009 年以来形成的闲置土地": idle from the day after the agreed start's first anniversary
        ("idle", None, d(2007, 12, 30), 2009, None, False),  # idle from 2008-12-31
        ("idle", None, d(2007, 12, 31), 2009, None, True),  # idle from 2009-01-01
        ("idle", None, d(2021, 3, 1), 2009, None, True),
        ("idle", None, d(2021, 3, 1), 2009, 2021, False),  # formed 2022, after a campaign's last year
        ("idle", None, None, 2009, None, True),
    ],
)
def test_scope_of_the_campaign_二_清理范围(kind, approved_on, agreed_start_on, first, last, inside):
    year = rules.scope_year(kind=kind, approved_on=approved_on, agreed_start_on=agreed_start_on)
    assert rules.in_scope(year=year, first=first, last=last) is inside


@pytest.mark.parametrize(
    ("kind", "approved_on", "approved_by", "reclaimed_on", "fully_disposed", "as_of", "eligible"),
    [
        # 五(一)3 "2009 年以来经国务院及省人民政府批准的各类建设用地……满 2 年未使用……可以……申请撤回或者调整批文"
        ("unsupplied", d(2008, 12, 31), "province", None, False, d(2022, 6, 1), False),
        ("unsupplied", d(2009, 1, 1), "province", None, False, d(2022, 6, 1), True),
        ("unsupplied", d(2009, 1, 1), "state_council", None, False, d(2022, 6, 1), True),
        ("unsupplied", d(2009, 1, 1), "other", None, False, d(2022, 6, 1), False),
        ("unsupplied", d(2009, 1, 1), "", None, False, d(2022, 6, 1), False),
        ("unsupplied", d(2020, 6, 1), "province", None, False, d(2022, 5, 31), False),  # 2 years not full
        ("unsupplied", d(2020, 6, 1), "province", None, False, d(2022, 6, 1), True),
        ("unsupplied", d(2015, 1, 1), "province", None, True, d(2022, 6, 1), False),  # supplied in full
        # "(含批而未供及供而未用且已依法收回的土地)": idle land counts once lawfully reclaimed
        ("idle", d(2015, 1, 1), "province", None, False, d(2022, 6, 1), False),
        ("idle", d(2015, 1, 1), "province", d(2022, 6, 2), False, d(2022, 6, 1), False),
        ("idle", d(2015, 1, 1), "province", d(2022, 6, 1), False, d(2022, 6, 1), True),
        ("idle", d(2008, 5, 1), "province", d(2020, 1, 1), False, d(2022, 6, 1), False),
        ("idle", d(2015, 1, 1), "other", d(2020, 1, 1), False, d(2022, 6, 1), False),
    ],
)
def test_withdrawal_eligible_五_一_3(
    kind, approved_on, approved_by, reclaimed_on, fully_disposed, as_of, eligible
):
    assert (
        rules.withdrawal_eligible(
            kind=kind,
            approved_on=approved_on,
            approved_by=approved_by,
            reclaimed_on=reclaimed_on,
            fully_disposed=fully_disposed,
            as_of=as_of,
        )
        is eligible
    )


@pytest.mark.parametrize(
    ("quota", "done", "coefficient", "percent", "as_of", "bonus"),
    [
        # 六(五) "按照'增存挂钩'机制核算新增建设用地计划指标时,再奖励超额完成部分计划指标的 10%"
        ("100", "150", "1", "10", d(2022, 12, 31), "5.000"),
        ("100", "150", "1.5", "10", d(2022, 12, 31), "7.500"),
        ("100", "150", "0", "10", d(2022, 12, 31), "0.000"),
        ("100", "100", "1", "10", d(2022, 12, 31), "0.000"),
        ("100", "90", "2", "10", d(2022, 12, 31), "0.000"),
        ("100", "150", "1", "10", d(2022, 12, 30), None),  # decided at year end
        ("100", "100.01", "1", "10", d(2023, 1, 1), "0.001"),
    ],
)
def test_bonus_in_plan_quota_六_五(quota, done, coefficient, percent, as_of, bonus):
    result = rules.over_completion_bonus(
        total_quota=D(quota),
        total_done=D(done),
        bonus_percent=D(percent),
        linkage_coefficient=D(coefficient),
        year_end=d(2022, 12, 31),
        as_of=as_of,
    )
    assert result == (None if bonus is None else D(bonus))


# --- every channel refuses a parcel outside the scope -------------------------------------------------------


@pytest.mark.django_db
def test_service_refuses_2008_and_2021_approvals_二_一(make_parcel, users):
    """二(一): parcels approved in 2008 or 2021 are refused for the 2022 campaign, with the reason and the range."""
    for year in (2008, 2021):
        with pytest.raises(ValidationError) as refused:
            make_parcel(approved_on=d(year, 6, 1), actor=users["yaodu_land"])
        message = refused.value.message_dict["approved_on"][0]
        assert f"{year} 年" in message and "2009 年至 2019 年" in message
    assert make_parcel(approved_on=d(2009, 6, 1), actor=users["yaodu_land"]).pk


@pytest.mark.django_db
def test_only_the_city_bureau_records_an_exception_with_a_reason(make_parcel, users):
    from linfen_admin.exceptions import FieldNotAllowed

    exception = {"approved_on": d(2021, 6, 1), "scope_exception": True}
    with pytest.raises(FieldNotAllowed):
        make_parcel(actor=users["yaodu_land"], scope_exception_reason="县里想纳入", **exception)
    with pytest.raises(ValidationError) as refused:
        make_parcel(actor=users["city_land"], **exception)
    assert "scope_exception_reason" in refused.value.message_dict
    parcel = make_parcel(
        actor=users["city_land"], scope_exception_reason="省厅同意纳入 2022 年清理", **exception
    )
    assert parcel.scope_exception


@pytest.mark.django_db
def test_an_exception_with_disposals_cannot_be_lifted(make_parcel, dispose, users):
    from land import services

    parcel = make_parcel(
        approved_on=d(2021, 6, 1), scope_exception=True, scope_exception_reason="省厅同意", area="10"
    )
    dispose(parcel, "2022-05-01", "2")
    parcel.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.parcel_update(
            actor=users["city_land"], parcel=parcel, version=parcel.version, data={"scope_exception": False}
        )
    assert "不能取消清理范围例外" in refused.value.message_dict["scope_exception"][0]


@pytest.mark.django_db
def test_page_refuses_out_of_scope_beside_the_field(login, users, land, region):
    from land.models import Parcel

    client = login(users["yaodu_land"])
    response = client.post(
        reverse("land:parcel-create"),
        {
            "region": region("尧都区").pk,
            "kind": "unsupplied",
            "code": "S-2008",
            "name": "二〇〇八年批次",
            "area_mu": "5",
            "approved_on": "2008-03-01",
        },
    )
    text = response.content.decode()
    assert "2008 年" in text and "清理范围" in text and "二〇〇八年批次" in text  # the input is kept
    assert not Parcel.objects.filter(code="S-2008").exists()


@pytest.mark.django_db
def test_api_refuses_out_of_scope_with_the_reason(api, users, land):
    client = api.as_user(users["yaodu_land"])
    response = client.post(
        "/api/v1/land/parcels/",
        {
            "region": "尧都区",
            "kind": "unsupplied",
            "code": "S-2021",
            "name": "二〇二一年批次",
            "area_mu": "5",
            "approved_on": "2021-03-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "不在" in str(response.json())


@pytest.mark.django_db
def test_progress_never_counts_out_of_scope_disposals(make_parcel, dispose, land):
    """二、清理范围: a parcel's disposals count only while it is in scope or excepted (a window narrowed later)."""
    from land.models import Campaign, Parcel
    from land.selectors import progress_for_campaign

    inside = make_parcel(approved_on=d(2015, 6, 1), area="10")
    later = make_parcel(approved_on=d(2019, 6, 1), area="10")
    dispose(inside, "2022-05-01", "4")
    dispose(later, "2022-05-01", "3")

    def done():
        campaign = Campaign.objects.get(pk=land.pk)
        row = next(
            r for r in progress_for_campaign(campaign, d(2022, 12, 31)).regions if r.region.name == "尧都区"
        )
        return row.unsupplied.done_mu, row.milestones[0].met is not None

    assert done()[0] == D("7.000")
    Campaign.objects.filter(pk=land.pk).update(unsupplied_to_year=2018)
    assert done()[0] == D("4.000")
    Parcel.objects.filter(pk=later.pk).update(scope_exception=True, scope_exception_reason="省厅同意")
    assert done()[0] == D("7.000")


@pytest.mark.django_db
def test_dashboard_shows_the_bonus_as_plan_quota(login, users, land):
    page = login(users["city_land"]).get(reverse("land:dashboard"), {"year": 2022, "as_of": "2022-12-31"})
    text = page.content.decode()
    assert "超额奖励计划指标(亩)" in text and "增存挂钩核算系数 1" in text


# --- 8. the next year's campaign ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copy_next_year_moves_dates_and_keeps_the_rules(land, users):
    from land import services

    land.linkage_coefficient = D("1.2")
    land.save()
    copy = services.campaign_copy_next_year(actor=users["city_land"], campaign=land)
    assert copy.year == 2023 and "2023" in copy.title and copy.document_no == ""
    assert (copy.unsupplied_from_year, copy.unsupplied_to_year, copy.idle_from_year, copy.idle_to_year) == (
        land.unsupplied_from_year,
        land.unsupplied_to_year,
        land.idle_from_year,
        land.idle_to_year,
    )
    assert copy.linkage_coefficient == D("1.2") and copy.bonus_percent == land.bonus_percent
    old = sorted((m.due_on, m.percent) for m in land.milestones.all())
    new = sorted((m.due_on, m.percent) for m in copy.milestones.all())
    assert new == [(rules.anniversary(due, 1), percent) for due, percent in old]
    assert copy.phases.count() == land.phases.count()
    assert {r.title for r in copy.report_deadlines.all()} == {r.title for r in land.report_deadlines.all()}
    assert all(r.due_on.year in (2023, 2024) for r in copy.report_deadlines.all())
    assert not copy.quotas.exists()
    with pytest.raises(ValidationError):
        services.campaign_copy_next_year(actor=users["city_land"], campaign=land)


@pytest.mark.django_db
def test_copy_next_year_is_the_city_bureaus(land, users):
    from django.core.exceptions import PermissionDenied

    from land import services

    with pytest.raises(PermissionDenied):
        services.campaign_copy_next_year(actor=users["yaodu_land"], campaign=land)


@pytest.mark.django_db
def test_copy_next_year_admin_action(login, users, land):
    from land.models import Campaign

    response = login(users["admin"]).post(
        reverse("admin:land_campaign_changelist"),
        {"action": "copy_next_year", "_selected_action": [land.pk]},
    )
    assert response.status_code == 302
    assert Campaign.objects.filter(year=2023).exists()


@pytest.mark.django_db
def test_import_refuses_out_of_scope_rows_by_line_二_一(api, users, land):
    """二(一): a sheet row approved in 2008 or 2021 is listed with its line and column; nothing is written."""
    from land.models import Parcel

    from .conftest import csv_upload
    from .test_imports import PARCEL_HEADER, PARCEL_URL, post

    rows = [
        PARCEL_HEADER,
        ["尧都区", "批而未供", "R-1", "地块一", "1", "2008-05-02", "", "", "", ""],
        ["尧都区", "批而未供", "R-2", "地块二", "1", "2015-05-02", "", "", "", ""],
        ["尧都区", "批而未供", "R-3", "地块三", "1", "2021-05-02", "", "", "", ""],
    ]
    response = post(api, users["yaodu_land"], PARCEL_URL, csv_upload(rows))
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(2, "批准时间"), (4, "批准时间")}
    assert not Parcel.objects.exists()
