"""The ledger's search ``q`` is served by trigram indexes on PostgreSQL, Chinese text included."""

import pytest
from django.db import connection
from django.db.models import Q

from land.filtersets import ParcelFilterSet
from land.models import Parcel


@pytest.mark.postgres
def test_the_search_uses_the_trigram_indexes_and_finds_chinese_text(land, make_parcel):
    make_parcel("尧都区", code="141002A001", name="尧都区屯里镇闲置地块")
    make_parcel("尧都区", code="141002A002", name="汾河东岸批而未供地块")
    queryset = ParcelFilterSet({"q": "屯里镇"}, queryset=Parcel.objects.all()).qs
    assert list(queryset.values_list("code", flat=True)) == ["141002A001"]
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # a tiny table: make the planner show what it can use (it would rather read ten rows in a row)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for column in ("code", "name", "location", "approval_no"):
        assert f"land_parcel_{column}_trgm" in plan, plan


SHORT_SEARCHES = ["城东", "城", "东", "地块", "a", "A1", "号", "〔2", "_", "%", "1", "ab", "无此"]


@pytest.mark.postgres
def test_a_search_of_one_or_two_characters_finds_what_icontains_finds_through_the_grams_index(
    land, make_parcel
):
    make_parcel(
        "尧都区",
        code="141002a001",
        name="城东闲置地块",
        location="屯里镇",
        approval_no="晋政地字〔2019〕12号",
    )
    make_parcel("尧都区", code="141002A002", name="汾河东岸批而未供地块", location="城", approval_no="")
    make_parcel(
        "尧都区", code="141002_003", name="100%地块", location="西关AB街", approval_no="临政〔2020〕1号"
    )
    make_parcel("尧都区", code="141002B004", name="东", location="", approval_no="")
    parcels = Parcel.objects.all()
    for value in SHORT_SEARCHES:
        searched = ParcelFilterSet({"q": value}, queryset=parcels).qs
        plain = parcels.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(location__icontains=value)
            | Q(approval_no__icontains=value)
        )
        assert sorted(searched.values_list("pk", flat=True)) == sorted(plain.values_list("pk", flat=True)), (
            value
        )
    # a piece that spans two columns is no match: 块 ends 名称 and 屯 begins 位置
    assert not ParcelFilterSet({"q": "块屯"}, queryset=parcels).qs.exists()

    sql, params = ParcelFilterSet({"q": "城东"}, queryset=parcels).qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "land_parcel_search_grams" in plan, plan


@pytest.mark.postgres
def test_a_short_search_the_statistics_call_common_walks_the_ledger_order_and_finds_the_same_rows(
    land, make_parcel, monkeypatch
):
    from land import filtersets

    for n in range(5):
        make_parcel("尧都区", code=f"141002C00{n}", name=f"城东地块{n}" if n % 2 else f"西关地块{n}")
    parcels = Parcel.objects.all()
    by_pieces = sorted(ParcelFilterSet({"q": "城东"}, queryset=parcels).qs.values_list("pk", flat=True))
    monkeypatch.setattr(filtersets, "SHORT_SEARCH_DENSE_ROWS", -1)  # every short search is now "common"
    common = ParcelFilterSet({"q": "城东"}, queryset=parcels).qs
    assert "land_parcel_grams" not in str(common.query) and "LIKE" in str(common.query)
    assert sorted(common.values_list("pk", flat=True)) == by_pieces and len(by_pieces) == 2
