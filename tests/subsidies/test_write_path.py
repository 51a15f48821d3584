"""One write path for subsidies: the award parameters are the rules' (page, API and calculator refuse the same
requests), derived fields are refused by the API, experts read only their own round's files (record, history,
documents, download, audit trail, admin), and workflow notices reach the e-mail digest."""

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linfen_admin.models import AuditEvent, OutboxItem
from linfen_admin.scoping import audit_events_visible_to
from subsidies import services
from subsidies.models import Application, Document, ExpertAssignment, State

from .conftest import CallFactory, linfen_code

APPS = "/api/v1/subsidies/applications/"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def _recognition_form(call, user, **extra):
    return {
        "call": call.pk,
        "region": user.region_id,
        "enterprise_name": "临汾装备",
        "credit_code": linfen_code(88),
        "project_name": "省级企业技术中心",
        "category": "recognition",
        "investment_progress": "90",
        "revenue_wan": "9000",
        "above_scale": "on",
        **extra,
    }


def test_page_refuses_a_recognition_without_kind_or_level_beside_the_fields(client, users, subsidies_seed):
    call = CallFactory()
    client.force_login(users["yaodu_industry"])
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"), _recognition_form(call, users["yaodu_industry"])
        )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind"}  # the grade waits for the kind
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"),
            _recognition_form(call, users["yaodu_industry"], kind="tech_center"),
        )
    assert set(response.context["form"].errors) == {"level_tech_center"}
    assert not Application.objects.exists()
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"),
            _recognition_form(
                call, users["yaodu_industry"], kind="tech_center", level_tech_center="provincial"
            ),
        )
    assert response.status_code == 302
    assert Application.objects.get().award_wan == 20


def test_api_and_service_refuse_the_same_request(api, users, subsidies_seed):
    import pytest
    from django.core.exceptions import ValidationError

    call = CallFactory()
    user = users["yaodu_industry"]
    body = {
        "call": call.pk,
        "region": "尧都区",
        "enterprise_name": "临汾装备",
        "credit_code": linfen_code(89),
        "project_name": "中心",
        "category": "recognition",
        "revenue_wan": "9000",
        "above_scale": True,
    }
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = api.as_user(user).post(APPS, body, format="json")
        assert response.status_code == 400
        assert {"scheme", "level"} <= {e["field"] for e in response.json()["errors"]}
        with pytest.raises(ValidationError):
            services.application_create(
                actor=user,
                call=call,
                region=user.region,
                enterprise_name="临汾装备",
                credit_code=linfen_code(89),
                project_name="中心",
                category="recognition",
                revenue_wan=9000,
                above_scale=True,
            )
    assert not Application.objects.exists()


def test_api_refuses_derived_fields(api, users, make_application):
    application = make_application(State.DRAFT)
    client = api.as_user(users["yaodu_industry"])
    for field, value in (
        ("award_wan", "999.00"),
        ("state", "approved"),
        ("eligible", True),
        ("planned_wan", "100.00"),
        ("disbursed_wan", "1.00"),
    ):
        response = client.patch(f"{APPS}{application.pk}/", {field: value}, format="json")
        assert response.status_code == 400, field
        assert field in {e["field"] for e in response.json()["errors"]}
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.planned_wan is None


def _expert_review_with_document(make_application, users, expert):
    application = make_application(State.EXPERT_REVIEW)
    ExpertAssignment.objects.create(application=application, expert=expert, round=application.review_round)
    document = Document.objects.create(
        application=application,
        kind="application",
        original_name="申报书.pdf",
        size=len(PDF),
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=users["yaodu_industry"],
        file=SimpleUploadedFile("x.pdf", PDF),
    )
    return application, document


def test_an_expert_reads_only_the_files_assigned_to_them_in_the_current_round(
    client, api, users, make_application
):
    mine, my_document = _expert_review_with_document(make_application, users, users["expert1"])
    theirs, their_document = _expert_review_with_document(make_application, users, users["expert2"])
    earlier = make_application(State.EXPERT_REVIEW, review_round=2)
    ExpertAssignment.objects.create(application=earlier, expert=users["expert1"], round=1)  # an earlier round

    expert = api.as_user(users["expert1"])
    assert expert.get(f"{APPS}{mine.pk}/").status_code == 200
    assert [d["id"] for d in expert.get(f"{APPS}{mine.pk}/documents/").json()] == [my_document.pk]
    for hidden in (theirs, earlier):
        for path in ("", "history/", "documents/"):
            assert expert.get(f"{APPS}{hidden.pk}/{path}").status_code == 404, (hidden, path)
    client.force_login(users["expert1"])
    assert client.get(reverse("subsidies:application-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("subsidies:document-download", args=[my_document.pk])).status_code == 200
    assert client.get(reverse("subsidies:application-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("subsidies:document-download", args=[their_document.pk])).status_code == 404
    content_type = ContentType.objects.get_for_model(Application)
    assert client.get(reverse("audit-trail", args=[content_type.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("audit-trail", args=[content_type.pk, mine.pk])).status_code == 200


def test_document_admin_page_opens_with_a_checked_download_link(client, users, make_application):
    _application, document = _expert_review_with_document(make_application, users, users["expert1"])
    client.force_login(users["admin"])
    response = client.get(reverse("admin:subsidies_document_change", args=[document.pk]))
    assert response.status_code == 200
    assert reverse("subsidies:document-download", args=[document.pk]) in response.content.decode()


def test_workflow_notices_go_through_the_shell_and_reach_the_digest(
    users, make_application, django_capture_on_commit_callbacks
):
    city = users["city_industry"]
    city.email_notifications = True
    city.save()
    application = make_application(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application_id=application.pk,
            actor=users["yaodu_industry"],
            action="recommend",
            comment="",
            data={"document_no": "尧工信发〔2026〕9 号", "inspection_opinion": "核查属实"},
        )
    notice = city.notifications.get(rule="subsidies.transition")
    assert OutboxItem.objects.filter(notification=notice, outbox__recipient=city).exists()


def test_audit_rows_of_drafts_stay_with_the_county(users, make_application):
    draft = make_application(State.DRAFT)
    from linfen_admin import audit

    audit.record_created(actor=users["yaodu_industry"], obj=draft)
    visible = audit_events_visible_to(users["city_industry"], AuditEvent.objects.all())
    assert not visible.filter(object_id=str(draft.pk)).exists()
    assert audit_events_visible_to(users["yaodu_industry"]).filter(object_id=str(draft.pk)).exists()
