"""Time the award calculator and the transition service on SQLite (a throwaway file database).

    .venv/bin/python bench/subsidies_workflow.py [--quotes 20000] [--applications 300]

Prints quotes/s for the pure calculator (rule book loaded once from the database) and steps/s for
``application_transition`` taking each application from draft to planned (submit, recommend,
send_to_experts, score, conclude_review), plus the query count of one list page of the API.
"""

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quotes", type=int, default=20000)
    parser.add_argument("--applications", type=int, default=300)
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="linfen-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=open(os.devnull, "w"))
    # 16 号's rules were valid to 2024-04-21 (第十五条): this year's call needs rules of its own; the same tables
    # stand in for them here.
    from subsidies.seed import load_award_rules, successor_rules

    this_year = __import__("datetime").date.today()
    load_award_rules(
        successor_rules(
            valid_from=this_year.replace(month=1, day=1),
            valid_until=this_year.replace(month=12, day=31),
            document="bench: successor rules",
        )
    )

    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from linfen_admin import credit_code
    from linfen_admin.models import Department, Region, User
    from linfen_admin.roles import GROUP_NAMES, Role
    from subsidies import selectors, services
    from subsidies.models import Call
    from subsidies.rules import quote_award

    book = selectors.rule_book()
    requests = [
        {"category": "investment", "investment_wan": Decimal(1000 + i * 7), "little_giant": bool(i % 2)}
        for i in range(options.quotes)
    ]
    start = time.perf_counter()
    for params in requests:
        quote_award(book, params)
    elapsed = time.perf_counter() - start
    print(f"calculator: {options.quotes} quotes in {elapsed:.2f}s = {options.quotes / elapsed:,.0f}/s")

    def user(name, role, region=None, department=None):
        account = User.objects.create(username=name, region=region, department=department)
        account.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
        return account

    yaodu = Region.objects.get(name="尧都区")
    county = user("bench_county", Role.COUNTY_INDUSTRY, yaodu, Department.objects.get(code="141002-industry"))
    city = user("bench_city", Role.CITY_INDUSTRY, None, Department.objects.get(code="city-industry"))
    expert = user("bench_expert", Role.EXPERT)
    today = timezone.localdate()
    call = Call.objects.create(
        year=today.year,
        domain="industry",
        title="bench",
        opens_on=today.replace(month=1, day=1),
        closes_on=today.replace(month=12, day=31),
        budget_wan=Decimal("100000000"),
        previous_deadline=datetime.date(today.year - 1, 6, 30),
    )
    applications = [
        services.application_create(
            actor=county,
            call=call,
            region=yaodu,
            enterprise_name=f"企业{i}",
            credit_code=credit_code.with_check_characters(f"91141002{i:08d}"),
            project_name=f"项目{i}",
            category="investment",
            investment_wan=Decimal("12000"),
            investment_progress=Decimal("90"),
            revenue_wan=Decimal("30000"),
            above_scale=True,
            indicator_type="economic",
            expected_new_tax_wan=Decimal("500"),
            return_undertaking=True,
        )
        for i in range(options.applications)
    ]
    committee = services.committee_create(
        actor=city,
        call=call,
        round=1,
        formed_on=call.opens_on,
        members=[
            {"name": "纪检", "unit": "驻局纪检组", "discipline_inspector": True},
            {"name": str(expert), "unit": "专家库", "expert": expert},
        ],
    )
    steps = 0
    start = time.perf_counter()
    for application in applications:
        pk = application.pk
        services.application_transition(application_id=pk, actor=county, action="submit")
        services.application_transition(application_id=pk, actor=county, action="accept")
        services.application_transition(
            application_id=pk,
            actor=county,
            action="county_check",
            data={
                **dict.fromkeys(("authenticity", "completeness", "compliance", "consistency"), True),
                "inspected_on": call.opens_on.isoformat(),
            },
        )
        services.application_transition(
            application_id=pk,
            actor=county,
            action="recommend",
            data={"document_no": "1", "inspection_opinion": "属实"},
        )
        services.application_transition(
            application_id=pk, actor=city, action="send_to_experts", data={"committee": committee.pk}
        )
        services.expert_score_submit(application_id=pk, expert=expert, score="80", opinion="同意")
        services.application_transition(
            application_id=pk, actor=city, action="conclude_review", comment="同意"
        )
        steps += 7
    elapsed = time.perf_counter() - start
    print(f"workflow: {steps} steps in {elapsed:.2f}s = {steps / elapsed:,.0f} steps/s")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(city)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/subsidies/applications/", HTTP_HOST="localhost")
    print(f"API list: status {response.status_code}, {response.json()['count']} rows, {len(queries)} queries")


if __name__ == "__main__":
    main()
