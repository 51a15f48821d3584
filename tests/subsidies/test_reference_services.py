"""Calls and step limits: changed through their services by the bureau of the call's domain, in the admin too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from linfen_admin.models import AuditEvent
from subsidies import services
from subsidies.models import Call, StepLimit

from .conftest import CallFactory


def test_only_the_bureau_of_the_domain_publishes_a_call(users, subsidies_seed):
    industry = CallFactory.build(domain="industry")
    with pytest.raises(PermissionDenied):
        services.call_save(actor=users["city_energy"], call=industry)
    with pytest.raises(PermissionDenied):
        services.call_save(actor=users["yaodu_industry"], call=industry)
    services.call_save(actor=users["city_industry"], call=industry)
    assert AuditEvent.objects.for_object(industry).get().actor == users["city_industry"]
    industry.budget_wan = 1
    with pytest.raises(PermissionDenied):
        services.call_save(actor=users["city_energy"], call=industry)
    assert Call.objects.get().budget_wan == 5000


def test_admin_call_change_goes_through_the_service(client, users, subsidies_seed):
    call = CallFactory()
    users["city_industry"].is_staff = True  # as seed_demo makes the city bureaus
    users["city_industry"].save()
    client.force_login(users["city_industry"])
    url = reverse("admin:subsidies_call_change", args=[call.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["budget_wan"] = "6000"
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None}
    assert client.post(url, data).status_code == 302
    call.refresh_from_db()
    assert call.budget_wan == 6000
    assert AuditEvent.objects.for_object(call).filter(action="update", actor=users["city_industry"]).exists()


def test_step_limits_need_the_permission(users, subsidies_seed):
    limit = StepLimit.objects.first()
    limit.days = 1
    with pytest.raises(PermissionDenied):
        services.step_limit_save(actor=users["yaodu_industry"], limit=limit)
