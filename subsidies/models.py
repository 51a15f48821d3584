"""技术改造专项资金 (临政办发〔2022〕16 号): award rules, calls, applications and their review trail."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region
from linfen_admin.roles import Role
from linfen_admin.validators import validate_enterprise_credit_code

MONEY = {"max_digits": 14, "decimal_places": 2}


def _narrow_applications(user, queryset):
    """Beyond the region scope: what each role sees of the applications (``selectors.role_narrowing``)."""
    from .selectors import role_narrowing

    narrowing = role_narrowing(user)
    return queryset if narrowing is None else queryset.filter(narrowing)


def _narrow_totals(user, queryset):
    """The applications' narrowing without its expert part (``selectors.role_narrowing(experts=False)``)."""
    from .selectors import role_narrowing

    narrowing = role_narrowing(user, experts=False)
    return queryset if narrowing is None else queryset.filter(narrowing)


def _narrow_through_application(user, queryset):
    """Rows hanging off an application are seen by whoever may see the application."""
    from .selectors import role_narrowing

    narrowing = role_narrowing(user)
    if narrowing is None:
        return queryset
    return queryset.filter(application__in=Application.objects.filter(narrowing).values("pk"))


class Domain(models.TextChoices):
    INDUSTRY = "industry", _("工业和信息化")
    ENERGY = "energy", _("能源")


class Category(models.TextChoices):
    MATCHING = "matching", _("国、省资金配套奖励(第七条(一))")
    INVESTMENT = "investment", _("固定资产投资奖励(第七条(二))")
    RECOGNITION = "recognition", _("认定称号奖励(第七条(三))")
    CERTIFICATION = "certification", _("体系与能力认证奖励(第七条(四))")
    REVENUE = "revenue", _("营业收入首次达标奖励(第七条(四)(五)(六))")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COUNTY_REVIEW = "county_review", _("县级审核")
    CITY_REVIEW = "city_review", _("市级受理")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    PLANNED = "planned", _("拟支持")
    APPROVED = "approved", _("市政府已审定")
    DISBURSED = "disbursed", _("已拨付")
    EVALUATED = "evaluated", _("已完工评价")
    RECOVERY = "recovery", _("待收回资金")
    CLOSED = "closed", _("已办结")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("不予支持")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    # 第八条(二): the county bureau accepts the enterprise's materials (县级受理), then checks them and inspects the
    # site (第十条: 真实性、完整性、合规性、一致性审核意见) — steps inside 县级审核 that leave the state as it is.
    ACCEPT = "accept", _("县级受理")
    COUNTY_CHECK = "county_check", _("审核与现场核查")
    RECOMMEND = "recommend", _("推荐上报")
    SEND_TO_EXPERTS = "send_to_experts", _("提交专家评审")
    CONCLUDE_REVIEW = "conclude_review", _("形成评审意见")
    APPROVE = "approve", _("市政府审定")
    DISBURSE = "disburse", _("拨付资金")
    EVALUATE = "evaluate", _("完工评价")
    REEVALUATE = "reevaluate", _("绩效再评价")
    RECOVER = "recover", _("收回资金")
    RETURN = "return", _("退回补正")
    REJECT = "reject", _("不予支持")


class IndicatorType(models.TextChoices):
    ECONOMIC = "economic", _("经济指标")
    TECHNICAL = "technical", _("技术指标")


# States whose planned amount counts against the call's budget.
FUNDED_STATES = (
    State.PLANNED,
    State.APPROVED,
    State.DISBURSED,
    State.EVALUATED,
    State.RECOVERY,
    State.CLOSED,
)
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
# States in which an award counts as granted — the previous level of "首次" and 补差 (第七条) and "已享受市级财政
# 专项资金支持" (第七条(七)): from 市政府审定 on (第八条(三): the plan is 报市政府审定 before 财政 pays). 拟支持 is a
# proposal that can still be returned or rejected; a recovery (第十一条) takes money back for missed indicators but
# the level was reached and rewarded, so it still counts.
GRANTED_STATES = (State.APPROVED, State.DISBURSED, State.EVALUATED, State.RECOVERY, State.CLOSED)


class Comparison(models.TextChoices):
    """How a threshold of 第七条 is met, as the seed words it."""

    GTE = "gte", _("达到(含本数)")
    GT = "gt", _("突破(超过本数)")


class AwardRule(models.Model):
    """One clause of 第七条 as data (loaded from fixtures/subsidies_award_rules.json), with the validity of the
    document it comes from (第十五条)."""

    class Method(models.TextChoices):
        PERCENT = "percent", _("按比例")
        BRACKET = "bracket", _("按金额分档")
        GRADE = "grade", _("按等次")

    code = models.SlugField(_("编码"), max_length=48, unique=True)
    category = models.CharField(_("奖励类别"), max_length=16, choices=Category.choices)
    scheme = models.CharField(_("细类"), max_length=32, blank=True)
    clause = models.CharField(_("条款"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    method = models.CharField(_("计算方式"), max_length=8, choices=Method.choices)
    percent = models.DecimalField(_("比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    cap_wan = models.DecimalField(_("上限(万元)"), null=True, blank=True, **MONEY)
    min_base_wan = models.DecimalField(_("最低投资额(万元)"), null=True, blank=True, **MONEY)
    min_base_wan_little_giant = models.DecimalField(
        _("专精特新“小巨人”最低投资额(万元)"), null=True, blank=True, **MONEY
    )
    upgrade_pays_difference = models.BooleanField(_("升级只奖励差额"), default=False)
    min_base_comparison = models.CharField(
        _("最低投资额的比较方式"), max_length=3, choices=Comparison.choices, blank=True
    )
    seed_quote = models.TextField(_("原文"), blank=True)
    document = models.CharField(_("文件"), max_length=64, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("奖励规则")
        verbose_name_plural = _("奖励规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "scheme"], name="subsidies_rule_category_scheme")
        ]

    def __str__(self):
        return f"{self.clause} {self.name}"


class AwardTier(models.Model):
    rule = models.ForeignKey(
        AwardRule, verbose_name=_("奖励规则"), on_delete=models.CASCADE, related_name="tiers"
    )
    grade = models.CharField(_("等次代码"), max_length=16, blank=True)
    label = models.CharField(_("档次"), max_length=64)
    lower_wan = models.DecimalField(_("下限(含,万元)"), null=True, blank=True, **MONEY)
    upper_wan = models.DecimalField(_("上限(不含,万元)"), null=True, blank=True, **MONEY)
    award_wan = models.DecimalField(_("奖励(万元)"), **MONEY)
    rank = models.PositiveSmallIntegerField(_("等级序号"), help_text=_("越大等次越高"))
    comparison = models.CharField(_("门槛比较方式"), max_length=3, choices=Comparison.choices, blank=True)
    seed_quote = models.TextField(_("原文"), blank=True)

    class Meta:
        ordering = ["rule", "rank"]
        verbose_name = _("奖励档次")
        verbose_name_plural = _("奖励档次")
        constraints = [
            models.UniqueConstraint(fields=["rule", "rank"], name="subsidies_tier_rank"),
            models.CheckConstraint(condition=Q(award_wan__gte=0), name="subsidies_tier_award_nonnegative"),
            models.CheckConstraint(
                condition=Q(lower_wan__isnull=True)
                | Q(upper_wan__isnull=True)
                | Q(upper_wan__gt=F("lower_wan")),
                name="subsidies_tier_range",
            ),
        ]

    def __str__(self):
        return f"{self.rule.name} {self.label}"


class StepLimit(models.Model):
    """How many days an application may wait in one state before the people who must act are reminded."""

    state = models.CharField(_("环节"), max_length=16, choices=State.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("办理时限(天)"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["state"]
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="subsidies_steplimit_days")]

    def __str__(self):
        return f"{self.get_state_display()} {self.days} 天"


# 第九条: each city bureau runs the calls of its domain — 市工信局 industry, 市能源局 energy. The one mapping.
CITY_BUREAU_DOMAINS = {Role.CITY_INDUSTRY: Domain.INDUSTRY, Role.CITY_ENERGY: Domain.ENERGY}


def bureau_domains(user) -> list[str]:
    """The domains of the city bureaus ``user`` belongs to (by role)."""
    return [domain for role, domain in CITY_BUREAU_DOMAINS.items() if user.has_role(role)]


def bureau_role(domain: str) -> str:
    """The role of the city bureau that runs ``domain``."""
    return next(role for role, managed in CITY_BUREAU_DOMAINS.items() if managed == domain)


def domains_managed_by(user) -> list[str]:
    """The call domains a user may change: their bureau's, or all of them for administrators."""
    if user.is_superuser or user.has_role(Role.ADMIN):
        return list(Domain.values)
    return bureau_domains(user)


class Call(models.Model):
    """年度申报通知: one per year and domain, with its budget."""

    year = models.PositiveSmallIntegerField(_("年度"))
    domain = models.CharField(_("领域"), max_length=16, choices=Domain.choices)
    title = models.CharField(_("标题"), max_length=200)
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    previous_deadline = models.DateField(
        _("上年度申报截止日"), null=True, blank=True, help_text=_("此日之后完工的项目不受投资进度 80% 的限制")
    )
    budget_wan = models.DecimalField(_("预算(万元)"), max_digits=12, decimal_places=2)

    scope_public = True  # published reference data: every holder of the view permission sees all rows
    scope_edit_narrow = staticmethod(
        lambda user, queryset: queryset.filter(domain__in=domains_managed_by(user))
    )

    class Meta:
        ordering = ["-year", "domain"]
        verbose_name = _("年度申报通知")
        verbose_name_plural = _("年度申报通知")
        constraints = [
            models.UniqueConstraint(fields=["year", "domain"], name="subsidies_call_year_domain"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="subsidies_call_dates"),
            models.CheckConstraint(condition=Q(budget_wan__gte=0), name="subsidies_call_budget_nonnegative"),
        ]

    def __str__(self):
        return f"{self.year} 年{self.get_domain_display()}领域技术改造专项资金"


class Application(models.Model):
    """One enterprise's application for one award, entered by its county bureau, and its review state."""

    call = models.ForeignKey(
        Call, verbose_name=_("申报通知"), on_delete=models.PROTECT, related_name="applications"
    )
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    enterprise_name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_enterprise_credit_code]
    )
    project_name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("奖励类别"), max_length=16, choices=Category.choices)
    # Parameters of the award category (see DESIGN.md award-quote).
    support_wan = models.DecimalField(_("上年度国、省资金支持额(万元)"), null=True, blank=True, **MONEY)
    investment_wan = models.DecimalField(_("固定资产实际投资(万元)"), null=True, blank=True, **MONEY)
    little_giant = models.BooleanField(_("专精特新“小巨人”企业"), default=False)
    scheme = models.CharField(_("称号或认证类别"), max_length=32, blank=True)
    level = models.CharField(_("等次"), max_length=16, blank=True)
    previous_level = models.CharField(_("已奖励等次"), max_length=16, blank=True)
    previous_revenue_wan = models.DecimalField(
        _("已奖励时的主营业务收入(万元)"), null=True, blank=True, **MONEY
    )
    # Eligibility facts (第五、八条).
    investment_progress = models.DecimalField(
        _("投资进度(%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    revenue_wan = models.DecimalField(_("上年度主营业务收入(万元)"), null=True, blank=True, **MONEY)
    above_scale = models.BooleanField(_("规模以上企业"), default=False)
    prior_city_funding = models.BooleanField(_("已享受市级财政专项资金支持"), default=False)
    # 第七条(一) 原则上不超过 1000 万元: an exception recorded by the city bureau (services.application_cap_exception).
    cap_exception_reason = models.TextField(_("突破配套奖励上限的理由"), blank=True)
    cap_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录例外的人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cap_exception_at = models.DateTimeField(_("记录例外时间"), null=True, blank=True)
    # Computed on create and edit.
    award_wan = models.DecimalField(_("测算奖励(万元)"), default=0, **MONEY)
    award_rule = models.CharField(_("适用规则"), max_length=48, blank=True)
    award_explanation = models.JSONField(_("测算说明"), default=dict, blank=True)
    eligible = models.BooleanField(_("符合申报条件"), default=False)
    eligibility_failures = models.JSONField(_("不符合的条件"), default=list, blank=True)
    # 第十条 commitments, entered when applying (project awards): the expected indicators and the undertaking
    # to return the funds when they are missed. ``indicator_type`` (第十一条 经济指标/技术指标) is one of them.
    expected_new_tax_wan = models.DecimalField(
        _("预期新增税收(万元)"), null=True, blank=True, **MONEY, help_text=_("以经济指标为主的项目填写")
    )
    expected_targets = models.TextField(
        _("预期技术指标"),
        blank=True,
        help_text=_("以改善环境、提高社会效益、节能降耗、增强技术质量水平等技术指标为主的项目填写"),
    )
    return_undertaking = models.BooleanField(_("承诺未达到预期指标退还专项资金"), default=False)
    # 第八条(二)、第十条: the county's acceptance, its four checks (confirmed one by one) and the site inspection.
    county_accepted_at = models.DateTimeField(_("县级受理时间"), null=True, blank=True)
    check_authenticity = models.BooleanField(_("真实性审核"), default=False)
    check_completeness = models.BooleanField(_("完整性审核"), default=False)
    check_compliance = models.BooleanField(_("合规性审核"), default=False)
    check_consistency = models.BooleanField(_("一致性审核"), default=False)
    inspected_on = models.DateField(_("现场核查日期"), null=True, blank=True)
    # Review results.
    county_document_no = models.CharField(_("县级推荐文号"), max_length=64, blank=True)
    inspection_opinion = models.TextField(_("现场核查意见"), blank=True)
    review_round = models.PositiveSmallIntegerField(_("评审轮次"), default=0)
    committee_opinion = models.TextField(_("评审委员会意见"), blank=True)
    review_average = models.DecimalField(
        _("专家平均分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    planned_wan = models.DecimalField(_("拟支持金额(万元)"), null=True, blank=True, **MONEY)
    disbursed_wan = models.DecimalField(_("已拨付金额(万元)"), null=True, blank=True, **MONEY)
    indicator_type = models.CharField(
        _("预期指标类型"), max_length=16, choices=IndicatorType.choices, blank=True
    )
    reevaluation_due_on = models.DateField(_("绩效再评价日期"), null=True, blank=True)
    project_completed_on = models.DateField(_("项目完工日期(完工评价)"), null=True, blank=True)
    targets_met = models.BooleanField(_("达到预期指标"), null=True, blank=True)
    cumulative_new_tax_wan = models.DecimalField(_("累计新增税收(万元)"), null=True, blank=True, **MONEY)
    recovery_wan = models.DecimalField(_("应收回金额(万元)"), null=True, blank=True, **MONEY)
    recovered_wan = models.DecimalField(_("已收回金额(万元)"), null=True, blank=True, **MONEY)
    # Workflow bookkeeping.
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    state_changed_at = models.DateTimeField(_("进入当前环节时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_region_field = "region"

    # Role narrowing on top of the region scope, applied by ``linfen_admin.scoping`` on every path.
    scope_narrow = staticmethod(lambda user, queryset: _narrow_applications(user, queryset))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("专项资金申报")
        verbose_name_plural = _("专项资金申报")
        indexes = [
            # a call's budget usage (count and planned amount by state) from the index alone
            models.Index(fields=["call", "state"], include=["planned_wan"], name="subsidies_app_call_usage"),
            # the list's order (newest first, the key breaking ties): its last page walks this index
            models.Index(fields=["created_at", "id"], name="subsidies_app_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(award_wan__gte=0), name="subsidies_app_award_nonnegative"),
            models.CheckConstraint(
                condition=Q(investment_progress__isnull=True)
                | (Q(investment_progress__gte=0) & Q(investment_progress__lte=100)),
                name="subsidies_app_progress_percent",
            ),
            models.CheckConstraint(
                condition=Q(planned_wan__isnull=True)
                | (Q(planned_wan__gt=0) & Q(planned_wan__lte=F("award_wan"))),
                name="subsidies_app_planned_within_award",
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="subsidies_app_state_valid"),
        ]

    def __str__(self):
        return f"{self.enterprise_name} · {self.project_name}"

    @property
    def reference(self) -> str:
        return f"JG-{self.pk:06d}" if self.pk else ""

    @property
    def domain(self) -> str:
        return self.call.domain

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_project_award(self) -> bool:
        """第十一条 对于申报项目类奖励资金的: the project awards (第七条(一)(二)) are evaluated at completion and
        re-evaluated; the title, certificate and revenue awards are not."""
        from .rules.eligibility import PROJECT_CATEGORIES

        return self.category in PROJECT_CATEGORIES

    COUNTY_CHECKS = ("check_authenticity", "check_completeness", "check_compliance", "check_consistency")

    def county_checks(self) -> list[tuple[str, str, bool]]:
        """The four checks of 第十条 in the seed's order: (field, label, confirmed)."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.COUNTY_CHECKS
        ]

    def quote_params(self) -> dict:
        """The award-quote parameters of this application's category."""
        params = {"category": self.category}
        if self.category == Category.MATCHING:
            params.update(support_wan=self.support_wan, cap_exception_reason=self.cap_exception_reason)
        elif self.category == Category.INVESTMENT:
            params.update(investment_wan=self.investment_wan, little_giant=self.little_giant)
        elif self.category == Category.RECOGNITION:
            params.update(kind=self.scheme, level=self.level, previous_level=self.previous_level)
        elif self.category == Category.CERTIFICATION:
            params.update(scheme=self.scheme, level=self.level, previous_level=self.previous_level)
        elif self.category == Category.REVENUE:
            params.update(
                scheme=self.scheme,
                revenue_wan=self.revenue_wan,
                previous_revenue_wan=self.previous_revenue_wan,
            )
        return params


class StageTotal(models.Model):
    """How many applications of a call and region are at a workflow state in an award category, with their summed
    测算奖励 and 拟支持 amounts: kept by the application services in the same transaction as every change
    (``subsidies.stagetotals``), so the funnel and each call's budget usage are read from a few hundred rows, not
    summed over every application. A row without a region is the whole city's (what city-level users read, a
    few rows a call whatever the number of counties). ``manage.py rebuild_subsidy_totals [--check]`` rebuilds or
    proves them."""

    call = models.ForeignKey(Call, verbose_name=_("申报通知"), on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The region's key, 0 for the whole city's row: what the one unique index (and the upsert) can name, since a
    # null region would never conflict with another.
    region_key = models.IntegerField(_("区域键"), default=0, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    category = models.CharField(_("奖励类别"), max_length=16, choices=Category.choices)
    count = models.IntegerField(_("申报数"), default=0)
    award_wan = models.DecimalField(_("测算奖励合计(万元)"), default=0, **MONEY)
    planned_wan = models.DecimalField(_("拟支持合计(万元)"), default=0, **MONEY)

    scope_region_field = "region"

    # The same role narrowing as the applications' (drafts stay with the county, a bureau sees its domain); an
    # expert's, which follows assignments, cannot be read from totals (``selectors.totals_serve``).
    scope_narrow = staticmethod(lambda user, queryset: _narrow_totals(user, queryset))

    class Meta:
        verbose_name = _("各环节申报合计")
        verbose_name_plural = _("各环节申报合计")
        constraints = [
            models.UniqueConstraint(
                fields=["region_key", "call", "state", "category"], name="subsidies_stagetotal_once"
            ),
        ]

    def __str__(self):
        return f"{self.call} · {self.region or _('全市')} · {self.get_state_display()} · {self.count}"


class ExpertAssignment(models.Model):
    """An expert of the review committee on one application in one review round, with score and opinion."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("评审轮次"), default=1)
    member = models.ForeignKey(
        "CommitteeMember",
        verbose_name=_("评审委员会成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    score = models.DecimalField(
        _("评分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opinion = models.TextField(_("评审意见"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    scope_region_field = "application__region"

    scope_narrow = staticmethod(lambda user, queryset: _narrow_through_application(user, queryset))

    class Meta:
        ordering = ["application", "round", "id"]
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert", "round"], name="subsidies_expert_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="subsidies_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.expert}"


class ApplicationTransition(models.Model):
    """One workflow step: who, when, from, to, action, comment and the step's data (document no., scores …)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)

    scope_region_field = "application__region"

    scope_narrow = staticmethod(lambda user, queryset: _narrow_through_application(user, queryset))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")

    def __str__(self):
        return f"{self.application_id} {self.from_state}→{self.to_state}"


def document_path(instance: "Document", filename: str) -> str:
    """Private storage path: never the uploader's file name (it is kept in ``original_name``)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"subsidies/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("申报材料")
        INSPECTION = "inspection", _("现场核查材料")
        REVIEW = "review", _("评审材料")
        EVALUATION = "evaluation", _("完工评价报告")
        OTHER = "other", _("其他")

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("材料类别"), max_length=16, choices=Kind.choices, default=Kind.APPLICATION)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小(字节)"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_region_field = "application__region"

    scope_narrow = staticmethod(lambda user, queryset: _narrow_through_application(user, queryset))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self):
        return self.original_name


def _narrow_by_call_domain(user, queryset, path="call"):
    """Committees and plans of a call: the city bureau of its domain, 市财政局 and the leading group read them;
    county staff never (no region of theirs), nor experts."""
    if user.is_superuser or user.has_role(Role.ADMIN, Role.LEADER, Role.FINANCE):
        return queryset
    return queryset.filter(**{f"{path}__domain__in": bureau_domains(user)})


class ReviewCommittee(models.Model):
    """第八条(三): the review committee a city bureau forms for one round of a call — 驻局纪检组及相关专家."""

    call = models.ForeignKey(
        Call, verbose_name=_("申报通知"), on_delete=models.PROTECT, related_name="committees"
    )
    round = models.PositiveSmallIntegerField(_("评审批次"), default=1, validators=[MinValueValidator(1)])
    formed_on = models.DateField(_("组建日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_narrow = staticmethod(lambda user, queryset: _narrow_by_call_domain(user, queryset))

    class Meta:
        ordering = ["call", "round"]
        verbose_name = _("评审委员会")
        verbose_name_plural = _("评审委员会")
        constraints = [models.UniqueConstraint(fields=["call", "round"], name="subsidies_committee_round")]

    def __str__(self):
        return f"{self.call} 第 {self.round} 批评审委员会"

    @property
    def has_discipline_member(self) -> bool:
        return any(member.discipline_inspector for member in self.members.all())


class CommitteeMember(models.Model):
    """One member of a review committee: name and unit; the 驻局纪检组 member flagged; an expert scores through
    their account."""

    committee = models.ForeignKey(
        ReviewCommittee, verbose_name=_("评审委员会"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=60)
    unit = models.CharField(_("工作单位"), max_length=120)
    discipline_inspector = models.BooleanField(_("驻局纪检组成员"), default=False)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("有账号的成员在系统中评分"),
    )

    scope_narrow = staticmethod(
        lambda user, queryset: _narrow_by_call_domain(user, queryset, "committee__call")
    )

    class Meta:
        ordering = ["committee", "-discipline_inspector", "id"]
        verbose_name = _("评审委员会成员")
        verbose_name_plural = _("评审委员会成员")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "expert"],
                condition=Q(expert__isnull=False),
                name="subsidies_member_expert_once",
            )
        ]

    def __str__(self):
        return f"{self.name}({self.unit})"


class AllocationPlan(models.Model):
    """第八条(三)(四): the 资金分配计划 of one call — the applications and amounts the bureau proposes, within the
    call's budget, 报市政府审定 as one act, then 送市财政局 (the copy is recorded)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编制中")
        SUBMITTED = "submitted", _("已报市政府审定")
        APPROVED = "approved", _("市政府已审定")

    call = models.ForeignKey(Call, verbose_name=_("申报通知"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("方案名称"), max_length=200)
    status = models.CharField(_("方案状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("报审时间"), null=True, blank=True)
    document_no = models.CharField(_("市政府审定文号"), max_length=64, blank=True)
    approved_on = models.DateField(_("市政府审定日期"), null=True, blank=True)
    finance_copied_on = models.DateField(_("抄送财政局日期"), null=True, blank=True)
    finance_recipient = models.CharField(_("财政局接收人"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("编制时间"), auto_now_add=True)

    scope_narrow = staticmethod(lambda user, queryset: _narrow_by_call_domain(user, queryset))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("资金分配方案")
        verbose_name_plural = _("资金分配方案")

    def __str__(self):
        return self.title

    @property
    def total_wan(self):
        from decimal import Decimal

        return sum((line.amount_wan for line in self.lines.all()), Decimal("0.00"))


class AllocationLine(models.Model):
    """One application of an allocation plan and the amount it is allocated (万元)."""

    plan = models.ForeignKey(
        AllocationPlan, verbose_name=_("资金分配方案"), on_delete=models.CASCADE, related_name="lines"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="allocation_lines"
    )
    amount_wan = models.DecimalField(_("分配金额(万元)"), **MONEY)

    scope_narrow = staticmethod(lambda user, queryset: _narrow_by_call_domain(user, queryset, "plan__call"))

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("资金分配明细")
        verbose_name_plural = _("资金分配明细")
        constraints = [
            models.UniqueConstraint(fields=["plan", "application"], name="subsidies_plan_line_once"),
            models.CheckConstraint(condition=Q(amount_wan__gt=0), name="subsidies_plan_line_positive"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.application}"
