"""The product's own 403, 404, 500 and CSRF-failure pages: in Chinese, inside the site's frame, with a way back.
The API keeps its JSON answers (DRF handles its own errors before these are reached)."""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _page(request, status: int, heading: str, explanation: str, detail: str = ""):
    context = {"code": status, "heading": heading, "explanation": explanation, "detail": detail}
    return render(request, "linfen_admin/error.html", context, status=status)


def permission_denied(request, exception=None):
    # Our own refusals carry a sentence written for the user (``PermissionDenied(_("您只能查看…"))``).
    detail = str(exception.args[0]) if exception is not None and exception.args else ""
    return _page(
        request,
        403,
        _("没有权限"),
        _("您的账号不能打开这个页面或执行这个操作。如确需办理,请联系本单位的安全管理员分配角色。"),
        detail,
    )


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("页面不存在"),
        _("没有找到这个页面或这条记录:它可能已被撤销,地址有误,或不在您的管辖范围内。"),
    )


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("页面已过期,提交未被接受"),
        _("为安全起见,这次提交没有被接受(页面停留过久或来自其他网站)。请返回上一页,刷新后重新提交。"),
    )


def server_error(request):
    """Rendered without the database if need be: the failure may be the database itself."""
    context = {
        "code": 500,
        "heading": _("系统出错了"),
        "explanation": _(
            "处理这个请求时系统出错,已记录下来,我们会尽快处理。请稍后再试;您填写的内容没有保存。"
        ),
        "site_title": settings.SITE_TITLE,
    }
    try:
        return HttpResponseServerError(loader.render_to_string("linfen_admin/error.html", context))
    except Exception:  # the page that reports an error must not fail itself
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(f"<h1>{context['heading']}</h1><p>{context['explanation']}</p>")
