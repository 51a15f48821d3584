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
from django.db.models import Avg, Exists, F, OuterRef, Subquery

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
    """Set-based where it can be (a province holds hundreds of thousands of applications): one UPDATE per step,
    the averages from the scores in the database, the dates in batches."""
    Application = apps.get_model("subsidies", "Application")
    ApplicationTransition = apps.get_model("subsidies", "ApplicationTransition")
    ExpertAssignment = apps.get_model("subsidies", "ExpertAssignment")
    past = Application.objects.filter(state__in=PAST_COUNTY)
    past.update(
        county_accepted_at=F("created_at"),
        check_authenticity=True,
        check_completeness=True,
        check_compliance=True,
        check_consistency=True,
    )
    scores = ExpertAssignment.objects.filter(
        application=OuterRef("pk"), round=OuterRef("review_round"), score__isnull=False
    )
    averages = {}
    for pk, average in (
        past.filter(Exists(scores), review_round__gt=0)
        .annotate(average=Subquery(scores.order_by().values("application").annotate(a=Avg("score")).values("a")))
        .values_list("pk", "average")
        .iterator(chunk_size=2000)
    ):
        averages[pk] = Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    _bulk_set(Application, "review_average", averages)
    dates = {
        pk: _due(indicator_type, completed_on)
        for pk, indicator_type, completed_on in past.exclude(indicator_type="")
        .filter(indicator_type__isnull=False, project_completed_on__isnull=False)
        .values_list("pk", "indicator_type", "project_completed_on")
        .iterator(chunk_size=2000)
    }
    _bulk_set(Application, "reevaluation_due_on", dates)
    now = datetime.datetime.now(datetime.UTC)
    paid = Application.objects.filter(state="disbursed").exclude(category__in=PROJECT_CATEGORIES)
    ids = list(paid.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        ApplicationTransition.objects.bulk_create(
            ApplicationTransition(
                application_id=pk,
                action="disburse",
                from_state="disbursed",
                to_state="closed",
                actor=None,
                actor_name="系统迁移",
                comment="第十一条:非项目类奖励无需完工评价,拨付后办结",
                data={},
            )
            for pk in ids[start : start + 2000]
        )
    Application.objects.filter(pk__in=ids).update(state="closed", version=F("version") + 1, state_changed_at=now)


def _bulk_set(model, field: str, values: dict) -> None:
    items = list(values.items())
    for start in range(0, len(items), 2000):
        rows = [model(pk=pk, **{field: value}) for pk, value in items[start : start + 2000]]
        model.objects.bulk_update(rows, [field])


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_steps_committee_plan_commitments")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
