"""Second factor (django-otp): a TOTP authenticator app, with one-time recovery codes for a lost phone.

Required, when ``TWO_FACTOR_REQUIRED`` is on (production's default), for every account that can open 系统管理;
optional for everyone else (they may enrol from 账号安全). ``AccountSecurityMiddleware`` sends a signed-in person
who needs it to enrolment or to verification before any other page; the API's token endpoint asks for a code too.
"""

import io
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def required_for(user) -> bool:
    """Whether ``user`` must pass a second factor to use the product."""
    return bool(settings.TWO_FACTOR_REQUIRED) and user.can_reach_admin_site


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (one unconfirmed device, kept until confirmed so the QR code stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> bytes:
    """The ``otpauth://`` link as an SVG QR code (served as an image: no inline markup the CSP would refuse)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=2)
    return buffer.getvalue()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for apps without a camera."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows; on success, issue recovery codes (returned once)
    and drop any older authenticator."""
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action=audit.Action.UPDATE, obj=user, comment="启用双因素认证")
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten fresh one-time codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def renew_recovery_codes(user) -> list[str]:
    """The person's own request for fresh codes (the old ones stop working); audited."""
    codes = new_recovery_codes(user)
    audit.record(actor=user, action=audit.Action.UPDATE, obj=user, comment="重新生成恢复码")
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, code: str):
    """The device that accepts ``code`` — the authenticator, or a recovery code (then used up) — or None.
    Each device throttles its own failures (django-otp doubles the wait after each wrong code)."""
    code = _digits(code)
    # A code of the wrong length is no attempt at all: it never counts towards a device's throttle.
    kind = {8: StaticDevice, 6: TOTPDevice}.get(len(code))
    if kind is None:
        return None
    for device in kind.objects.filter(user=user, confirmed=True):
        allowed, _reason = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())
