"""第五条 and 第八条 eligibility, and 第七条(七) (no double funding), as one pure function.

Each failure is a (code, Chinese message) pair so that pages, the API and tests can tell them apart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from linfen_admin import credit_code

from .money import fmt

# 登记管理机关行政区划码 of Linfen and its counties all begin with 1410 (GB/T 2260).
LINFEN_DIVISION_PREFIX = "1410"
# 第五条(五): 上年度主营业务收入 1800 万元以上 (以上 includes the figure itself).
MIN_REVENUE_WAN = Decimal("1800")
# 第八条(二): 投资进度达到 80% 以上或上年度申报截止日之后完工.
MIN_PROGRESS_PERCENT = Decimal("80")
# Categories that reward a technology-upgrade *project* (第七条(一)(二)); the others reward the enterprise.
PROJECT_CATEGORIES = frozenset({"matching", "investment"})


@dataclass(frozen=True)
class EligibilityFacts:
    credit_code: str
    category: str
    above_scale: bool
    revenue_wan: Decimal | None
    investment_progress: Decimal | None = None
    completed_on: datetime.date | None = None
    previous_deadline: datetime.date | None = None  # 上年度申报截止日
    prior_city_funding: bool = False  # the project already drew city special funds
    duplicate_reference: str | None = None  # another live application of the same project
    funded_before: object | None = (
        None  # the same project's award granted in the product (an ``EarlierAward``)
    )


@dataclass(frozen=True)
class Failure:
    code: str
    message: str


def check_eligibility(facts: EligibilityFacts) -> list[Failure]:
    """Every reason the application may not be funded; an empty list means eligible."""
    failures: list[Failure] = []
    check = credit_code.inspect(facts.credit_code)
    if not check.valid:
        failures.append(Failure("credit_code", ";".join(check.errors)))
    elif not check.division_code.startswith(LINFEN_DIVISION_PREFIX):
        failures.append(
            Failure(
                "not_registered_in_linfen",
                _("企业须在临汾市境内注册(统一社会信用代码第 3–8 位为 %(code)s,不属于临汾市)")
                % {"code": check.division_code},
            )
        )
    if not facts.above_scale and (facts.revenue_wan is None or facts.revenue_wan < MIN_REVENUE_WAN):
        revenue = (
            _("未填报")
            if facts.revenue_wan is None
            else _("%(amount)s 万元") % {"amount": fmt(facts.revenue_wan)}
        )
        failures.append(
            Failure(
                "scale",
                _("须为规模以上企业,或上年度主营业务收入达到 %(minimum)s 万元以上(实际 %(revenue)s)")
                % {"minimum": fmt(MIN_REVENUE_WAN), "revenue": revenue},
            )
        )
    if facts.category in PROJECT_CATEGORIES and not _progress_ok(facts):
        progress = (
            _("未填报")
            if facts.investment_progress is None
            else f"{facts.investment_progress.normalize():f}%"
        )
        failures.append(
            Failure(
                "progress",
                _(
                    "推荐上报的技改项目投资进度须达到 %(minimum)s%% 以上(实际 %(progress)s),或为上年度申报截止日之后完工的项目"
                )
                % {"minimum": f"{MIN_PROGRESS_PERCENT.normalize():f}", "progress": progress},
            )
        )
    if facts.prior_city_funding:
        failures.append(
            Failure("double_funding", _("该项目已享受市级财政专项资金支持,不得重复申请(第七条(七))"))
        )
    if facts.funded_before is not None:
        earlier = facts.funded_before
        failures.append(
            Failure(
                "funded_before",
                _(
                    "同一项目已于 %(year)s 年获市级技术改造资金支持(%(reference)s,%(award)s 万元),"
                    "不得重复申请(第七条(七))"
                )
                % {"year": earlier.year, "reference": earlier.reference, "award": fmt(earlier.award_wan)},
            )
        )
    if facts.duplicate_reference:
        failures.append(
            Failure(
                "duplicate",
                _("同一项目已有申报(%(reference)s),不得重复申请市级技术改造资金(第七条(七))")
                % {"reference": facts.duplicate_reference},
            )
        )
    return failures


def _progress_ok(facts: EligibilityFacts) -> bool:
    if facts.investment_progress is not None and facts.investment_progress >= MIN_PROGRESS_PERCENT:
        return True
    return (
        facts.completed_on is not None
        and facts.previous_deadline is not None
        and facts.completed_on > facts.previous_deadline
    )
