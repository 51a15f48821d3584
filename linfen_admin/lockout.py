"""Sign-in lockout (django-axes): after ``AXES_FAILURE_LIMIT`` wrong passwords for one username, or from one
address, further sign-ins are refused — on the sign-in page, the admin and the API token endpoint alike, counted in
the database so every worker process agrees. An administrator unlocks in 系统管理 → 访问失败记录 (or with
``manage.py axes_reset_username <name>``); otherwise the lock lifts after ``AXES_COOLOFF_TIME``."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def message() -> str:
    return _("登录失败次数过多,账号或来源地址已被暂时锁定。请 %(m)s 分钟后再试,或请系统管理员解锁。") % {
        "m": minutes()
    }


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """The answer to a locked-out sign-in: JSON for the API, the sign-in page's frame for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message(), "code": "locked_out", "errors": []}, status=429)
    return render(request, "registration/locked_out.html", {"message": message()}, status=429)
