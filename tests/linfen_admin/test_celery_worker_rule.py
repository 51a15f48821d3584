"""Loaded into the real worker started by test_celery.py (``celery worker -I tests.linfen_admin.…``).

It registers a test rule in that worker process only (``LINFEN_TEST_WORKER_RULE=1``); pytest collecting this
file registers nothing. The rule derives from the database like a module's rule: 尧都区 reminds its land clerks.
"""

import os

from linfen_admin.registry import ReminderRule, registry
from linfen_admin.roles import Role

from .test_reminders_helpers import region_rule

WORKER_RULE = "test.worker"

if os.environ.get("LINFEN_TEST_WORKER_RULE") == "1":
    registry.add_reminder_rule(
        ReminderRule(WORKER_RULE, "测试规则(worker)", region_rule(["尧都区"], Role.COUNTY_LAND))
    )
