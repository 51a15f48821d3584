"""第七条 award rules applied to one request — the ONE calculator.

The rules themselves are data (``fixtures/subsidies_award_rules.json``, loaded into ``AwardRule`` /
``AwardTier``); this module only knows the three *methods* they use:

- ``percent``: a percentage of a base amount, optionally capped (第七条(一): 30 %, at most 1000);
- ``bracket``: the highest tier whose threshold the amount meets (第七条(二), (四) software, (五), (六)); each
  threshold says how it is met, as the seed words it: 达到 / (含) / 以上 → ``gte`` (at least), 突破 → ``gt``
  (strictly more: exactly 200 亿 does not 突破 200 亿);
- ``grade``: a named grade (国家级, AA, CMMI 4 …) with its award (第七条(三), (四)).

"首次" and 补差 are decided by the product's records: ``quote_award`` is fed the awards already granted to the
same enterprise under the same rule (``EarlierAward``, read by ``selectors.earlier_awards`` in one query). A
grade not above the highest one already granted pays nothing, naming that award; an upgrade pays only the
difference where ``upgrade_pays_difference`` is set (由低等次向高等次升级的,奖励其差额部分 — (四) and (五)) and
the full new amount where the seed provides no difference. The rules carry their validity (第十五条):
``RuleBook.check_in_force`` refuses a call outside it.
Every answer says which rule and tier applied and why (``Quote.explanation``) or why not (``Quote.reasons``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .money import ZERO, fmt, wan

CATEGORIES = ("matching", "investment", "recognition", "certification", "revenue")
RECOGNITION_KINDS = (
    "tech_center",
    "innovation_center",
    "single_champion",
    "tech_demo",
    "smart_manufacturing",
    "green",
    "env_performance",
)
RECOGNITION_LEVELS = ("national", "provincial", "municipal", "A", "leading")
CERTIFICATION_SCHEMES = ("it_integration", "cmmi", "itss", "dcmm")
CERTIFICATION_LEVELS = ("A", "AA", "AAA", "AAAA", "AAAAA", "1", "2", "3", "4", "5")
REVENUE_SCHEMES = ("software", "main_business", "chain_leader")


def check_params(params: dict) -> None:
    """The parameters each award category needs (第七条 (一)–(六)); raise ``ValidationError`` naming each missing or
    unknown one. Called by the quote and by ``application_create``/``application_update``, so the page, the API
    and the calculator refuse the same requests. ``params`` is shaped like ``Application.quote_params()``
    (a recognition's kind under ``kind``)."""
    category = params.get("category")
    errors = {}

    def need(name):
        if params.get(name) in (None, ""):
            errors[name] = _("此类别必须填写此项")

    def among(name, choices, required=True):
        value = params.get(name)
        if value in (None, ""):
            if required:
                errors[name] = _("此类别必须填写此项")
        elif value not in choices:
            errors[name] = _("无效的取值:%(value)s") % {"value": value}

    if category not in CATEGORIES:
        errors["category"] = _("请选择奖励类别")
    elif category == "matching":
        need("support_wan")
    elif category == "investment":
        need("investment_wan")
    elif category == "recognition":
        among("kind", RECOGNITION_KINDS)
        among("level", RECOGNITION_LEVELS)
        among("previous_level", RECOGNITION_LEVELS, required=False)
    elif category == "certification":
        among("scheme", CERTIFICATION_SCHEMES)
        among("level", CERTIFICATION_LEVELS)
        among("previous_level", CERTIFICATION_LEVELS, required=False)
    elif category == "revenue":
        among("scheme", REVENUE_SCHEMES)
        need("revenue_wan")
    if errors:
        raise ValidationError(errors)


GTE = "gte"  # 达到 / (含) / 以上: the threshold itself counts
GT = "gt"  # 突破: strictly more than the threshold


@dataclass(frozen=True)
class Tier:
    grade: str
    label: str
    award_wan: Decimal
    rank: int
    lower_wan: Decimal | None = None
    upper_wan: Decimal | None = None
    comparison: str = GTE  # how ``lower_wan`` is met (see GTE / GT)
    seed_quote: str = ""

    def meets(self, amount: Decimal) -> bool:
        """Whether ``amount`` reaches this tier's threshold as the seed words it (达到 ≥, 突破 >)."""
        if self.lower_wan is None:
            return True
        return amount > self.lower_wan if self.comparison == GT else amount >= self.lower_wan


@dataclass(frozen=True)
class RuleSpec:
    code: str
    category: str
    scheme: str
    clause: str
    name: str
    method: str  # percent | bracket | grade
    tiers: tuple[Tier, ...] = ()
    percent: Decimal | None = None
    cap_wan: Decimal | None = None
    min_base_wan: Decimal | None = None
    min_base_wan_little_giant: Decimal | None = None
    upgrade_pays_difference: bool = False
    min_base_comparison: str = GTE
    seed_quote: str = ""

    @property
    def label(self) -> str:
        return f"{self.clause} {self.name}"

    def tier_for_amount(self, amount: Decimal) -> Tier | None:
        """The highest tier whose threshold ``amount`` meets (a tier ends where the next one's threshold is met)."""
        return next((tier for tier in reversed(self.tiers) if tier.meets(amount)), None)

    def meets_min_base(self, amount: Decimal, minimum: Decimal) -> bool:
        return amount > minimum if self.min_base_comparison == GT else amount >= minimum

    def tier_for_grade(self, grade: str) -> Tier | None:
        return next((tier for tier in self.tiers if tier.grade == grade), None)


def _dec(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def rule_from_dict(row: dict) -> RuleSpec:
    return RuleSpec(
        code=row["code"],
        category=row["category"],
        scheme=row.get("scheme") or "",
        clause=row["clause"],
        name=row["name"],
        method=row["method"],
        percent=_dec(row.get("percent")),
        cap_wan=_dec(row.get("cap_wan")),
        min_base_wan=_dec(row.get("min_base_wan")),
        min_base_wan_little_giant=_dec(row.get("min_base_wan_little_giant")),
        upgrade_pays_difference=bool(row.get("upgrade_pays_difference")),
        min_base_comparison=row.get("min_base_comparison") or GTE,
        seed_quote=row.get("seed_quote") or "",
        tiers=tuple(
            sorted(
                (
                    Tier(
                        grade=t.get("grade") or "",
                        label=t["label"],
                        award_wan=Decimal(str(t["award_wan"])),
                        rank=int(t["rank"]),
                        lower_wan=_dec(t.get("lower_wan")),
                        upper_wan=_dec(t.get("upper_wan")),
                        comparison=t.get("comparison") or GTE,
                        seed_quote=t.get("seed_quote") or "",
                    )
                    for t in row.get("tiers", [])
                ),
                key=lambda tier: tier.rank,
            )
        ),
    )


@dataclass(frozen=True)
class RuleBook:
    rules: dict[str, RuleSpec]
    # 第十五条: 自公布之日起施行,有效期 2 年 — the period the loaded rules govern (None: not stated).
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    document: str = ""

    @classmethod
    def from_dicts(
        cls, rows: list[dict], *, valid_from=None, valid_until=None, document: str = ""
    ) -> RuleBook:
        return cls(
            {row["code"]: rule_from_dict(row) for row in rows},
            valid_from=_date(valid_from),
            valid_until=_date(valid_until),
            document=document,
        )

    @classmethod
    def from_fixture(cls, data: dict) -> RuleBook:
        """The rule book of a rules file (``fixtures/subsidies_award_rules.json``), with its validity."""
        return cls.from_dicts(
            data["rules"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            document=data.get("document", ""),
        )

    def in_force_on(self, day: datetime.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)

    def check_in_force(self, *, opens_on: datetime.date, what: str = "call") -> None:
        """第十五条: a call opened outside the loaded rules' validity cannot compute awards until new rules are
        loaded. Raise ``ValidationError`` on ``what`` (the call field of the page, the API and the service).
        A call is governed by the rules in force on the day it opens (第八条(一): the call is issued under them);
        evaluations of supported projects are not award computations and are not checked here."""
        if self.in_force_on(opens_on):
            return
        raise ValidationError(
            {
                what: _(
                    "申报通知的申报开始日期 %(day)s 不在已加载奖励规则(%(document)s)的有效期 %(start)s 至 %(end)s 内,"
                    "不能测算奖励;须先加载新的奖励规则(第十五条)"
                )
                % {
                    "day": opens_on.isoformat(),
                    "document": self.document or _("第七条"),
                    "start": self.valid_from.isoformat() if self.valid_from else "—",
                    "end": self.valid_until.isoformat() if self.valid_until else "—",
                }
            }
        )

    def find(self, category: str, scheme: str = "") -> RuleSpec | None:
        code = f"{category}.{scheme}" if scheme else category
        return self.rules.get(code)


@dataclass(frozen=True)
class EarlierAward:
    """An award already granted in the product (``selectors.GRANTED_STATES``) to the same enterprise (credit code)
    under the same rule, as ``selectors.earlier_awards`` reads it: what "首次" and 补差 are measured against."""

    reference: str
    year: int
    category: str
    scheme: str
    level: str = ""
    revenue_wan: Decimal | None = None
    award_wan: Decimal = ZERO  # the amount granted (拟支持/审定 amount)
    pk: int | None = None  # the application's key (the caller may not see it: then the reference is withheld)

    def as_dict(self, tier: Tier | None = None) -> dict[str, Any]:
        return {
            "source": "record",
            "reference": self.reference,
            "year": self.year,
            "award_wan": str(wan(self.award_wan)),
            "tier": tier.label if tier else "",
        }


@dataclass
class Quote:
    eligible: bool
    award_wan: Decimal = ZERO
    rule: str = ""
    rule_label: str = ""
    tier: str = ""
    base_award_wan: Decimal = ZERO
    capped: bool = False
    cap_exception: bool = False
    previous_award_wan: Decimal | None = None
    earlier_award: dict | None = (
        None  # which earlier award the quote measured against (record or declaration)
    )
    reasons: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "award_wan": str(self.award_wan),
            "rule": self.rule,
            "rule_label": self.rule_label,
            "tier": self.tier,
            "base_award_wan": str(self.base_award_wan),
            "capped": self.capped,
            "cap_exception": self.cap_exception,
            "previous_award_wan": None if self.previous_award_wan is None else str(self.previous_award_wan),
            "earlier_award": None if self.earlier_award is None else dict(self.earlier_award),
            "reasons": list(self.reasons),
            "explanation": list(self.explanation),
        }


def _refuse(quote: Quote, reason: str) -> Quote:
    quote.eligible = False
    quote.award_wan = ZERO
    quote.reasons.append(reason)
    return quote


def _scheme_of(params: dict) -> str:
    category = params.get("category")
    if category == "recognition":
        return params.get("kind") or ""
    if category in ("certification", "revenue"):
        return params.get("scheme") or ""
    return ""


def quote_award(book: RuleBook, params: dict, earlier=(), *, opens_on: datetime.date | None = None) -> Quote:
    """The award of 第七条 for one request (see DESIGN.md ``award-quote``). Pure: no database access (messages go
    through gettext).

    ``params`` is already shaped (the API and forms validate types); amounts are Decimals. ``earlier`` are the
    awards already granted to the enterprise (``EarlierAward``; ``selectors.earlier_awards``). ``opens_on``, when
    given, is the call's opening day: outside the rules' validity this raises ``ValidationError`` (第十五条).
    """
    if opens_on is not None:
        book.check_in_force(opens_on=opens_on)
    category = params.get("category")
    scheme = _scheme_of(params)
    rule = book.find(category, scheme)
    if rule is None:
        return _refuse(
            Quote(eligible=False),
            (_("没有适用的奖励规则:%(rule)s") % {"rule": f"{category} {scheme}".strip()}),
        )
    quote = Quote(eligible=True, rule=rule.code, rule_label=rule.label)
    quote.explanation.append(_("适用%(rule)s") % {"rule": rule.label})
    if rule.method == "percent":
        return _percent(rule, params, quote)
    if rule.method == "bracket":
        return _bracket(rule, params, quote, earlier)
    return _grade(rule, params, quote, earlier)


def _percent(rule: RuleSpec, params: dict, quote: Quote) -> Quote:
    support = params.get("support_wan")
    if support is None or support <= 0:
        return _refuse(quote, _("上年度未获得国、省专项资金支持,不适用配套奖励"))
    raw = wan(support * rule.percent / Decimal(100))
    quote.base_award_wan = raw
    quote.explanation.append(
        _("国、省支持 %(support)s 万元 × %(percent)s%% = %(raw)s 万元")
        % {"support": fmt(support), "percent": f"{rule.percent.normalize():f}", "raw": fmt(raw)}
    )
    award = raw
    exception = (params.get("cap_exception_reason") or "").strip()
    if rule.cap_wan is not None and raw > rule.cap_wan and exception:
        # 原则上不超过: the city bureau may record an exception with its reason (services.application_cap_exception).
        quote.cap_exception = True
        quote.explanation.append(
            _(
                "单个项目配套奖励原则上不超过 %(cap)s 万元;市级主管部门已记录例外:%(reason)s,按 %(award)s 万元计"
            )
            % {"cap": fmt(rule.cap_wan), "reason": exception, "award": fmt(raw)}
        )
    elif rule.cap_wan is not None and raw > rule.cap_wan:
        award = wan(rule.cap_wan)
        quote.capped = True
        quote.explanation.append(
            _("单个项目配套奖励原则上不超过 %(cap)s 万元,按上限 %(award)s 万元计")
            % {"cap": fmt(rule.cap_wan), "award": fmt(award)}
        )
    quote.award_wan = award
    return quote


def _bracket(rule: RuleSpec, params: dict, quote: Quote, earlier=()) -> Quote:
    if rule.category == "investment":
        amount = params.get("investment_wan")
        noun = _("固定资产实际投资")
        minimum = rule.min_base_wan_little_giant if params.get("little_giant") else rule.min_base_wan
        if amount is None:
            return _refuse(quote, _("缺少固定资产实际投资额"))
        if minimum is not None and not rule.meets_min_base(amount, minimum):
            who = _("专精特新“小巨人”企业") if params.get("little_giant") else _("技术改造项目")
            return _refuse(
                quote,
                _("%(who)s固定资产投资须达到 %(minimum)s 万元以上,实际为 %(amount)s 万元")
                % {"who": who, "minimum": fmt(minimum), "amount": fmt(amount)},
            )
    else:
        amount = params.get("revenue_wan")
        noun = _("上年度主营业务收入")
        if amount is None:
            return _refuse(quote, _("缺少上年度主营业务收入"))
    tier = rule.tier_for_amount(amount)
    if tier is None:
        return _refuse(
            quote,
            _("%(noun)s %(amount)s 万元未达到%(rule)s的最低档次")
            % {"noun": noun, "amount": fmt(amount), "rule": rule.name},
        )
    quote.tier = tier.label
    quote.base_award_wan = wan(tier.award_wan)
    quote.explanation.append(
        _("%(noun)s %(amount)s 万元,属于“%(tier)s”档,奖励 %(award)s 万元")
        % {"noun": noun, "amount": fmt(amount), "tier": tier.label, "award": fmt(tier.award_wan)}
    )
    if rule.category != "revenue":
        return _apply_previous(rule, tier, None, quote)  # 第七条(二): a project award, (七) decides repeats
    recorded = [
        (rule.tier_for_amount(e.revenue_wan), e) for e in earlier if e.category == "revenue" and e.revenue_wan
    ]
    declared_amount = params.get("previous_revenue_wan")
    declared = rule.tier_for_amount(declared_amount) if declared_amount is not None else None
    return _apply_previous(rule, tier, _previous(recorded, declared), quote)


def _grade(rule: RuleSpec, params: dict, quote: Quote, earlier=()) -> Quote:
    level = params.get("level") or ""
    tier = rule.tier_for_grade(level)
    if tier is None:
        grades = "、".join(t.label for t in rule.tiers)
        return _refuse(
            quote,
            _("%(rule)s只奖励:%(grades)s;“%(level)s”不在奖励范围")
            % {"rule": rule.name, "grades": grades, "level": level},
        )
    quote.tier = tier.label
    quote.base_award_wan = wan(tier.award_wan)
    quote.explanation.append(
        _("%(rule)s%(tier)s,奖励 %(award)s 万元")
        % {"rule": rule.name, "tier": tier.label, "award": fmt(tier.award_wan)}
    )
    previous_level = params.get("previous_level") or ""
    declared = None
    if previous_level:
        declared = rule.tier_for_grade(previous_level)
        if declared is None:
            return _refuse(
                quote,
                _("此前等次“%(level)s”不是%(rule)s的奖励等次") % {"level": previous_level, "rule": rule.name},
            )
    recorded = [
        (rule.tier_for_grade(e.level), e)
        for e in earlier
        if e.category == rule.category and e.scheme == rule.scheme
    ]
    return _apply_previous(rule, tier, _previous(recorded, declared), quote)


def _previous(recorded, declared: Tier | None):
    """The level already rewarded: the highest grade of the awards granted in the product (the records decide);
    a previous level the request declares (an award from before the product's records) only counts when it is
    higher — a declaration can lower an award, never raise it. ``(tier, earlier award or None)`` or ``None``."""
    best = max(((t, e) for t, e in recorded if t is not None), key=lambda pair: pair[0].rank, default=None)
    if declared is not None and (best is None or declared.rank > best[0].rank):
        return declared, None
    return best


def _apply_previous(rule: RuleSpec, tier: Tier, previous, quote: Quote) -> Quote:
    """A grade already rewarded: nothing for the same or a lower grade; the difference on an upgrade where the
    seed provides it, the full new award where it does not."""
    if previous is None:
        quote.award_wan = wan(tier.award_wan)
        return quote
    previous, record = previous
    quote.previous_award_wan = wan(previous.award_wan)
    if record is not None:
        quote.earlier_award = record.as_dict(previous)
        source = _("已奖励的 %(reference)s(%(year)s 年,“%(tier)s”,%(award)s 万元)") % {
            "reference": record.reference,
            "year": record.year,
            "tier": previous.label,
            "award": fmt(record.award_wan),
        }
    else:
        quote.earlier_award = {
            "source": "declared",
            "reference": "",
            "year": None,
            "award_wan": str(wan(previous.award_wan)),
            "tier": previous.label,
        }
        source = _("申报所述此前已奖励的“%(tier)s”") % {"tier": previous.label}
    quote.explanation.append(_("此前奖励:%(source)s") % {"source": source})
    if tier.rank <= previous.rank:
        return _refuse(
            quote,
            _("已按“%(previous)s”奖励过(%(source)s),“%(tier)s”不是首次达到的更高等次,不能按%(rule)s重复奖励")
            % {"previous": previous.label, "tier": tier.label, "source": source, "rule": rule.label},
        )
    if not rule.upgrade_pays_difference:
        quote.award_wan = wan(tier.award_wan)
        quote.explanation.append(
            _("由“%(previous)s”升至“%(tier)s”,本条款未规定补差,按新等次全额奖励")
            % {"previous": previous.label, "tier": tier.label}
        )
        return quote
    difference = wan(tier.award_wan - previous.award_wan)
    quote.explanation.append(
        _("由“%(previous)s”(%(previous_award)s 万元)升级至“%(tier)s”,只奖励差额 %(difference)s 万元")
        % {
            "previous": previous.label,
            "previous_award": fmt(previous.award_wan),
            "tier": tier.label,
            "difference": fmt(difference),
        }
    )
    if difference <= 0:
        return _refuse(
            quote,
            _("“%(tier)s”与已奖励的“%(previous)s”(%(source)s)奖励额相同,没有差额可奖励")
            % {"tier": tier.label, "previous": previous.label, "source": source},
        )
    quote.award_wan = difference
    return quote
