from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .audit import history_for
from .registry import registry
from .scoping import audit_events_visible_to, auditable_object_or_404


@login_required
def workbench(request):
    """工作台: who you are, your role and region, your modules and your latest reminders."""
    user = request.user
    return render(
        request,
        "linfen_admin/workbench.html",
        {
            "entries": registry.menu_for(user),
            "panels": registry.panels_for(user),
            "latest": user.notifications.select_related("content_type")[:8],
        },
    )


@login_required
def inbox(request):
    notifications = request.user.notifications.select_related("content_type")
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "linfen_admin/inbox.html", {"page": page})


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


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
