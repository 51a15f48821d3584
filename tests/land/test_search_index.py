"""The ledger's search ``q`` is served by trigram indexes on PostgreSQL, Chinese text included."""

import pytest
from django.db import connection

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
