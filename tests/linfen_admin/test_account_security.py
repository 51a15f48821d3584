"""Account security (等保 2.0 level 3): three separated administrators, a first-login password change, signing out
everywhere, a second factor for every account that can open 系统管理, and deploy checks on the superuser."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from linfen_admin import accounts, audit
from linfen_admin.models import AuditEvent, Region, User
from linfen_admin.roles import GROUP_NAMES, Role

RIGHT = "pw-for-tests-123"
NEW_PASSWORD = "Linfen#2022-own"


def _sign_in(client, username, password=RIGHT):
    return client.post("/login/", {"username": username, "password": password})


def _group(role):
    return Group.objects.get(name=GROUP_NAMES[role])


def _code(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


# --- 三权分立 ------------------------------------------------------------------------------------------------


def test_no_administrator_holds_another_ones_powers(users):
    admin, security, auditor = users["admin"], users["security"], users["auditor"]
    # The 系统管理员 keeps accounts and reference data…
    assert admin.has_perm("linfen_admin.add_user") and admin.has_perm("land.change_campaign")
    # …but neither grants roles, resets second factors, unlocks sign-ins nor reads the whole trail.
    for permission in (
        "linfen_admin.assign_roles",
        "linfen_admin.reset_two_factor",
        "axes.delete_accessattempt",
        "auth.change_group",
        "linfen_admin.review_auditevent",
    ):
        assert not admin.has_perm(permission), permission
    # The 安全管理员 grants roles and unlocks, and sees no business data and not the whole trail.
    assert security.has_perm("linfen_admin.assign_roles") and security.has_perm("axes.delete_accessattempt")
    assert not security.has_perm("land.view_parcel") and not security.has_perm("linfen_admin.add_user")
    assert not security.has_perm("linfen_admin.review_auditevent")
    # The 审计管理员 reads the trail and nothing else.
    assert auditor.get_all_permissions() <= {
        "linfen_admin.review_auditevent",
        "linfen_admin.view_auditevent",
        "linfen_admin.view_region",
        "linfen_admin.view_department",
    }
    assert auditor.has_perm("linfen_admin.review_auditevent")


def test_only_the_security_administrator_assigns_roles(users):
    clerk = users["yaodu_land"]
    with pytest.raises(PermissionDenied):
        accounts.assign_roles(actor=users["admin"], user=clerk, groups=[_group(Role.LEADER)])
    accounts.assign_roles(actor=users["security"], user=clerk, groups=[_group(Role.LEADER)])
    assert clerk.groups.get().name == "领导小组"
    event = AuditEvent.objects.for_object(clerk).latest("id")
    assert event.comment == "分配角色" and event.changes["groups"] == ["县级自然资源局", "领导小组"]


@pytest.mark.parametrize(
    "roles, message",
    [
        ([Role.ADMIN, Role.AUDIT_ADMIN], "三者分设"),
        ([Role.SECURITY_ADMIN, Role.AUDIT_ADMIN], "三者分设"),
        ([Role.AUDIT_ADMIN, Role.LEADER], "不能兼任"),
        ([Role.COUNTY_LAND], "县级角色"),
    ],
)
def test_role_combinations_that_break_the_separation_are_refused(users, roles, message):
    target = users["leader"]  # a city user: no region
    with pytest.raises(ValidationError, match=message):
        accounts.assign_roles(actor=users["security"], user=target, groups=[_group(role) for role in roles])
    assert target.groups.get().name == "领导小组"


def test_nobody_changes_their_own_roles(users):
    with pytest.raises(ValidationError, match="自己"):
        accounts.assign_roles(actor=users["security"], user=users["security"], groups=[_group(Role.ADMIN)])


def test_in_the_admin_each_administrator_edits_only_their_own_fields(client, users):
    target = users["leader"]
    url = f"/admin/linfen_admin/user/{target.pk}/change/"
    form = {
        "username": "leader",
        "full_name": "改过的名字",
        "email": "leader@example.gov.cn",
        "is_active": "on",
        "groups": [_group(Role.CITY_LAND).pk],
        "is_staff": "on",
        "date_joined_0": "2022-01-01",
        "date_joined_1": "08:00:00",
    }
    # The 系统管理员 changes the name; the role and the admin access stay as they were.
    client.force_login(users["admin"])
    assert client.post(url, form).status_code == 302
    target.refresh_from_db()
    assert target.full_name == "改过的名字" and not target.is_staff
    assert target.groups.get().name == "领导小组"
    # The 安全管理员 changes the role; the name stays.
    client.force_login(users["security"])
    assert client.post(url, {**form, "full_name": "又改了"}).status_code == 302
    target.refresh_from_db()
    assert target.full_name == "改过的名字" and target.is_staff
    assert target.groups.get().name == "市规划和自然资源局"
    # A forbidden combination is answered beside the field, nothing saved.
    response = client.post(url, {**form, "groups": [_group(Role.AUDIT_ADMIN).pk, _group(Role.LEADER).pk]})
    assert response.status_code == 200 and "不能兼任" in response.content.decode()
    assert target.groups.get().name == "市规划和自然资源局"


def test_only_the_system_administrator_sets_someone_elses_password(client, users):
    target = users["leader"]
    url = f"/admin/linfen_admin/user/{target.pk}/password/"
    form = {"password1": "Temp#2022-handover", "password2": "Temp#2022-handover", "usable_password": "true"}
    client.force_login(users["security"])
    assert client.post(url, form).status_code == 403
    client.force_login(users["admin"])
    assert client.post(url, form).status_code == 302
    target.refresh_from_db()
    assert target.check_password("Temp#2022-handover") and target.must_change_password


def test_the_audit_administrator_filters_and_exports_the_whole_trail(client, users):
    yaodu, hongdong = Region.objects.get(name="尧都区"), Region.objects.get(name="洪洞县")
    audit.record(
        actor=users["admin"],
        action=audit.Action.UPDATE,
        obj=yaodu,
        before={"name": "旧"},
        after={"name": "=1+2"},
        comment='=HYPERLINK("http://x")',
    )
    audit.record(
        actor=users["admin"],
        action=audit.Action.UPDATE,
        obj=hongdong,
        before={"name": "旧"},
        after={"name": "洪洞"},
    )
    for who in ("admin", "security", "leader", "city_land"):
        client.force_login(users[who])
        assert client.get("/audit/").status_code == 403, who
        assert client.get("/audit/export.xlsx").status_code == 403, who
    client.force_login(users["auditor"])
    page = client.get("/audit/", {"region": yaodu.pk, "action": "update"})
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    assert client.get("/audit/", {"start": "2022-05-02", "end": "2022-05-01"}).context["form"].errors["end"]
    export = client.get("/audit/export.xlsx", {"region": yaodu.pk})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == 2
    assert rows[1][4] == "尧都区" and rows[1][6] == "名称:旧 → =1+2"  # the field's label, not its name
    assert rows[1][7] == '\'=HYPERLINK("http://x")'  # inert, never a live formula
    # Exporting is itself on the record; the auditor reaches no business page.
    assert AuditEvent.objects.filter(actor=users["auditor"], action=AuditEvent.Action.EXPORT).count() == 1
    assert client.get("/land/parcels/").status_code == 403


# --- first sign-in, signing out everywhere ---------------------------------------------------------------------


def test_an_account_the_administrator_created_changes_its_password_first(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/admin/linfen_admin/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Handover#2022x",
            "password2": "Handover#2022x",
            "full_name": "新同事",
            "email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="newclerk")
    assert created.must_change_password
    client.logout()
    _sign_in(client, "newclerk", "Handover#2022x")
    response = client.get("/inbox/")
    assert response.status_code == 302 and response.url == "/account/password/?next=%2Finbox%2F"
    assert client.get("/api/v1/me/").status_code == 403
    response = client.post(
        "/account/password/",
        {
            "old_password": "Handover#2022x",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "/inbox/",
        },
    )
    assert response.status_code == 302 and response.url == "/inbox/"
    created.refresh_from_db()
    assert not created.must_change_password
    assert client.get("/inbox/").status_code == 200


def test_the_token_endpoint_refuses_a_password_that_must_be_changed(api, users):
    User.objects.filter(pk=users["leader"].pk).update(must_change_password=True)
    response = api.post("/api/v1/auth/token/", {"username": "leader", "password": RIGHT})
    assert response.status_code == 400 and "修改密码" in str(response.json())


def test_sign_out_everywhere_ends_the_other_sessions_and_the_tokens(client, users, django_user_model):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    other = Client()
    _sign_in(client, "leader")
    _sign_in(other, "leader")
    Token.objects.create(user=users["leader"])
    assert other.get("/inbox/").status_code == 200
    assert client.post("/account/sign-out-everywhere/").status_code == 302
    assert client.get("/inbox/").status_code == 200  # this device stays signed in
    response = other.get("/inbox/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert not Token.objects.filter(user=users["leader"]).exists()
    assert AuditEvent.objects.for_object(users["leader"]).filter(comment="退出所有设备").exists()


# --- the second factor ---------------------------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_an_admin_capable_account_enrols_before_anything_else(client, users, two_factor):
    _sign_in(client, "city_land")  # staff: can open 系统管理
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/setup/")
    assert client.get("/account/two-factor/qr.svg")["Content-Type"] == "image/svg+xml"
    page = client.get("/account/two-factor/setup/")
    assert "密钥" in page.content.decode()
    device = TOTPDevice.objects.get(user=users["city_land"], confirmed=False)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        wrong = "000000" if _code(device) != "000000" else "111111"
        refused = client.post("/account/two-factor/setup/", {"code": wrong})
        assert refused.status_code == 200 and refused.context["form"].errors["code"]
        # django-otp makes a guesser wait after each wrong code
        traveller.shift(datetime.timedelta(seconds=2))
        done = client.post("/account/two-factor/setup/", {"code": _code(device), "next": "/admin/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200


def test_the_next_sign_in_asks_for_a_code_and_a_recovery_code_works_once(client, users, two_factor):
    user = users["city_land"]
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    from linfen_admin import twofactor

    codes = twofactor.new_recovery_codes(user)
    _sign_in(client, "city_land")
    response = client.get("/land/parcels/")
    assert response.url.startswith("/account/two-factor/verify/")
    assert client.post("/account/two-factor/verify/", {"code": "12345"}).context["form"].errors
    response = client.post("/account/two-factor/verify/", {"code": _code(device), "next": "/land/parcels/"})
    assert response.status_code == 302 and response.url == "/land/parcels/"
    assert client.get("/land/parcels/").status_code == 200
    # A lost phone: a recovery code instead, once.
    client.logout()
    _sign_in(client, "city_land")
    assert client.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert twofactor.recovery_codes_left(user) == 9
    client.logout()
    _sign_in(client, "city_land")
    assert client.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 200


def test_people_who_cannot_open_the_admin_are_not_asked(client, users, two_factor):
    _sign_in(client, "yaodu_land")
    assert client.get("/land/parcels/").status_code == 200


def test_the_token_endpoint_wants_the_code_too(api, users, two_factor):
    device = TOTPDevice.objects.create(user=users["city_land"], name="手机", confirmed=True)
    assert api.post("/api/v1/auth/token/", {"username": "city_land", "password": RIGHT}).status_code == 400
    response = api.post(
        "/api/v1/auth/token/", {"username": "city_land", "password": RIGHT, "otp": _code(device)}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_the_security_administrator_resets_a_lost_authenticator(client, users, two_factor):
    target = users["city_land"]
    TOTPDevice.objects.create(user=target, name="手机", confirmed=True)
    with pytest.raises(PermissionDenied):
        accounts.reset_two_factor(actor=users["admin"], user=target)
    client.force_login(users["security"])
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    # The security administrator's own session needs its second factor first.
    security_device = Device.objects.create(user=users["security"], name="手机", confirmed=True)
    client.post("/account/two-factor/verify/", {"code": _code(security_device)})
    response = client.post(
        "/admin/linfen_admin/user/",
        {"action": "reset_two_factor", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.for_object(target).filter(comment="重置双因素认证").exists()


# --- deploy checks ----------------------------------------------------------------------------------------------


def test_deploy_checks_want_one_emergency_superuser_used_rarely(users, settings, make_user):
    from linfen_admin.checks import separated_administrators

    settings.TWO_FACTOR_REQUIRED = True
    assert separated_administrators(None) == []  # "root" alone, never signed in
    second = make_user("root2", Role.ADMIN, is_superuser=True)
    assert [problem.id for problem in separated_administrators(None)] == ["linfen_admin.W001"]
    second.delete()
    start = timezone.now()
    for day in range(3):
        with time_machine.travel(start - datetime.timedelta(days=day), tick=False):
            audit.record(actor=users["root"], action=audit.Action.LOGIN, obj=users["root"], comment="登录")
    assert [problem.id for problem in separated_administrators(None)] == ["linfen_admin.W002"]
    settings.TWO_FACTOR_REQUIRED = False
    assert "linfen_admin.E006" in [problem.id for problem in separated_administrators(None)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_to_truncate_the_audit_table(users):
    from django.db import DatabaseError, connection, transaction

    audit.record(actor=users["admin"], action=audit.Action.LOGIN, obj=users["admin"])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL linfen.audit_truncate = ''")  # what every connection but the tests' has
        cursor.execute("TRUNCATE linfen_admin_auditevent")
    assert AuditEvent.objects.exists()
