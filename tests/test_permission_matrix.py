"""The permission matrix: every URL pattern of the product × every demo role (and nobody) × an object in the user's
own region and one in another, answered as ``tests/permission_matrix.txt`` says.

The expected answers are data a reviewer reads line by line. A URL pattern missing from the file fails the test,
so a new page cannot arrive without someone deciding who may open it. Beside the table, three rules hold whatever
the file says: nobody signed out reads anything but the sign-in page and the health probe; a county user never gets
another county's object; the 审计管理员 opens nothing but the audit log (and their own account pages).

After an intended change, regenerate the file with ``LINFEN_WRITE_MATRIX=1 pytest tests/test_permission_matrix.py``
and review its diff.
"""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

MATRIX = Path(__file__).with_name("permission_matrix.txt")
PRINCIPALS = [
    "anon",
    "admin",
    "security",
    "auditor",
    "leader",
    "city_land",
    "yaodu_land",
    "city_industry",
    "yaodu_industry",
    "expert1",
    "finance",
    "city_approval",
    "yaodu_approval",
    "inspector1",
]
OWN, OTHER = "尧都区", "洪洞县"
# Outside the matrix: the Django admin (its own per-model permissions, tested with the services) and the
# language switch (Django's).
SKIPPED_PREFIXES = ("admin/",)
SKIPPED_NAMES = {"set_language"}
# What someone signed out may open; what the 审计管理员 may open.
PUBLIC = {"login", "healthz", "approvals:public-draws", "api-token", "api-schema", "api-docs", "api-redoc"}
AUDITOR_PAGES = {
    "workbench",
    "cockpit",
    "audit-log",
    "audit-log-export",
    "account-security",
    "account-password",
    "two-factor-setup",
    "two-factor-qr",
    "two-factor-verify",
    "inbox",
    "inbox-export",  # their own reminders
    "job-list",  # their own background jobs (none: every kind needs a module's permission)
    "api-me",
    "notification-list",
    "notification-detail",
    "region-list",
    "region-detail",
    "api-schema",
    "api-docs",
    "api-redoc",
    "login",
    "healthz",
    "approvals:public-draws",
}


def url_patterns():
    """``(name, route)`` of every named pattern, without DRF's format-suffix twins."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    seen = {}
    for name, route in walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES or "(?P<format>" in route:
            continue
        seen.setdefault(name, route)
    return seen


def _model(label):
    return apps.get_model(label)


def _in(label, region_path, region, foreign=False):
    rows = _model(label)._default_manager.order_by("pk")
    rows = rows.exclude(**{region_path: region}) if foreign else rows.filter(**{region_path: region})
    return rows.first()


def objects_for(foreign: bool):
    """One object of each kind the URLs name: in 尧都区, or (``foreign``) in any other region (from the demo)."""
    home = _model("linfen_admin.Region").objects.get(name=OWN)
    region = _model("linfen_admin.Region").objects.get(name=OTHER) if foreign else home
    found = {
        "region": region,
        "parcel": _in("land.Parcel", "region", home, foreign),
        "disposal": _in("land.DisposalRecord", "parcel__region", home, foreign),
        "quota": _in("land.TaskQuota", "region", home, foreign),
        "application": _in("subsidies.Application", "region", home, foreign),
        "document": _in("subsidies.Document", "application__region", home, foreign),
        "case": _in("approvals.Case", "region", home, foreign),
        "draw": _in("approvals.InspectionDraw", "region", home, foreign),
        "drawn": _in("approvals.DrawnEntity", "draw__region", home, foreign),
        "checklist": _in("approvals.HandoverChecklist", "department__region", home, foreign),
        "complaint": _in("approvals.Complaint", "region", home, foreign),
        "supervision": _in("land.Supervision", "region", home, foreign),
        "supervision_report": _in("land.SupervisionReport", "supervision__region", home, foreign),
        "deadline_report": _in("land.DeadlineReport", "region", home, foreign),
        "land_application": _in("land.LandApplication", "region", home, foreign),
        "interview": _in("land.Interview", "region", home, foreign),
        "notice": _model("land.QuarterNotice").objects.filter(status="published").first(),
    }
    missing = [name for name, value in found.items() if value is None]
    assert not missing, f"the demo data has no {missing} {'outside' if foreign else 'in'} {OWN}"
    return found


def kwargs_for(name, objects):
    """URL kwargs for pattern ``name``: the object of ``objects`` it addresses (None: no object)."""
    parcel, case = objects["parcel"], objects["case"]
    by_name = {
        "inbox-open": {"pk": objects["notification"].pk},
        "job-detail": {"pk": objects["job"].pk},
        "job-status": {"pk": objects["job"].pk},
        "job-download": {"pk": objects["job"].pk},
        "notification-detail": {"pk": objects["notification"].pk},
        "notification-read": {"pk": objects["notification"].pk},
        "audit-trail": {
            "content_type_id": ContentType.objects.get_for_model(parcel).pk,
            "object_id": str(parcel.pk),
        },
        "land:disposal-revoke": {"pk": objects["disposal"].parcel_id, "disposal_pk": objects["disposal"].pk},
        "land-parcel-revoke-disposal": {
            "pk": objects["disposal"].parcel_id,
            "disposal_id": objects["disposal"].pk,
        },
        "land-campaign-detail": {"year": 2022},
        "land-interview-detail": {"pk": objects["interview"].pk},
        "land:interview-confirm": {"region_pk": objects["region"].pk},
        "land:interview-dismiss": {"region_pk": objects["region"].pk},
        "land-notice-detail": {"pk": objects["notice"].pk},
        "land-notice-publish": {"pk": objects["notice"].pk},
        "land:notice-detail": {"pk": objects["notice"].pk},
        "land:notice-docx": {"pk": objects["notice"].pk},
        "land:notice-annex": {"pk": objects["notice"].pk},
        "land-quota-detail": {"pk": objects["quota"].pk},
        "region-detail": {"pk": objects["region"].pk},
        "subsidies:document-download": {"pk": objects["document"].pk},
        "subsidies:call-plan": {"pk": objects["application"].call_id},
        "subsidies-call-detail": {"pk": objects["application"].call_id},
        "approvals:item-detail": {"number": case.item.number},
        "approval-item-detail": {"number": case.item.number},
        "approvals:draw-detail": {"pk": objects["draw"].pk},
        "approval-draw-detail": {"pk": objects["draw"].pk},
        "approvals:result-record": {"pk": objects["drawn"].pk},
        "approval-result-detail": {"pk": objects["drawn"].pk},
        "approval-result-result": {"pk": objects["drawn"].pk},
        "approvals:handover-edit": {"pk": objects["checklist"].pk},
        "land:supervision-report-file": {
            "pk": objects["supervision_report"].supervision_id,
            "report_pk": objects["supervision_report"].pk,
        },
        "land:report-submit": {"pk": objects["deadline_report"].deadline_id},
        "land:report-file": {"pk": objects["deadline_report"].pk},
        "land-deadline-report-detail": {"pk": objects["deadline_report"].pk},
        "land-application-detail": {"pk": objects["land_application"].pk},
    }
    if name in by_name:
        return by_name[name]
    if name.startswith(("land:supervision-", "land-supervision-")):
        return {"pk": objects["supervision"].pk}
    if name.startswith(("land:parcel-", "land:disposal-", "land-parcel-")):
        return {"pk": parcel.pk}
    if name.startswith(
        ("subsidies:application-", "subsidies:expert-", "subsidies:document-", "subsidies-application-")
    ):
        return {"pk": objects["application"].pk}
    if name.startswith("approvals:complaint-"):
        return {"pk": objects["complaint"].pk}
    if name.startswith(("approvals:case-", "approval-case-")):
        return {"pk": case.pk}
    raise LookupError(f"{name}: say in kwargs_for which object its address names")


def read_matrix():
    rows = {}
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *cells = line.split()
        if name == "url":
            assert cells == PRINCIPALS, "the header names the principals in PRINCIPALS' order"
            continue
        rows[name] = dict(zip(PRINCIPALS, cells, strict=True))
    return rows


def write_matrix(observed):
    width = max(len(name) for name in observed) + 2
    lines = [
        "# Expected HTTP status of a GET, per URL pattern (rows) and signed-in demo user (columns; anon = nobody).",
        f'# "a/b": a for an object in the user\'s own region ({OWN}), b for one in another ({OTHER}); a city-wide',
        "# user sees both. 302 = sent to sign in (anon) or to a step first; 403 = not for this role; 404 = not",
        "# yours, or not found; 405 = the address takes POST only. Regenerate: LINFEN_WRITE_MATRIX=1 (see the test).",
        "url".ljust(width) + " ".join(p.ljust(9) for p in PRINCIPALS).rstrip(),
    ]
    for name in sorted(observed):
        cells = [observed[name][p].ljust(9) for p in PRINCIPALS]
        lines.append(name.ljust(width) + " ".join(cells).rstrip())
    MATRIX.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def demo_world(db, settings, tmp_path):
    from django.core.management import call_command

    from linfen_admin.demo import load_demo_users
    from linfen_admin.models import Notification, User
    from linfen_admin.registry import registry

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_seed", verbosity=0)
    load_demo_users()
    for loader in registry.demo_loaders:
        loader.load()
    users = {user.username: user for user in User.objects.filter(username__in=PRINCIPALS)}
    _a_document_in_each_region()
    _a_draw_in_another_region()
    _an_interview_in_each_region_and_a_published_notice(users["city_land"])
    parcel_type = ContentType.objects.get_for_model(_model("land.Parcel"))
    notes = {
        username: Notification.objects.create(
            recipient=user, rule="matrix", content_type=parcel_type, object_id="0", period="p", title="t"
        )
        for username, user in users.items()
    }
    return users, notes


def _an_interview_in_each_region_and_a_published_notice(city_land):
    """约谈 records in 尧都区 and 洪洞县 (rows as the confirm service leaves them) and one published 季通报."""
    import datetime

    from land import services
    from land.models import Campaign, Interview
    from linfen_admin.models import Region

    campaign = Campaign.objects.get(year=2022)
    for name in (OWN, OTHER):
        Interview.objects.create(
            campaign=campaign,
            region=Region.objects.get(name=name),
            as_of=datetime.date(2022, 9, 30),
            basis="连续 2 次未按时间节点完成清理任务",
            status="confirmed",
            held_on=datetime.date(2022, 10, 10),
            leader="县长",
            reason="进展缓慢",
        )
    notice = services.notice_draft(actor=city_land, campaign=campaign, as_of=datetime.date(2022, 9, 30))
    services.notice_edit(
        actor=city_land,
        notice=notice,
        title=notice.title,
        document_no="临自然资〔2022〕1 号",
        body=notice.body,
    )
    services.notice_publish(actor=city_land, notice=notice)


def _a_document_in_each_region():
    """The demo has no uploads; one small PDF on the first application of each region."""
    from django.core.files.base import ContentFile

    Document = _model("subsidies.Document")
    for region_name in (OWN, OTHER):
        application = _in("subsidies.Application", "region__name", region_name)
        document = Document(
            application=application,
            original_name="材料.pdf",
            size=8,
            content_type="application/pdf",
            sha256="0" * 64,
        )
        document.file.save("matrix.pdf", ContentFile(b"%PDF-1.4"), save=False)
        document.save()


def _a_draw_in_another_region():
    """The demo draws in 尧都区 only; one 双随机 draw in 洪洞县, through the service."""
    import datetime

    from approvals import services
    from approvals.models import Item, LicensedEntity
    from linfen_admin.accounts import system_user
    from linfen_admin.models import Region
    from tests.approvals.conftest import make_code

    system, hongdong, item = system_user(), Region.objects.get(name=OTHER), Item.objects.get(number=5)
    services.entity_create(
        actor=system,
        item=item,
        region=hongdong,
        name="洪洞县矩阵测试农资店",
        credit_code=make_code("141024", 77),
        holder_kind=LicensedEntity.HolderKind.ORGANISATION,
        licensed_on=datetime.date(2022, 8, 1),
    )
    services.draw_create(
        actor=system, item=item, region=hongdong, ratio="1", seed="matrix", inspectors_per_entity=1
    )


def _finished_jobs(users) -> dict:
    """A finished ledger export with its file for every signed-in principal: one's own job, then somebody else's."""
    from linfen_admin import jobs
    from linfen_admin.models import Job

    found = {}
    for principal, user in users.items():
        path = jobs.new_file_path(".xlsx")
        path.write_bytes(b"PK")
        found[principal] = Job.objects.create(
            kind="land.parcel_export",
            label="宗地台账导出",
            owner=user,
            state=Job.State.DONE,
            file_name="parcels.xlsx",
            file_path=path.name,
        )
    return found


def test_every_url_answers_every_role_as_the_matrix_says(demo_world, settings, tmp_path):
    users, notes = demo_world
    settings.JOBS_ROOT = tmp_path / "jobs"
    finished_jobs = _finished_jobs(users)
    patterns = url_patterns()
    expected = {} if os.environ.get("LINFEN_WRITE_MATRIX") else read_matrix()
    unlisted = sorted(set(patterns) - set(expected))
    if not os.environ.get("LINFEN_WRITE_MATRIX"):
        assert not unlisted, f"URL patterns missing from {MATRIX.name}: {unlisted}"
        assert not sorted(set(expected) - set(patterns)), "rows for URL patterns that no longer exist"
    own, other = objects_for(False), objects_for(True)
    observed, mismatches, broken_rules = {}, [], []
    for principal in PRINCIPALS:
        client = Client(raise_request_exception=False)
        user = users.get(principal)
        if user is not None:
            client.force_login(user)
        for name, route in patterns.items():
            answers = []
            for objects, foreign in ((own, False), (other, True)):
                if "<" not in route:  # no object in the address: one answer
                    answers.append(str(client.get(reverse(name)).status_code))
                    break
                # For the inbox: one's own notification, then somebody else's.
                mine = notes.get(principal, notes["admin"])
                theirs = notes["leader" if principal != "leader" else "admin"]
                job_mine = finished_jobs.get(principal, finished_jobs["admin"])
                job_theirs = finished_jobs["leader" if principal != "leader" else "admin"]
                objects = {
                    **objects,
                    "notification": theirs if foreign else mine,
                    "job": job_theirs if foreign else job_mine,
                }
                answers.append(str(client.get(reverse(name, kwargs=kwargs_for(name, objects))).status_code))
            cell = answers[0] if len(set(answers)) == 1 else "/".join(answers)
            observed.setdefault(name, {})[principal] = cell
            want = expected.get(name, {}).get(principal)
            if want is not None and want != cell:
                mismatches.append(f"{name} as {principal}: {cell}, expected {want}")
            broken_rules += _rules(name, principal, answers)
    if os.environ.get("LINFEN_WRITE_MATRIX"):
        write_matrix(observed)
    assert not broken_rules, "\n".join(broken_rules)
    assert not mismatches, "\n".join(mismatches)


def _rules(name, principal, answers):
    broken = []
    if principal == "anon" and name not in PUBLIC and "200" in answers:
        broken.append(f"{name}: answered 200 to nobody")
    if principal.startswith("yaodu_") and len(answers) == 2 and answers[1] == "200" and _regional(name):
        broken.append(f"{name}: {principal} read another county's object")
    if principal == "auditor" and name not in AUDITOR_PAGES and "200" in answers:
        broken.append(f"{name}: the 审计管理员 opened it")
    return broken


def _regional(name):
    """Patterns addressing an object that belongs to a region (reference data such as calls and items do not)."""
    public = {
        "land-campaign-detail",
        # a published 季通报 is the city's, read by every county
        "land-notice-detail",
        "land:notice-detail",
        "land:notice-docx",
        "land:notice-annex",
        "subsidies:call-plan",
        "subsidies-call-detail",
        "approvals:item-detail",
        "approval-item-detail",
        "notification-detail",
        "notification-read",
        "inbox-open",
        "region-detail",  # the 19 regions are published reference data
        "land:report-submit",  # a campaign's report deadline (POST only)
    }
    return name not in public
