"""The one scoping rule: a 尧都区 clerk gets 404 for a 洪洞县 object through every channel of the shell."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from linfen_admin import audit, scoping
from linfen_admin.models import AuditEvent, Region


@pytest.fixture
def events(users):
    """One audit event per county, as a module's service would write for a parcel of that county."""
    yaodu = Region.objects.get(name="尧都区")
    hongdong = Region.objects.get(name="洪洞县")
    return {
        "yaodu": audit.record(
            actor=users["city_land"],
            action=audit.Action.UPDATE,
            obj=yaodu,
            before={"name": "a"},
            after={"name": "b"},
        ),
        "hongdong": audit.record(
            actor=users["city_land"],
            action=audit.Action.UPDATE,
            obj=hongdong,
            before={"name": "a"},
            after={"name": "b"},
        ),
    }


def test_region_is_derived_for_audit_rows_of_scoped_objects(events):
    assert events["yaodu"].region.name == "尧都区"
    assert events["hongdong"].region.name == "洪洞县"


def test_county_user_sees_only_own_region(users, events):
    visible = scoping.visible_to(users["yaodu_land"], AuditEvent.objects.all())
    assert list(visible) == [events["yaodu"]]


def test_city_level_and_leader_see_every_region(users, events):
    for name in ("city_land", "leader", "admin"):
        assert scoping.visible_to(users[name], AuditEvent.objects.all()).count() == 2


def test_other_region_object_is_not_found_not_forbidden(users, events):
    with pytest.raises(Http404):
        scoping.get_visible_or_404(users["yaodu_land"], AuditEvent.objects.all(), pk=events["hongdong"].pk)
    assert scoping.get_visible_or_404(
        users["hongdong_land"], AuditEvent.objects.all(), pk=events["hongdong"].pk
    )


def test_anonymous_and_inactive_users_see_nothing(users, events, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.visible_to(AnonymousUser(), AuditEvent.objects.all()).exists()
    user = users["city_land"]
    user.is_active = False
    assert not scoping.visible_to(user, AuditEvent.objects.all()).exists()


def test_leader_writes_nothing(users):
    assert not scoping.editable_by(users["leader"], Region.objects.all()).exists()


def test_regions_for_writing(users):
    assert list(scoping.regions_for(users["yaodu_land"]).values_list("name", flat=True)) == ["尧都区"]
    assert scoping.regions_for(users["city_land"]).count() == 19
    with pytest.raises(Exception, match="只能处理本区域"):
        scoping.require_region(users["yaodu_land"], Region.objects.get(name="洪洞县"))


def test_model_without_region_path_is_hidden_from_region_scoped_users(users):
    """A region-scoped user never sees rows that belong to no region of theirs."""
    from django.contrib.auth.models import Permission

    user = users["yaodu_land"]
    user.user_permissions.add(Permission.objects.get(codename="view_contenttype"))
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("contenttypes.view_contenttype")
    assert not scoping.visible_to(user, ContentType.objects.all()).exists()


def test_audit_trail_page_answers_404_for_another_region(client, users, events):
    region_type = ContentType.objects.get_for_model(Region)
    hongdong = Region.objects.get(name="洪洞县")
    client.force_login(users["yaodu_land"])
    assert client.get(f"/audit/{region_type.pk}/{hongdong.pk}/").status_code == 404
    client.force_login(users["city_land"])
    response = client.get(f"/audit/{region_type.pk}/{hongdong.pk}/")
    assert response.status_code == 200
    assert "修改" in response.content.decode()


def test_admin_audit_list_is_scoped(client, users, events, django_user_model):
    clerk = users["yaodu_land"]
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    response = client.get("/admin/linfen_admin/auditevent/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    other = client.get(f"/admin/linfen_admin/auditevent/{events['hongdong'].pk}/change/")
    assert other.status_code == 302  # the admin redirects a missing object to the list: not shown
    assert client.get(f"/admin/linfen_admin/auditevent/{events['yaodu'].pk}/change/").status_code == 200


def test_published_reference_data_is_visible_to_every_holder_of_the_view_permission(users):
    """``scope_public`` models (calls, the approval catalogue, campaigns) carry no region but are published."""
    from django.contrib.auth.models import Permission

    from linfen_admin.models import Department

    clerk = users["yaodu_land"]
    clerk.user_permissions.add(Permission.objects.get(codename="view_department"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert not scoping.visible_to(clerk, Department.objects.all()).exists()
    Department.scope_public = True
    try:
        assert scoping.visible_to(clerk, Department.objects.all()).count() == Department.objects.count()
    finally:
        del Department.scope_public
