import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .audit import history_for
from .lists import ordered, xlsx_response
from .models import EmailOutbox, SweepRun
from .registry import registry
from .roles import Role
from .scoping import audit_events_visible_to, auditable_object_or_404


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("截至日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def cockpit(request):
    """领导驾驶舱: every module's figures and charts for one date, each linking to the filtered list behind it.
    The modules build their sections (registered in ``registry.cockpit_panels``); the shell only lays them out."""
    form = AsOfForm(request.GET or None)
    as_of = timezone.localdate()
    if form.is_valid() and form.cleaned_data.get("as_of"):
        as_of = form.cleaned_data["as_of"]
    sections = registry.cockpit_for(request.user, as_of)
    if not sections:
        raise PermissionDenied(_("您的角色没有可查看的驾驶舱内容。"))
    if not form.is_bound or not form.is_valid():
        form = AsOfForm(initial={"as_of": as_of}) if not form.is_bound else form
    return render(request, "linfen_admin/cockpit.html", {"form": form, "as_of": as_of, "sections": sections})


@login_required
def workbench(request):
    """工作台: who you are, your role and region, your modules and your latest reminders. The leading group's
    home is the cockpit."""
    user = request.user
    if user.has_role(Role.LEADER) and not request.GET.get("workbench"):
        return redirect("cockpit")
    return render(
        request,
        "linfen_admin/workbench.html",
        {
            "entries": registry.menu_for(user),
            "panels": registry.panels_for(user),
            "latest": user.notifications.select_related("content_type")[:8],
        },
    )


INBOX_SORTABLE = {"created": "created_at", "title": "title", "read": "read_at"}


def _inbox_notifications(request):
    notifications = request.user.notifications.select_related("content_type")
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    return ordered(notifications, request, INBOX_SORTABLE, default="-created_at")


@login_required
def inbox(request):
    page = Paginator(_inbox_notifications(request), 30).get_page(request.GET.get("page"))
    return render(request, "linfen_admin/inbox.html", {"page": page})


@login_required
def inbox_export(request):
    """The person's own reminders as xlsx, as filtered and ordered on the page."""
    rows = (
        [
            timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M"),
            notification.title,
            notification.body,
            gettext("已读") if notification.read_at else gettext("未读"),
        ]
        for notification in _inbox_notifications(request).iterator(chunk_size=1000)
    )
    headers = [gettext("时间"), gettext("标题"), gettext("内容"), gettext("状态")]
    filename = f"inbox-{timezone.localdate().isoformat()}.xlsx"
    return xlsx_response(filename, gettext("站内提醒"), headers, rows)


@login_required
def inbox_open(request, pk):
    """Mark as read and follow the link to the object."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")


@login_required
@require_POST
def inbox_email_preference(request):
    """Turn the daily e-mail digest on or off. The in-app inbox cannot be turned off."""
    user = request.user
    user.email_notifications = request.POST.get("email_notifications") == "on"
    user.save(update_fields=["email_notifications"])
    return redirect("inbox")


@login_required
def audit_trail(request, content_type_id, object_id):
    """The audit trail of one object, for anyone who may see that object (404 otherwise)."""
    obj = auditable_object_or_404(request.user, content_type_id, object_id)
    events = audit_events_visible_to(request.user, history_for(obj))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "linfen_admin/audit_trail.html", {"object": obj, "page": page})


SWEEP_MAX_AGE = datetime.timedelta(hours=26)  # the sweep runs daily at 08:30; a little slack


def healthz(request):
    """For the load balancer and monitoring, no sign-in, exempt from the HTTPS redirect. 200 while the database
    and the broker answer (``status`` "degraded" when the last reminder sweep is older than 26 hours, i.e. beat is
    not running), 503 otherwise. Also reports the e-mail outbox backlog."""
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except DatabaseError as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        healthy = False
    checks["broker"] = _broker_check()
    healthy = healthy and checks["broker"]["ok"]
    degraded = False
    if checks["database"]["ok"]:
        try:
            checks.update(_sweep_and_outbox())
            degraded = not checks["reminder_sweep"]["ok"]
        except DatabaseError as exc:  # reachable, but not migrated
            checks["database"] = {"ok": False, "error": type(exc).__name__}
            healthy = False
    status = "error" if not healthy else ("degraded" if degraded else "ok")
    return JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)


def _sweep_and_outbox() -> dict:
    last = SweepRun.objects.order_by("-finished_at").first()
    age = timezone.now() - last.finished_at if last else None
    backlog = dict(
        EmailOutbox.objects.filter(status__in=[EmailOutbox.Status.PENDING, EmailOutbox.Status.FAILED])
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return {
        "reminder_sweep": {
            "ok": age is not None and age <= SWEEP_MAX_AGE,
            "last_finished_at": timezone.localtime(last.finished_at).isoformat() if last else None,
            "age_hours": round(age.total_seconds() / 3600, 1) if age is not None else None,
        },
        "email_outbox": {"pending": backlog.get("pending", 0), "failed": backlog.get("failed", 0)},
    }


def _broker_check() -> dict:
    url = settings.CELERY_BROKER_URL
    if not str(url).startswith(("redis://", "rediss://")):
        return {"ok": True, "kind": str(url).split(":", 1)[0]}
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return {"ok": False, "kind": "redis", "error": type(exc).__name__}
    return {"ok": True, "kind": "redis"}
