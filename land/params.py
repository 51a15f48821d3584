"""Parsing of query parameters shared by pages, API and exports."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def parse_as_of(raw: str | None) -> datetime.date:
    """``?as_of=2022-06-30``; today (Asia/Shanghai) when absent."""
    if not raw:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationError({"as_of": _("日期格式应为 YYYY-MM-DD。")}) from exc


def parse_year(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationError({"year": _("年度应为四位数字。")}) from exc


def parse_bool(raw: str | None, default: bool = False) -> bool:
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")
