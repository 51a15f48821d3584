"""Existing rows under the steps of 第八–十一条 as now recorded.

- Applications already recommended by their county (past 县级审核) were checked under the former single step
  (its 现场核查意见): they are marked accepted and the four checks confirmed; the inspection date stays unknown.
- The experts' average is computed for applications whose review round was scored.
- The 5-year re-evaluation date (第十一条) is filled in for applications evaluated at completion.
- A title, certificate or revenue award already paid (已拨付) needs no completion evaluation (第十一条 对于申报项目
  类奖励资金的): it is closed, with a history row saying why.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

PAST_COUNTY = (
    "city_review",
    "expert_review",
    "planned",
    "approved",
    "disbursed",
    "evaluated",
    "recovery",
    "closed",
)
PROJECT_CATEGORIES = ("matching", "investment")


def _due(indicator_type, completed_on):
    if indicator_type == "technical":
        return completed_on
    try:
        return completed_on.replace(year=completed_on.year + 5)
    except ValueError:
        return completed_on.replace(year=completed_on.year + 5, day=28)


def forward(apps, schema_editor):
    Application = apps.get_model("subsidies", "Application")
    ApplicationTransition = apps.get_model("subsidies", "ApplicationTransition")
    ExpertAssignment = apps.get_model("subsidies", "ExpertAssignment")
    for application in Application.objects.filter(state__in=PAST_COUNTY).iterator():
        application.county_accepted_at = application.created_at
        application.check_authenticity = application.check_completeness = True
        application.check_compliance = application.check_consistency = True
        scores = [
            a.score
            for a in ExpertAssignment.objects.filter(application=application, round=application.review_round)
            if a.score is not None
        ]
        if scores and application.review_round:
            application.review_average = (sum(scores, Decimal(0)) / len(scores)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        if application.indicator_type and application.project_completed_on:
            application.reevaluation_due_on = _due(application.indicator_type, application.project_completed_on)
        application.save(
            update_fields=[
                "county_accepted_at",
                "check_authenticity",
                "check_completeness",
                "check_compliance",
                "check_consistency",
                "review_average",
                "reevaluation_due_on",
            ]
        )
    now = datetime.datetime.now(datetime.UTC)
    for application in Application.objects.filter(state="disbursed").exclude(category__in=PROJECT_CATEGORIES):
        ApplicationTransition.objects.create(
            application=application,
            action="disburse",
            from_state="disbursed",
            to_state="closed",
            actor=None,
            actor_name="系统迁移",
            comment="第十一条:非项目类奖励无需完工评价,拨付后办结",
            data={},
        )
        application.state = "closed"
        application.version += 1
        application.state_changed_at = now
        application.save(update_fields=["state", "version", "state_changed_at"])


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_steps_committee_plan_commitments")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
