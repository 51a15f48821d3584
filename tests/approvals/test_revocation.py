"""撤销/吊销许可 and the bar on reapplying that 临政发〔2022〕5 号 writes for item 17 (医疗广告审查), 附件 第 17 项
加强事中事后监管措施 2.②: "…按规定撤销《医疗广告审查证明》,并在一年内不受理该医疗机构的广告审批申请。"
The year is counted as 《民法典》第二百零一条、第二百零二条 count periods (day of revocation not counted; the last day
is the corresponding day, or the month's last day)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals import services
from approvals.models import Case, LicensedEntity
from approvals.rules.revocation import bar_last_day, is_barred
from linfen_admin.audit import history_for
from linfen_admin.roles import Role

from .conftest import make_code

D = datetime.date
HOSPITAL = make_code("141000", 17, "12")  # a public institution (事业单位) code


@pytest.mark.parametrize(
    ("revoked_on", "months", "last_day"),
    [
        (D(2022, 6, 10), 12, D(2023, 6, 10)),  # 第 17 项 "一年内": the corresponding day is the last one
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # no 2025-02-29: the month's last day (第二百零二条)
        (D(2022, 12, 31), 12, D(2023, 12, 31)),
        (D(2022, 1, 31), 1, D(2022, 2, 28)),
        (D(2022, 6, 10), 0, None),  # the other 18 items: no bar
    ],
)
def test_the_bar_ends_on_the_corresponding_day(revoked_on, months, last_day):
    assert bar_last_day(revoked_on, months) == last_day


@pytest.mark.parametrize(
    ("accepted_on", "barred"),
    [
        (D(2022, 6, 9), False),  # before the revocation: not a reapplication
        (D(2022, 6, 10), True),  # the day of revocation itself
        (D(2022, 12, 1), True),
        (D(2023, 6, 10), True),  # the last day of "一年内"
        (D(2023, 6, 11), False),  # the day after: accepted again
    ],
)
def test_item_17_one_year_bar_boundaries(accepted_on, barred):
    assert is_barred(accepted_on=accepted_on, revoked_on=D(2022, 6, 10), months=12) is barred


@pytest.fixture
def licensed(new_case, users):
    """An approved case of ``number`` and its licence: item 17 (city) by default, with the hospital's code."""

    def make(number=17, code=HOSPITAL, decided_on=None):
        decided_on = decided_on or D(2022, 5, 20)
        region = None if number >= 13 else "尧都区"
        case = new_case(number=number, region=region, accepted_on=D(2022, 5, 5), applicant_credit_code=code)
        officer = users["city_approval"] if region is None else users["yaodu_approval"]
        services.case_decide(actor=officer, case=case, decision="approved", decided_on=decided_on)
        return case, LicensedEntity.objects.get(case=case)

    return make


def _revoke(users, licence, who="city_approval", **kw):
    args = {
        "kind": "rescinded",
        "reason": "篡改《医疗广告审查证明》内容发布广告",
        "revoked_on": D(2022, 6, 10),
    }
    return services.entity_revoke(actor=users[who], entity=licence, **{**args, **kw})


@pytest.mark.django_db
def test_revocation_deactivates_the_holder_and_is_audited(users, licensed):
    _case, licence = licensed()
    revoked = _revoke(users, licence)
    assert (revoked.active, revoked.revoked_on, revoked.revocation_kind, revoked.revoked_by) == (
        False,
        D(2022, 6, 10),
        "rescinded",
        users["city_approval"],
    )
    event = history_for(revoked)[0]
    assert event.action == "transition" and "2023-06-10(含)前不受理" in event.comment
    with pytest.raises(services.CaseConflict):
        _revoke(users, revoked)
    with pytest.raises(ValidationError):  # revoked is revoked: not reactivated by a correction
        services.entity_update(actor=users["city_approval"], entity=revoked, active=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"kind": "paused"}, "kind"),
        ({"revoked_on": D(2022, 5, 19)}, "revoked_on"),  # before the licence was granted (5/20)
        ({"revoked_on": D(2099, 1, 1)}, "revoked_on"),  # not yet
    ],
)
def test_revocation_needs_kind_reason_and_a_date(users, licensed, changes, field):
    _case, licence = licensed()
    with pytest.raises(ValidationError) as caught:
        _revoke(users, licence, **changes)
    assert field in caught.value.message_dict
    assert LicensedEntity.objects.get(pk=licence.pk).active


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["yaodu_approval", "leader", "inspector1", "admin"])
def test_only_the_granting_departments_officers_revoke(users, licensed, who):
    _case, licence = licensed()
    with pytest.raises(PermissionDenied):
        _revoke(users, licence, who=who)
    assert LicensedEntity.objects.get(pk=licence.pk).revoked_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "accepted_on", "code", "refused"),
    [
        (17, D(2022, 6, 10), HOSPITAL, True),  # the day of revocation
        (17, D(2023, 6, 9), HOSPITAL, True),
        (17, D(2023, 6, 12), HOSPITAL, False),  # after 2023-06-10 (6/11 is a Sunday)
        (17, D(2022, 7, 1), make_code("141000", 99, "12"), False),  # another applicant
        (18, D(2022, 7, 1), HOSPITAL, False),  # item 18: the licence is revoked, no bar written
    ],
)
def test_a_new_application_within_the_bar_is_refused_with_the_reason(
    users, licensed, new_case, number, accepted_on, code, refused
):
    _case, licence = licensed(number=number)
    _revoke(users, licence)
    if refused:
        with pytest.raises(ValidationError) as caught:
            new_case(number=number, region=None, accepted_on=accepted_on, applicant_credit_code=code)
        message = caught.value.message_dict["applicant_credit_code"][0]
        assert "2022-06-10 撤销" in message and "篡改" in message and "第 17 项" in message
        assert "2023-06-10(含)前不受理" in message
        assert Case.objects.filter(applicant_credit_code=code).count() == 1
    else:
        case = new_case(number=number, region=None, accepted_on=accepted_on, applicant_credit_code=code)
        assert case.pk


@pytest.mark.django_db
def test_revocation_through_the_case_page(client, users, licensed):
    case, licence = licensed()
    url = reverse("approvals:case-detail", args=[case.pk])
    client.force_login(users["city_approval"])
    assert (
        f'action="{reverse("approvals:case-revoke", args=[case.pk])}#licence"'
        in client.get(url).content.decode()
    )
    revoke = reverse("approvals:case-revoke", args=[case.pk])
    refused = client.post(revoke, {"kind": "revoked", "revoked_on": "2022-06-10", "reason": ""})
    assert refused.status_code == 400 and "id_reason_error" in refused.content.decode()
    with time_machine.travel(datetime.datetime(2022, 6, 10, 9, 0), tick=False):
        done = client.post(revoke, {"kind": "revoked", "revoked_on": "2022-06-10", "reason": "虚假违法广告"})
    assert done.status_code == 302
    html = client.get(url).content.decode()
    assert "已于 2022-06-10 吊销" in html and "虚假违法广告" in html and "12 个月内不受理" in html
    assert f'action="{revoke}#licence"' not in html  # nothing left to revoke
    licence.refresh_from_db()
    assert licence.revocation_kind == "revoked" and not licence.active


@pytest.mark.django_db
def test_the_page_scopes_revocation(client, users, licensed):
    case, _licence = licensed(number=5, code=make_code(serial=555))
    client.force_login(users["hongdong_approval"])
    data = {"kind": "revoked", "revoked_on": "2022-06-10", "reason": "x"}
    assert client.post(reverse("approvals:case-revoke", args=[case.pk]), data).status_code == 404
    client.force_login(users["leader"])  # sees the case, may not revoke
    assert (
        "撤销/吊销许可" not in client.get(reverse("approvals:case-detail", args=[case.pk])).content.decode()
    )
    assert LicensedEntity.objects.get(case=case).active


@pytest.mark.django_db
def test_revocation_and_the_bar_through_the_api(api, users, licensed):
    case, _licence = licensed()
    url = f"/api/v1/approvals/cases/{case.pk}/revoke/"
    body = {"kind": "rescinded", "revoked_on": "2022-06-10", "reason": "篡改审查证明"}
    client = api.as_user(users["city_approval"])
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.data
    assert (
        response.data["licence"]["revoked_on"] == "2022-06-10" and response.data["licence"]["active"] is False
    )
    assert client.post(url, body, format="json").status_code == 409
    new = {
        "item": 17,
        "applicant_name": "某医院",
        "applicant_credit_code": HOSPITAL,
        "accepted_on": "2023-01-05",
    }
    refused = client.post("/api/v1/approvals/cases/", new, format="json")
    assert refused.status_code == 400, refused.data
    [error] = refused.data["errors"]
    assert error["field"] == "applicant_credit_code" and "2023-06-10(含)前不受理" in error["message"]
    assert api.as_user(users["hongdong_approval"]).post(url, body, format="json").status_code == 404


@pytest.mark.django_db
def test_revocation_through_the_admin(client, users, items, make_user, new_case):
    officer = make_user(
        "city_approval_staff", Role.APPROVAL_OFFICER, department="city-approval-service", is_staff=True
    )
    entity = services.entity_create(
        actor=users["root"],
        item=items[17],
        region=None,
        name="某医院",
        credit_code=HOSPITAL,
        licensed_on=D(2022, 3, 1),
    )
    url = reverse("admin:approvals_licensedentity_change", args=[entity.pk])
    client.force_login(officer)
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None}
    refused = client.post(url, {**data, "kind": "rescinded", "revocation_date": "2022-06-10", "reason": ""})
    assert refused.status_code == 200 and "须说明理由" in refused.content.decode()
    with time_machine.travel(datetime.datetime(2022, 6, 10, 9, 0), tick=False):
        saved = client.post(
            url, {**data, "kind": "rescinded", "revocation_date": "2022-06-10", "reason": "篡改"}
        )
    assert saved.status_code == 302
    entity.refresh_from_db()
    assert (entity.revoked_on, entity.active, entity.revoked_by) == (D(2022, 6, 10), False, officer)
    with pytest.raises(ValidationError):  # the bar holds for a licence revoked in the admin too
        new_case(number=17, region=None, accepted_on=D(2022, 8, 1), applicant_credit_code=HOSPITAL)


@pytest.mark.django_db
def test_a_revoked_holder_is_no_longer_drawn(users, licensed):
    _case, licence = licensed()
    _revoke(users, licence)
    the_draw = services.draw_create(
        actor=users["inspector1"], item=licence.item, ratio="1", seed="s", inspectors_per_entity=1
    )
    assert licence.pk not in the_draw.candidate_entity_ids
