"""Demo data for ``manage.py seed_demo``: an open call per domain for this year and next, and applications in
various states across 尧都区, 洪洞县 and other regions. Idempotent: existing applications are left alone.

尧都区 and 洪洞县 applications are moved through the real services by the demo users, so their history and
audit trail are genuine. The demo cast has no county staff elsewhere, so applications of other regions are
written directly, waiting in county or city review.
"""

import datetime
from decimal import Decimal as D

from django.db import transaction
from django.utils import timezone

from linfen_admin import credit_code
from linfen_admin.accounts import system_user
from linfen_admin.models import Region, User

from . import services, stagetotals
from .models import Application, ApplicationTransition, Call, Category, Domain, State

BUDGETS = {Domain.INDUSTRY: D("8000.00"), Domain.ENERGY: D("5000.00")}

# (region, domain, enterprise, division code, serial, project, category, params, target state)
DEMO = [
    (
        "尧都区",
        Domain.INDUSTRY,
        "山西临汾尧都精密铸造有限公司",
        "141002",
        1,
        "铸造车间智能化改造",
        Category.INVESTMENT,
        {"investment_wan": D("12500"), "investment_progress": D("92")},
        "planned",
    ),
    (
        "尧都区",
        Domain.INDUSTRY,
        "临汾市尧都区鑫盛机械制造有限公司",
        "141002",
        2,
        "数控加工中心技改",
        Category.INVESTMENT,
        {"investment_wan": D("3200"), "investment_progress": D("85"), "little_giant": True},
        "expert_review",
    ),
    (
        "尧都区",
        Domain.INDUSTRY,
        "山西尧都云数科技有限公司",
        "141002",
        3,
        "CMMI 5 级认证",
        Category.CERTIFICATION,
        {"scheme": "cmmi", "level": "5", "previous_level": "3"},
        "city_review",
    ),
    (
        "尧都区",
        Domain.ENERGY,
        "临汾尧都热电有限公司",
        "141002",
        4,
        "机组灵活性改造",
        Category.MATCHING,
        {"support_wan": D("1800"), "investment_progress": D("100")},
        "disbursed",
    ),
    (
        "尧都区",
        Domain.INDUSTRY,
        "临汾尧都新材料有限公司",
        "141002",
        5,
        "绿色工厂(国家级)",
        Category.RECOGNITION,
        {"scheme": "green", "level": "national"},
        "draft",
    ),
    (
        "洪洞县",
        Domain.INDUSTRY,
        "山西洪洞焦化集团有限公司",
        "141024",
        6,
        "干熄焦余热利用技改",
        Category.INVESTMENT,
        {"investment_wan": D("56000"), "investment_progress": D("88")},
        "approved",
    ),
    (
        "洪洞县",
        Domain.ENERGY,
        "洪洞县华润光伏发电有限公司",
        "141024",
        7,
        "储能系统改造",
        Category.INVESTMENT,
        {"investment_wan": D("8600"), "investment_progress": D("70")},
        "returned",
    ),
    (
        "洪洞县",
        Domain.INDUSTRY,
        "山西洪洞钢铁有限公司",
        "141024",
        8,
        "主营业务收入首次突破 100 亿元",
        Category.REVENUE,
        {"scheme": "main_business", "revenue_wan": D("1050000"), "previous_revenue_wan": D("620000")},
        "county_review",
    ),
    (
        "洪洞县",
        Domain.INDUSTRY,
        "洪洞县恒远食品有限公司",
        "141024",
        9,
        "包装线自动化改造",
        Category.INVESTMENT,
        {
            "investment_wan": D("2600"),
            "investment_progress": D("95"),
            "above_scale": False,
            "revenue_wan": D("1500"),
        },
        "rejected",
    ),
    (
        "侯马市",
        Domain.INDUSTRY,
        "山西侯马经纬机车配件有限公司",
        "141081",
        10,
        "企业技术中心(省级)",
        Category.RECOGNITION,
        {"scheme": "tech_center", "level": "provincial"},
        "county_review",
    ),
    (
        "霍州市",
        Domain.ENERGY,
        "霍州煤电集团洗选有限公司",
        "141082",
        11,
        "洗煤厂节能改造",
        Category.INVESTMENT,
        {"investment_wan": D("31000"), "investment_progress": D("83")},
        "city_review",
    ),
    (
        "襄汾县",
        Domain.INDUSTRY,
        "襄汾县星原钢铁集团有限公司",
        "141023",
        12,
        "两化融合 AAA 级",
        Category.CERTIFICATION,
        {"scheme": "it_integration", "level": "AAA", "previous_level": "A"},
        "county_review",
    ),
    (
        "临汾开发区",
        Domain.INDUSTRY,
        "临汾开发区智能装备有限公司",
        "141000",
        13,
        "软件收入首次达到 3000 万元",
        Category.REVENUE,
        {"scheme": "software", "revenue_wan": D("3400")},
        "city_review",
    ),
]

# The steps each target state needs, from a draft.
PATH = ["submit", "recommend", "send_to_experts", "conclude_review", "approve", "disburse"]
TARGET_STEPS = {
    "draft": 0,
    "county_review": 1,
    "city_review": 2,
    "expert_review": 3,
    "planned": 4,
    "approved": 5,
    "disbursed": 6,
}


def _calls(today: datetime.date) -> dict:
    calls = {}
    for year in (today.year, today.year + 1):
        for domain in Domain.values:
            opens = datetime.date(year, 1, 1) if year == today.year else today
            call, _created = Call.objects.get_or_create(
                year=year,
                domain=domain,
                defaults={
                    "title": f"{year} 年{Domain(domain).label}领域技术改造专项资金申报通知",
                    "opens_on": opens,
                    "closes_on": datetime.date(year, 12, 31),
                    "previous_deadline": datetime.date(year - 1, 10, 31),
                    "budget_wan": BUDGETS[domain],
                },
            )
            calls[(year, domain)] = call
    return calls


def _users() -> dict:
    return {
        user.username: user
        for user in User.objects.filter(
            username__in=[
                "yaodu_industry",
                "hongdong_industry",
                "city_industry",
                "city_energy",
                "expert1",
                "expert2",
                "finance",
            ]
        )
    }


def _step(application, user, action, **data):
    comment = data.pop("comment", "")
    services.application_transition(
        application_id=application.pk, actor=user, action=action, comment=comment, data=data
    )
    application.refresh_from_db()


def _committee(call, city, users):
    """The call's first review committee: 驻局纪检组 member and the two demo experts (第八条(三))."""
    committee = call.committees.filter(round=1).first()
    if committee is None:
        committee = services.committee_create(
            actor=city,
            call=call,
            round=1,
            formed_on=timezone.localdate(),
            members=[
                {"name": "张纪检", "unit": "市纪委监委驻市工信局纪检监察组", "discipline_inspector": True},
                {"name": str(users["expert1"]), "unit": "太原理工大学", "expert": users["expert1"]},
                {"name": str(users["expert2"]), "unit": "山西省工程咨询院", "expert": users["expert2"]},
            ],
        )
    return committee


def _plan_through(application, city, stop_at_approval: bool) -> None:
    """One demo allocation plan per application: drafted, 报市政府审定, approved and (unless the demo stops at
    approval) 抄送财政局."""
    today = timezone.localdate()
    plan = services.allocation_plan_create(
        actor=city,
        call=application.call,
        title=f"{application.call.year} 年资金分配计划(演示 {application.reference})",
        lines=[(application.pk, application.planned_wan)],
    )
    services.allocation_plan_submit(actor=city, plan_id=plan.pk)
    services.allocation_plan_approve(
        actor=city,
        plan_id=plan.pk,
        document_no=f"临政函〔{application.call.year}〕{application.pk} 号",
        approved_on=today,
    )
    if not stop_at_approval:
        services.allocation_plan_copy_to_finance(
            actor=city, plan_id=plan.pk, copied_on=today, recipient="市财政局 李科长"
        )
    application.refresh_from_db()


def _advance(application, target: str, users: dict) -> None:
    county = users["yaodu_industry" if application.region.name == "尧都区" else "hongdong_industry"]
    city = users["city_industry" if application.call.domain == Domain.INDUSTRY else "city_energy"]
    if target in ("returned", "rejected"):
        _step(application, county, "submit")
        _step(
            application,
            county,
            "return" if target == "returned" else "reject",
            comment="投资进度证明材料缺失,请补正" if target == "returned" else "不符合规上企业或营业收入条件",
        )
        return
    for action in PATH[: TARGET_STEPS[target]]:
        if action == "submit":
            _step(application, county, "submit")
        elif action == "recommend":
            _step(application, county, "accept", comment="申报材料齐全,予以受理")
            _step(
                application,
                county,
                "county_check",
                authenticity=True,
                completeness=True,
                compliance=True,
                consistency=True,
                inspected_on=timezone.localdate().isoformat(),
            )
            _step(
                application,
                county,
                "recommend",
                comment="同意推荐",
                document_no=f"{application.region.name[:2]}工信字〔{application.call.year}〕{application.pk} 号",
                inspection_opinion="经现场核查,项目真实,申报材料完整、合规,与实际建设内容一致",
            )
        elif action == "send_to_experts":
            _step(
                application, city, "send_to_experts", committee=_committee(application.call, city, users).pk
            )
            for expert, value in (("expert1", "86"), ("expert2", "82")):
                services.expert_score_submit(
                    application_id=application.pk,
                    expert=users[expert],
                    score=value,
                    opinion="技术路线可行,投资真实,建议支持",
                )
            application.refresh_from_db()
        elif action == "conclude_review":
            _step(application, city, "conclude_review", comment="评审委员会(含驻局纪检组)同意列入拟支持计划")
        elif action == "approve":
            _plan_through(application, city, target == "approved")
        elif action == "disburse":
            _step(
                application,
                users["finance"],
                "disburse",
                document_no=f"临财企〔{application.call.year}〕{application.pk} 号",
            )


DEMO_RULES_DOCUMENT = "演示数据:假定续行 16 号文第七条标准的新规则"


def _rules_in_force(today: datetime.date) -> None:
    """临政办发〔2022〕16 号 was valid until 2024-04-21 (第十五条); the demo's calls are this year's and next, so
    the demo loads the same tables as a (made-up, labelled) successor document valid over them."""
    from .seed import load_award_rules, successor_rules

    load_award_rules(
        successor_rules(
            valid_from=datetime.date(today.year, 1, 1),
            valid_until=datetime.date(today.year + 1, 12, 31),
            document=DEMO_RULES_DOCUMENT,
        )
    )


@transaction.atomic
def load_demo() -> dict:
    today = timezone.localdate()
    _rules_in_force(today)
    calls = _calls(today)
    users = _users()
    regions = {region.name: region for region in Region.objects.all()}
    created = 0
    for region_name, domain, enterprise, division, serial, project, category, params, target in DEMO:
        code = credit_code.with_check_characters(f"91{division}MA0L{serial:04d}")
        if Application.objects.filter(credit_code=code, project_name=project).exists():
            continue
        call = calls[(today.year, domain)]
        fields = {"investment_progress": None, "revenue_wan": D("36000"), "above_scale": True, **params}
        if category in (Category.MATCHING, Category.INVESTMENT):  # 第十条 commitments of a project award
            fields.update(indicator_type="economic", expected_new_tax_wan=D("800"), return_undertaking=True)
        region = regions[region_name]
        if region_name in ("尧都区", "洪洞县"):
            county = users["yaodu_industry" if region_name == "尧都区" else "hongdong_industry"]
            application = services.application_create(
                actor=county,
                call=call,
                region=region,
                enterprise_name=enterprise,
                credit_code=code,
                project_name=project,
                category=category,
                **fields,
            )
            _advance(application, target, users)
        else:
            _write_directly(call, region, enterprise, code, project, category, fields, target)
        created += 1
    return {"申报通知": Call.objects.count(), "新增演示申报": created}


def _write_directly(call, region, enterprise, code, project, category, fields, target) -> None:
    application = Application(
        call=call,
        region=region,
        enterprise_name=enterprise,
        credit_code=code,
        project_name=project,
        category=category,
        state_changed_at=timezone.now(),
        **fields,
    )
    services.application_evaluate(application)
    application.state = target
    if target == State.CITY_REVIEW:
        application.county_accepted_at = timezone.now()
        application.check_authenticity = application.check_completeness = True
        application.check_compliance = application.check_consistency = True
        application.inspected_on = timezone.localdate()
        application.county_document_no = f"{region.name[:2]}工信字〔{call.year}〕演示"
        application.inspection_opinion = "经现场核查,项目真实,申报材料完整"
    application.full_clean()
    application.save()
    stagetotals.moved(None, stagetotals.share(application))
    previous = State.DRAFT
    for action, state in (("submit", State.COUNTY_REVIEW), ("recommend", State.CITY_REVIEW)):
        ApplicationTransition.objects.create(
            application=application,
            action=action,
            from_state=previous,
            to_state=state,
            actor=system_user(),
            actor_name="演示数据",
            comment="演示数据直接写入",
        )
        previous = state
        if state == target:
            break
