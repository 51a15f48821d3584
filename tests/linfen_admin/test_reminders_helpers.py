"""Shared fixtures for the reminder engine tests (imported by test_reminders*/test_outbox*/test_celery*).

The engine imports no module, so the tests register their own rules over platform models and take every other
rule out of the registry for the duration of a test (the modules' own rules are tested by their builders)."""

import datetime

import pytest

from linfen_admin.registry import Reminder, ReminderRule, registry


@pytest.fixture
def rules(monkeypatch):
    """An empty rule registry; ``rules.add(code, collect)`` registers a rule until the test ends."""
    monkeypatch.setattr(registry, "reminder_rules", [])

    class Rules:
        def add(self, code, collect, label="测试规则"):
            rule = ReminderRule(code=code, label=label, collect=collect)
            registry.add_reminder_rule(rule)
            return rule

    return Rules()


def region_rule(region_names, role, *, period=None, title="{name} 进度提醒", url="/land/"):
    """A rule over real ``Region`` rows: each region reminds its own holders of ``role`` (region scope)."""
    from linfen_admin.models import Region
    from linfen_admin.selectors import users_with_role

    def collect(as_of: datetime.date):
        for region in Region.objects.filter(name__in=region_names).order_by("order"):
            yield Reminder(
                obj=region,
                period=period or f"{as_of:%G-W%V}",
                recipients=users_with_role(role, region=region),
                title=title.format(name=region.name),
                body=f"截至 {as_of:%Y-%m-%d}",
                url=url,
            )

    return collect


def department_rule(codes, *, period="2022-Q3"):
    """Each named department reminds its own users."""
    from linfen_admin.models import Department

    def collect(as_of):
        for department in Department.objects.filter(code__in=codes).order_by("code"):
            yield Reminder(
                obj=department,
                period=period,
                recipients=department.users.all(),
                title=f"{department.name} 季度报送提醒",
            )

    return collect
