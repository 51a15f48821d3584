"""账号安全: one's own password, second factor and sessions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import accounts, twofactor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("身份验证器显示的 6 位数字;手机丢失时可输入一个 8 位恢复码"),
    )


def _next_url(request, default="workbench"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url(default) if default else ""


@login_required
@never_cache
def security(request):
    user = request.user
    return render(
        request,
        "linfen_admin/account/security.html",
        {
            "enrolled": twofactor.enrolled(user),
            "required": twofactor.required_for(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "must_change_password": user.must_change_password,
        },
    )


@login_required
@never_cache
def password_change(request):
    """Change one's own password; the first sign-in of an account an administrator created lands here."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        accounts.password_changed(actor=user, user=user)
        # This session stays; every other one ends with the old password.
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。其他设备上的登录已失效。"))
        return redirect(_next_url(request))
    return render(
        request,
        "linfen_admin/account/password_change.html",
        {"form": form, "forced": request.user.must_change_password, "next": _next_url(request, "")},
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    accounts.sign_out_everywhere(actor=request.user, user=request.user)
    # Keep this session; every other one (and the API tokens) ends.
    update_session_auth_hash(request, request.user)
    messages.success(request, _("已退出其他所有设备上的登录,API 令牌已作废。"))
    return redirect("account-security")


@login_required
@never_cache
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with the code it shows."""
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(request.user, device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "linfen_admin/account/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", _("验证码不正确或已过期,请输入身份验证器当前显示的 6 位数字。"))
    return render(
        request,
        "linfen_admin/account/two_factor_setup.html",
        {"form": form, "secret": twofactor.secret_for_typing(device), "next": _next_url(request, "")},
    )


@login_required
@never_cache
def two_factor_qr(request):
    device = twofactor.pending_device(request.user)
    response = HttpResponse(twofactor.qr_svg(device), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def two_factor_verify(request):
    """The second step of signing in, for accounts that have an authenticator."""
    if not twofactor.enrolled(request.user):
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    _("您使用了一个恢复码,还剩 %(n)s 个。请尽快在“账号安全”中重新生成。")
                    % {"n": twofactor.recovery_codes_left(request.user)},
                )
            return redirect(_next_url(request))
        form.add_error("code", _("验证码不正确或已过期;连续输错后须稍候再试。"))
    return render(
        request, "linfen_admin/account/two_factor_verify.html", {"form": form, "next": _next_url(request, "")}
    )


@login_required
@require_POST
def recovery_codes_renew(request):
    if not twofactor.enrolled(request.user):
        return redirect("two-factor-setup")
    codes = twofactor.renew_recovery_codes(request.user)
    return render(
        request,
        "linfen_admin/account/recovery_codes.html",
        {"codes": codes, "next": resolve_url("account-security")},
    )
