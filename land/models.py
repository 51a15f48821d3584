"""The 批而未用 campaign (临政办发〔2022〕15 号): campaigns, task quotas, the parcel ledger and disposals.

Everything the gazette fixes for one year (phases, report deadlines, milestones, the suspension and
bonus rules) is stored as rows of the campaign, not as code, so another year may differ.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linfen_admin.models import Region

from . import rules

AREA = {"max_digits": 12, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class Campaign(models.Model):
    """专项行动: one per year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    suspend_after_misses = models.PositiveSmallIntegerField(
        _("连续未完成几次暂停受理报件"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    bonus_percent = models.DecimalField(
        _("超额完成奖励比例(%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(ZERO)],
    )
    # 二、清理范围: the approval years of 批而未供 land (2009 至 2019 年) and the years idle land formed in (2009 年以来);
    # a blank last year means "up to now". A parcel outside is refused unless the city land bureau records an
    # exception (``Parcel.scope_exception``).
    unsupplied_from_year = models.PositiveSmallIntegerField(_("批而未供批准年份(起)"), default=2009)
    unsupplied_to_year = models.PositiveSmallIntegerField(
        _("批而未供批准年份(止)"), null=True, blank=True, default=2019, help_text=_("不填即至今")
    )
    idle_from_year = models.PositiveSmallIntegerField(
        _("闲置土地形成年份(起)"),
        default=2009,
        help_text=_("闲置土地自约定开工日期满一年未动工之日起形成"),
    )
    idle_to_year = models.PositiveSmallIntegerField(
        _("闲置土地形成年份(止)"), null=True, blank=True, help_text=_("不填即至今")
    )
    linkage_coefficient = models.DecimalField(
        _("增存挂钩核算系数"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "超额奖励计划指标(亩)= 超额完成面积 × 本系数 × 超额完成奖励比例;"
            "按“增存挂钩”机制每处置 1 亩存量土地核算的新增建设用地计划指标(亩),默认 1。"
        ),
    )

    scope_public = True  # published reference data: every holder of the view permission sees all rows

    class Meta:
        ordering = ["-year"]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        constraints = [
            models.CheckConstraint(condition=Q(bonus_percent__gte=0), name="land_campaign_bonus_nonneg"),
            models.CheckConstraint(
                condition=Q(suspend_after_misses__gte=1), name="land_campaign_suspend_min"
            ),
            models.CheckConstraint(
                condition=Q(linkage_coefficient__gte=0), name="land_campaign_linkage_nonneg"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"

    def clean(self):
        errors = {}
        for first, last in (
            ("unsupplied_from_year", "unsupplied_to_year"),
            ("idle_from_year", "idle_to_year"),
        ):
            if getattr(self, last) is not None and getattr(self, first) is not None:
                if getattr(self, last) < getattr(self, first):
                    errors[last] = _("截止年份不能早于起始年份。")
        if errors:
            raise ValidationError(errors)


class Phase(models.Model):
    """工作步骤: 安排部署, 清理处置, 督促检查, 总结提高 (phases may overlap)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("阶段"), max_length=32)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["campaign", "starts_on", "ends_on"]
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="land_phase_dates"),
            models.UniqueConstraint(fields=["campaign", "name"], name="land_phase_unique_name"),
        ]

    def __str__(self):
        return f"{self.name}({self.starts_on:%m-%d}—{self.ends_on:%m-%d})"


class Milestone(models.Model):
    """时间节点: share of the year's task to be done by a date (2022: 50 % by 6-30, 80 % by 9-30, 100 % by 11-30)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="milestones"
    )
    due_on = models.DateField(_("截止日期"))
    percent = models.DecimalField(_("应完成比例(%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["campaign", "due_on"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "due_on"], name="land_milestone_unique_date"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="land_milestone_percent"
            ),
        ]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.percent.normalize():f}%"


class ReportDeadline(models.Model):
    """报送时限: county plan (5-15), county summary (12-25), the city's report (next year 1-10)."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县(市、区)报送")
        CITY = "city", _("市规划和自然资源局报送")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="report_deadlines"
    )
    title = models.CharField(_("报送事项"), max_length=100)
    level = models.CharField(_("报送单位"), max_length=8, choices=Level.choices)
    due_on = models.DateField(_("截止日期"))

    class Meta:
        ordering = ["campaign", "due_on"]
        verbose_name = _("报送时限")
        verbose_name_plural = _("报送时限")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "title"], name="land_deadline_unique_title")
        ]

    def __str__(self):
        return f"{self.title}({self.due_on:%Y-%m-%d})"


class TaskQuota(models.Model):
    """任务分解 (附件 2): per campaign × region, in 亩; a blank cell is 0."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="land_quotas"
    )
    unsupplied_mu = models.DecimalField(_("批而未供土地消化任务(亩)"), default=ZERO, **AREA)
    idle_mu = models.DecimalField(_("闲置土地处置任务(亩)"), default=ZERO, **AREA)

    scope_region_field = "region"

    class Meta:
        ordering = ["campaign", "region__order"]
        verbose_name = _("任务分解")
        verbose_name_plural = _("任务分解")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region"], name="land_quota_unique_region"),
            models.CheckConstraint(condition=Q(unsupplied_mu__gte=0), name="land_quota_unsupplied_nonneg"),
            models.CheckConstraint(condition=Q(idle_mu__gte=0), name="land_quota_idle_nonneg"),
        ]

    def __str__(self):
        return f"{self.campaign.year} {self.region}"


class Interview(models.Model):
    """约谈 and 通报批评 (六(四)): the product proposes the counties that missed two milestones in a row or rank
    last on a notice date; the city land bureau confirms (who was interviewed, when, why, the follow-up) or
    dismisses the proposal with a reason. Either way the decision is a row, so a proposal is decided once."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("约谈")
        CRITICISM = "criticism", _("通报批评")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("不予约谈")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT, related_name="interviews"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="land_interviews"
    )
    kind = models.CharField(_("措施"), max_length=12, choices=Kind.choices, default=Kind.INTERVIEW)
    as_of = models.DateField(_("通报截至日期"))
    basis = models.CharField(_("提议依据"), max_length=200)
    status = models.CharField(_("处理结果"), max_length=12, choices=Status.choices)
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    leader = models.CharField(_("被约谈领导"), max_length=100, blank=True)
    reason = models.TextField(_("约谈事由"), blank=True)
    follow_up = models.TextField(_("整改落实情况"), blank=True)
    dismiss_reason = models.TextField(_("不予约谈理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["-as_of", "region__order"]
        verbose_name = _("约谈与通报批评")
        verbose_name_plural = _("约谈与通报批评")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region", "kind", "as_of"], name="land_interview_unique_proposal"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "dismissed"]), name="land_interview_status"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.as_of:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.status == self.Status.CONFIRMED:
            for name, message in (
                ("held_on", _("请填写约谈日期。")),
                ("leader", _("请填写被约谈领导。")),
                ("reason", _("请填写约谈事由。")),
            ):
                if not getattr(self, name) or (
                    isinstance(getattr(self, name), str) and not getattr(self, name).strip()
                ):
                    errors[name] = message
        elif self.status == self.Status.DISMISSED and not (self.dismiss_reason or "").strip():
            errors["dismiss_reason"] = _("请填写不予约谈的理由。")
        if errors:
            raise ValidationError(errors)


def notice_file_path(instance, filename: str) -> str:
    """Never the uploader's name: the notice's files under a folder of their own, by a random name."""
    import uuid
    from pathlib import PurePosixPath

    return f"land/notices/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class QuarterNotice(models.Model):
    """季通报 (六(四) "实行季通报制度"): drafted by the product for a quarter end, edited and published by the city
    land bureau; once published it never changes, its .docx and the xlsx annex are kept as published, and every
    county reads it (county users see published notices only)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT, related_name="notices"
    )
    as_of = models.DateField(_("通报截至日期"))
    title = models.CharField(_("标题"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    docx = models.FileField(_("通报文件"), upload_to=notice_file_path, blank=True, editable=False)
    annex = models.FileField(_("附件(进度表)"), upload_to=notice_file_path, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope_public = (
        True  # city-wide; ``selectors.notices_visible_to`` shows drafts to the city land bureau only
    )

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("季通报")
        verbose_name_plural = _("季通报")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "as_of"], name="land_notice_unique_date"),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="land_notice_status"),
        ]

    def __str__(self):
        return self.title


class Parcel(models.Model):
    """宗地: one row of a county's 工作台账, 批而未供 or 闲置."""

    class Kind(models.TextChoices):
        UNSUPPLIED = "unsupplied", _("批而未供")
        IDLE = "idle", _("闲置土地")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处置")
        IN_PROGRESS = "in_progress", _("处置中")
        DONE = "done", _("已完成")

    class ExpropriationStatus(models.TextChoices):
        DONE = "done", _("已完成征收")
        IN_PROGRESS = "in_progress", _("征收中")
        NOT_STARTED = "not_started", _("未征收")

    class DisposalPath(models.TextChoices):
        ACCELERATE = "accelerate", _("加快供应")
        COMPLETE_FORMALITIES = "complete_formalities", _("完善手续后供地(含划拨)")
        RE_TENDER = "re_tender", _("重新招拍挂出让")
        WITHDRAW = "withdraw", _("申请撤回或调整批文")

    class ApprovalAuthority(models.TextChoices):
        STATE_COUNCIL = "state_council", _("国务院")
        PROVINCE = "province", _("省人民政府")
        OTHER = "other", _("其他")

    class SupplyMethod(models.TextChoices):
        ALLOCATION = "allocation", _("划拨")
        TENDER = "tender", _("招标出让")
        AUCTION = "auction", _("拍卖出让")
        LISTING = "listing", _("挂牌出让")
        AGREEMENT = "agreement", _("协议出让")
        LEASE = "lease", _("租赁")
        EQUITY = "equity", _("作价出资或入股")
        AUTHORISED = "authorised", _("授权经营")

    class Cause(models.TextChoices):
        GOVERNMENT = "government", _("政府原因或不可抗力")
        ENTERPRISE = "enterprise", _("企业自身原因")
        DISPUTE = "dispute", _("纠纷涉诉")
        NO_PERMIT = "no_permit", _("已开工未取得施工许可")

    class IdleDisposal(models.TextChoices):
        IMPROVE_CONDITIONS = "improve_conditions", _("完善开工条件")
        PAID_RECLAIM = "paid_reclaim", _("有偿收回")
        SWAP = "swap", _("置换土地")
        IDLE_FEE = "idle_fee", _("征缴闲置费")
        FREE_RECLAIM = "free_reclaim", _("无偿收回")
        UPLOAD_EVIDENCE = "upload_evidence", _("上传印证资料")
        URGE_PERMIT = "urge_permit", _("督促办理施工许可")

    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="land_parcels"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("宗地编号/电子监管号"), max_length=32)
    name = models.CharField(_("项目(地块)名称"), max_length=200)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    coordinates = models.TextField(_("位置坐标"), blank=True, help_text=_("界址点坐标或中心点坐标"))
    # Geometry (CGCS2000 longitude/latitude): a point, typed by hand or the centroid of the imported boundary,
    # and optionally the boundary as a GeoJSON polygon (a JSON field works on SQLite and PostgreSQL alike).
    lon = models.FloatField(_("经度"), null=True, blank=True, help_text=_("东经,度(临汾市约 110.2–112.6)"))
    lat = models.FloatField(_("纬度"), null=True, blank=True, help_text=_("北纬,度(临汾市约 35.3–36.9)"))
    boundary = models.JSONField(
        _("界址范围"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("由坐标文件或 GeoJSON 导入的界址多边形"),
    )
    area_mu = models.DecimalField(_("面积(亩)"), **AREA)
    land_use_status = models.CharField(_("土地利用现状"), max_length=100, blank=True)
    status = models.CharField(_("处置状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    supervised = models.BooleanField(_("挂牌督办"), default=False)
    # The sum of the parcel's disposal records, kept by the disposal services under the parcel's row lock, so the
    # ledger reads and sorts it like any column (an as-of date in the past still sums the records).
    disposed_total_mu = models.DecimalField(_("已处置面积(亩)"), default=ZERO, editable=False, **AREA)
    # The date of its latest record, kept with the total: a parcel disposed of in full by now was so on a past date
    # exactly when this is on or before it (what an as-of 可申请撤回批文 asks, without summing any records).
    last_disposed_on = models.DateField(_("最近处置日期"), null=True, blank=True, editable=False)
    # The region's place in the official order, kept on the parcel so that the ledger's usual order is one index
    # (a sort on the joined region would sort the whole table for every page); ``land.totals.sync_region_order``.
    region_order = models.PositiveSmallIntegerField(_("县(市、区)排序"), default=0, editable=False)
    # 批而未供
    approval_no = models.CharField(_("批准文号"), max_length=64, blank=True)
    approved_on = models.DateField(_("批准时间"), null=True, blank=True)
    approved_by = models.CharField(
        _("批准机关"), max_length=16, choices=ApprovalAuthority.choices, default=ApprovalAuthority.PROVINCE
    )
    expropriation_status = models.CharField(
        _("征收状态"), max_length=12, choices=ExpropriationStatus.choices, blank=True
    )
    unsupplied_reason = models.TextField(_("未供原因"), blank=True)
    disposal_path = models.CharField(_("处置路径"), max_length=24, choices=DisposalPath.choices, blank=True)
    # 闲置土地
    supply_method = models.CharField(_("供应方式"), max_length=12, choices=SupplyMethod.choices, blank=True)
    supplied_on = models.DateField(_("供应时间"), null=True, blank=True)
    land_price_wan = models.DecimalField(_("价款(万元)"), null=True, blank=True, **MONEY)
    land_use = models.CharField(_("用途"), max_length=64, blank=True)
    agreed_start_on = models.DateField(_("约定开工时间"), null=True, blank=True)
    actual_start_on = models.DateField(_("实际开工时间"), null=True, blank=True)
    cause = models.CharField(_("未开工原因"), max_length=12, choices=Cause.choices, blank=True)
    idle_disposal = models.CharField(_("处置方式"), max_length=24, choices=IdleDisposal.choices, blank=True)
    reclaimed_on = models.DateField(
        _("依法收回时间"), null=True, blank=True, help_text=_("供而未用且已依法收回的,填写收回决定的日期")
    )
    note = models.TextField(_("备注"), blank=True)
    # 二、清理范围: outside the campaign's years only with an exception the city land bureau records with a reason.
    scope_exception = models.BooleanField(_("清理范围例外"), default=False)
    scope_exception_reason = models.TextField(_("例外理由"), blank=True)

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["region_order", "kind", "code", "id"]
        verbose_name = _("宗地")
        verbose_name_plural = _("宗地")
        permissions = [("supervise_parcel", _("设置或取消挂牌督办"))]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="land_parcel_unique_code"),
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="land_parcel_area_positive"),
            models.CheckConstraint(
                condition=Q(land_price_wan__isnull=True) | Q(land_price_wan__gte=0),
                name="land_parcel_price_nonneg",
            ),
            models.CheckConstraint(condition=Q(kind__in=["unsupplied", "idle"]), name="land_parcel_kind"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress", "done"]), name="land_parcel_status"
            ),
            models.CheckConstraint(
                condition=Q(kind="idle") | (Q(cause="") & Q(idle_disposal="")),
                name="land_parcel_idle_fields_only_idle",
            ),
            models.CheckConstraint(
                condition=Q(kind="unsupplied") | Q(disposal_path=""), name="land_parcel_path_only_unsupplied"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "kind", "status"], name="land_parcel_ledger_idx"),
            models.Index(fields=["lat", "lon"], name="land_parcel_point_idx"),  # the map's bounding-box query
            # The ledger's orders, each ending in the key, so that a page's keys are read from the index alone
            # (``IdsFirstPaginator``): the usual order, by 已处置面积 and by 面积.
            models.Index(fields=["region_order", "kind", "code", "id"], name="land_parcel_usual_order_idx"),
            models.Index(fields=["disposed_total_mu", "id"], name="land_parcel_disposed_idx"),
            models.Index(fields=["area_mu", "id"], name="land_parcel_area_idx"),
            # the other sortable columns, and a county's own ledger in the usual order (its clerks' every page)
            models.Index(fields=["code", "id"], name="land_parcel_code_idx"),
            models.Index(fields=["name", "id"], name="land_parcel_name_idx"),
            models.Index(fields=["status", "id"], name="land_parcel_status_idx"),
            models.Index(fields=["updated_at", "id"], name="land_parcel_updated_idx"),
            models.Index(
                fields=["region", "region_order", "kind", "code", "id"], name="land_parcel_county_order_idx"
            ),
            # two flags' lists counted from small indexes, not by reading the ledger: 挂牌督办, and enterprise-caused
            # idle land (应征缴闲置费 / 应无偿收回 compare its agreed and actual start with the as-of date)
            models.Index(
                fields=["region_order", "kind", "code", "id"],
                condition=Q(supervised=True),
                name="land_parcel_supervised_idx",
            ),
            models.Index(
                fields=["agreed_start_on"],
                include=["actual_start_on"],
                condition=Q(kind="idle", cause="enterprise"),
                name="land_parcel_ent_idle_idx",
            ),
            # 可申请撤回批文: approved by the State Council or the province, counted from this index alone
            models.Index(
                fields=["approved_on"],
                include=["kind", "disposed_total_mu", "area_mu", "last_disposed_on", "reclaimed_on"],
                condition=Q(approved_by__in=rules.WITHDRAWAL_AUTHORITIES),
                name="land_parcel_withdrawal_idx",
            ),
            # parcels outside a campaign's 清理范围 (by approval year or agreed start), without an exception:
            # progress looks them up here before it reads any of their records
            models.Index(
                fields=["kind", "approved_on"],
                condition=Q(scope_exception=False),
                name="land_parcel_scope_approved",
            ),
            models.Index(
                fields=["kind", "agreed_start_on"],
                condition=Q(scope_exception=False),
                name="land_parcel_scope_started",
            ),
        ]

    def __str__(self):
        return self.label(self.code, self.name)

    @staticmethod
    def label(code: str, name: str) -> str:
        """What a parcel is called (its ``str``), also for rows written without an instance (the import)."""
        return f"{code} {name}"

    def clean(self):
        errors = parcel_rule_errors(self)
        if errors:
            raise ValidationError(errors)


def parcel_rule_errors(parcel) -> dict:
    """The rules between a parcel's fields — {field: message} — for anything with a parcel's attributes: a parcel
    (``Parcel.clean``), or an imported row checked before it becomes one."""
    errors = {}
    if parcel.kind == Parcel.Kind.UNSUPPLIED:
        if parcel.cause:
            errors["cause"] = _("未开工原因只适用于闲置土地。")
        if parcel.idle_disposal:
            errors["idle_disposal"] = _("闲置土地处置方式只适用于闲置土地;批而未供土地请选择处置路径。")
    elif parcel.kind == Parcel.Kind.IDLE and parcel.disposal_path:
        errors["disposal_path"] = _("处置路径只适用于批而未供土地;闲置土地请选择处置方式。")
    if parcel.actual_start_on and parcel.supplied_on and parcel.actual_start_on < parcel.supplied_on:
        errors["actual_start_on"] = _("实际开工时间不能早于供应时间。")
    if (parcel.lon is None) != (parcel.lat is None):
        errors["lat" if parcel.lat is None else "lon"] = _("经度和纬度须同时填写。")
    elif parcel.lon is not None:
        from .geometry import outside_linfen

        problem = outside_linfen(parcel.lon, parcel.lat)
        if problem:
            errors["lon"] = problem
    if parcel.reclaimed_on and parcel.kind != Parcel.Kind.IDLE:
        errors["reclaimed_on"] = _("依法收回时间只适用于闲置土地(供而未用土地)。")
    if parcel.scope_exception and not (parcel.scope_exception_reason or "").strip():
        errors["scope_exception_reason"] = _("记录清理范围例外须填写理由。")
    if parcel.agreed_start_on and parcel.supplied_on and parcel.agreed_start_on < parcel.supplied_on:
        errors["agreed_start_on"] = _("约定开工时间不能早于供应时间。")
    return errors


class ParcelCount(models.Model):
    """How many parcels each region's ledger holds, kept by the services that add, move and remove parcels (in the
    same transaction; ``rebuild_land_totals --check`` proves it): an unfiltered ledger of a million parcels reads its
    total from these rows instead of counting the parcels on every page."""

    region = models.OneToOneField(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="+"
    )
    parcels = models.PositiveIntegerField(_("宗地数"), default=0)

    scope_region_field = "region"

    class Meta:
        verbose_name = _("宗地数")
        verbose_name_plural = _("宗地数")

    def __str__(self):
        return f"{self.region}:{self.parcels}"


class DisposalDay(models.Model):
    """Running totals for the progress figures: the area disposed of per region, land kind and day, written by the
    disposal services in the same transaction as the record (``rebuild_land_totals --check`` proves they match).
    Progress for any as-of date sums at most 365 rows per region and kind instead of every record."""

    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Parcel.Kind.choices)
    day = models.DateField(_("处置日期"))
    area_mu = models.DecimalField(_("处置面积(亩)"), default=ZERO, **AREA)
    # the sum of ``area_mu`` from 1 January of the day's year up to this day, for the region and kind: progress as of
    # any date is the latest row on or before it — one index probe per region, kind and date, not a sum of rows
    cumulative_mu = models.DecimalField(_("年内累计处置面积(亩)"), db_default=ZERO, **AREA)

    scope_region_field = "region"

    class Meta:
        verbose_name = _("每日处置合计")
        verbose_name_plural = _("每日处置合计")
        constraints = [
            models.UniqueConstraint(fields=["day", "region", "kind"], name="land_disposalday_unique"),
            models.CheckConstraint(condition=Q(area_mu__gte=0), name="land_disposalday_area_nonneg"),
            models.CheckConstraint(
                condition=Q(cumulative_mu__gte=0), name="land_disposalday_cumulative_nonneg"
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "kind", "day"],
                include=["cumulative_mu"],
                name="land_disposalday_running_idx",
            )
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.day:%Y-%m-%d} {self.area_mu} 亩"


class DisposalRecord(models.Model):
    """处置记录: a parcel may be disposed of in parts; the records never add up to more than its area."""

    METHOD_CHOICES = [*Parcel.DisposalPath.choices, *Parcel.IdleDisposal.choices]

    parcel = models.ForeignKey(
        Parcel, verbose_name=_("宗地"), on_delete=models.PROTECT, related_name="disposals"
    )
    disposed_on = models.DateField(_("处置日期"))
    area_mu = models.DecimalField(_("处置面积(亩)"), **AREA)
    method = models.CharField(_("处置方式"), max_length=24, choices=METHOD_CHOICES)
    document = models.CharField(_("处置文件(文号)"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_region_field = "parcel__region"

    class Meta:
        ordering = ["parcel", "disposed_on", "id"]
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        constraints = [models.CheckConstraint(condition=Q(area_mu__gt=0), name="land_disposal_area_positive")]
        indexes = [models.Index(fields=["disposed_on"], name="land_disposal_date_idx")]

    def __str__(self):
        return f"{self.parcel.code} {self.disposed_on:%Y-%m-%d} {self.area_mu} 亩"


# --- 挂牌督办, 报送材料, 建设用地报件 (临政办发〔2022〕15 号 六(四)、六(五)、五) -------------------------------------


def _private_path(folder: str, filename: str) -> str:
    """Never the uploader's file name (kept in ``original_name``): a random name under a folder of the kind."""
    import uuid
    from pathlib import PurePosixPath

    return f"land/{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


def supervision_report_path(instance, filename: str) -> str:
    return _private_path("supervision", filename)


def deadline_report_path(instance, filename: str) -> str:
    return _private_path("reports", filename)


class Supervision(models.Model):
    """挂牌督办 (六(四)): the city land bureau lists a long-unresolved parcel, or a region's task, for supervision
    with a reason, a deadline and the unit responsible; the county reports progress; the city lifts it. While a
    parcel has an open listing, ``Parcel.supervised`` is true (kept by ``land.oversight``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("督办中")
        LIFTED = "lifted", _("已解除")

    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="land_supervisions"
    )
    parcel = models.ForeignKey(
        Parcel,
        verbose_name=_("宗地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
        help_text=_("不选宗地即督办该县(市、区)的清理任务"),
    )
    reason = models.TextField(_("督办事由"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    due_on = models.DateField(_("办结期限"))
    status = models.CharField(_("督办状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("挂牌人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_at = models.DateTimeField(_("挂牌时间"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lift_reason = models.TextField(_("解除理由"), blank=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(status="open", parcel__isnull=False),
                name="land_supervision_one_open_per_parcel",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(lifted_on__isnull=False) & ~Q(lift_reason="")),
                name="land_supervision_lift_has_reason",
            ),
        ]

    def __str__(self):
        target = self.parcel.code if self.parcel_id else _("清理任务")
        return f"{self.region} {target} · {self.get_status_display()}"

    def clean(self):
        if self.parcel_id and self.region_id and self.parcel.region_id != self.region_id:
            raise ValidationError({"parcel": _("宗地不属于所选县(市、区)。")})


class SupervisionReport(models.Model):
    """督办进展: what the county has done since, with an optional attachment (private, downloaded only through a
    scoped view)."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("挂牌督办"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("报告日期"))
    progress = models.TextField(_("进展情况"))
    file = models.FileField(_("附件"), upload_to=supervision_report_path, max_length=200, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_region_field = "supervision__region"

    class Meta:
        ordering = ["supervision", "reported_on", "id"]
        verbose_name = _("督办进展")
        verbose_name_plural = _("督办进展")

    def __str__(self):
        return f"{self.supervision} {self.reported_on:%Y-%m-%d}"


class DeadlineReport(models.Model):
    """报送材料: a county's (or, for a city-level deadline, the city bureau's) document for one report deadline —
    the 实施方案 by 5-15, the 总结 by 12-25, the city's report by next year's 1-10. A later upload supplements the
    first; the first decides 已报 or 逾期报送."""

    deadline = models.ForeignKey(
        ReportDeadline, verbose_name=_("报送事项"), on_delete=models.PROTECT, related_name="submissions"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("县(市、区)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="land_deadline_reports",
        help_text=_("市级报送事项不填"),
    )
    file = models.FileField(_("文件"), upload_to=deadline_report_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["deadline", "region__order", "submitted_at", "id"]
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        permissions = [("submit_city_report", _("报送市级报告"))]

    def __str__(self):
        return f"{self.deadline.title} {self.region or _('市规划和自然资源局')} {self.original_name}"


class LandApplication(models.Model):
    """建设用地报件 register (六(五)): while a region is suspended, a new application is refused unless it is a 国家重点
    项目 or 民生保障项目 (with a reason); a refused attempt is kept as a row (``status = refused``), never lost."""

    class Category(models.TextChoices):
        ORDINARY = "ordinary", _("一般项目")
        NATIONAL_KEY = "national_key", _("国家重点项目")
        LIVELIHOOD = "livelihood", _("民生保障项目")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已受理")
        REFUSED = "refused", _("暂停受理,未予受理")

    region = models.ForeignKey(
        Region, verbose_name=_("县(市、区)"), on_delete=models.PROTECT, related_name="land_applications"
    )
    project_name = models.CharField(_("项目名称"), max_length=200)
    applicant = models.CharField(_("用地单位"), max_length=200, blank=True)
    area_mu = models.DecimalField(
        _("申请用地面积(亩)"), validators=[MinValueValidator(Decimal("0.001"))], **AREA
    )
    applied_on = models.DateField(_("报件日期"))
    category = models.CharField(
        _("项目类别"), max_length=16, choices=Category.choices, default=Category.ORDINARY
    )
    exception_reason = models.TextField(
        _("例外理由"), blank=True, help_text=_("国家重点项目或民生保障项目须说明")
    )
    status = models.CharField(_("受理状态"), max_length=12, choices=Status.choices, editable=False)
    suspended = models.BooleanField(_("报件时暂停受理"), default=False, editable=False)
    missed_milestones = models.PositiveSmallIntegerField(
        _("报件时连续未完成节点次数"), default=0, editable=False
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_region_field = "region"

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("建设用地报件")
        verbose_name_plural = _("建设用地报件")
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="land_application_area_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "refused"]), name="land_application_status"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.project_name}"

    @property
    def refusal_reason(self) -> str:
        """Why a refused attempt was refused, in the reader's language (from what was recorded at the time)."""
        from django.utils.translation import gettext

        if self.status != self.Status.REFUSED:
            return ""
        return gettext(
            "%(r)s 已连续 %(n)s 次未按时间节点完成清理任务,暂停受理建设用地报件(国家重点项目和民生保障项目除外)。"
        ) % {"r": self.region.name, "n": self.missed_milestones}
