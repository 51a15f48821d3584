"""Fixtures of the subsidies tests: the seed's award rules, an open call per domain, application factories
with a trait per workflow state."""

import datetime
from decimal import Decimal as D

import factory
import pytest
from django.utils import timezone

from linfen_admin import credit_code
from subsidies import stagetotals
from subsidies.models import (
    Application,
    Call,
    Category,
    CommitteeMember,
    Domain,
    ExpertAssignment,
    IndicatorType,
    ReviewCommittee,
    State,
)

from ..conftest import kept_after_each_test

TODAY = datetime.date(2026, 5, 20)


def linfen_code(serial: int, division: str = "141002") -> str:
    """A valid 统一社会信用代码 registered in Linfen (both check characters computed)."""
    return credit_code.with_check_characters(f"91{division}{serial:08d}")


SUCCESSOR = "测试用后续规则"


@pytest.fixture
def subsidies_seed(seeded):
    """The seed's rules, loaded as a successor document valid over the tests' calls (16 号 itself expired on
    2024-04-21, 第十五条); tests of the validity itself load ``seed_rules`` instead."""
    from subsidies.seed import load_award_rules, load_seed, successor_rules

    loaded = load_seed()
    load_award_rules(
        successor_rules(
            valid_from=datetime.date(TODAY.year - 1, 1, 1),
            valid_until=datetime.date(TODAY.year + 1, 12, 31),
            document=SUCCESSOR,
        )
    )
    return loaded


@pytest.fixture
def seed_rules(seeded):
    """Exactly the seed's rules file: 临政办发〔2022〕16 号 valid 2022-04-22 to 2024-04-21."""
    from subsidies.seed import load_seed

    return load_seed()


@pytest.fixture
def today():
    return TODAY


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("year", "domain")

    year = TODAY.year
    domain = Domain.INDUSTRY
    title = factory.LazyAttribute(lambda o: f"{o.year} 年技术改造专项资金申报")
    opens_on = datetime.date(TODAY.year, 3, 1)
    closes_on = datetime.date(TODAY.year, 12, 31)
    previous_deadline = datetime.date(TODAY.year - 1, 6, 30)
    budget_wan = D("5000.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """Builds rows directly (for reads and for putting an application into a given state quickly).
    Workflow tests move applications with ``application_transition``."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    region = factory.LazyFunction(
        lambda: __import__("linfen_admin.models", fromlist=["Region"]).Region.objects.get(name="尧都区")
    )
    enterprise_name = factory.Sequence(lambda n: f"临汾示范制造有限公司{n}")
    credit_code = factory.Sequence(lambda n: linfen_code(n + 1))
    project_name = factory.Sequence(lambda n: f"智能化技术改造项目{n}")
    category = Category.INVESTMENT
    investment_wan = D("12000.00")
    investment_progress = D("90.00")
    revenue_wan = D("25000.00")
    above_scale = True
    award_wan = D("300.00")
    award_rule = "investment"
    # 第十条 commitments, entered when applying.
    indicator_type = IndicatorType.ECONOMIC
    expected_new_tax_wan = D("500.00")
    return_undertaking = True
    eligible = True
    state = State.DRAFT
    state_changed_at = factory.LazyFunction(timezone.now)

    class Params:
        submitted = factory.Trait(state=State.COUNTY_REVIEW)
        # 第八条(二)、第十条: accepted by the county, the four checks confirmed, the site inspected.
        county_checked = factory.Trait(
            submitted=True,
            county_accepted_at=factory.LazyFunction(timezone.now),
            check_authenticity=True,
            check_completeness=True,
            check_compliance=True,
            check_consistency=True,
            inspected_on=datetime.date(TODAY.year, 4, 2),
        )
        recommended = factory.Trait(
            county_checked=True,
            state=State.CITY_REVIEW,
            county_document_no="尧工信发〔2026〕1 号",
            inspection_opinion="材料真实完整,现场核查属实",
        )
        in_expert_review = factory.Trait(recommended=True, state=State.EXPERT_REVIEW, review_round=1)
        planned = factory.Trait(
            in_expert_review=True, state=State.PLANNED, planned_wan=D("300.00"), committee_opinion="同意支持"
        )
        approved = factory.Trait(planned=True, state=State.APPROVED)
        disbursed = factory.Trait(approved=True, state=State.DISBURSED, disbursed_wan=D("300.00"))
        evaluated = factory.Trait(
            disbursed=True,
            state=State.EVALUATED,
            indicator_type=IndicatorType.ECONOMIC,
            project_completed_on=datetime.date(TODAY.year - 6, 3, 1),
            reevaluation_due_on=datetime.date(TODAY.year - 1, 3, 1),
        )
        in_recovery = factory.Trait(
            evaluated=True, state=State.RECOVERY, cumulative_new_tax_wan=D("120.00"), recovery_wan=D("180.00")
        )
        closed = factory.Trait(
            evaluated=True, state=State.CLOSED, cumulative_new_tax_wan=D("400.00"), recovery_wan=D("0.00")
        )
        returned = factory.Trait(state=State.RETURNED)
        rejected = factory.Trait(state=State.REJECTED)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """A row already there is in the kept totals, as after ``rebuild_subsidy_totals``."""
        if create:
            stagetotals.moved(None, stagetotals.share(obj))


TRAIT_BY_STATE = {
    State.DRAFT: {},
    State.COUNTY_REVIEW: {"county_checked": True},  # ready to recommend; ``submitted=True`` alone: just filed
    State.CITY_REVIEW: {"recommended": True},
    State.EXPERT_REVIEW: {"in_expert_review": True},
    State.PLANNED: {"planned": True},
    State.APPROVED: {"approved": True},
    State.DISBURSED: {"disbursed": True},
    State.EVALUATED: {"evaluated": True},
    State.RECOVERY: {"in_recovery": True},
    State.CLOSED: {"closed": True},
    State.RETURNED: {"returned": True},
    State.REJECTED: {"rejected": True},
}


@pytest.fixture
def make_application(subsidies_seed):
    def make(state=State.DRAFT, **fields):
        application = ApplicationFactory(**{**TRAIT_BY_STATE[state], **fields})
        return application

    return make


@pytest.fixture
def make_committee(users):
    """A review committee of ``call`` (the default call): 驻局纪检组 member first (unless ``inspector=False``), then
    the named experts, each scoring through their account (第八条(三))."""

    def make(call=None, experts=("expert1", "expert2"), inspector=True, round=1):
        call = call or CallFactory()
        committee = ReviewCommittee.objects.create(call=call, round=round, formed_on=TODAY)
        if inspector:
            CommitteeMember.objects.create(
                committee=committee, name="王纪检", unit="驻市工信局纪检监察组", discipline_inspector=True
            )
        for name in experts:
            CommitteeMember.objects.create(
                committee=committee, name=str(users[name]), unit="山西省技术改造专家库", expert=users[name]
            )
        return committee

    return make


@pytest.fixture
def score(db):
    def give(application, expert, value="85"):
        return ExpertAssignment.objects.create(
            application=application,
            expert=expert,
            round=application.review_round,
            score=D(value),
            opinion="同意",
            scored_at=timezone.now(),
        )

    return give


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _totals_kept(request):
    """After every test that wrote applications — through the services, the pages, the API or the workflow — the
    kept totals per call, region, state and category still match the applications (``subsidies.stagetotals``)."""
    yield from kept_after_each_test(request, stagetotals.differences)


def check_at_county(application, clerk, today=TODAY):
    """县级受理 and the four checks of 第十条 with the inspection date, through the transition service."""
    from subsidies.services import application_transition

    for action, data in (
        ("accept", {}),
        (
            "county_check",
            {
                "authenticity": True,
                "completeness": True,
                "compliance": True,
                "consistency": True,
                "inspected_on": today.isoformat(),
            },
        ),
    ):
        application_transition(
            application_id=application.pk, actor=clerk, action=action, data=data, today=today
        )
    application.refresh_from_db()
    return application
