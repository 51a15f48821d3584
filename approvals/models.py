"""承接下放行政审批事项 (临政发〔2022〕5 号): the 19 items, cases, supervision draws and the handover checklist."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Department, Region
from linfen_admin.validators import validate_credit_code


class Item(models.Model):
    """One of the 19 items of the 附件 table, loaded from ``fixtures/approval_items.json``. Public reference data."""

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    class ReceivingKind(models.TextChoices):
        APPROVAL_SERVICE = "approval_service", _("行政审批服务管理部门")
        AGRICULTURE = "agriculture", _("农业农村部门")
        TRANSPORT = "transport", _("交通运输部门")
        HEALTH = "health", _("卫生健康部门")

    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    power_type = models.CharField(_("权力类型"), max_length=16, default="行政许可")
    legal_basis = models.TextField(_("设定依据"))
    provincial_decision = models.CharField(_("省政府改革意见"), max_length=64)
    level = models.CharField(_("承接层级"), max_length=8, choices=Level.choices)
    receiving_department = models.CharField(_("我市承接部门"), max_length=64)
    receiving_department_kind = models.CharField(
        _("承接部门职能"), max_length=24, choices=ReceivingKind.choices
    )
    supervision_measures = models.JSONField(_("加强事中事后监管措施"), default=list)
    remarks = models.TextField(_("备注"), blank=True)
    supervising_departments = models.JSONField(_("监管部门"), default=list, blank=True)
    supervision_levels = models.JSONField(
        _("监管层级"),
        default=list,
        blank=True,
        help_text=_("备注所写监管部门的层级:city = 市级,county = 县级(第 17、18 项:市、县级)"),
    )
    reapply_bar_months = models.PositiveSmallIntegerField(
        _("撤销后不受理期限(月)"),
        default=0,
        help_text=_(
            "许可被撤销或吊销后,同一申请人在此期限内的新申请不予受理;0 表示不限制(第 17 项为 12 个月)"
        ),
    )

    scope_public = True  # published reference data: every holder of the view permission sees all rows

    class Meta:
        ordering = ["number"]
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="approvals_item_number_positive"),
            models.CheckConstraint(
                condition=Q(level__in=["city", "county"]), name="approvals_item_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Case(models.Model):
    """办件. Handled only by the receiving department of its item in its region (``department``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("办理中")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")

    item = models.ForeignKey(Item, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="cases")
    region = models.ForeignKey(
        Region,
        verbose_name=_("区域"),
        on_delete=models.PROTECT,
        related_name="approval_cases",
        help_text=_("县级事项为办理地县(市、区);市级事项一律为“市本级”"),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="approval_cases"
    )
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    accepted_on = models.DateField(_("受理日期"))
    promised_days = models.PositiveSmallIntegerField(
        _("承诺时限(工作日)"), null=True, blank=True, help_text=_("不超过法定时限 20 个工作日;留空按法定时限")
    )
    statutory_due_on = models.DateField(_("法定期限"))
    due_on = models.DateField(_("办结期限"), db_index=True)
    extended_on = models.DateField(_("延期日期"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    location = models.ForeignKey(
        Region,
        verbose_name=_("申请人所在地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "申请人所在县(市、区):其县级监管部门据此收到决定并纳入监管。县级事项即办理地;市级事项不填时"
            "按统一社会信用代码中的登记管理机关行政区划码"
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_region_field = "region"
    scope_department_field = "department"

    class Meta:
        ordering = ["-accepted_on", "-id"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            # the list's order (latest accepted first, the key breaking ties): its last page walks this index
            models.Index(fields=["accepted_on", "id"], name="approvals_case_recent"),
            # open cases by department and due date: the cockpit's due-soon / overdue chart reads only this index
            models.Index(
                fields=["department", "due_on"],
                include=["status"],
                name="approvals_case_pending_due",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_days__isnull=True) | Q(promised_days__gte=1, promised_days__lte=20),
                name="approvals_case_promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("accepted_on")), name="approvals_case_due_after_accept"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="pending", decided_on__isnull=True)
                    | (Q(status__in=["approved", "denied"]) & Q(decided_on__isnull=False))
                ),
                name="approvals_case_decision_consistent",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("accepted_on")),
                name="approvals_case_decided_after_accept",
            ),
            models.CheckConstraint(
                condition=Q(extended_on__isnull=True) | ~Q(extension_reason=""),
                name="approvals_case_extension_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.item.number}号事项 · {self.applicant_name}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING

    # 已超期 / 临期: the one definition each, as a filter (lists, reminders, panels) and for one case (pages, API).
    @classmethod
    def overdue_q(cls, today) -> Q:
        """Still undecided after its due date (the due date itself is the last day allowed)."""
        return Q(status=cls.Status.PENDING, due_on__lt=today)

    def is_overdue_on(self, today) -> bool:
        return self.is_open and self.due_on < today

    @classmethod
    def due_soon_q(cls, today, horizon) -> Q:
        """Undecided and due between today and ``horizon`` (3 working days ahead), both included."""
        return Q(status=cls.Status.PENDING, due_on__gte=today, due_on__lte=horizon)

    @property
    def is_extended(self) -> bool:
        return self.extended_on is not None

    @property
    def decided_late(self) -> bool:
        return self.decided_on is not None and self.decided_on > self.due_on


class LicensedEntity(models.Model):
    """持证主体: the holder of a licence of an item — from an approved case, or entered by hand."""

    class HolderKind(models.TextChoices):
        ORGANISATION = "organisation", _("法人和其他组织")
        INDIVIDUAL = "individual", _("自然人(含个体工商户)")

    class CreditLevel(models.TextChoices):
        A = "A", _("A 级(守信)")
        B = "B", _("B 级(基本守信)")
        C = "C", _("C 级(失信风险)")
        D = "D", _("D 级(严重失信)")

    class Revocation(models.TextChoices):
        # 《行政许可法》第六十九条: the licensing body (or its superior) 撤销 a licence granted unlawfully or obtained
        # by deceit; 吊销许可证件 is an administrative penalty (《行政处罚法》第九条) for a holder's violation.
        RESCINDED = "rescinded", _("撤销许可")
        REVOKED = "revoked", _("吊销许可")

    item = models.ForeignKey(
        Item, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="licensees"
    )
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department,
        verbose_name=_("发证部门"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("办理其许可的部门;该部门的执法人员不得被抽中检查此主体"),
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("许可办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licensee",
    )
    name = models.CharField(_("名称"), max_length=200)
    holder_kind = models.CharField(
        _("主体类型"), max_length=16, choices=HolderKind.choices, default=HolderKind.ORGANISATION
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    credit_level = models.CharField(
        _("信用等级"), max_length=1, choices=CreditLevel.choices, default=CreditLevel.A
    )
    licensed_on = models.DateField(_("许可日期"))
    location = models.ForeignKey(
        Region,
        verbose_name=_("所在地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("主体所在县(市、区):其县级监管部门的执法人员可被抽中检查此主体"),
    )
    active = models.BooleanField(_("有效"), default=True)
    revocation_kind = models.CharField(
        _("撤销/吊销"), max_length=12, choices=Revocation.choices, blank=True, editable=False
    )
    revoked_on = models.DateField(_("撤销/吊销日期"), null=True, blank=True, editable=False)
    revocation_reason = models.TextField(_("撤销/吊销理由"), blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销/吊销经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    scope_region_field = "region"

    class Meta:
        ordering = ["item__number", "region__order", "name", "id"]
        verbose_name = _("持证主体")
        verbose_name_plural = _("持证主体")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(revoked_on__isnull=True, revocation_kind="", revocation_reason="")
                    | (
                        Q(revoked_on__isnull=False, active=False)
                        & ~Q(revocation_kind="")
                        & ~Q(revocation_reason="")
                    )
                ),
                name="approvals_entity_revocation_consistent",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("licensed_on")),
                name="approvals_entity_revoked_after_licensed",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None


class CreditBlacklist(models.Model):
    """失信惩戒名单: a listed entity is inspected in every draw of its item while the listing is in force."""

    entity = models.ForeignKey(
        LicensedEntity, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="blacklistings"
    )
    reason = models.TextField(_("失信事由"))
    listed_on = models.DateField(_("列入日期"))
    lifted_on = models.DateField(_("移出日期"), null=True, blank=True)

    scope_region_field = "entity__region"

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = _("失信惩戒名单")
        verbose_name_plural = _("失信惩戒名单")
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gt=F("listed_on")),
                name="approvals_blacklist_lifted_after_listed",
            ),
        ]

    def __str__(self):
        return f"{self.entity} · {self.listed_on}"


class RiskLevel(models.Model):
    """风险/信用等级 → 抽查比例, from ``fixtures/approvals_risk_levels.json`` (data, not code).

    The notice asks for a sampling ratio set "根据风险程度、信用水平" (临政发〔2022〕5 号 第 2、3 项 监管措施 1,
    第 8、10 项: "根据风险程度,合理确定抽查比例") but gives no figures. Each row ties one credit level of the holders
    (``LicensedEntity.credit_level``) to its ratio, and every draw samples each holder at its own level's ratio.
    The shipped ratios (A 5 %, B 10 %, C 30 %, D 100 %) are the project's defaults, not the notice's; the
    administrator changes them in the admin."""

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("等级"), max_length=32)
    credit_level = models.CharField(
        _("对应信用等级"),
        max_length=1,
        choices=LicensedEntity.CreditLevel.choices,
        unique=True,
        null=True,
        blank=True,
        help_text=_("此等级的主体按本行比例抽查"),
    )
    ratio = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=3)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("风险等级")
        verbose_name_plural = _("风险等级")
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gt=0, ratio__lte=1), name="approvals_risk_ratio_range")
        ]

    def __str__(self):
        return f"{self.name}({self.ratio:.0%})"


class InspectionDraw(models.Model):
    """一次“双随机”抽查. The inputs are stored so that anyone can replay it (``selectors.replay_draw``)."""

    item = models.ForeignKey(Item, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="draws")
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    risk_level = models.ForeignKey(
        RiskLevel,
        verbose_name=_("风险等级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ratio = models.DecimalField(
        _("统一最低抽查比例"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("各主体按其信用等级的比例抽查;填写时,比例低于此值的等级按此值抽查"),
    )
    level_ratios = models.JSONField(
        _("各信用等级抽查比例快照"), default=dict, blank=True, help_text=_("{信用等级: 比例}")
    )
    entity_levels = models.JSONField(_("主体信用等级快照"), default=dict, blank=True)
    entity_supervisors = models.JSONField(
        _("主体监管部门快照"),
        default=dict,
        blank=True,
        help_text=_("{主体编号: [监管部门编号, …]}:只从这些部门抽取检查人员;空表示事项未列明监管部门"),
    )
    seed = models.CharField(_("随机种子"), max_length=64)
    inspectors_per_entity = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    drawn_on = models.DateField(_("抽取日期"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidate_entity_ids = models.JSONField(_("候选主体快照"), default=list, blank=True)
    blacklisted_entity_ids = models.JSONField(_("失信主体快照"), default=list, blank=True)
    entity_departments = models.JSONField(_("主体发证部门快照"), default=dict, blank=True)
    inspector_pool = models.JSONField(
        _("执法人员库快照"), default=list, blank=True, help_text=_("[[用户编号, 部门编号], …]")
    )

    scope_region_field = "region"

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio__isnull=True) | Q(ratio__gt=0, ratio__lte=1),
                name="approvals_draw_ratio_range",
            ),
            models.CheckConstraint(
                condition=Q(inspectors_per_entity__gte=1), name="approvals_draw_inspectors_min"
            ),
        ]

    def __str__(self):
        return f"{self.item.number}号事项 {self.region} {self.drawn_on} 抽查"


class DrawnEntity(models.Model):
    """One drawn entity with its randomly assigned inspectors and the inspection result (检查结果)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待检查")
        COMPLIANT = "compliant", _("未发现问题")
        RECTIFY = "rectify", _("发现问题已责令整改")
        PENALISED = "penalised", _("发现违法违规已立案查处")
        NOT_FOUND = "not_found", _("未找到主体")

    draw = models.ForeignKey(
        InspectionDraw, verbose_name=_("抽查"), on_delete=models.CASCADE, related_name="drawn"
    )
    entity = models.ForeignKey(
        LicensedEntity, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="inspections"
    )
    blacklisted = models.BooleanField(_("失信主体必查"), default=False)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="approval_inspections"
    )
    result = models.CharField(_("检查结果"), max_length=12, choices=Result.choices, default=Result.PENDING)
    result_note = models.TextField(_("结果说明"), blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)

    scope_region_field = "draw__region"

    class Meta:
        ordering = ["draw", "entity_id"]
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")
        constraints = [
            models.UniqueConstraint(fields=["draw", "entity"], name="approvals_drawn_once"),
            models.CheckConstraint(
                condition=Q(result="pending") | Q(checked_on__isnull=False), name="approvals_result_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.draw} · {self.entity}"


def _confirmer(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )


class HandoverChecklist(models.Model):
    """承接情况: per item × receiving department — 放得开、接得住、管得好.

    The checklist is the notice's own words (临政发〔2022〕5 号 正文): the item is received (承接), the staff trained,
    the handover published (加大宣传力度 → 对外公示), the work handed over with the province (做好工作衔接), and a
    first case handled (首件办结). Each step carries its date and who confirmed it; the handover is complete only
    when all five are done (``STEPS``, ``is_complete``, ``complete_q``)."""

    # (step key, date field, confirmer field, label): the checklist's order on every page and export.
    STEPS = (
        ("received", "received_on", "received_by", _("接收")),
        ("trained", "staff_trained_on", "staff_trained_by", _("人员培训")),
        ("publicized", "publicized_on", "publicized_by", _("对外公示")),
        ("coordinated", "coordinated_on", "coordinated_by", _("与省级工作衔接")),
        ("first_case", "first_case_on", "first_case_by", _("首件办结")),
    )

    item = models.ForeignKey(
        Item, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="handovers"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承接部门"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("已承接(日期)"), null=True, blank=True)
    received_by = _confirmer(_("接收确认人"))
    staff_trained_on = models.DateField(_("人员已培训(日期)"), null=True, blank=True)
    staff_trained_by = _confirmer(_("培训确认人"))
    publicized_on = models.DateField(
        _("已对外公示(日期)"),
        null=True,
        blank=True,
        help_text=_("承接事项、办理部门和办事指南向社会公布的日期"),
    )
    publicized_by = _confirmer(_("公示确认人"))
    coordinated_on = models.DateField(
        _("已与省级衔接(日期)"),
        null=True,
        blank=True,
        help_text=_("与省级原实施部门完成工作衔接(在办件、档案和系统权限交接)的日期"),
    )
    coordinated_by = _confirmer(_("衔接确认人"))
    first_case_on = models.DateField(
        _("首件办结(日期)"), null=True, blank=True, help_text=_("该部门办结本事项第一件办件时自动填写")
    )
    first_case_by = _confirmer(_("首件办结人"))
    note = models.TextField(_("说明"), blank=True)

    scope_region_field = "department__region"
    scope_department_field = "department"

    class Meta:
        ordering = ["item__number", "department__region__order", "department__code"]
        verbose_name = _("承接情况")
        verbose_name_plural = _("承接情况")
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="approvals_handover_once")]

    def __str__(self):
        return f"{self.item.number}号事项 · {self.department}"

    @classmethod
    def complete_q(cls) -> Q:
        """All five steps done (the handover counted complete)."""
        return Q(**{f"{date_field}__isnull": False for _key, date_field, _by, _label in cls.STEPS})

    @property
    def steps(self) -> list[dict]:
        """The checklist: each step's label, date and confirmer (``None`` when recorded before confirmers were)."""
        return [
            {
                "key": key,
                "label": label,
                "on": getattr(self, date_field),
                "by": getattr(self, by_field),
                "done": getattr(self, date_field) is not None,
            }
            for key, date_field, by_field, label in self.STEPS
        ]

    @property
    def done_count(self) -> int:
        return sum(getattr(self, date_field) is not None for _key, date_field, _by, _label in self.STEPS)

    @property
    def step_count(self) -> int:
        return len(self.STEPS)

    @property
    def is_complete(self) -> bool:
        return self.done_count == len(self.STEPS)


class WorkCalendarYear(models.Model):
    """一年的国务院节假日安排, entered by an administrator from the State Council notice before the
    ``chinesecalendar`` package knows the year. A year entered here overrides the package for that year:
    Monday–Friday are working days except its holidays (放假), plus its make-up working days (调休上班)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice_title = models.CharField(
        _("通知标题"),
        max_length=200,
        help_text=_("如:国务院办公厅关于2027年部分节假日安排的通知"),
    )
    document_number = models.CharField(
        _("文号"), max_length=64, blank=True, help_text=_("如:国办发明电〔2026〕X号")
    )
    published_on = models.DateField(_("发布日期"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历(年度节假日安排)")
        verbose_name_plural = _("工作日历(年度节假日安排)")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="approvals_calendar_year_range"
            ),
        ]

    def __str__(self):
        return _("%(year)s 年节假日安排") % {"year": self.year}


class WorkCalendarDay(models.Model):
    """One listed day of a year's schedule: a holiday (放假) or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        MAKEUP_WORKDAY = "makeup_workday", _("调休上班")

    year = models.ForeignKey(
        WorkCalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True, help_text=_("如:春节"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("放假/调休日期")
        verbose_name_plural = _("放假/调休日期")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["holiday", "makeup_workday"]), name="approvals_calendar_day_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKDAY

    def clean(self):
        super().clean()
        try:
            year = self.year
        except WorkCalendarYear.DoesNotExist:
            year = None
        if year is not None and year.year and self.date and self.date.year != year.year:
            raise ValidationError(
                {
                    "date": _("日期 %(date)s 不在 %(year)s 年内。")
                    % {"date": self.date.isoformat(), "year": year.year}
                }
            )


class Complaint(models.Model):
    """投诉举报 about an item in a region, assigned to a supervising department and handled within a time limit.

    The departments are those of the item's 备注 (``Item.supervising_departments``, 第 17、18 项: "市、县级" market
    regulation / health), at the city level or in the complaint's region; for an item whose 备注 names none, the
    receiving department of the item there (``selectors.complaint_departments``). Seen by that department and by
    the item's receiving department in the region (``scope_narrow``), like cases."""

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("12345 政务服务便民热线")
        LETTER = "letter", _("来信")
        VISIT = "visit", _("来访")
        ONLINE = "online", _("网上投诉举报")
        PHONE = "phone", _("电话")
        REFERRAL = "referral", _("上级交办或部门移送")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        HANDLED = "handled", _("已办结")

    # The product's default time limit, stored per complaint and changeable when it is received. 15 working days
    # is the limit within which a market regulation department checks a lead received by complaint or report and
    # decides whether to open a case (《市场监督管理行政处罚程序规定》第十八条); it binds those departments only —
    # the other supervising departments set the limit their own rules give.
    DEFAULT_LIMIT_DAYS = 15

    item = models.ForeignKey(
        Item, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="complaints"
    )
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    receiving_department = models.ForeignKey(
        Department, verbose_name=_("承接部门"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="approval_complaints"
    )
    entity = models.ForeignKey(
        LicensedEntity,
        verbose_name=_("被投诉主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    received_on = models.DateField(_("收到日期"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    content = models.TextField(_("投诉举报内容"))
    complainant = models.CharField(_("投诉举报人"), max_length=64, blank=True, help_text=_("可匿名"))
    complainant_contact = models.CharField(_("联系方式"), max_length=64, blank=True, help_text=_("选填"))
    limit_days = models.PositiveSmallIntegerField(
        _("办理时限(工作日)"),
        default=DEFAULT_LIMIT_DAYS,
        help_text=_(
            "默认 15 个工作日,登记时可调整。市场监管部门核查投诉举报线索的期限为 15 个工作日"
            "(《市场监督管理行政处罚程序规定》第十八条);其他部门按其规定填写"
        ),
    )
    due_on = models.DateField(_("办理期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    result = models.TextField(_("办理结果"), blank=True)
    handled_on = models.DateField(_("办结日期"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_days__gte=1, limit_days__lte=60), name="approvals_complaint_limit_range"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("received_on")), name="approvals_complaint_due_after_received"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="open", handled_on__isnull=True, result="")
                    | (Q(status="handled", handled_on__isnull=False) & ~Q(result=""))
                ),
                name="approvals_complaint_result_consistent",
            ),
            models.CheckConstraint(
                condition=Q(handled_on__isnull=True) | Q(handled_on__gte=F("received_on")),
                name="approvals_complaint_handled_after_received",
            ),
        ]

    def __str__(self):
        return f"{self.item.number}号事项 · {self.region} · {self.received_on}"

    @classmethod
    def scope_narrow(cls, user, queryset):
        """A department's user sees the complaints assigned to it and those about the items it received."""
        if user.department_id is None:
            return queryset
        return queryset.filter(
            Q(department_id=user.department_id) | Q(receiving_department_id=user.department_id)
        )

    @classmethod
    def scope_edit_narrow(cls, user, queryset):
        """Only the assigned (supervising) department handles it."""
        if user.department_id is None:
            return queryset.none()
        return queryset.filter(department_id=user.department_id)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @classmethod
    def overdue_q(cls, today) -> Q:
        return Q(status=cls.Status.OPEN, due_on__lt=today)

    @classmethod
    def due_soon_q(cls, today, horizon) -> Q:
        return Q(status=cls.Status.OPEN, due_on__gte=today, due_on__lte=horizon)

    def is_overdue_on(self, today) -> bool:
        return self.is_open and self.due_on < today

    @property
    def handled_late(self) -> bool:
        return self.handled_on is not None and self.handled_on > self.due_on


class Supervision(models.Model):
    """监管台账: a decided case on the supervision list of one supervising department (事中事后监管).

    Written by ``case_decide`` for every department the item's 备注 names at the levels it names
    (``Item.supervising_departments``, ``Item.supervision_levels``; 第 17 项: 市、县级市场监督管理部门和卫生健康部门,
    第 18 项: 市、县级卫生健康部门): the city one, and the one of the applicant's county (``Case.location``).
    Each department's users see their own rows only; a county department's rows are of its county."""

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="supervisions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="approval_supervisions"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("监管区域"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("县级监管部门为其县(市、区),市级监管部门为市本级"),
    )
    entity = models.ForeignKey(
        LicensedEntity,
        verbose_name=_("持证主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    created_at = models.DateTimeField(_("纳入时间"), auto_now_add=True)

    scope_region_field = "region"
    scope_department_field = "department"

    class Meta:
        ordering = ["-case__decided_on", "-id"]
        verbose_name = _("监管台账")
        verbose_name_plural = _("监管台账")
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="approvals_supervised_once"),
        ]

    def __str__(self):
        return f"{self.case} · {self.department}"
