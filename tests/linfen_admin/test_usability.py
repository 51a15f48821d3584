"""The shell's share of 'usable every day': error pages in the frame, forms that guide, list helpers, formats."""

import io
from decimal import Decimal

import pytest
from django import forms
from django.http import QueryDict
from django.test import Client, RequestFactory
from openpyxl import load_workbook

from linfen_admin.error_views import server_error
from linfen_admin.forms import GuidedFormMixin
from linfen_admin.lists import ordered, xlsx_response
from linfen_admin.models import Region
from linfen_admin.templatetags.linfen import pct, sort_th


class Sample(GuidedFormMixin, forms.Form):
    name = forms.CharField(label="名称", help_text="写全称")
    level = forms.ChoiceField(label="级别", choices=[("", "---------"), ("national", "国家级")])
    region = forms.ModelChoiceField(label="县(市、区)", queryset=Region.objects.all(), required=False)
    detail = forms.CharField(label="补充", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detail"].show_when = "level=national"


def test_a_refused_form_shows_a_summary_and_each_error_beside_its_field(db):
    form = Sample({"name": "", "level": "national", "detail": "保留的内容"})
    assert not form.is_valid()
    html = str(form)
    assert "data-error-summary" in html and 'tabindex="-1"' in html and 'role="alert"' in html
    assert '<a href="#id_name">名称:' in html
    # the control says it is invalid and points at its error and help text, which follow it
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert html.index('id="id_name"') < html.index('id="id_name_error"')
    assert 'class="field has-error required"' in html
    assert 'value="保留的内容"' in html  # input kept
    assert 'data-show-when="level=national"' in html


def test_empty_choices_read_in_words(db):
    html = str(Sample())
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html


def test_filters_offer_all_rather_than_dashes(db):
    from land.filtersets import ParcelFilterSet
    from land.models import Parcel

    form = ParcelFilterSet(QueryDict(""), queryset=Parcel.objects.none()).form
    assert form.fields["kind"].choices[0] == ("", "全部")
    assert "---------" not in str(form)


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("79.998"), "79.99 %"),
        (Decimal("80"), "80.00 %"),
        (Decimal("49.9999"), "49.99 %"),
        (Decimal("1234.5"), "1,234.50 %"),
        (None, "—"),
    ],
)
def test_percentages_are_truncated_never_rounded_up_across_a_line(value, shown):
    assert pct(value) == shown


def test_sort_header_toggles_and_keeps_the_filters():
    request = RequestFactory().get("/x/", {"q": "尧都", "page": "3", "ordering": "code"})
    html = sort_th({"request": request}, "code", "编号")
    assert 'aria-sort="ascending"' in html and "ordering=-code" in html and "q=" in html
    assert "page=" not in html  # a new order starts at page 1
    other = sort_th({"request": request}, "name", "名称", "num")
    assert "aria-sort" not in other and "ordering=name" in other and 'class="num"' in other


def test_ordering_takes_only_the_offered_keys(seeded):
    regions = Region.objects.all()
    factory = RequestFactory()
    fields = {"name": "name", "code": "code"}
    by_code = ordered(regions, factory.get("/", {"ordering": "-code"}), fields, "order")
    assert list(by_code) == sorted(regions, key=lambda r: (r.code, r.pk), reverse=True)
    hostile = ordered(regions, factory.get("/", {"ordering": "password"}), fields, "order")
    assert list(hostile) == sorted(regions, key=lambda r: (r.order, r.pk))


def test_xlsx_export_is_inert():
    response = xlsx_response("x.xlsx", "清单", ["名称", "金额"], [["=HYPERLINK(1)", Decimal("1.5")]])
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    assert [cell.value for cell in sheet[1]] == ["名称", "金额"]
    assert sheet["A2"].value == "'=HYPERLINK(1)"
    assert 'filename="x.xlsx"' in response["Content-Disposition"]


def test_403_is_in_chinese_inside_the_frame_with_a_way_back(client, users):
    client.force_login(users["auditor"])
    response = client.get("/land/parcels/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有权限" in html and 'class="topbar"' in html and "回到工作台" in html
    assert "403 Forbidden" not in html


def test_404_is_in_chinese_inside_the_frame(client, users):
    client.force_login(users["leader"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="topbar"' in html and "回到工作台" in html


def test_500_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()


def test_csrf_failure_is_explained(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["leader"])
    response = client.post("/inbox/read-all/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and 'class="topbar"' in html


def test_the_phone_menu_is_a_labelled_toggle(client, users):
    client.force_login(users["yaodu_land"])
    html = client.get("/").content.decode()
    assert 'data-menu-toggle aria-expanded="false" aria-controls="site-menu"' in html
    assert 'id="site-menu"' in html and 'href="#main"' in html


def _notes(users):
    from django.contrib.contenttypes.models import ContentType

    from linfen_admin.models import Notification

    region = Region.objects.get(name="尧都区")
    kwargs = {
        "rule": "t",
        "content_type": ContentType.objects.get_for_model(Region),
        "object_id": str(region.pk),
        "url": "/",
    }
    for period, title in (("1", "乙提醒"), ("2", "甲提醒")):
        Notification.objects.create(recipient=users["yaodu_land"], title=title, period=period, **kwargs)
    Notification.objects.create(recipient=users["hongdong_land"], title="别人的提醒", period="3", **kwargs)


def test_inbox_counts_sorts_and_exports_only_ones_own(client, users):
    _notes(users)
    client.force_login(users["yaodu_land"])
    html = client.get("/inbox/", {"ordering": "title"}).content.decode()
    assert "共 2 条" in html and 'aria-sort="ascending"' in html
    assert html.index("乙提醒") < html.index("甲提醒")  # 乙 (U+4E59) sorts before 甲 (U+7532)
    assert 'href="/inbox/export.xlsx?ordering=title"' in html
    response = client.get("/inbox/export.xlsx", {"ordering": "-title"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["甲提醒", "乙提醒"]
    assert sheet["D2"].value == "未读"


def test_audit_log_sorts_by_its_headers_and_counts(client, users):
    from linfen_admin.models import AuditEvent

    client.force_login(users["auditor"])
    html = client.get("/audit/", {"ordering": "actor"}).content.decode()
    assert f"共 {AuditEvent.objects.count()} 条" in html
    assert 'aria-sort="ascending"' in html and "ordering=-actor" in html


def test_a_bad_filter_value_is_an_error_beside_the_field(client, users):
    client.force_login(users["auditor"])
    response = client.get("/audit/", {"start": "2022-13-45"})
    html = response.content.decode()
    assert 'class="has-error"' in html and 'aria-invalid="true"' in html and "data-error-summary" in html


def test_staged_uploads_stay_out_of_the_backed_up_media():
    from pathlib import Path

    from django.conf import settings

    assert not Path(settings.STAGING_ROOT).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_ids_first_pages_are_the_plain_pages(seeded, django_assert_num_queries):
    from django.core.paginator import Paginator

    from linfen_admin.lists import IdsFirstPaginator

    regions = Region.objects.order_by("-code")
    for number in (1, 2, 4):
        plain = list(Paginator(regions, 5).page(number))
        with django_assert_num_queries(3):  # the count, the keys, then the rows
            assert list(IdsFirstPaginator(regions, 5).page(number)) == plain


def test_a_count_at_most_stops_at_the_cap_and_offers_only_the_pages_before_it(seeded):
    """19 regions, counted at most 10, 4 per page: three pages of the first ten rows, as the plain pages (walked from
    the front: the far end of a capped list is not known), and the count's query reads at most 11 rows."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linfen_admin.lists import IdsFirstPaginator

    regions = Region.objects.order_by("order", "pk")
    capped = IdsFirstPaginator(regions, 4, count_at_most=10)
    with CaptureQueriesContext(connection) as captured:
        assert capped.count == 10 and capped.capped and capped.num_pages == 3
    assert "LIMIT 11" in captured.captured_queries[0]["sql"]
    for number in (1, 2):
        assert list(capped.page(number)) == list(Paginator(regions, 4).page(number))
    assert list(capped.page(3)) == list(regions[8:10])  # the last page ends at the cap
    whole = IdsFirstPaginator(regions, 4, count_at_most=19)
    assert whole.count == 19 and not whole.capped and whole.num_pages == 5


@pytest.mark.parametrize("order", [("kind", "pk"), ("-kind", "-pk"), ("-order", "-id"), ("code",)])
def test_pages_past_the_middle_are_read_from_the_far_end_and_are_the_same_pages(seeded, order):
    """19 regions, 4 per page: pages 4 and 5 (past the 10th row) walk the reversed order (when it ends in the key, so is total) and are
    still exactly the plain pages, the short last page included."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linfen_admin.lists import IdsFirstPaginator

    regions = Region.objects.order_by(*order)
    reversible = order[-1].removeprefix("-") in ("pk", "id")
    for number in range(1, 6):
        with CaptureQueriesContext(connection) as captured:
            page = list(IdsFirstPaginator(regions, 4).page(number))
        assert page == list(Paginator(regions, 4).page(number))
        keys_sql = captured.captured_queries[-2]["sql"]
        flipped = ("DESC" in keys_sql) != order[0].startswith("-")
        assert flipped == (reversible and number >= 4), (number, keys_sql)
