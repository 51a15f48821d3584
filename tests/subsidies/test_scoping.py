"""The role narrowing (a city bureau sees its own domain once submitted, experts what they review) holds on
every generic path, not only on the subsidies pages: the audit trail, the admin and ``scoping`` itself."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from linfen_admin.scoping import get_visible_or_404, visible_to
from subsidies.models import Application, ApplicationTransition, Domain, State
from subsidies.services import application_transition

from .conftest import CallFactory


@pytest.fixture
def industry_draft(make_application):
    return make_application(State.DRAFT)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("yaodu_industry", 200),
        ("leader", 200),
        ("admin", 200),
        ("city_energy", 404),
        ("city_industry", 404),
        ("expert1", 404),
        ("finance", 404),
        ("hongdong_industry", 404),
    ],
)
def test_audit_trail_of_an_application_follows_the_role_narrowing(
    client, users, industry_draft, username, status
):
    content_type = ContentType.objects.get_for_model(Application)
    client.force_login(users[username])
    response = client.get(reverse("audit-trail", args=[content_type.pk, industry_draft.pk]))
    assert response.status_code == status


def test_visible_to_narrows_applications_and_the_rows_hanging_off_them(users, make_application):
    industry = make_application(State.CITY_REVIEW)
    energy = make_application(State.CITY_REVIEW, call=CallFactory(domain=Domain.ENERGY))
    application_transition(
        application_id=energy.pk, actor=users["city_energy"], action="return", comment="补正"
    )
    application_transition(
        application_id=industry.pk, actor=users["city_industry"], action="return", comment="补正"
    )

    assert set(visible_to(users["city_energy"], Application.objects.all())) == {energy}
    assert set(visible_to(users["city_industry"], Application.objects.all())) == {industry}
    steps = visible_to(users["city_energy"], ApplicationTransition.objects.all())
    assert {step.application_id for step in steps} == {energy.pk}
    assert {a.pk for a in visible_to(users["leader"], Application.objects.all())} == {industry.pk, energy.pk}
    with pytest.raises(Exception) as exc:
        get_visible_or_404(users["city_energy"], Application.objects.all(), pk=industry.pk)
    assert exc.typename == "Http404"


def test_admin_list_follows_the_role_narrowing(client, users, make_application, django_user_model):
    industry = make_application(State.CITY_REVIEW)
    energy = make_application(State.CITY_REVIEW, call=CallFactory(domain=Domain.ENERGY))
    staff = users["city_energy"]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    response = client.get(reverse("admin:subsidies_application_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert energy.enterprise_name in html
    assert industry.enterprise_name not in html
    assert client.get(reverse("admin:subsidies_application_change", args=[industry.pk])).status_code in (
        302,
        404,
    )


def test_admin_audit_log_shows_only_rows_about_visible_objects(client, users, make_application):
    from linfen_admin import audit
    from linfen_admin.models import AuditEvent

    industry_draft = make_application(State.DRAFT)
    energy = make_application(State.CITY_REVIEW, call=CallFactory(domain=Domain.ENERGY))
    for application in (industry_draft, energy):
        audit.record_created(actor=users["yaodu_industry"], obj=application)
    land_row = audit.record(
        actor=users["city_land"],
        action=audit.Action.UPDATE,
        obj=users["city_land"].region or industry_draft.region,
        before={"name": "x"},
        after={"name": "y"},
    )

    def listed(username):
        user = users[username]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        response = client.get(reverse("admin:linfen_admin_auditevent_changelist"))
        assert response.status_code == 200
        return {event.pk for event in response.context["cl"].queryset}

    by_object = {e.object_id: e.pk for e in AuditEvent.objects.filter(content_type__model="application")}
    assert listed("city_energy") == {by_object[str(energy.pk)], land_row.pk}  # regions are visible to all
    assert listed("yaodu_industry") == {
        by_object[str(industry_draft.pk)],
        by_object[str(energy.pk)],
        land_row.pk,
    }


def test_a_call_is_read_by_all_and_changed_only_by_the_bureau_of_its_domain(client, users):
    import datetime
    from decimal import Decimal

    from linfen_admin import scoping
    from subsidies.models import Call

    energy = Call.objects.create(
        year=2031,
        domain="energy",
        title="2031 年能源领域技术改造专项资金",
        opens_on=datetime.date(2031, 3, 1),
        closes_on=datetime.date(2031, 4, 30),
        budget_wan=Decimal("5000.00"),
    )
    calls = Call.objects.filter(pk=energy.pk)
    assert scoping.visible_to(users["city_industry"], calls).exists()
    assert scoping.visible_to(users["yaodu_industry"], calls).exists()
    assert not scoping.editable_by(users["city_industry"], calls).exists()
    assert scoping.editable_by(users["city_energy"], calls).exists()
    for name in ("city_industry", "city_energy"):
        users[name].is_staff = True
        users[name].save()
    client.force_login(users["city_industry"])
    page = client.get(f"/admin/subsidies/call/{energy.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content  # view only
    form = client.get("/admin/subsidies/call/add/").context["adminform"].form
    assert [value for value, _label in form.fields["domain"].choices if value] == ["industry"]
    client.force_login(users["city_energy"])
    assert b'name="_save"' in client.get(f"/admin/subsidies/call/{energy.pk}/change/").content
