"""Parsing of query parameters shared by pages, API and exports."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# An as-of date is a day of the campaign's lifetime: far-off years would only overflow the date arithmetic of the
# rules (two years before 0001-01-01 does not exist).
EARLIEST_AS_OF = datetime.date(1990, 1, 1)
LATEST_AS_OF = datetime.date(2100, 12, 31)


def as_of_in_range(value: datetime.date) -> None:
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        raise ValidationError(
            _("截至日期应在 %(start)s 至 %(end)s 之间。")
            % {"start": EARLIEST_AS_OF.isoformat(), "end": LATEST_AS_OF.isoformat()}
        )


def parse_as_of(raw: str | None) -> datetime.date:
    """``?as_of=2022-06-30``; today (Asia/Shanghai) when absent."""
    if not raw:
        return timezone.localdate()
    try:
        value = datetime.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationError({"as_of": _("日期格式应为 YYYY-MM-DD。")}) from exc
    try:
        as_of_in_range(value)
    except ValidationError as exc:
        raise ValidationError({"as_of": exc.messages}) from exc
    return value


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
